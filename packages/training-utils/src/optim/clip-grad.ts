import { noGrad, Tensor, TensorError } from '@tensorloom/tensor-core';

/** Options of {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** Throw if the total norm is NaN or infinite instead of scaling the gradients by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  const grads: Tensor[] = [];
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new TensorError(op, `expected tensors, got ${typeof p}`);
    if (p.grad !== null) grads.push(p.grad);
  }
  return grads;
}

/** `‖x‖_p` of one tensor's values: `(Σ|x|^p)^(1/p)`, or `max|x|` for p = ∞. */
function vectorNorm(values: ArrayLike<number>, normType: number): number {
  let acc = 0;
  if (normType === Number.POSITIVE_INFINITY) {
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a > acc || Number.isNaN(a)) acc = a;
    }
    return acc;
  }
  for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]) ** normType;
  return normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType);
}

/**
 * Rescales the gradients of `params` in place so that their total norm — the p-norm of all gradients taken
 * together as one vector — is at most `maxNorm`, like `torch.nn.utils.clip_grad_norm_`:
 *
 * ```
 * total = ‖(‖g₁‖_p, ‖g₂‖_p, …)‖_p
 * gᵢ ← gᵢ · min(1, maxNorm / (total + 1e-6))
 * ```
 *
 * Parameters without a gradient are ignored. Returns the total norm before clipping (0 when no parameter
 * has a gradient) as a number, handy for logging; PyTorch returns it as a tensor.
 *
 * @param params - the parameters (e.g. `model.parameters()`) or one tensor
 * @param maxNorm - the largest allowed total norm
 * @param normType - p, a positive number or `Infinity` (the largest absolute value); default 2
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm_(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  const op = 'clipGradNorm_';
  if (!(normType > 0)) throw new TensorError(op, `normType must be a positive number or Infinity, got ${normType}`);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new TensorError(op, `invalid maxNorm: ${maxNorm}`);
  const grads = gradsOf(op, params);
  if (grads.length === 0) return 0;
  const norms = grads.map((g) => vectorNorm(g.data, normType));
  const total = grads.length === 1 ? norms[0] : vectorNorm(norms, normType);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new TensorError(
      op,
      `the total norm of order ${normType} of the gradients is non-finite (${total}), so it cannot be clipped; set errorIfNonfinite: false to clip anyway`,
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  noGrad(() => {
    for (const g of grads) g.mul_(coef);
  });
  return total;
}

/**
 * Clamps every gradient entry of `params` into `[-clipValue, clipValue]` in place, like
 * `torch.nn.utils.clip_grad_value_`. Parameters without a gradient are ignored.
 *
 * @example
 * ```ts
 * loss.backward();
 * clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  const op = 'clipGradValue_';
  if (!(clipValue >= 0)) throw new TensorError(op, `clipValue must be a non-negative number, got ${clipValue}`);
  const grads = gradsOf(op, params);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
