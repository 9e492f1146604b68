import { Tensor, TensorError } from '@tensorloom/tensor-core';

/**
 * A running (optionally weighted) mean of numbers, e.g. the average loss over an epoch's batches weighted
 * by batch size: `mean = Σ wᵢxᵢ / Σ wᵢ`. Updated incrementally (`mean += w/W · (x - mean)`), so it stays
 * accurate over many updates.
 *
 * @example
 * ```ts
 * const epochLoss = new RunningMean();
 * for (const [x, y] of batches) {
 *   const loss = crossEntropy(model.forward(x), y);
 *   epochLoss.update(loss, x.shape[0]); // weight by batch size
 * }
 * console.log(epochLoss.value);
 * epochLoss.reset();
 * ```
 */
export class RunningMean {
  private total = 0;
  private mean = 0;
  private n = 0;

  /**
   * Adds `value` (a number or a one-element tensor, read with `item()`) with `weight` (default 1, must be
   * ≥ 0). Returns this, for chaining.
   */
  update(value: number | Tensor, weight = 1): this {
    const x = value instanceof Tensor ? value.item() : value;
    if (typeof x !== 'number') throw new TensorError('RunningMean.update', `expected a number, got ${typeof x}`);
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new TensorError('RunningMean.update', `weight must be a finite number ≥ 0, got ${weight}`);
    }
    this.n++;
    if (weight === 0) return this;
    this.total += weight;
    this.mean += (weight / this.total) * (x - this.mean);
    return this;
  }

  /** The weighted mean so far; NaN before any weight has been added. */
  get value(): number {
    return this.total > 0 ? this.mean : Number.NaN;
  }

  /** The sum of the weights so far (the number of updates when all weights are 1). */
  get weight(): number {
    return this.total;
  }

  /** The number of `update` calls since the last reset. */
  get count(): number {
    return this.n;
  }

  /** Forgets everything (e.g. at the start of an epoch). */
  reset(): void {
    this.total = 0;
    this.mean = 0;
    this.n = 0;
  }
}
