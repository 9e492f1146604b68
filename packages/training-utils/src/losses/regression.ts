import { abs, mul, type Tensor, TensorError, where } from '@tensorloom/tensor-core';
import type { ReductionOptions } from './reduction';
import { checkFloat, checkReduction, reduce, sameShapeTarget } from './reduction';

const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** Validates an element-wise loss's arguments and returns `input - target`. */
function difference(op: string, input: Tensor, target: Tensor, options: ReductionOptions): Tensor {
  checkFloat(op, 'input', input);
  const t = sameShapeTarget(op, input, target);
  checkReduction(op, options.reduction ?? 'mean', REDUCTIONS);
  return input.sub(t);
}

/**
 * Mean squared error, `ℓ = (x - y)²` per element, then reduced (PyTorch's `F.mse_loss`).
 *
 * @param input - predictions `x`, any shape
 * @param target - `y`, the same shape (converted to the input's dtype)
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // (0 + 4) / 2 = 2
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const d = difference('mseLoss', input, target, options);
  return reduce(d.mul(d), options.reduction ?? 'mean');
}

/**
 * Mean absolute error, `ℓ = |x - y|` per element, then reduced (PyTorch's `F.l1_loss`). The gradient at
 * `x = y` is 0.
 *
 * @param input - predictions `x`, any shape
 * @param target - `y`, the same shape
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * l1Loss(tensor([1, 2]), tensor([1, 4])).item(); // 1
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  return reduce(abs(difference('l1Loss', input, target, options)), options.reduction ?? 'mean');
}

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1 loss (PyTorch's `F.smooth_l1_loss`), quadratic for small errors and linear for large ones:
 *
 * ```
 * ℓ = 0.5 (x - y)² / β    if |x - y| < β
 *     |x - y| - 0.5 β     otherwise
 * ```
 *
 * It equals {@link huberLoss} divided by β.
 *
 * @param input - predictions `x`, any shape
 * @param target - `y`, the same shape
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * smoothL1Loss(tensor([0, 0]), tensor([0.5, 3])).item(); // (0.125 + 2.5) / 2
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new TensorError(op, `beta must be non-negative, got ${beta}`);
  const d = difference(op, input, target, options);
  const ad = abs(d);
  const loss = beta === 0 ? ad : where(ad.lt(beta), mul(d.mul(d), 0.5 / beta), ad.sub(0.5 * beta));
  return reduce(loss, options.reduction ?? 'mean');
}

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/**
 * Huber loss (PyTorch's `F.huber_loss`), quadratic for small errors and linear (slope δ) for large ones:
 *
 * ```
 * ℓ = 0.5 (x - y)²            if |x - y| < δ
 *     δ (|x - y| - 0.5 δ)     otherwise
 * ```
 *
 * @param input - predictions `x`, any shape
 * @param target - `y`, the same shape
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * huberLoss(tensor([0, 0]), tensor([0.5, 3]), { delta: 2 }).item(); // (0.125 + 4) / 2
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new TensorError(op, `delta must be positive, got ${delta}`);
  const d = difference(op, input, target, options);
  const ad = abs(d);
  const loss = where(ad.lt(delta), mul(d.mul(d), 0.5), mul(ad.sub(0.5 * delta), delta));
  return reduce(loss, options.reduction ?? 'mean');
}
