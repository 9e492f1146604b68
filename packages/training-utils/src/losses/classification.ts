import { fmtShape, gather, indexSelect, logSoftmax, Tensor, TensorError, where } from '@tensorloom/tensor-core';
import type { ReductionOptions } from './reduction';
import { checkFloat, checkReduction } from './reduction';

const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** Options of {@link nllLoss}. */
export interface NLLLossOptions extends ReductionOptions {
  /** A weight per class, shape `(C)`; the mean then divides by the total weight of the non-ignored targets. */
  weight?: Tensor | null;
  /** A target value that contributes nothing, not even to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyLossOptions extends NLLLossOptions {
  /**
   * Amount ε in [0, 1] of label smoothing: the target becomes `(1 - ε)·onehot + ε/C` (default 0). With
   * class-index targets the smoothing term is weighted and masked like the main term, as in PyTorch.
   */
  labelSmoothing?: number;
}

/** The input with a batch dim, the class dim, and whether a batch dim was added (for `(C)` inputs). */
function batched(op: string, input: Tensor): { x: Tensor; unbatched: boolean } {
  checkFloat(op, 'input', input);
  if (input.ndim === 0) throw new TensorError(op, 'input must have a class dimension, got a 0-d tensor');
  // (C) → (1, C)
  return input.ndim === 1 ? { x: input.unsqueeze(0), unbatched: true } : { x: input, unbatched: false };
}

/** Checks a per-class weight: float, shape `(C)`; returns it in `dtype`. */
function classWeight(op: string, weight: Tensor, numClasses: number, dtype: Tensor['dtype']): Tensor {
  checkFloat(op, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== numClasses) {
    throw new TensorError(
      op,
      `weight must have one entry per class, shape (${numClasses}), got ${fmtShape(weight.shape)}`,
    );
  }
  return weight.dtype === dtype ? weight : weight.to(dtype);
}

/**
 * The loss of log-probabilities `logp` `(N, C, d1, …)` at class-index targets `(N, d1, …)`: NLL, plus the
 * label-smoothing term when `smoothing > 0`. Shared by {@link nllLoss} and {@link crossEntropy}.
 */
function classIndexLoss(op: string, logp: Tensor, target: Tensor, options: CrossEntropyLossOptions): Tensor {
  const reduction = options.reduction ?? 'mean';
  const ignoreIndex = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  const numClasses = logp.shape[1];
  const want = [logp.shape[0], ...logp.shape.slice(2)];
  if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
    throw new TensorError(
      op,
      `for an input of shape ${fmtShape(logp.shape)} the target must have shape ${fmtShape(want)}, got ${fmtShape(target.shape)}`,
    );
  }
  // Ignored targets point at class 0 so they can be gathered; the `keep` mask then drops them.
  const t = target.data as Int32Array;
  const safe = new Int32Array(t.length);
  const keepData = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === ignoreIndex) continue;
    if (c < 0 || c >= numClasses) {
      throw new TensorError(
        op,
        `target ${c} at flat index ${i} is out of bounds for ${numClasses} classes (valid: 0 to ${numClasses - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    }
    safe[i] = c;
    keepData[i] = 1;
  }
  const safeTarget = new Tensor(safe, target.shape, 'int32');
  const keep = new Tensor(keepData, target.shape, 'bool');
  const weight = options.weight ? classWeight(op, options.weight, numClasses, logp.dtype) : null;

  const picked = gather(logp, 1, safeTarget.unsqueeze(1)).squeeze(1); // (N, d1, …): log p of the target class
  // w_t: the weight of each target's class (1 without weights), 0 where ignored.
  const wt = weight ? indexSelect(weight, 0, safeTarget.flatten()).reshape(target.shape) : null; // (N, d1, …)
  let loss = wt ? picked.mul(wt).neg() : picked.neg();
  if (smoothing > 0) {
    // -Σ_c w_c log p_c: the cross-entropy against the uniform distribution, times C.
    const wShape = logp.shape.map((d, i) => (i === 1 ? d : 1)); // (1, C, 1, …)
    const uniform = (weight ? logp.mul(weight.reshape(wShape)) : logp).sum(1).neg(); // (N, d1, …)
    loss = loss.mul(1 - smoothing).add(uniform.mul(smoothing / numClasses));
  }
  loss = where(keep, loss, 0);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  const total = wt ? where(keep, wt, 0).sum() : keep.sum().to(logp.dtype);
  return loss.sum().div(total);
}

function checkIndexTarget(op: string, target: unknown): asserts target is Tensor {
  if (!(target instanceof Tensor)) throw new TensorError(op, `expected target to be a Tensor, got ${typeof target}`);
  if (target.dtype !== 'int32') {
    throw new TensorError(op, `expected target to hold int32 class indices, got ${target.dtype}`);
  }
}

/**
 * Negative log-likelihood of class-index targets under log-probabilities (PyTorch's `F.nll_loss`):
 *
 * ```
 * ℓ_i = -w[y_i] · x[i, y_i]      (0 where y_i = ignoreIndex)
 * mean = Σ ℓ_i / Σ w[y_i]       (over non-ignored i)
 * ```
 *
 * @param input - log-probabilities (e.g. from `logSoftmax`), shape `(N, C)`, `(N, C, d1, …)` or `(C)`
 * @param target - int32 class indices in `[0, C)` (or `ignoreIndex`), shape `(N)`, `(N, d1, …)` or `()`
 * @returns a scalar, or the target's shape with `reduction: 'none'`
 * @example
 * ```ts
 * const logp = logSoftmax(logits, 1);                      // (N, C)
 * nllLoss(logp, tensor([0, 2], { dtype: 'int32' }));
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const { x, unbatched } = batched(op, input);
  checkIndexTarget(op, target);
  checkReduction(op, options.reduction ?? 'mean', REDUCTIONS);
  // An unbatched () target becomes (1), and a (1) loss becomes () again.
  const loss = classIndexLoss(op, x, unbatched ? target.reshape([1]) : target, { ...options, labelSmoothing: 0 });
  return unbatched && options.reduction === 'none' ? loss.reshape([]) : loss;
}

/**
 * Cross-entropy between logits and targets (PyTorch's `F.cross_entropy`): `nllLoss(logSoftmax(input, 1))`
 * for class-index targets, or `-Σ_c w_c y_c log softmax(x)_c` for class-probability targets.
 *
 * With class indices (int32 target): `ℓ_i = -w[y_i] log softmax(x_i)[y_i]`, ignored targets contribute
 * nothing, and the mean divides by the total weight of the non-ignored targets. Label smoothing ε mixes in
 * the uniform distribution: `ℓ_i = (1 - ε) ℓ_i + ε/C · Σ_c -w_c log softmax(x_i)_c`.
 *
 * With probabilities (a float target shaped like the input): `ℓ_i = -Σ_c w_c y_ic log softmax(x_i)_c`,
 * with smoothing applied to `y` as `(1 - ε) y + ε/C`; the mean divides by the number of samples
 * (`N·d1·…`), not by weights, and `ignoreIndex` does not apply.
 *
 * @param input - unnormalised logits, shape `(N, C)`, `(N, C, d1, …)` (e.g. per pixel or per time step) or `(C)`
 * @param target - int32 class indices of shape `(N)` / `(N, d1, …)` / `()`, or probabilities shaped like `input`
 * @returns a scalar, or the per-sample losses (`(N)` / `(N, d1, …)`) with `reduction: 'none'`
 * @example
 * ```ts
 * const logits = model.forward(x);                          // (N, C)
 * const loss = crossEntropy(logits, labels, { labelSmoothing: 0.1 }); // labels: int32 (N)
 * loss.backward();
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyLossOptions = {}): Tensor {
  const op = 'crossEntropy';
  const { x, unbatched } = batched(op, input);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction, REDUCTIONS);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new TensorError(op, `labelSmoothing must be between 0 and 1, got ${smoothing}`);
  }
  const logp = logSoftmax(x, 1);
  if (target instanceof Tensor && (target.dtype === 'float32' || target.dtype === 'float64')) {
    const loss = probabilityTargetLoss(op, logp, unbatched ? target.unsqueeze(0) : target, options); // (C) → (1, C)
    return unbatched && reduction === 'none' ? loss.reshape([]) : loss;
  }
  checkIndexTarget(op, target);
  const loss = classIndexLoss(op, logp, unbatched ? target.reshape([1]) : target, options); // () → (1)
  return unbatched && reduction === 'none' ? loss.reshape([]) : loss;
}

/** Cross-entropy against class probabilities `target`, shaped like `logp` `(N, C, d1, …)`. */
function probabilityTargetLoss(op: string, logp: Tensor, target: Tensor, options: CrossEntropyLossOptions): Tensor {
  if (target.ndim !== logp.ndim || target.shape.some((d, i) => d !== logp.shape[i])) {
    throw new TensorError(
      op,
      `probability targets must have the input's shape ${fmtShape(logp.shape)}, got ${fmtShape(target.shape)}`,
    );
  }
  const numClasses = logp.shape[1];
  const smoothing = options.labelSmoothing ?? 0;
  let y = target.dtype === logp.dtype ? target : target.to(logp.dtype);
  if (smoothing > 0) y = y.mul(1 - smoothing).add(smoothing / numClasses);
  let terms = logp.mul(y);
  if (options.weight) {
    const w = classWeight(op, options.weight, numClasses, logp.dtype);
    terms = terms.mul(w.reshape(logp.shape.map((d, i) => (i === 1 ? d : 1)))); // weight as (1, C, 1, …)
  }
  const loss = terms.sum(1).neg(); // (N, d1, …)
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(logp.size / numClasses);
}
