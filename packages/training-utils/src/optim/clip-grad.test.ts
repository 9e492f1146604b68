import { tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm_, clipGradValue_ } from './clip-grad';

function withGrad(values: number[], grad: number[] | null) {
  const p = tensor(values, { dtype: 'float64', requiresGrad: true });
  p.grad = grad === null ? null : tensor(grad, { dtype: 'float64' });
  return p;
}

describe('clipGradNorm_', () => {
  it('scales all gradients together so that their total 2-norm is maxNorm, and returns the norm before', () => {
    const a = withGrad([0, 0], [3, 0]);
    const b = withGrad([0], [4]);
    const c = withGrad([0], null);
    const total = clipGradNorm_([a, b, c], 1);
    expect(total).toBe(5); // ‖(3, 0, 4)‖
    const coef = 1 / (5 + 1e-6);
    expect(a.grad).toBeAllclose([3 * coef, 0], { rtol: 1e-15 });
    expect(b.grad).toBeAllclose([4 * coef], { rtol: 1e-15 });
    expect(c.grad).toBeNull();
  });

  it('leaves gradients already within the bound unchanged', () => {
    const a = withGrad([0, 0], [0.3, -0.4]);
    expect(clipGradNorm_(a, 1)).toBeCloseTo(0.5, 15);
    expect(a.grad?.toArray()).toEqual([0.3, -0.4]);
  });

  it('supports other p-norms and the infinity norm', () => {
    expect(clipGradNorm_([withGrad([0, 0], [3, -4]), withGrad([0], [1])], 100, 1)).toBe(8);
    expect(clipGradNorm_([withGrad([0, 0], [3, -4]), withGrad([0], [1])], 100, Infinity)).toBe(4);
    expect(clipGradNorm_([withGrad([0, 0], [3, -4])], 100, 3)).toBeCloseTo(Math.cbrt(27 + 64), 12);
    const a = withGrad([0, 0], [3, -4]);
    clipGradNorm_(a, 2, Infinity);
    expect(a.grad).toBeAllclose([1.5, -2], { rtol: 1e-6 });
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(clipGradNorm_([withGrad([1], null)], 1)).toBe(0);
  });

  it('throws on a non-finite norm only when asked to', () => {
    expect(() => clipGradNorm_(withGrad([0, 0], [Number.NaN, 1]), 1, 2, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm_: the total norm of order 2 of the gradients is non-finite \(NaN\)/,
    );
    const a = withGrad([0, 0], [Number.POSITIVE_INFINITY, 1]);
    expect(clipGradNorm_(a, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => clipGradNorm_(a, 1, 0)).toThrow(/normType must be a positive number/);
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient entry into [-clipValue, clipValue]', () => {
    const a = withGrad([0, 0, 0], [-3, 0.2, 5]);
    const b = withGrad([0], null);
    clipGradValue_([a, b], 1);
    expect(a.grad?.toArray()).toEqual([-1, 0.2, 1]);
    expect(b.grad).toBeNull();
    expect(() => clipGradValue_(a, -1)).toThrow(/clipValue must be a non-negative number/);
  });
});
