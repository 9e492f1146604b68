import { eq, exp, fmtShape, log, type Tensor, TensorError, where } from '@tensorloom/tensor-core';
import { checkFloat, checkReduction, type Reduction, reduce, sameShapeTarget } from './reduction';

/** `'batchmean'` divides the summed loss by the batch size (the first dim), giving the true KL per sample. */
export type DivergenceReduction = Reduction | 'batchmean';

const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean'] as const;

function reduceDivergence(loss: Tensor, reduction: DivergenceReduction): Tensor {
  if (reduction !== 'batchmean') return reduce(loss, reduction);
  return loss.ndim === 0 ? loss.sum() : loss.sum().div(loss.shape[0]);
}

/** Options of {@link klDiv}. */
export interface KLDivLossOptions {
  /**
   * `'mean'` (default, PyTorch's — the mean over *all elements*, which is not the KL divergence),
   * `'batchmean'` (the sum divided by the batch size: the mathematically correct KL per sample), `'sum'` or
   * `'none'`.
   */
  reduction?: DivergenceReduction;
  /** Whether `target` holds log-probabilities too (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence `KL(target ‖ input distribution)` with the input given as log-probabilities
 * (PyTorch's `F.kl_div`):
 *
 * ```
 * ℓ = y (log y - x)          (0 where y = 0)
 * ℓ = e^y (y - x)            with logTarget (y = log-probabilities)
 * ```
 *
 * @param input - log-probabilities `x` (e.g. from `logSoftmax`), any shape, usually `(N, C)`
 * @param target - probabilities `y` (or log-probabilities with `logTarget`), the same shape
 * @returns a scalar, or the input's shape with `reduction: 'none'`
 * @example
 * ```ts
 * const loss = klDiv(logSoftmax(student, 1), softmax(teacher, 1), { reduction: 'batchmean' });
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivLossOptions = {}): Tensor {
  const op = 'klDiv';
  checkFloat(op, 'input', input);
  const y = sameShapeTarget(op, input, target);
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction, REDUCTIONS);
  let loss: Tensor;
  if (options.logTarget) {
    loss = exp(y).mul(y.sub(input));
  } else {
    // y log y with 0 log 0 = 0 (PyTorch's xlogy); log sees 1 at y = 0 so its gradient stays finite.
    const zero = eq(y, 0);
    const yLogY = where(zero, 0, y.mul(log(where(zero, 1, y))));
    loss = yLogY.sub(y.mul(input));
  }
  return reduceDivergence(loss, reduction);
}

/** Options of {@link gaussianKlDivergence}. */
export interface GaussianKLOptions {
  /**
   * `'sum'` (default: the total over the batch and the latent dims, as in PyTorch's VAE example),
   * `'batchmean'` (that total divided by the batch size: the mean KL per sample), `'mean'` (the mean over
   * all elements) or `'none'` (the KL of each sample, summed over its latent dims: shape `(N)`).
   */
  reduction?: DivergenceReduction;
}

/**
 * KL divergence of a diagonal Gaussian `N(μ, σ²)` from the standard normal `N(0, I)` — the regulariser of a
 * variational autoencoder — with `σ² = e^logvar`:
 *
 * ```
 * KL = -0.5 Σ (1 + logvar - μ² - e^logvar)
 * ```
 *
 * The sum runs over the latent dims (all dims but the first); the reduction then combines the samples.
 *
 * @param mu - means μ, shape `(N, D)` (or `(N, …)`; a single `(D)` vector is one sample)
 * @param logvar - log-variances, the same shape
 * @returns a scalar, or `(N)` with `reduction: 'none'`
 * @example
 * ```ts
 * const [mu, logvar] = encoder.forward(x);
 * const loss = mseLoss(decoded, x, { reduction: 'sum' }).add(gaussianKlDivergence(mu, logvar));
 * ```
 */
export function gaussianKlDivergence(mu: Tensor, logvar: Tensor, options: GaussianKLOptions = {}): Tensor {
  const op = 'gaussianKlDivergence';
  checkFloat(op, 'mu', mu);
  checkFloat(op, 'logvar', logvar);
  if (mu.ndim !== logvar.ndim || mu.shape.some((d, i) => d !== logvar.shape[i])) {
    throw new TensorError(
      op,
      `mu of shape ${fmtShape(mu.shape)} and logvar of shape ${fmtShape(logvar.shape)} must have the same shape`,
    );
  }
  if (mu.ndim === 0) throw new TensorError(op, 'mu and logvar must have at least one dim');
  const reduction = options.reduction ?? 'sum';
  checkReduction(op, reduction, REDUCTIONS);
  const lv = logvar.dtype === mu.dtype ? logvar : logvar.to(mu.dtype);
  const terms = lv.add(1).sub(mu.mul(mu)).sub(exp(lv)).mul(-0.5); // per element
  if (reduction === 'mean') return terms.mean();
  if (reduction === 'sum') return terms.sum();
  const perSample = mu.ndim === 1 ? terms.sum() : terms.flatten(1).sum(1); // (N), or () for one sample
  return reduction === 'none' ? perSample : reduceDivergence(perSample, 'batchmean');
}
