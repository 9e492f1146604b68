/**
 * One test per core bug that the parity work found, each named after what used to go wrong, so the fix
 * cannot silently regress. The broader checks live in ops-parity, gradcheck-ops and properties.
 */
import { describe, expect, it } from 'vitest';
import { add, grad, lt, mul, ones, pad, randn, type Tensor, tensor } from '../src/index';
import { maxPool2d } from '../src/ops/conv';

describe('core regressions', () => {
  it('pad with an infinite value leaves the embedded values alone (was NaN from 0·∞)', () => {
    const y = pad(tensor([1, 2]), [1, 1], Number.NEGATIVE_INFINITY);
    expect(Array.from(y.data)).toEqual([Number.NEGATIVE_INFINITY, 1, 2, Number.NEGATIVE_INFINITY]);
    expect(Array.from(pad(tensor([[3]]), [0, 1, 1, 0], Number.POSITIVE_INFINITY).data)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      3,
      Number.POSITIVE_INFINITY,
    ]);
    expect(Array.from(pad(tensor([1]), [1, 0], Number.NaN).data)).toEqual([Number.NaN, 1]);
  });

  it('pad with a nonzero value still passes the gradient to the embedded values only', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    pad(x, [2, 1], Number.NEGATIVE_INFINITY)
      .mul(tensor([5, 6, 7, 8, 9, 10]))
      .sum()
      .backward();
    expect(Array.from(x.grad?.data ?? [])).toEqual([7, 8, 9]);
  });

  it("double backward of a padded max pool is finite (fold's gradient used to pad with the pool's -∞)", () => {
    const x = randn([1, 1, 5, 5], { dtype: 'float64' }).requiresGrad_();
    const y = maxPool2d(x, 3, { stride: 2, padding: 1 });
    const v = ones(y.shape, { dtype: 'float64', requiresGrad: true });
    const [gx] = grad(y, x, { gradOutputs: [v], createGraph: true }) as Tensor[];
    const [gv] = grad(gx.mul(randn([1, 1, 5, 5], { dtype: 'float64' })).sum(), v) as Tensor[];
    expect(gv.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(gv.data).every(Number.isFinite)).toBe(true);
  });

  it('binary ops broadcast operands of equal rank and size but different shapes, (2,1) + (1,2) → (2,2)', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([[10, 20]], { requiresGrad: true });
    const y = add(a, b);
    expect(y.toArray()).toEqual([
      [11, 21],
      [12, 22],
    ]);
    mul(
      y,
      tensor([
        [1, 2],
        [3, 4],
      ]),
    )
      .sum()
      .backward();
    expect(a.grad?.toArray()).toEqual([[3], [7]]);
    expect(b.grad?.toArray()).toEqual([[4, 6]]);
    expect(lt(tensor([[1], [2]]), tensor([[1.5, 2.5]])).toArray()).toEqual([
      [true, true],
      [false, true],
    ]);
  });
});
