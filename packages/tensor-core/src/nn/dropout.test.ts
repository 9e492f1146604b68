import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, type Tensor, TensorError } from '../index';
import { Dropout1d, Dropout2d } from './dropout';
import { dropout1d, dropout2d } from './functional';

/** For each (sample, channel) of `y` (from an input of ones), whether it was dropped; checks the rest equal `scale`. */
function channelMask(y: Tensor, channelDims: number, scale: number): boolean[] {
  const per = y.shape.slice(channelDims).reduce((a, b) => a * b, 1);
  const channels = y.size / per;
  const dropped: boolean[] = [];
  for (let c = 0; c < channels; c++) {
    const values = Array.from(y.data.subarray(c * per, (c + 1) * per));
    const zero = values[0] === 0;
    // Whole channels: every value of a channel is 0, or every value is the scale.
    for (const v of values) expect(v).toBeCloseTo(zero ? 0 : scale, 6);
    dropped.push(zero);
  }
  return dropped;
}

describe('Dropout2d / dropout2d', () => {
  it('zeroes whole channels and scales the others by 1 / (1 - p)', () => {
    const y = dropout2d(ones([8, 16, 3, 3]), 0.25, true, { generator: new Generator(0) });
    const dropped = channelMask(y, 2, 1 / 0.75);
    const fraction = dropped.filter((d) => d).length / dropped.length;
    expect(fraction).toBeGreaterThan(0.15);
    expect(fraction).toBeLessThan(0.35);
  });

  it('draws one value per channel of an unbatched (C, H, W) input', () => {
    const y = dropout2d(ones([64, 2, 2]), 0.5, true, { generator: new Generator(1) });
    const dropped = channelMask(y, 1, 2);
    expect(dropped.some((d) => d)).toBe(true);
    expect(dropped.some((d) => !d)).toBe(true);
  });

  it('is the identity in evaluation and with p = 0, and gives zeros with p = 1', () => {
    const x = randn([2, 3, 4, 4]);
    const drop = new Dropout2d(0.5).eval();
    expect(drop.forward(x)).toBe(x);
    expect(dropout2d(x, 0, true)).toBe(x);
    expect(dropout2d(x, 1, true)).toBeAllclose(x.mul(0));
  });

  it('is reproducible with a seeded generator, and the module draws from its generator', () => {
    const x = randn([2, 8, 2, 2]);
    const a = new Dropout2d(0.5, { generator: new Generator(7) }).forward(x);
    const b = dropout2d(x, 0.5, true, { generator: new Generator(7) });
    expect(a).toBeAllclose(b, { rtol: 0, atol: 0 });
    const c = dropout2d(x, 0.5, true, { generator: new Generator(8) });
    expect(c.sub(a).abs().sum().item()).toBeGreaterThan(0);
  });

  it('passes the gradient through the same channel mask', () => {
    const x = ones([2, 6, 2, 2]).requiresGrad_();
    const y = dropout2d(x, 0.5, true, { generator: new Generator(3) });
    y.sum().backward();
    expect(x.grad).toBeAllclose(y.detach());
  });

  it('checks the rank and the probability', () => {
    expect(() => dropout2d(ones([2, 3]))).toThrow(TensorError);
    expect(() => dropout2d(ones([2, 3]))).toThrow(
      'dropout2d: expected a 3D (C, H, W) or 4D (N, C, H, W) input, got 2D input of shape (2,3)',
    );
    expect(() => new Dropout2d(1.5)).toThrow('Dropout2d: dropout probability has to be between 0 and 1, but got 1.5');
    expect(new Dropout2d(0.2).toString()).toBe('Dropout2d(p=0.2)');
  });
});

describe('Dropout1d / dropout1d', () => {
  it('zeroes whole (L) rows of (N, C, L) and (C, L) inputs, scaled by 1 / (1 - p)', () => {
    const drop = new Dropout1d(0.5, { generator: new Generator(2) });
    const batched = channelMask(drop.forward(ones([4, 16, 5])), 2, 2);
    expect(batched.some((d) => d) && batched.some((d) => !d)).toBe(true);
    const unbatched = channelMask(drop.forward(ones([32, 5])), 1, 2);
    expect(unbatched.some((d) => d) && unbatched.some((d) => !d)).toBe(true);
  });

  it('is the identity in evaluation and reproducible with a seed', () => {
    const x = randn([2, 3, 4]);
    expect(new Dropout1d().eval().forward(x)).toBe(x);
    expect(dropout1d(x, 0.3, true, { generator: new Generator(5) })).toBeAllclose(
      dropout1d(x, 0.3, true, { generator: new Generator(5) }),
      { rtol: 0, atol: 0 },
    );
  });

  it('checks the rank', () => {
    expect(() => dropout1d(ones([1, 2, 3, 4]))).toThrow(
      'dropout1d: expected a 2D (C, L) or 3D (N, C, L) input, got 4D input of shape (1,2,3,4)',
    );
  });
});
