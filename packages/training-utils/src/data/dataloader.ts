import {
  defaultGenerator,
  fmtShape,
  type Generator,
  randperm,
  stack,
  Tensor,
  TensorError,
  tensor,
} from '@tensorloom/tensor-core';
import { type Dataset, fetchesBatches } from './dataset';

/**
 * What {@link defaultCollate} makes of a list of items of type `T`: tensors and numbers become one tensor,
 * strings a list, and tuples and objects are collated position by position, key by key.
 *
 * @example
 * ```ts
 * type Batch = Collated<{ image: Tensor; label: number; name: string }>;
 * // { image: Tensor; label: Tensor; name: string[] }
 * ```
 */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof Tensor) return `a Tensor of shape ${fmtShape(x.shape)}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `an object (${Object.getPrototypeOf(x)?.constructor?.name ?? 'no prototype'})`;
  return `a ${typeof x}`;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const where = path === '' ? '' : ` at ${path}`;
  const mismatch = (i: number) =>
    new TensorError('defaultCollate', `item 0${where} is ${describe(first)} but item ${i} is ${describe(items[i])}`);
  if (first instanceof Tensor) {
    for (let i = 1; i < items.length; i++) {
      const x = items[i];
      if (!(x instanceof Tensor)) throw mismatch(i);
      if (x.ndim !== first.ndim || x.shape.some((d, j) => d !== first.shape[j])) {
        throw new TensorError(
          'defaultCollate',
          `tensors${where} must all have one shape to be stacked: item 0 is ${fmtShape(first.shape)}, item ${i} is ${fmtShape(x.shape)} (pass a collate function to pad them)`,
        );
      }
    }
    return stack(items as Tensor[], 0);
  }
  if (typeof first === 'number') {
    let allInt = true;
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (typeof x !== 'number') throw mismatch(i);
      if (!Number.isInteger(x) || x < -(2 ** 31) || x >= 2 ** 31) allInt = false;
    }
    return tensor(items as number[], { dtype: allInt ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') {
    for (let i = 1; i < items.length; i++) if (typeof items[i] !== 'boolean') throw mismatch(i);
    return tensor(items as boolean[], { dtype: 'bool' });
  }
  if (typeof first === 'string') {
    for (let i = 1; i < items.length; i++) if (typeof items[i] !== 'string') throw mismatch(i);
    return items.slice();
  }
  if (Array.isArray(first)) {
    for (let i = 1; i < items.length; i++) {
      const x = items[i];
      if (!Array.isArray(x) || x.length !== first.length) throw mismatch(i);
    }
    return first.map((_, k) =>
      collateAt(
        items.map((x) => (x as unknown[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (let i = 1; i < items.length; i++) {
      const x = items[i];
      if (!isPlainObject(x)) throw mismatch(i);
      const k = Object.keys(x);
      if (k.length !== keys.length || keys.some((key) => !(key in x))) {
        throw new TensorError(
          'defaultCollate',
          `items${where} must have the same keys: item 0 has {${keys.join(', ')}}, item ${i} has {${k.join(', ')}}`,
        );
      }
    }
    for (const key of keys)
      out[key] = collateAt(
        items.map((x) => (x as Record<string, unknown>)[key]),
        `${path}.${key}`,
      );
    return out;
  }
  throw new TensorError(
    'defaultCollate',
    `cannot collate ${describe(first)}${where}: expected tensors, numbers, booleans, strings, arrays or plain objects (pass a collate function)`,
  );
}

/**
 * Merges a list of items into one batch, like PyTorch's `default_collate`:
 *
 * - tensors of one shape `S` are stacked into a tensor of shape `(B, ...S)`;
 * - numbers become a 1-d tensor `(B)`: int32 when every number is an integer (class labels), else float32 —
 *   like `arange` infers its dtype. A real-valued target whose batch happens to hold only integers would
 *   come out int32, so return such targets as tensors (or `Float32Array`-backed ones) instead of numbers;
 * - booleans become a bool tensor `(B)`, strings a `string[]`;
 * - arrays (tuples) and plain objects are collated position by position / key by key, recursively.
 *
 * @param items - at least one item, all of the same structure.
 * @throws TensorError naming the position of the first mismatch (shape, type, length or keys).
 *
 * @example
 * ```ts
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]); // [Tensor (2,2) float32, Tensor (2) int32]
 * defaultCollate([{ x: tensor([1]), y: 0.5 }, { x: tensor([2]), y: 1.5 }]); // { x: (2,1), y: (2) float32 }
 * ```
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new TensorError('defaultCollate', 'expected a non-empty array of items');
  }
  return collateAt(items, '') as Collated<T>;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Visit the items in a new random order every epoch (default false: in index order). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /**
   * Where shuffling draws its permutations (default: tensor-core's default generator, seeded by
   * `manualSeed`). Each epoch draws one permutation when its iteration begins, so saving
   * `generator.getState()` before an epoch and restoring it later replays that epoch's order.
   */
  generator?: Generator;
  /**
   * Merges a list of items into a batch (default {@link defaultCollate}). Without one, a dataset that can
   * fetch whole batches (a {@link TensorDataset}, or a {@link Subset} of one) is asked for them directly.
   */
  collate?: (items: T[]) => B;
}

type YieldGlobals = {
  scheduler?: { yield?: () => Promise<void> };
  setImmediate?: (fn: () => void) => unknown;
};

/**
 * Gives the event loop a turn, as briefly as the platform allows, so a page can paint and handle input
 * between training steps: `scheduler.yield()` where the browser has it (it keeps the task's priority), else
 * `setImmediate` (Node), else a `MessageChannel` message (browsers clamp nested `setTimeout(0)` to 4 ms, a
 * message is not), else `setTimeout(0)`. The async iterator of {@link DataLoader} calls it before every batch.
 *
 * @example
 * ```ts
 * for (let step = 0; step < 1000; step++) {
 *   trainStep();
 *   if (step % 10 === 0) await yieldToEventLoop(); // let the page repaint the loss chart
 * }
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as YieldGlobals;
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  const setImmediate = g.setImmediate;
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Batches (and optionally shuffles) a {@link Dataset}, like PyTorch's `DataLoader` without worker
 * processes. Iterate it once per epoch, with `for...of` or, in a browser, `for await...of`, which hands the
 * event loop a turn before every batch so the page stays responsive.
 *
 * Each batch is `collate(items)` ({@link defaultCollate} unless given): for a dataset of `[x, y]` pairs with
 * `x` of shape `(F)` and number labels, a batch is `[Tensor (B, F), Tensor (B) int32]`, where `B` is
 * `batchSize` except perhaps for the last batch (dropped with `dropLast`). A {@link TensorDataset} is
 * gathered with one `indexSelect` per tensor, without reading rows one by one.
 *
 * With `shuffle`, every epoch visits every item exactly once, in an order drawn from `generator` when the
 * epoch's iteration begins (a fresh permutation each epoch).
 *
 * @typeParam T - the dataset's item type.
 * @typeParam B - the batch type: {@link Collated}`<T>` by default, else what `collate` returns.
 *
 * @example
 * ```ts
 * const generator = new Generator(0);
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, generator });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const [xb, yb] of loader) { // (32, F), (32)
 *     const loss = crossEntropy(model.forward(xb), yb);
 *     // ...
 *   }
 * }
 * console.log(loader.length); // batches per epoch: ceil(N / 32)
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T>;
  /** Items per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the items in a new random order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is dropped. */
  readonly dropLast: boolean;
  /** The generator shuffling draws from (tensor-core's default generator unless one was given). */
  readonly generator: Generator;
  private readonly collate: ((items: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TensorError('DataLoader', `batchSize must be a positive integer, got ${batchSize}`);
    }
    if (options.collate !== undefined && typeof options.collate !== 'function') {
      throw new TensorError('DataLoader', 'collate must be a function');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? defaultGenerator;
    this.collate = options.collate;
  }

  /** Number of batches per epoch: `ceil(N / batchSize)`, or `floor(N / batchSize)` with `dropLast`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * The item indices of one epoch's batches, in order. With `shuffle`, one permutation is drawn from the
   * generator when the iteration begins (at the first `next()`), so each call starts a new epoch.
   *
   * @example
   * ```ts
   * [...new DataLoader(ds5, { batchSize: 2 }).batchIndices()]; // [[0, 1], [2, 3], [4]] as Int32Arrays
   * ```
   */
  *batchIndices(): IterableIterator<Int32Array> {
    const n = this.dataset.length;
    let order: Int32Array;
    if (this.shuffle) order = randperm(n, { generator: this.generator }).data as Int32Array;
    else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      yield order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
    }
  }

  /** The batch of the items at `indices`. */
  private fetch(indices: Int32Array): B {
    if (this.collate === undefined && fetchesBatches<B>(this.dataset)) return this.dataset.getBatch(indices);
    const items: T[] = new Array(indices.length);
    for (let i = 0; i < indices.length; i++) items[i] = this.dataset.get(indices[i]);
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }

  /** One epoch's batches. */
  *[Symbol.iterator](): Iterator<B> {
    for (const indices of this.batchIndices()) yield this.fetch(indices);
  }

  /**
   * One epoch's batches, handing the event loop a turn ({@link yieldToEventLoop}) before each one, so that
   * a browser page stays responsive while a `for await` loop trains.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const indices of this.batchIndices()) {
      await yieldToEventLoop();
      yield this.fetch(indices);
    }
  }
}
