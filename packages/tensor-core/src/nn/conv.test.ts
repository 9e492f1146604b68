import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, Generator, pad, randn, tensor } from '../index';
import { Conv1d, Conv2d, ConvTranspose2d, type ConvTranspose2dModuleOptions } from './conv';

describe('Conv1d', () => {
  it('has PyTorch weight shapes and output lengths', () => {
    const conv = new Conv1d(16, 33, 3, { stride: 2 });
    expect(conv.weight.shape).toEqual([33, 16, 3]);
    expect(conv.bias!.shape).toEqual([33]);
    expect(conv.forward(randn([20, 16, 50])).shape).toEqual([20, 33, 24]);
    expect(new Conv1d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([6, 2, 3]);
    expect(new Conv1d(2, 3, 4, { padding: 'same' }).forward(randn([1, 2, 9])).shape).toEqual([1, 3, 9]);
  });

  it('computes a cross-correlation', () => {
    const conv = new Conv1d(1, 1, 2, { bias: false });
    conv.loadStateDict({ weight: tensor([[[1, -1]]]) });
    expect(conv.forward(tensor([[[1, 4, 9, 16]]]))).toBeAllclose([[[-3, -5, -7]]]);
  });
});

describe('Conv2d', () => {
  it('has PyTorch weight shapes and output sizes', () => {
    const conv = new Conv2d(3, 16, [3, 5], { stride: [2, 1], padding: [4, 2], dilation: [3, 1] });
    expect(conv.weight.shape).toEqual([16, 3, 3, 5]);
    expect(conv.forward(randn([2, 3, 20, 10])).shape).toEqual([2, 16, 11, 10]); // ⌊(20 + 8 - 6 - 1)/2⌋ + 1 = 11
    expect(conv.forward(randn([3, 20, 10])).shape).toEqual([16, 11, 10]); // unbatched
  });

  it('draws weight and bias from U(-1/√fanIn, 1/√fanIn) with fanIn = in/groups · kh · kw', () => {
    const conv = new Conv2d(8, 64, 3, { groups: 2, generator: new Generator(0) });
    const bound = 1 / Math.sqrt(4 * 9);
    for (const p of [conv.weight, conv.bias!]) {
      const d = Array.from(p.data);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(bound);
    }
    expect(Math.max(...Array.from(conv.weight.data))).toBeGreaterThan(0.98 * bound);
  });

  it('prints only the settings that differ from the defaults, like PyTorch', () => {
    expect(new Conv2d(3, 16, 3).toString()).toBe('Conv2d(3, 16, kernel_size=[3, 3], stride=[1, 1])');
    expect(new Conv2d(4, 8, [3, 5], { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }).toString()).toBe(
      'Conv2d(4, 8, kernel_size=[3, 5], stride=[2, 2], padding=[1, 1], dilation=[2, 2], groups=2, bias=false)',
    );
    expect(new Conv2d(1, 1, 3, { padding: 'same' }).toString()).toBe(
      'Conv2d(1, 1, kernel_size=[3, 3], stride=[1, 1], padding=same)',
    );
  });

  it('rejects bad geometry in the constructor', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels 3 must be divisible by groups 2');
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow('Conv2d: outChannels 3 must be divisible by groups 2');
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/not supported for strided/);
    expect(() => new Conv2d(1, 1, 0)).toThrow(/kernelSize must be an integer or 2 integers >= 1, got 0/);
    expect(() => new Conv2d(1, 1, [3, 3, 3] as unknown as [number, number])).toThrow(/kernelSize/);
  });
});

describe('ConvTranspose2d', () => {
  it('has the (in, out/groups, kh, kw) weight and upsamples', () => {
    const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 });
    expect(up.weight.shape).toEqual([8, 4, 4, 4]);
    expect(up.forward(randn([1, 8, 16, 16])).shape).toEqual([1, 4, 32, 32]);
    expect(new ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([4, 3, 3, 3]);
    const withOutputPadding = new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    expect(withOutputPadding.forward(randn([1, 2, 5, 5])).shape).toEqual([1, 2, 10, 10]);
    expect(withOutputPadding.toString()).toBe(
      'ConvTranspose2d(2, 2, kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], output_padding=[1, 1])',
    );
  });

  it("rejects 'same' padding", () => {
    expect(() => new ConvTranspose2d(1, 1, 3, { padding: 'same' as unknown as number })).toThrow(
      /padding must be a number or a pair/,
    );
  });
});

describe('paddingMode', () => {
  it('pads the input in that mode, then convolves without padding (like PyTorch)', () => {
    const x = randn([2, 3, 5, 6], { dtype: 'float64' });
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      const conv = new Conv2d(3, 4, [3, 2], { padding: [1, 2], stride: [2, 1], paddingMode: mode, dtype: 'float64' });
      const want = conv2d(pad(x, [2, 2, 1, 1], { mode }), conv.weight, conv.bias, { stride: [2, 1] });
      expect(conv.forward(x)).toBeAllclose(want, { rtol: 1e-12, atol: 1e-12 });
    }
  });

  it("splits an odd 'same' total with the extra entry at the end", () => {
    const x = randn([1, 2, 7], { dtype: 'float64' });
    const conv = new Conv1d(2, 3, 4, { padding: 'same', paddingMode: 'reflect', dtype: 'float64' });
    const want = conv1d(pad(x, [1, 2], { mode: 'reflect' }), conv.weight, conv.bias);
    expect(conv.forward(x).shape).toEqual([1, 3, 7]);
    expect(conv.forward(x)).toBeAllclose(want, { rtol: 1e-12, atol: 1e-12 });
    const dilated = new Conv2d(2, 2, 3, {
      padding: 'same',
      dilation: [1, 2],
      paddingMode: 'circular',
      dtype: 'float64',
    });
    const img = randn([1, 2, 4, 5], { dtype: 'float64' });
    const wantImg = conv2d(pad(img, [2, 2, 1, 1], { mode: 'circular' }), dilated.weight, dilated.bias, {
      dilation: [1, 2],
    });
    expect(dilated.forward(img)).toBeAllclose(wantImg, { rtol: 1e-12, atol: 1e-12 });
  });

  it('pads unbatched inputs too, and gradients reach the input through the padding', () => {
    const conv = new Conv1d(1, 1, 3, { padding: 2, paddingMode: 'replicate', bias: false });
    conv.loadStateDict({ weight: tensor([[[1, 1, 1]]]) });
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = conv.forward(x); // padded [1, 1, 1, 2, 3, 3, 3]
    expect(y).toBeAllclose([[3, 4, 6, 8, 9]]);
    y.sum().backward();
    // x0 is read by 3 + 2 + 1 windows directly or through the copies on the left.
    expect(x.grad).toBeAllclose([[6, 3, 6]]);
  });

  it('keeps the state-dict keys and prints padding_mode like PyTorch', () => {
    const conv = new Conv2d(1, 1, 3, { padding: 1, paddingMode: 'reflect' });
    expect([...conv.stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(conv.toString()).toBe(
      'Conv2d(1, 1, kernel_size=[3, 3], stride=[1, 1], padding=[1, 1], padding_mode=reflect)',
    );
    expect(new Conv1d(2, 2, 3, { paddingMode: 'zeros' }).toString()).toBe('Conv1d(2, 2, kernel_size=[3], stride=[1])');
  });

  it('rejects unknown modes, and non-zeros modes for transposed convolutions', () => {
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(
      "Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'",
    );
    expect(
      () => new ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' } as unknown as ConvTranspose2dModuleOptions),
    ).toThrow("ConvTranspose2d: only paddingMode 'zeros' is supported, got 'reflect'");
    // Reflect padding larger than the input fails in pad, naming the rule.
    expect(() => new Conv1d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).forward(randn([1, 1, 3]))).toThrow(
      /reflect padding must be smaller than the padded dim/,
    );
  });
});
