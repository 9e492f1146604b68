import { Generator, tensor, zeros } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dataset, TransformDataset } from './dataset';
import { addGaussianNoise, compose, flattenTransform, normalize } from './transforms';

describe('normalize', () => {
  it('standardizes with scalars', () => {
    expect(normalize(1, 2)(tensor([1, 3, 5])).toArray()).toEqual([0, 1, 2]);
  });

  it('standardizes per channel along dim -3 by default, (C, H, W) and (N, C, H, W)', () => {
    const img = tensor([[[1, 1]], [[10, 20]]]); // (2, 1, 2)
    const norm = normalize([1, 10], [1, 10]);
    expect(norm(img).toArray()).toEqual([[[0, 0]], [[0, 1]]]);
    expect(norm(img.unsqueeze(0)).shape).toEqual([1, 2, 1, 2]);
    expect(norm(img.unsqueeze(0)).toArray()).toEqual([[[[0, 0]], [[0, 1]]]]);
  });

  it('runs along another dim when asked, e.g. the features of (N, F)', () => {
    const x = tensor([
      [0, 10],
      [2, 20],
    ]);
    expect(normalize([1, 15], [1, 5], { dim: -1 })(x).toArray()).toEqual([
      [-1, -1],
      [1, 1],
    ]);
  });

  it('gives float32 for int32 input and keeps float64', () => {
    expect(normalize(0, 2)(tensor([2, 4], { dtype: 'int32' })).dtype).toBe('float32');
    expect(normalize(0, 2)(tensor([2, 4], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('rejects a zero std, mismatched channel counts and a bad dim', () => {
    expect(() => normalize(0, 0)).toThrow(/std must not contain zeros/);
    expect(() => normalize([0, 0], [1, 1, 1])).toThrow(/mean has 2 entries but std has 3/);
    expect(() => normalize([0, 0, 0], 1)(zeros([2, 4, 4]))).toThrow(/mean has 3 entries but the input has 2 channels/);
    expect(() => normalize([0, 0], 1)(zeros([2]))).toThrow(/dim -3 is out of range/);
    expect(() => normalize(Number.NaN, 1)).toThrow(/finite/);
  });
});

describe('addGaussianNoise', () => {
  it('adds noise of the given std, reproducibly from a generator', () => {
    const x = zeros([20000]);
    const noisy = addGaussianNoise(0.5, { generator: new Generator(0) })(x);
    expect(noisy.shape).toEqual([20000]);
    expect(noisy.mean().item()).toBeCloseTo(0, 1);
    expect(noisy.std().item()).toBeCloseTo(0.5, 1);
    const again = addGaussianNoise(0.5, { generator: new Generator(0) })(x);
    expect(again.toArray()).toEqual(noisy.toArray());
  });

  it('draws fresh noise on every call, around the given mean', () => {
    const t = addGaussianNoise(1, { mean: 3, generator: new Generator(1) });
    const a = t(zeros([5000]));
    const b = t(zeros([5000]));
    expect(a.toArray()).not.toEqual(b.toArray());
    expect(a.mean().item()).toBeCloseTo(3, 1);
  });

  it('std 0 leaves the values unchanged; a negative std is rejected', () => {
    expect(addGaussianNoise(0)(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(() => addGaussianNoise(-1)).toThrow(/non-negative/);
  });
});

describe('flattenTransform and compose', () => {
  it('flattens to one dimension', () => {
    expect(flattenTransform(zeros([1, 28, 28])).shape).toEqual([784]);
  });

  it('composes left to right; no functions is the identity', () => {
    const f = compose(
      (x: number) => x + 1,
      (x: number) => x * 10,
      (x: number) => `${x}`,
    );
    expect(f(1)).toBe('20');
    expect(compose<number>()(5)).toBe(5);
    expect(() => compose(1 as unknown as () => void)).toThrow(/argument 0 is not a function/);
  });

  it('chains tensor transforms inside a TransformDataset', () => {
    class Images extends Dataset<ReturnType<typeof zeros>> {
      readonly length = 2;
      get(i: number) {
        return zeros([1, 2, 2]).add(i);
      }
    }
    const ds = new TransformDataset(new Images(), compose(normalize(0.5, 0.5), flattenTransform));
    expect(ds.get(1).toArray()).toEqual([1, 1, 1, 1]);
    expect(ds.get(0).toArray()).toEqual([-1, -1, -1, -1]);
  });
});
