import { describe, expect, it } from 'vitest';
import { TensorError } from '../errors';
import { Generator } from '../random';
import type { Tensor } from '../tensor';
import { avgPool2d, conv1d, conv2d, convTranspose2d, fold, maxPool2d, unfold } from './conv';
import { arange, ones, randn, tensor, zeros } from './creation';

const g = new Generator(7);
const r = (shape: number[]) => randn(shape, { dtype: 'float64', generator: g });

/** The textbook definition of a grouped, strided, padded, dilated 2-d cross-correlation. */
function naiveConv2d(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  [sh, sw]: number[],
  [ph, pw]: number[],
  [dh, dw]: number[],
  groups: number,
): number[] {
  const [n, cin, h, wd] = x.shape;
  const [cout, cpg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const out: number[] = [];
  for (let bi = 0; bi < n; bi++)
    for (let o = 0; o < cout; o++) {
      const grp = Math.floor(o / (cout / groups));
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = b ? b.data[o] : 0;
          for (let c = 0; c < cpg; c++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const y = i * sh - ph + p * dh;
                const xx = j * sw - pw + q * dw;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                const ci = grp * cpg + c;
                s += w.data[((o * cpg + c) * kh + p) * kw + q] * x.data[((bi * cin + ci) * h + y) * wd + xx];
              }
          out.push(s);
        }
    }
  return out;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TensorError);
    return (e as Error).message;
  }
  throw new Error('expected a TensorError');
}

describe('conv2d', () => {
  it('matches the definition with stride, padding, dilation, groups and bias', () => {
    const x = r([2, 4, 7, 6]);
    const w = r([6, 2, 3, 2]);
    const b = r([6]);
    const y = conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 });
    expect(y.shape).toEqual([2, 6, 4, 8]);
    expect(y.data).toBeAllclose(naiveConv2d(x, w, b, [2, 1], [1, 2], [1, 2], 2), { rtol: 1e-12, atol: 1e-12 });
  });

  it("keeps the size with padding 'same', also for even kernels", () => {
    expect(conv2d(r([1, 2, 5, 6]), r([3, 2, 4, 2]), null, { padding: 'same' }).shape).toEqual([1, 3, 5, 6]);
    expect(conv2d(r([1, 2, 5, 6]), r([3, 2, 3, 3]), null, { padding: 'valid' }).shape).toEqual([1, 3, 3, 4]);
  });

  it('accepts unbatched (C, H, W) input', () => {
    const x = r([2, 4, 4]);
    const w = r([3, 2, 2, 2]);
    const y = conv2d(x, w);
    expect(y.shape).toEqual([3, 3, 3]);
    expect(y).toBeAllclose(conv2d(x.reshape([1, 2, 4, 4]), w).reshape([3, 3, 3]), { rtol: 0, atol: 0 });
  });

  it('names the op, the shapes and the rule in its errors', () => {
    expect(message(() => conv2d(zeros([2, 3, 8, 8]), zeros([16, 4, 3, 3])))).toBe(
      'conv2d: input (2,3,8,8) has 3 channels but weight (16,4,3,3) expects 4 (groups=1)',
    );
    expect(message(() => conv2d(zeros([2, 4, 8, 8]), zeros([15, 2, 3, 3]), null, { groups: 2 }))).toContain(
      'weight (15,2,3,3) has 15 output channels, which groups=2 does not divide',
    );
    expect(message(() => conv2d(zeros([1, 3, 2, 2]), zeros([4, 3, 5, 5]), null, { padding: 1 }))).toBe(
      'conv2d: kernel (5,5) with dilation (1,1) spans (5,5), more than the padded input (4,4) (input (1,3,2,2), padding (1,1))',
    );
    expect(message(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 3, 3, 3]), zeros([3])))).toContain(
      'bias (3) must have shape (4)',
    );
    expect(message(() => conv2d(zeros([8, 8]), zeros([4, 3, 3, 3])))).toContain(
      'expected a 3-d (C,H,W) or 4-d (N,C,H,W) input, got (8,8)',
    );
    expect(message(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 3, 3])))).toContain('weight must be 4-d');
    expect(message(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 3, 3, 3]), null, { stride: 0 }))).toContain(
      'stride must be an integer or 2 integers >= 1, got 0',
    );
    expect(
      message(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 3, 3, 3]), null, { padding: 'same', stride: 2 })),
    ).toContain("padding='same' is not supported for strided convolutions");
    expect(message(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 3, 3, 3]), null, { groups: 0 }))).toContain(
      'groups must be a positive integer',
    );
    expect(message(() => conv2d(tensor([[[[1]]]], { dtype: 'int32' }), zeros([1, 1, 1, 1])))).toContain(
      'input (1,1,1,1) must be float32 or float64, got int32',
    );
  });
});

describe('conv1d', () => {
  it('equals conv2d on a height-1 image', () => {
    const x = r([2, 4, 11]);
    const w = r([6, 2, 3]);
    const b = r([6]);
    const y = conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 });
    const y2 = conv2d(x.reshape([2, 4, 1, 11]), w.reshape([6, 2, 1, 3]), b, {
      stride: [1, 2],
      padding: [0, 1],
      dilation: [1, 2],
      groups: 2,
    });
    expect(y.shape).toEqual([2, 6, 5]);
    expect(y).toBeAllclose(y2.reshape([2, 6, 5]), { rtol: 0, atol: 0 });
  });

  it('reports errors with the 1-d shapes', () => {
    expect(message(() => conv1d(zeros([2, 3, 8]), zeros([4, 2, 3])))).toBe(
      'conv1d: input (2,3,8) has 3 channels but weight (4,2,3) expects 2 (groups=1)',
    );
    expect(message(() => conv1d(zeros([2, 3, 2]), zeros([4, 3, 5])))).toContain(
      'kernel (5) with dilation (1) spans (5), more than the padded input (2)',
    );
  });
});

describe('convTranspose2d', () => {
  it('is the adjoint of conv2d: <conv2d(x, w), z> = <x, convTranspose2d(z, w)>', () => {
    const cases: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }[] =
      [
        { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
        { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2 },
        { stride: [2, 3], padding: [0, 1], dilation: [2, 1], groups: 1 },
      ];
    const [h, w] = [9, 10];
    for (const o of cases) {
      const x = r([2, 4, h, w]);
      const weight = r([6, 4 / o.groups, 3, 3]);
      const y = conv2d(x, weight, null, o);
      const z = r(y.shape.slice());
      // The output padding that gives the transposed convolution x's size again.
      const outputPadding = [h, w].map((s, i) => (s + 2 * o.padding[i] - o.dilation[i] * 2 - 1) % o.stride[i]) as [
        number,
        number,
      ];
      const xt = convTranspose2d(z, weight, null, { ...o, outputPadding });
      expect(xt.shape).toEqual(x.shape);
      expect(x.mul(xt).sum().item()).toBeCloseTo(y.mul(z).sum().item(), 9);
    }
  });

  it('validates channels, groups and output padding', () => {
    expect(message(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([4, 2, 3, 3])))).toContain(
      'input (1,3,4,4) has 3 channels but weight (4,2,3,3) expects 4',
    );
    expect(message(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([3, 2, 3, 3]), null, { groups: 2 }))).toContain(
      'input (1,3,4,4) has 3 channels, which groups=2 does not divide',
    );
    expect(
      message(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([3, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })),
    ).toContain('outputPadding (2,2) must be smaller than either stride (2,2) or dilation (1,1)');
    expect(message(() => convTranspose2d(zeros([1, 3, 1, 1]), zeros([3, 2, 1, 1]), null, { padding: 1 }))).toContain(
      'gives an empty output (-1,-1)',
    );
  });
});

describe('pooling', () => {
  it('maxPool2d takes window maxima and routes the gradient to them', () => {
    const x = arange(16).float().reshape([1, 1, 4, 4]).requiresGrad_();
    const y = maxPool2d(x, 2);
    expect(y.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [
        [
          [0, 0, 0, 0],
          [0, 1, 0, 1],
          [0, 0, 0, 0],
          [0, 1, 0, 1],
        ],
      ],
    ]);
  });

  it('maxPool2d pads with -∞, also in the ceil-mode overhang', () => {
    const x = tensor([
      [
        [-1, -2, -3],
        [-4, -5, -6],
        [-7, -8, -9],
      ],
    ]);
    expect(maxPool2d(x, 2, { ceilMode: true }).toArray()).toEqual([
      [
        [-1, -3],
        [-7, -9],
      ],
    ]);
    expect(maxPool2d(x, 3, { stride: 1, padding: 1 }).toArray()).toEqual([
      [
        [-1, -1, -2],
        [-1, -1, -2],
        [-4, -4, -5],
      ],
    ]);
  });

  it('avgPool2d divides by the window, with or without the padding', () => {
    const x = ones([1, 1, 4, 4]);
    expect(avgPool2d(x, 2, { padding: 1, countIncludePad: false }).toArray()).toEqual([
      [
        [
          [1, 1, 1],
          [1, 1, 1],
          [1, 1, 1],
        ],
      ],
    ]);
    expect(avgPool2d(x, 2, { padding: 1 }).toArray()).toEqual([
      [
        [
          [0.25, 0.5, 0.25],
          [0.5, 1, 0.5],
          [0.25, 0.5, 0.25],
        ],
      ],
    ]);
    expect(avgPool2d(x, 2, { divisorOverride: 2 }).toArray()).toEqual([
      [
        [
          [2, 2],
          [2, 2],
        ],
      ],
    ]);
  });

  it('validates padding against the kernel and the output size', () => {
    expect(message(() => maxPool2d(zeros([1, 1, 8, 8]), 3, { padding: 2 }))).toBe(
      'maxPool2d: padding (2,2) must be at most half the kernel size (3,3)',
    );
    expect(message(() => avgPool2d(zeros([1, 1, 8, 8]), [2, 4], { padding: [1, 3] }))).toContain(
      'padding (1,3) must be at most half the kernel size (2,4)',
    );
    expect(message(() => maxPool2d(zeros([1, 1, 2, 2]), 3))).toContain(
      'kernel (3,3) with dilation (1,1) spans (3,3), more than the padded input (2,2)',
    );
    expect(message(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { divisorOverride: 0 }))).toContain(
      'divisorOverride must be a nonzero number',
    );
    expect(message(() => maxPool2d(zeros([4, 4]), 2))).toContain('expected a 3-d (C,H,W) or 4-d (N,C,H,W) input');
  });
});

describe('unfold and fold', () => {
  it('fold undoes unfold when the blocks tile the image', () => {
    const x = r([2, 3, 6, 4]);
    const cols = unfold(x, [3, 2], { stride: [3, 2] });
    expect(cols.shape).toEqual([2, 18, 4]);
    expect(fold(cols, [6, 4], [3, 2], { stride: [3, 2] })).toBeAllclose(x, { rtol: 0, atol: 0 });
  });

  it('fold(unfold(x)) counts how many blocks cover each pixel', () => {
    const x = ones([1, 1, 3, 3]);
    expect(fold(unfold(x, 2), 3, 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });

  it('checks the block count and the channel size', () => {
    expect(message(() => fold(zeros([1, 8, 10]), 4, 2))).toBe(
      'fold: input (1,8,10) has 10 blocks, but outputSize (4,4) with kernel (2,2), padding (0,0), stride (1,1) and dilation (1,1) holds 3x3 = 9',
    );
    expect(message(() => fold(zeros([1, 6, 9]), 4, 2))).toContain(
      "input (1,6,9): dim 1 of size 6 must be divisible by the kernel's 2·2 = 4 taps",
    );
    expect(message(() => fold(zeros([6]), 4, 2))).toContain('expected a 2-d (C·kh·kw, L) or 3-d (N, C·kh·kw, L) input');
  });
});
