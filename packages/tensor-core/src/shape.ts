import { fmtShape, TensorError } from './errors';

/** A tensor's shape: one non-negative integer per dimension; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape. */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of this shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** True if both shapes have the same rank and sizes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Turns a possibly negative dim into `0..rank-1`, or throws naming the op. */
export function normDim(op: string, dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  if (!Number.isInteger(dim) || d < 0 || d >= rank) {
    throw new TensorError(
      op,
      `dim ${dim} is out of range for a tensor of rank ${rank} (expected ${-rank}..${rank - 1})`,
    );
  }
  return d;
}

/** Normalises a list of dims (or `undefined` = all dims), sorted and without duplicates. */
export function normDims(op: string, dims: number | readonly number[] | undefined | null, rank: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normDim(op, d, rank));
  out.sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1])
      throw new TensorError(op, `dim ${out[i]} appears more than once in [${list.join(', ')}]`);
  }
  return out;
}

/**
 * NumPy/PyTorch broadcasting: shapes are aligned at their last dims; each pair of sizes must be equal or one
 * of them 1.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new TensorError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast: size ${da} and ${db} differ at dim ${i - n} (each pair must be equal or one of them 1)`,
      );
    }
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if it had `target` shape (broadcast): 0 where the
 * dimension is broadcast, aligned at the last dim.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const off = target.length - shape.length;
  const s = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) s[i + off] = shape[i] === 1 && target[i + off] !== 1 ? 0 : own[i];
  return s;
}

/** Validates a user-given shape: non-negative integers only. */
export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new TensorError(op, `expected a shape (array of integers), got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorError(op, `invalid shape [${shape.join(', ')}]: sizes must be non-negative integers`);
    }
  }
  return shape.slice();
}

/** Largest element count we agree to allocate (2^31 - 1 elements, a typed array's practical limit). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Throws if a shape would need an absurd allocation. */
export function checkAllocation(op: string, shape: Shape): number {
  const n = shapeSize(shape);
  if (n > MAX_ELEMENTS) {
    throw new TensorError(op, `shape ${fmtShape(shape)} has ${n} elements, more than the limit of ${MAX_ELEMENTS}`);
  }
  return n;
}
