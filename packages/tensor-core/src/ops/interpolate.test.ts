import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool1d, adaptiveMaxPool2dWithIndices, interpolate, pad, randn, tensor } from '../index';

describe('interpolate', () => {
  it('does what its examples say', () => {
    expect(interpolate(tensor([[[1, 2]]]), { scaleFactor: 2 }).toArray()).toEqual([[[1, 1, 2, 2]]]);
    expect(interpolate(tensor([[[1, 2]]]), { size: 4, mode: 'linear' })).toBeAllclose([[[1, 1.25, 1.75, 2]]]);
    expect(interpolate(randn([1, 3, 8, 8]), { scaleFactor: 0.5, mode: 'bilinear' }).shape).toEqual([1, 3, 4, 4]);
  });

  it('with alignCorners, puts the output corners on the input corners', () => {
    // 3 → 5 points: positions 0, 0.5, 1, 1.5, 2.
    expect(interpolate(tensor([[[0, 10, 40]]]), { size: 5, mode: 'linear', alignCorners: true })).toBeAllclose([
      [[0, 5, 10, 25, 40]],
    ]);
  });

  it('uses the given scale factor for positions unless told to recompute it from the sizes', () => {
    const x = tensor([[[0, 1, 2, 3, 4]]]);
    // 5 · 1.7 → 8 outputs; ⌊j / 1.7⌋ and ⌊j · 5/8⌋ differ at j = 5 and 7.
    expect(interpolate(x, { scaleFactor: 1.7 }).toArray()).toEqual([[[0, 0, 1, 1, 2, 2, 3, 4]]]);
    expect(interpolate(x, { scaleFactor: 1.7, recomputeScaleFactor: true }).toArray()).toEqual([
      [[0, 0, 1, 1, 2, 3, 3, 4]],
    ]);
    expect(() => interpolate(x, { size: 3, recomputeScaleFactor: true })).toThrow(
      'interpolate: recomputeScaleFactor is not meaningful with an explicit size',
    );
  });

  it('sends each gradient back to the entries it read, accumulating', () => {
    const x = tensor([[[1, 2, 3]]], { requiresGrad: true });
    interpolate(x, { size: 2, mode: 'linear' }).sum().backward();
    // Outputs read positions 0.25 and 1.75: weights (0.75, 0.25, 0) and (0, 0.25, 0.75).
    expect(x.grad).toBeAllclose([[[0.75, 0.5, 0.75]]]);
  });
});

describe('pad', () => {
  it('takes the constant or an options object', () => {
    expect(pad(tensor([[1, 2, 3]]), [1, 2]).toArray()).toEqual([[0, 1, 2, 3, 0, 0]]);
    expect(pad(tensor([[1, 2, 3]]), [1, 0], 7).toArray()).toEqual([[7, 1, 2, 3]]);
    expect(pad(tensor([[1, 2, 3]]), [1, 0], { value: 7 }).toArray()).toEqual([[7, 1, 2, 3]]);
    expect(pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'reflect' }).toArray()).toEqual([[3, 2, 1, 2, 3, 2]]);
    expect(pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'replicate' }).toArray()).toEqual([[1, 1, 1, 2, 3, 3]]);
    expect(pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'circular' }).toArray()).toEqual([[2, 3, 1, 2, 3, 1]]);
  });

  it('accumulates the border gradients on the entries they copy', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    pad(x, [2, 2], { mode: 'reflect' }).sum().backward(); // [3, 2, 1, 2, 3, 2, 1]
    expect(x.grad).toBeAllclose([[2, 3, 2]]);
  });
});

describe('adaptive pooling examples', () => {
  it('do what their examples say', () => {
    expect(adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2)).toBeAllclose([[[2, 4]]]);
    const [y, idx] = adaptiveMaxPool2dWithIndices(
      tensor([
        [
          [
            [1, 5, 2],
            [7, 2, 0],
          ],
        ],
      ]),
      1,
    );
    expect(y.toArray()).toEqual([[[[7]]]]);
    expect(idx.toArray()).toEqual([[[[3]]]]);
  });
});
