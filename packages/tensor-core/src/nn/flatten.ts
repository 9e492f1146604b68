import { TensorError } from '../errors';
import { unflatten } from '../ops/shape';
import type { Tensor } from '../tensor';
import { Module } from './module';

/**
 * Flattens dims `startDim..endDim` into one (`torch.nn.Flatten`); by default everything but the batch
 * dim, as between convolutional and linear layers.
 *
 * Shapes: `(N, *dims)` → `(N, ∏dims)` with the defaults.
 *
 * @example
 * ```ts
 * new Flatten().forward(zeros([32, 1, 5, 5])).shape; // [32, 25]
 * ```
 */
export class Flatten extends Module<[Tensor], Tensor> {
  /**
   * @param startDim - first dim to flatten (default 1)
   * @param endDim - last dim to flatten (default -1)
   */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  /** `x.flatten(startDim, endDim)`. */
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (`torch.nn.Unflatten`), the inverse of {@link Flatten}.
 *
 * Shapes: `(*, S, *)` → `(*, ...unflattenedSize, *)` with `∏unflattenedSize = S` (one size may be -1).
 *
 * @example
 * ```ts
 * new Unflatten(1, [2, 5, 5]).forward(zeros([2, 50])).shape; // [2, 2, 5, 5]
 * ```
 */
export class Unflatten extends Module<[Tensor], Tensor> {
  /** The sizes dim `dim` is split into. */
  readonly unflattenedSize: readonly number[];

  /**
   * @param dim - the dim to split
   * @param unflattenedSize - the new sizes
   */
  constructor(
    readonly dim: number,
    unflattenedSize: readonly number[],
  ) {
    super();
    if (!Array.isArray(unflattenedSize) || unflattenedSize.some((s) => !Number.isInteger(s))) {
      throw new TensorError('Unflatten', 'unflattenedSize must be an array of integers');
    }
    this.unflattenedSize = unflattenedSize.slice();
  }

  /** `x.unflatten(dim, unflattenedSize)`. */
  forward(x: Tensor): Tensor {
    return unflatten(x, this.dim, this.unflattenedSize); // (*, S, *) → (*, ...sizes, *)
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=[${this.unflattenedSize.join(', ')}]`;
  }
}
