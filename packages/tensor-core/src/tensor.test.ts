import { describe, expect, it } from 'vitest';
import {
  arange,
  eye,
  full,
  grad,
  linspace,
  noGrad,
  ones,
  randn,
  type Tensor,
  TensorError,
  tensor,
  zeros,
  zerosLike,
} from './index';

describe('Tensor basics', () => {
  it('creates from nested arrays with the inferred shape', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor(5).item()).toBe(5);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(() => tensor([[1, 2], [3] as unknown as number[]])).toThrow(/ragged/);
  });

  it('has the creation functions PyTorch has', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
    expect(arange(3).dtype).toBe('int32');
    expect(arange(1, 2, 0.5).toArray()).toEqual([1, 1.5]);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(zerosLike(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => zeros([-1])).toThrow(TensorError);
    expect(() => zeros([2 ** 20, 2 ** 20])).toThrow(/more than the limit/);
  });

  it('prints like PyTorch', () => {
    expect(
      tensor([
        [1.5, -2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])');
    expect(tensor([1, 2]).toString()).toBe('tensor([1., 2.])');
    expect(arange(3).toString()).toBe('tensor([0, 1, 2], dtype=int32)');
    expect(tensor([1], { requiresGrad: true }).toString()).toBe('tensor([1.], requiresGrad=true)');
    expect(tensor([1], { requiresGrad: true }).mul(2).toString()).toBe('tensor([2.], gradFn=<mul>)');
    expect(arange(2000).toString()).toContain('...');
  });

  it('converts dtypes; int division gives float', () => {
    const i = tensor([7, -7], { dtype: 'int32' });
    expect(i.div(2).toArray()).toEqual([3.5, -3.5]);
    expect(i.div(2).dtype).toBe('float32');
    expect(tensor([1.7, -1.7]).int().toArray()).toEqual([1, -1]);
    expect(i.add(1).dtype).toBe('int32');
    expect(i.add(0.5).dtype).toBe('float32');
    expect(tensor([1], { dtype: 'float64' }).add(tensor([1])).dtype).toBe('float64');
  });
});

describe('autograd engine', () => {
  it('accumulates gradients across backward calls, like PyTorch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad?.toArray()).toEqual([6, 6]);
  });

  it('sums gradients of a tensor used twice and through broadcasting', () => {
    const b = tensor([1, 2, 3], { requiresGrad: true });
    const x = ones([4, 3]);
    const y = x.add(b).mul(b).sum(); // Σ (1 + b) b over 4 rows
    y.backward();
    expect(b.grad?.toArray()).toEqual([4 * 3, 4 * 5, 4 * 7]);
  });

  it('refuses a second backward through a freed graph unless retainGraph', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/second time/);
    const z = x.exp().sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(x.grad?.item()).toBeCloseTo(3 * Math.E, 5); // e from y, then e twice from z
  });

  it('needs an explicit gradient for non-scalar outputs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/scalar outputs/);
    x.mul(2).backward(tensor([1, 10]));
    expect(x.grad?.toArray()).toEqual([2, 20]);
  });

  it('does not record inside noGrad, and detach cuts the graph', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    const z = x.detach();
    expect(z.requiresGrad).toBe(false);
    expect(z.data).toBe(x.data);
  });

  it('detects use of a tensor changed in place after it was saved for backward', () => {
    const w = tensor([2], { requiresGrad: true });
    const y = w.mul(w).sum();
    noGrad(() => w.add_(1));
    expect(() => y.backward()).toThrow(/modified by an in-place operation/);
    // An op that does not need its input's value is unaffected (as in PyTorch).
    const v = tensor([2], { requiresGrad: true });
    const s = v.add(1).sum();
    noGrad(() => v.add_(1));
    s.backward();
    expect(v.grad?.item()).toBe(1);
  });

  it('keeps .grad on non-leaves only with retainGrad', () => {
    const x = tensor([3], { requiresGrad: true });
    const h = x.mul(2);
    const k = x.mul(3);
    h.retainGrad();
    h.add(k).sum().backward();
    expect(h.grad?.item()).toBe(1);
    expect(k.grad).toBeNull();
  });

  it('computes higher derivatives with grad(createGraph)', () => {
    const x = tensor([0.5], { dtype: 'float64', requiresGrad: true });
    const y = x.tanh().sum();
    const [d1] = grad(y, x, { createGraph: true });
    const [d2] = grad(d1!.sum(), x, { createGraph: true });
    const [d3] = grad(d2!.sum(), x);
    const t = Math.tanh(0.5);
    expect(d1!.item()).toBeCloseTo(1 - t * t, 12);
    expect(d2!.item()).toBeCloseTo(-2 * t * (1 - t * t), 12);
    expect(d3!.item()).toBeCloseTo(-2 * (1 - t * t) * (1 - 3 * t * t), 12);
  });

  it('grad reports unused inputs unless allowUnused', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const y = a.mul(2).sum();
    expect(() => grad(y, [a, b], { retainGraph: true })).toThrow(/not used/);
    expect(grad(y, [a, b], { allowUnused: true })[1]).toBeNull();
  });

  it('backpropagates through a 10,000-step chain without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad?.item()).toBeCloseTo(1.0001 ** 10000, 2);
  });

  it('casts gradients back to each input dtype', () => {
    const a = randn([3], { requiresGrad: true });
    const b = randn([3], { dtype: 'float64', requiresGrad: true });
    a.mul(b).sum().backward();
    expect(a.grad?.dtype).toBe('float32');
    expect(b.grad?.dtype).toBe('float64');
  });
});

describe('broadcasting corner cases', () => {
  it('does not mistake equal-size shapes for equal shapes', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => a.add(b)).toThrow(/cannot be broadcast/);
  });
});

describe('methods for masks, scans, sorting and norms', () => {
  const x = tensor([
    [3, -1, 2],
    [0, 4, -4],
  ]);

  it('call the functions of the same name', () => {
    const mask = tensor([true, false, true]);
    expect(x.maskedFill(mask, 9).toArray()).toEqual([
      [9, -1, 9],
      [9, 4, 9],
    ]);
    expect(x.tril().toArray()).toEqual([
      [3, 0, 0],
      [0, 4, 0],
    ]);
    expect(x.triu(1).toArray()).toEqual([
      [0, -1, 2],
      [0, 0, -4],
    ]);
    expect(x.tril(-1).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(x.cumsum(1).toArray()).toEqual([
      [3, 2, 4],
      [0, 4, 0],
    ]);
    const [v, i] = x.sort();
    expect(v.toArray()).toEqual([
      [-1, 2, 3],
      [-4, 0, 4],
    ]);
    expect(i.toArray()).toEqual([
      [1, 2, 0],
      [2, 0, 1],
    ]);
    const [tv, ti] = x.topk(1, 0);
    expect(tv.toArray()).toEqual([[3, 4, 2]]);
    expect(ti.toArray()).toEqual([[0, 1, 0]]);
    expect(x.norm().item()).toBeCloseTo(Math.sqrt(46), 5);
    expect(x.norm(1, 1).toArray()).toEqual([6, 8]);
    expect(x.norm(Infinity, 0, true).toArray()).toEqual([[3, 4, 4]]);
    expect(
      tensor([1, 2])
        .outer(tensor([3, 4, 5]))
        .toArray(),
    ).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  it('norm has gradient 0, not NaN, at the origin, as PyTorch', () => {
    const z = zeros([3], { requiresGrad: true });
    z.norm().backward();
    expect(z.grad?.toArray()).toEqual([0, 0, 0]);
  });
});
