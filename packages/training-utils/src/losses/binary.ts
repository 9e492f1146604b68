import { exp, log, log1p, maximum, ne, neg, relu, type Tensor, TensorError, where } from '@tensorloom/tensor-core';
import type { ReductionOptions } from './reduction';
import { broadcastWeight, checkFloat, checkReduction, reduce, sameShapeTarget } from './reduction';

const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** Options of {@link binaryCrossEntropy}. */
export interface BCELossOptions extends ReductionOptions {
  /** A rescaling weight per element, broadcast to the input's shape (e.g. one per sample, shape `(N, 1)`). */
  weight?: Tensor | null;
}

/**
 * `max(f(x), -100)` for a logarithm `f` that is -∞ exactly at `x = pole`, as PyTorch's BCE clamps its
 * logarithms. `f` is evaluated at `safe` instead of the pole, so the branch that is not taken has a finite
 * (zero) gradient rather than 0·∞ = NaN; away from the pole this is just `max(f(x), -100)`.
 */
function clampedLog(x: Tensor, pole: number, safe: number, f: (t: Tensor) => Tensor): Tensor {
  const finite = ne(x, pole);
  return where(finite, maximum(f(where(finite, x, safe)), -100), -100);
}

/**
 * Binary cross-entropy between predicted probabilities and targets (PyTorch's `F.binary_cross_entropy`):
 *
 * ```
 * ℓ = -w [y log x + (1 - y) log(1 - x)]
 * ```
 *
 * with both logarithms clamped at -100 as PyTorch does, so a confident wrong prediction costs at most 100.
 * Prefer {@link binaryCrossEntropyWithLogits} on raw scores: it is more stable than `sigmoid` followed by
 * this loss.
 *
 * @param input - probabilities `x` in [0, 1], any shape (anything outside is an error)
 * @param target - `y`, the same shape (usually 0 or 1; soft labels in between work)
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item(); // -(log 0.9 + log 0.8) / 2
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkFloat(op, 'input', input);
  const y = sameShapeTarget(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction, REDUCTIONS);
  const x = input.data;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] <= 1)) {
      throw new TensorError(
        op,
        `all elements of input should be probabilities between 0 and 1, found ${x[i]} at flat index ${i}; apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores`,
      );
    }
  }
  const logX = clampedLog(input, 0, 1, log); // log x
  const log1mX = clampedLog(input, 1, 0, (t) => log1p(neg(t))); // log(1 - x)
  // -(y log x + (1 - y) log(1 - x)) = (y - 1) log(1 - x) - y log x
  let loss = y.sub(1).mul(log1mX).sub(y.mul(logX));
  if (options.weight) loss = loss.mul(broadcastWeight(op, 'weight', options.weight, input.shape, input.dtype));
  return reduce(loss, reduction);
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /**
   * Weight of the positive term, broadcast to the input's shape — typically one per class (shape `(C)`),
   * set to `negatives / positives` to balance rare labels.
   */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on raw scores (logits), with the sigmoid folded in (PyTorch's
 * `F.binary_cross_entropy_with_logits`):
 *
 * ```
 * ℓ = -w [p y log σ(x) + (1 - y) log(1 - σ(x))]
 *   = w [(1 - y) x + (1 + (p - 1) y) softplus(-x)]
 * ```
 *
 * where `p` is `posWeight` (1 if absent). `softplus(-x) = log(1 + e^-x)` is computed as PyTorch does,
 * `m + log(e^-m + e^(-x-m))` with `m = max(-x, 0)`, so no exponential overflows for any x.
 *
 * @param input - logits `x`, any shape
 * @param target - `y` in [0, 1], the same shape
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits(tensor([2.0, -1.0]), tensor([1, 0])).item(); // (softplus(-2) + softplus(-1)) / 2
 * ```
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BCEWithLogitsLossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkFloat(op, 'input', input);
  const y = sameShapeTarget(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction, REDUCTIONS);
  const m = relu(neg(input)); // max(-x, 0)
  const softplusNegX = exp(neg(m))
    .add(exp(neg(input).sub(m)))
    .log()
    .add(m); // log(1 + e^-x), stably
  let positive = softplusNegX;
  if (options.posWeight) {
    const p = broadcastWeight(op, 'posWeight', options.posWeight, input.shape, input.dtype);
    positive = p.sub(1).mul(y).add(1).mul(softplusNegX);
  }
  let loss = y.neg().add(1).mul(input).add(positive);
  if (options.weight) loss = loss.mul(broadcastWeight(op, 'weight', options.weight, input.shape, input.dtype));
  return reduce(loss, reduction);
}
