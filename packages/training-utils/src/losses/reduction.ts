import { broadcastShapes, fmtShape, Tensor, TensorError } from '@tensorloom/tensor-core';

/**
 * How a loss combines its per-element values: `'none'` keeps them (the input's shape, or the target's for
 * class-index losses), `'mean'` averages them, `'sum'` adds them up.
 */
export type Reduction = 'none' | 'mean' | 'sum';

/** The `reduction` option shared by all losses (default `'mean'`). */
export interface ReductionOptions {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction?: Reduction;
}

/** Throws unless `x` is a floating-point tensor. */
export function checkFloat(op: string, what: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected ${what} to be a Tensor, got ${typeof x}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new TensorError(op, `expected ${what} to be a float32 or float64 tensor, got ${x.dtype}`);
  }
}

/** Throws unless `reduction` is one of `allowed`. */
export function checkReduction<R extends string>(op: string, reduction: R, allowed: readonly R[]): void {
  if (!allowed.includes(reduction)) {
    throw new TensorError(op, `reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}; got '${reduction}'`);
  }
}

/**
 * Checks that an element-wise loss's input and target have the same shape and returns the target converted
 * to the input's dtype. (PyTorch broadcasts mismatched shapes with a warning; a `(N, 1)` input against an
 * `(N)` target then silently gives an `(N, N)` loss, so we refuse instead.)
 */
export function sameShapeTarget(op: string, input: Tensor, target: unknown): Tensor {
  if (!(target instanceof Tensor)) throw new TensorError(op, `expected target to be a Tensor, got ${typeof target}`);
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new TensorError(
      op,
      `input of shape ${fmtShape(input.shape)} and target of shape ${fmtShape(target.shape)} must have the same shape`,
    );
  }
  return target.dtype === input.dtype ? target : target.to(input.dtype);
}

/** Checks that an optional weight tensor broadcasts to `shape` and returns it in `dtype`. */
export function broadcastWeight(op: string, what: string, w: Tensor, shape: readonly number[], dtype: Tensor['dtype']) {
  checkFloat(op, what, w);
  let ok = true;
  try {
    const b = broadcastShapes(op, w.shape, shape);
    ok = b.length === shape.length && b.every((d, i) => d === shape[i]);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new TensorError(
      op,
      `${what} of shape ${fmtShape(w.shape)} cannot be broadcast to the input's shape ${fmtShape(shape)}`,
    );
  }
  return w.dtype === dtype ? w : w.to(dtype);
}

/** Applies a reduction to per-element losses. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}
