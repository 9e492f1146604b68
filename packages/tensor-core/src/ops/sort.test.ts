import { describe, expect, it } from 'vitest';
import { randn, sort, tensor, topk, zeros } from '../index';

describe('sort', () => {
  it('is stable: equal entries keep their order, ascending and descending', () => {
    const x = tensor([2, 1, 2, 0, 1]);
    const [v, i] = sort(x);
    expect(v.toArray()).toEqual([0, 1, 1, 2, 2]);
    expect(i.toArray()).toEqual([3, 1, 4, 0, 2]);
    expect(i.dtype).toBe('int32');
    const [vd, id] = sort(x, 0, true);
    expect(vd.toArray()).toEqual([2, 2, 1, 1, 0]);
    expect(id.toArray()).toEqual([0, 2, 1, 4, 3]);
  });

  it('puts NaN above every number, and sorts int and bool tensors without changing their dtype', () => {
    const [v, i] = sort(tensor([Number.NaN, 1, Number.NEGATIVE_INFINITY, Number.NaN, 0]));
    expect(Array.from(v.data)).toEqual([Number.NEGATIVE_INFINITY, 0, 1, Number.NaN, Number.NaN]);
    expect(i.toArray()).toEqual([2, 4, 1, 0, 3]);
    expect(sort(tensor([3, -1, 2], { dtype: 'int32' }))[0].toArray()).toEqual([-1, 2, 3]);
    const [b] = sort(tensor([true, false, true]), -1, true);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, true, false]);
  });

  it('sends each value’s gradient to the entry it came from', () => {
    const x = tensor(
      [
        [3, 1, 2],
        [0, 5, 4],
      ],
      { requiresGrad: true },
    );
    const [v] = sort(x, 1);
    v.mul(tensor([1, 10, 100]))
      .sum()
      .backward();
    expect(x.grad?.toArray()).toEqual([
      [100, 1, 10],
      [1, 100, 10],
    ]);
  });

  it('handles 0-d tensors and empty dims as PyTorch does', () => {
    const [v, i] = sort(tensor(7));
    expect(v.shape).toEqual([]);
    expect(v.item()).toBe(7);
    expect(i.item()).toBe(0);
    const [ve, ie] = sort(zeros([2, 0]), 0);
    expect(ve.shape).toEqual([2, 0]);
    expect(ie.shape).toEqual([2, 0]);
  });
});

describe('topk', () => {
  it('takes tied values at the lower position first, and NaN as the largest', () => {
    const x = tensor([3, 1, 3, 2, 3]);
    expect(topk(x, 2)[1].toArray()).toEqual([0, 2]);
    expect(topk(x, 2, 0, false)[1].toArray()).toEqual([1, 3]);
    const [v, i] = topk(tensor([1, Number.NaN, 5]), 2);
    expect(Number.isNaN(v.data[0])).toBe(true);
    expect(v.data[1]).toBe(5);
    expect(i.toArray()).toEqual([1, 2]);
  });

  it('with sorted = false returns the same entries (here, in sorted order)', () => {
    const x = randn([4, 9]);
    const [vs, is] = topk(x, 4, 1, true, true);
    const [vu, iu] = topk(x, 4, 1, true, false);
    expect(vu).toBeAllclose(vs);
    expect(iu.toArray()).toEqual(is.toArray());
  });

  it('agrees with the first k entries of sort along any dim', () => {
    const x = randn([3, 5, 4]);
    for (const dim of [0, 1, -1]) {
      const [v, i] = topk(x, 2, dim, false);
      const [sv, si] = sort(x, dim);
      expect(v).toBeAllclose(sv.narrow(dim, 0, 2));
      expect(i.toArray()).toEqual(si.narrow(dim, 0, 2).toArray());
    }
  });

  it('allows k = 0 and a 0-d input', () => {
    const [v, i] = topk(randn([2, 3]), 0);
    expect(v.shape).toEqual([2, 0]);
    expect(i.shape).toEqual([2, 0]);
    expect(topk(tensor(4), 1)[0].item()).toBe(4);
  });
});
