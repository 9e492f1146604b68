import { arange, Generator, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dataset, randomSplit, Subset, TensorDataset, TransformDataset } from './dataset';

/** Items 0..n-1 as plain numbers. */
class Range extends Dataset<number> {
  constructor(readonly length: number) {
    super();
  }
  get(i: number): number {
    return i;
  }
}

describe('Dataset', () => {
  it('is iterable in index order', () => {
    expect([...new Range(4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('TensorDataset', () => {
  const x = arange(12, undefined, 1, { dtype: 'float32' }).reshape(4, 3);
  const y = tensor([0, 1, 2, 3], { dtype: 'int32' });

  it('items are tuples of rows', () => {
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.toArray()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(2);
  });

  it('getBatch gathers rows in the order asked', () => {
    const [xb, yb] = new TensorDataset(x, y).getBatch(new Int32Array([3, 0, 3]));
    expect(xb.toArray()).toEqual([
      [9, 10, 11],
      [0, 1, 2],
      [9, 10, 11],
    ]);
    expect(yb.dtype).toBe('int32');
    expect(yb.toArray()).toEqual([3, 0, 3]);
  });

  it('rejects no tensors, 0-d tensors and mismatched first dimensions', () => {
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    expect(() => new TensorDataset(tensor(1))).toThrow(/0-d/);
    expect(() => new TensorDataset(x, tensor([1, 2]))).toThrow(
      /tensor 0 has shape \(4,3\), tensor 1 has \(2\) \(dim 0 must match\)/,
    );
  });

  it('rejects indices out of range', () => {
    const ds = new TensorDataset(x);
    expect(() => ds.get(4)).toThrow(TensorError);
    expect(() => ds.get(-1)).toThrow(/index -1 is out of range for a dataset of 4 items/);
    expect(() => ds.get(1.5)).toThrow(TensorError);
  });
});

describe('Subset', () => {
  it('maps its indices to the dataset', () => {
    const s = new Subset(new Range(10), [7, 2, 2]);
    expect(s.length).toBe(3);
    expect([...s]).toEqual([7, 2, 2]);
    expect(() => s.get(3)).toThrow(TensorError);
    expect(() => new Subset(new Range(3), [0, 3])).toThrow(/index 3 is out of range/);
  });

  it('copies the indices it is given', () => {
    const idx = [1, 2];
    const s = new Subset(new Range(5), idx);
    idx[0] = 4;
    expect(s.get(0)).toBe(1);
  });

  it('fetches batches through a TensorDataset, also nested', () => {
    const x = tensor([10, 11, 12, 13, 14]);
    const inner = new Subset(new TensorDataset(x), [4, 3, 2]);
    const outer = new Subset(inner, [2, 0]);
    expect(outer.canGetBatch()).toBe(true);
    expect(outer.getBatch(new Int32Array([1, 0]))[0].toArray()).toEqual([14, 12]);
    const plain = new Subset(new Range(3), [0]);
    expect(plain.canGetBatch()).toBe(false);
    expect(() => plain.getBatch(new Int32Array([0]))).toThrow(/cannot fetch batches/);
  });
});

describe('TransformDataset', () => {
  it('applies the transform on every get, with the index', () => {
    const calls: number[] = [];
    const t = new TransformDataset(new Range(3), (v, i) => {
      calls.push(i);
      return v * 10;
    });
    expect(t.length).toBe(3);
    expect([...t]).toEqual([0, 10, 20]);
    t.get(1);
    expect(calls).toEqual([0, 1, 2, 1]);
  });

  it('works on tuples of a TensorDataset', () => {
    const ds = new TensorDataset(tensor([[1, 2]]), tensor([5], { dtype: 'int32' }));
    const doubled = new TransformDataset(ds, ([x, y]) => [x.mul(2), y] as [Tensor, Tensor]);
    expect(doubled.get(0)[0].toArray()).toEqual([2, 4]);
  });
});

describe('randomSplit', () => {
  const sorted = (s: Subset<number>) => Array.from(s.indices).sort((a, b) => a - b);

  it('splits by lengths into disjoint subsets covering every item', () => {
    const parts = randomSplit(new Range(10), [5, 3, 2], { generator: new Generator(0) });
    expect(parts.map((p) => p.length)).toEqual([5, 3, 2]);
    const all = parts.flatMap((p) => [...p]);
    expect(all.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("splits by fractions with PyTorch's round-robin remainder", () => {
    // floor(10 × 0.33) = 3 three times, 1 left over → the first subset.
    expect(randomSplit(new Range(10), [0.33, 0.33, 0.34]).map((p) => p.length)).toEqual([4, 3, 3]);
    // floor(7 × 0.5) = 3 twice, 1 left over.
    expect(randomSplit(new Range(7), [0.5, 0.5]).map((p) => p.length)).toEqual([4, 3]);
    // floor(11 × 0.25) = 2 four times, 3 left over → the first three.
    expect(randomSplit(new Range(11), [0.25, 0.25, 0.25, 0.25]).map((p) => p.length)).toEqual([3, 3, 3, 2]);
    // 0.1 + 0.2 + 0.7 is 1.0000000000000002 in floating point; still fractions.
    expect(randomSplit(new Range(10), [0.1, 0.2, 0.7]).map((p) => p.length)).toEqual([1, 2, 7]);
    expect(randomSplit(new Range(5), [1, 0]).map((p) => p.length)).toEqual([5, 0]);
  });

  it('is reproducible with a seeded generator and differs between seeds', () => {
    const a = randomSplit(new Range(50), [0.8, 0.2], { generator: new Generator(7) });
    const b = randomSplit(new Range(50), [0.8, 0.2], { generator: new Generator(7) });
    const c = randomSplit(new Range(50), [0.8, 0.2], { generator: new Generator(8) });
    expect(Array.from(a[1].indices)).toEqual(Array.from(b[1].indices));
    expect(Array.from(a[1].indices)).not.toEqual(Array.from(c[1].indices));
    expect(sorted(a[0])).not.toEqual(Array.from({ length: 40 }, (_, i) => i)); // actually shuffled
  });

  it('rejects lengths that do not add up, negative or fractional counts, and empty lists', () => {
    expect(() => randomSplit(new Range(10), [5, 4])).toThrow(/add up to 9, not to the dataset's 10 items/);
    expect(() => randomSplit(new Range(10), [11, -1])).toThrow(/non-negative integers/);
    expect(() => randomSplit(new Range(10), [0.5, 0.4])).toThrow(/non-negative integers or fractions/);
    expect(() => randomSplit(new Range(10), [1.5, -0.5])).toThrow(/fraction at index 0 is not between 0 and 1/);
    expect(() => randomSplit(new Range(10), [])).toThrow(/non-empty/);
  });
});
