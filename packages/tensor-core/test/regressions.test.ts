/**
 * One test per core bug that the parity work found, each named after what used to go wrong, so the fix
 * cannot silently regress. The broader checks live in ops-parity, gradcheck-ops and properties.
 */
import { describe, expect, it } from 'vitest';
import { pad, tensor } from '../src/index';

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
});
