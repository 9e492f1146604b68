import { describe, expect, it } from 'vitest';
import { ones, tensor } from '../index';
import type { Tensor } from '../tensor';
import { grad } from './engine';

describe('gradient accumulation in one pass', () => {
  it('sums many contributions to one weight (a weight used at every step)', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    let h = ones([2]);
    for (let t = 0; t < 20; t++) h = h.mul(w).add(1); // h_t = w·h_{t-1} + 1
    h.sum().backward();
    // Reference: the same recurrence in plain numbers, differentiated by hand.
    const ref = [0.5, -1].map((wi) => {
      let v = 1;
      let dv = 0;
      for (let t = 0; t < 20; t++) {
        dv = dv * wi + v;
        v = v * wi + 1;
      }
      return dv;
    });
    expect(w.grad).toBeAllclose(ref, { rtol: 1e-5 });
  });

  it('a gradient tensor shared by two inputs (the rule of add) stays intact when one of them gets more', () => {
    // add hands the same gradient tensor to both of its inputs; x then gets more through x·2 (in either order).
    for (const build of [
      (x: Tensor, y: Tensor) => x.add(y).add(x.mul(2)),
      (x: Tensor, y: Tensor) => x.mul(2).add(x.add(y)),
    ]) {
      const x = tensor([1, 2], { requiresGrad: true });
      const y = tensor([3, 4], { requiresGrad: true });
      build(x, y).sum().backward();
      expect(x.grad?.toArray()).toEqual([3, 3]);
      expect(y.grad?.toArray()).toEqual([1, 1]);
    }
    // The same when the shared gradient is itself a sum the pass made (s is used three times).
    for (const build of [
      (x: Tensor, y: Tensor) => {
        const s = x.add(y);
        return s.add(s).add(s).add(x.mul(2));
      },
      (x: Tensor, y: Tensor) => {
        const s = x.add(y);
        return x.mul(2).add(s.add(s).add(s));
      },
    ]) {
      const x = tensor([1, 2], { requiresGrad: true });
      const y = tensor([3, 4], { requiresGrad: true });
      build(x, y).sum().backward();
      expect(x.grad?.toArray()).toEqual([5, 5]);
      expect(y.grad?.toArray()).toEqual([3, 3]);
    }
  });

  it('what a hook or retainGrad saw is not changed afterwards', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    const seen: Tensor[] = [];
    h.registerHook((g) => {
      seen.push(g);
    });
    const out = h.sum().add(h.mul(h).sum()).add(h.mean()).add(h.mul(h).sum());
    out.backward();
    // d/dh = 1 + 4h + 1/3 with h = 2x.
    const want = [2, -4, 6].map((v) => 1 + 4 * v + 1 / 3);
    expect(h.grad).toBeAllclose(want, { rtol: 1e-6 });
    expect(seen[0]).toBeAllclose(want, { rtol: 1e-6 });
    expect(x.grad).toBeAllclose(
      want.map((v) => 2 * v),
      { rtol: 1e-6 },
    );
  });

  it('grad() with createGraph builds the sums into the graph (second derivative)', () => {
    const x = tensor([1.5], { requiresGrad: true, dtype: 'float64' });
    const y = x.mul(x).add(x.mul(x)).add(x.mul(x).mul(x)); // 2x² + x³
    const [dx] = grad([y], [x], { createGraph: true });
    expect(dx).toBeAllclose([4 * 1.5 + 3 * 1.5 ** 2]);
    if (dx === null) throw new Error('x is an input of y');
    const [d2] = grad([dx], [x]);
    expect(d2).toBeAllclose([4 + 6 * 1.5]);
  });
});
