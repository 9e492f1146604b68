import {
  defaultGenerator,
  fmtShape,
  type Generator,
  indexSelect,
  randperm,
  Tensor,
  TensorError,
} from '@tensorloom/tensor-core';
import type { Collated } from './dataloader';

/**
 * A map-style dataset, like PyTorch's `torch.utils.data.Dataset`: a fixed number of items, each read by its
 * index. Subclass it and implement `length` and `get(i)`; a {@link DataLoader} then batches and shuffles it.
 * Datasets are also iterable (items in order).
 *
 * @typeParam T - the item type, e.g. `[Tensor, Tensor]` for (input, target) pairs.
 *
 * @example
 * ```ts
 * class Squares extends Dataset<[number, number]> {
 *   readonly length = 100;
 *   get(i: number): [number, number] { return [i, i * i]; }
 * }
 * const loader = new DataLoader(new Squares(), { batchSize: 10 }); // batches [Tensor (10), Tensor (10)]
 * ```
 */
export abstract class Dataset<T> implements Iterable<T> {
  /** Number of items. */
  abstract readonly length: number;

  /** The item at `index`, an integer in `[0, length)`. */
  abstract get(index: number): T;

  /** The items in order. */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield this.get(i);
  }
}

/**
 * A dataset that can also fetch many items at once, already collated into a batch (what
 * {@link DataLoader} uses, instead of `get` and stacking, when it is given no `collate`).
 * {@link TensorDataset} implements it with one `indexSelect` per tensor.
 *
 * @example
 * ```ts
 * class Rows extends Dataset<Tensor> implements BatchFetcher<Tensor> {
 *   constructor(private readonly x: Tensor) { super(); }
 *   get length() { return this.x.shape[0]; }
 *   get(i: number) { return this.x.select(0, i); }
 *   getBatch(indices: Int32Array) { return this.x.indexSelect(0, new Tensor(indices, [indices.length], 'int32')); }
 * }
 * ```
 */
export interface BatchFetcher<B> {
  /** The collated batch of the items at `indices` (each in `[0, length)`), in that order. */
  getBatch(indices: Int32Array): B;
  /** Whether `getBatch` works for this instance (a wrapper may depend on what it wraps); true if absent. */
  canGetBatch?(): boolean;
}

/**
 * True if `dataset` implements {@link BatchFetcher} and can fetch batches now, e.g.
 * `fetchesBatches(new TensorDataset(x))`.
 */
export function fetchesBatches<B>(dataset: object): dataset is BatchFetcher<B> {
  const d = dataset as Partial<BatchFetcher<B>>;
  return typeof d.getBatch === 'function' && (d.canGetBatch === undefined || d.canGetBatch());
}

/** Throws unless `index` is an integer in `[0, length)`, e.g. `checkItemIndex('MyDataset.get', i, this.length)`. */
export function checkItemIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new TensorError(op, `index ${index} is out of range for a dataset of ${length} items`);
  }
}

/**
 * One row of each tensor: the item type of a {@link TensorDataset} of tensors `T`, e.g.
 * `TensorRows<[Tensor, Tensor]>` is `[Tensor, Tensor]`.
 */
export type TensorRows<T extends readonly Tensor[]> = { -readonly [K in keyof T]: Tensor };

/**
 * A dataset of tensors that share their first dimension, like PyTorch's `TensorDataset`: item `i` is the
 * tuple of every tensor's row `i`.
 *
 * Shapes: tensors `(N, ...)` each; an item is `[x[i], y[i], ...]`, each row of shape `(...)` (a 0-d tensor
 * for a 1-d input). A {@link DataLoader} over it gathers a whole batch with one `indexSelect` per tensor.
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(x, y); // x (100, 2) float32, y (100) int32
 * const [xi, yi] = ds.get(0); // (2) and () tensors
 * ```
 */
export class TensorDataset<T extends readonly Tensor[] = Tensor[]>
  extends Dataset<TensorRows<T>>
  implements BatchFetcher<TensorRows<T>>
{
  /** The tensors, as given. */
  readonly tensors: T;
  readonly length: number;

  /** @param tensors - one or more tensors of at least one dimension, all of the same size in dim 0. */
  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new TensorError('TensorDataset', 'expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TensorError('TensorDataset', `argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new TensorError('TensorDataset', `tensor ${i} is 0-d; it needs a first dimension`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new TensorError(
          'TensorDataset',
          `size mismatch between tensors: tensor 0 has shape ${fmtShape(tensors[0].shape)}, tensor ${i} has ${fmtShape(t.shape)} (dim 0 must match)`,
        );
      }
    });
    this.tensors = tensors;
    this.length = tensors[0].shape[0];
  }

  /** Row `index` of every tensor. */
  get(index: number): TensorRows<T> {
    checkItemIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => t.select(0, index)) as TensorRows<T>;
  }

  /** Rows `indices` of every tensor: `[x (B, ...), y (B, ...), ...]`, one `indexSelect` each. */
  getBatch(indices: Int32Array): TensorRows<T> {
    const index = new Tensor(indices, [indices.length], 'int32');
    return this.tensors.map((t) => indexSelect(t, 0, index)) as TensorRows<T>;
  }
}

/**
 * The items of `dataset` at `indices`, in that order, like PyTorch's `Subset`: item `i` is
 * `dataset.get(indices[i])`. What {@link randomSplit} returns.
 *
 * @example
 * ```ts
 * const firstTen = new Subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export class Subset<T> extends Dataset<T> implements BatchFetcher<Collated<T>> {
  /** The dataset the items come from. */
  readonly dataset: Dataset<T>;
  /** The indices into {@link Subset.dataset}, a copy of those given. */
  readonly indices: Int32Array;

  /** @param indices - integers in `[0, dataset.length)`; repeats are allowed. */
  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    const n = dataset.length;
    const own = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkItemIndex('Subset', indices[i], n);
      own[i] = indices[i];
    }
    this.dataset = dataset;
    this.indices = own;
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkItemIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]);
  }

  /**
   * The batch of items at `indices` when the underlying dataset can fetch batches (a {@link TensorDataset}
   * or a subset of one); throws otherwise (a {@link DataLoader} checks {@link Subset.canGetBatch} first).
   */
  getBatch(indices: Int32Array): Collated<T> {
    if (!this.canGetBatch()) throw new TensorError('Subset.getBatch', 'the underlying dataset cannot fetch batches');
    const mapped = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkItemIndex('Subset.getBatch', indices[i], this.indices.length);
      mapped[i] = this.indices[indices[i]];
    }
    return (this.dataset as unknown as BatchFetcher<Collated<T>>).getBatch(mapped);
  }

  /** Whether {@link Subset.getBatch} works: the underlying dataset fetches batches too. */
  canGetBatch(): boolean {
    return fetchesBatches(this.dataset);
  }
}

/**
 * A dataset whose items are those of `dataset` passed through `transform` (run on every `get`, so random
 * transforms such as {@link addGaussianNoise} draw fresh values each epoch).
 *
 * @example
 * ```ts
 * const noisy = new TransformDataset(new TensorDataset(x, y), ([xi, yi]) => [normalize(0.5, 0.5)(xi), yi] as const);
 * ```
 */
export class TransformDataset<T, U> extends Dataset<U> {
  /** The dataset the items come from. */
  readonly dataset: Dataset<T>;
  /** The function applied to each item; it also receives the item's index. */
  readonly transform: (item: T, index: number) => U;

  constructor(dataset: Dataset<T>, transform: (item: T, index: number) => U) {
    super();
    if (typeof transform !== 'function') throw new TensorError('TransformDataset', 'transform must be a function');
    this.dataset = dataset;
    this.transform = transform;
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): U {
    return this.transform(this.dataset.get(index), index);
  }
}

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** Where the permutation comes from (default: tensor-core's default generator, seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * Splits `dataset` at random into non-overlapping subsets, like PyTorch's `random_split`.
 *
 * `lengths` are either item counts that add up to `dataset.length`, or fractions that add up to 1: each
 * subset then gets `floor(fraction × length)` items and the remaining items are handed out one at a time,
 * round-robin from the first subset (PyTorch's rule). A single permutation of all indices is drawn from the
 * generator, so the same seed gives the same split.
 *
 * @returns one {@link Subset} per entry of `lengths`.
 *
 * @example
 * ```ts
 * const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 * const [a, b, c] = randomSplit(ds, [50, 30, 20]); // ds has 100 items
 * ```
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options: RandomSplitOptions = {},
): Subset<T>[] {
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0) {
    throw new TensorError('randomSplit', 'lengths must be a non-empty array of counts or fractions');
  }
  let sizes = lengths.slice();
  const total = sizes.reduce((a, b) => a + b, 0);
  // Fractions when they add up to 1. PyTorch also requires the float sum to be <= 1, which rejects
  // [0.1, 0.2, 0.7] (0.1 + 0.2 + 0.7 = 1.0000000000000002); we accept it.
  if (Math.abs(total - 1) <= 1e-9) {
    sizes = lengths.map((frac, i) => {
      if (!(frac >= 0 && frac <= 1)) {
        throw new TensorError('randomSplit', `fraction at index ${i} is not between 0 and 1, got ${frac}`);
      }
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0) {
      throw new TensorError(
        'randomSplit',
        `lengths must be non-negative integers or fractions summing to 1, got ${lengths[i]} at index ${i}`,
      );
    }
  });
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new TensorError(
      'randomSplit',
      `the lengths [${lengths.join(', ')}] add up to ${sum}, not to the dataset's ${n} items`,
    );
  }
  const perm = randperm(n, { generator: options.generator ?? defaultGenerator }).data as Int32Array;
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, perm.subarray(offset, offset + s)));
    offset += s;
  }
  return out;
}
