import { describe, expect, it } from 'vitest';
import { TensorError } from '../errors';
import { randn, tensor } from '../ops/creation';
import { where } from '../ops/elementwise';
import { matmul } from '../ops/linalg';
import { Generator } from '../random';
import type { Tensor } from '../tensor';
import { gradcheck, gradgradcheck } from './gradcheck';

const f64 = { dtype: 'float64' } as const;

function randn64(shape: number[], seed: number): Tensor {
  return randn(shape, { ...f64, generator: new Generator(seed) });
}

/** Runs `f`, expecting a TensorError, and returns it. */
function thrown(f: () => unknown): TensorError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TensorError);
    return e as TensorError;
  }
  throw new Error('expected a TensorError');
}

describe('gradcheck', () => {
  it('accepts correct gradients of one and several inputs', () => {
    expect(gradcheck((a) => a.tanh().mul(a).sum(1), [randn64([3, 4], 1)])).toBe(true);
    expect(gradcheck((a, b) => matmul(a, b).exp(), [randn64([2, 3], 2), randn64([3, 2], 3)])).toBe(true);
    expect(gradcheck((a, b) => a.div(b.square().add(1)), [randn64([2, 3], 4), randn64([3], 5)])).toBe(true);
    expect(gradcheck((a) => a.sin(), [randn64([], 6)], { createGraph: true })).toBe(true);
  });

  it('treats an output that does not depend on the inputs as having zero gradient', () => {
    expect(gradcheck(() => tensor([1, 2], f64), [randn64([2], 7)])).toBe(true);
    expect(gradcheck((a, _b) => a.mul(2), [randn64([2], 8), randn64([3], 9)])).toBe(true);
  });

  it('catches a gradient that is wrong because a branch was detached', () => {
    // x · detach(x) has the value x² but autograd only sees the first factor: it reports x instead of 2x.
    const x = tensor(
      [
        [0.5, -1.5, 2],
        [1, 3, -0.25],
      ],
      f64,
    );
    const err = thrown(() => gradcheck((a) => a.mul(a.detach()).sum(), [x]));
    expect(err.op).toBe('gradcheck');
    // The output is a scalar, so the error is proportional to |x|: the worst element is x = 3 at [1, 1].
    expect(err.message).toContain('input 0 of shape (2,3) at index [1, 1]');
    const m = /analytic (\S+), numerical (\S+) /.exec(err.message);
    expect(Number(m?.[2]) / Number(m?.[1])).toBeCloseTo(2, 5);
  });

  it('locates a wrong gradient in a single element', () => {
    const x = randn64([3, 4], 10);
    const mask = tensor(
      [
        [0, 0, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 0],
      ],
      { dtype: 'bool' },
    );
    // Correct everywhere except at [1, 2], where the square's gradient loses its detached half.
    const err = thrown(() => gradcheck((a) => where(mask, a.mul(a.detach()), a.mul(a)), [x]));
    expect(err.message).toContain('at index [1, 2]');
    const m = /analytic (\S+), numerical (\S+) /.exec(err.message);
    expect(m).not.toBeNull();
    // Both values are the projection weight times x resp. 2x: the numerical one is twice the analytic one.
    expect(Number(m?.[2]) / Number(m?.[1])).toBeCloseTo(2, 5);
    expect(Math.abs(Number(m?.[1]))).toBeGreaterThan(0);
  });

  it('catches a wrong gradient for the second of two inputs', () => {
    const err = thrown(() => gradcheck((a, b) => a.add(b.mul(b.detach())), [randn64([2], 11), randn64([2], 12)]));
    expect(err.message).toContain('input 1 of shape (2)');
  });

  it('rejects non-float64 inputs and outputs', () => {
    expect(thrown(() => gradcheck((a) => a, [randn([2])])).message).toContain('input 0 of shape (2) is float32');
    expect(thrown(() => gradcheck((a) => a, [tensor([1], { dtype: 'int32' })])).message).toContain('int32');
    expect(thrown(() => gradcheck((a) => a.float(), [randn64([2], 13)])).message).toContain(
      'returned a float32 tensor',
    );
    expect(thrown(() => gradcheck((a) => a, [])).message).toContain('non-empty');
  });

  it('leaves the caller’s tensors untouched', () => {
    const x = randn64([2, 2], 14);
    const before = Float64Array.from(x.data);
    gradcheck((a) => a.exp(), [x]);
    expect(Array.from(x.data)).toEqual(Array.from(before));
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('honours the tolerances', () => {
    // A 1% error in the gradient passes with rtol 5e-2 and fails with the default 1e-3.
    const scaled = (a: Tensor) => a.mul(a.detach().mul(0.01)).add(a.square());
    expect(() => gradcheck(scaled, [tensor([1, 2], f64)])).toThrow(TensorError);
    expect(gradcheck(scaled, [tensor([1, 2], f64)], { rtol: 5e-2 })).toBe(true);
  });
});

describe('gradgradcheck', () => {
  it('accepts correct second derivatives', () => {
    expect(gradgradcheck((a) => a.exp().mul(a.sin()), [randn64([2, 3], 20)])).toBe(true);
    expect(gradgradcheck((a, b) => matmul(a, b).tanh(), [randn64([2, 3], 21), randn64([3, 2], 22)])).toBe(true);
  });

  it('accepts a linear function, whose second derivative is zero', () => {
    expect(gradgradcheck((a) => a.mul(3).sum(0), [randn64([2, 3], 23)])).toBe(true);
  });

  it('catches a first derivative that is right but not differentiable', () => {
    // x̄³ + 3x̄²(x - x̄) equals x³ with the right first derivative 3x̄², but that derivative is recorded as a
    // constant, so the second derivative comes out 0 instead of 6x.
    const cube = (a: Tensor) => {
      const c = a.detach();
      return c.pow(3).add(c.square().mul(3).mul(a.sub(c)));
    };
    const x = tensor([0.5, -1, 2], f64);
    expect(gradcheck(cube, [x])).toBe(true);
    const err = thrown(() => gradgradcheck(cube, [x]));
    expect(err.op).toBe('gradgradcheck');
    expect(err.message).toContain('input 0 of shape (3)');
  });
});
