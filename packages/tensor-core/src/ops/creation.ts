import { empty } from '../autograd/forward';
import type { DType } from '../dtype';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import type { Generator } from '../random';
import { defaultGenerator } from '../random';
import { checkAllocation, checkShape } from '../shape';
import type { NestedArray, Tensor } from '../tensor';

/** Options shared by creation functions. */
export interface TensorOptions {
  /** Element type (default float32; `tensor()` infers bool for booleans). */
  dtype?: DType;
  /** Make the new tensor a leaf that requires grad (floating dtypes only). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** Where the randomness comes from (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function make(op: string, shape: readonly number[], dtype: DType): Tensor {
  const s = checkShape(op, shape);
  checkAllocation(op, s);
  return empty(s, dtype);
}

/**
 * A tensor from a number or nested arrays of numbers/booleans (the shape is read from the nesting; ragged
 * arrays are an error). Also accepts a typed array, taken as 1-d (copied).
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]])                      // float32, shape [2, 2]
 * tensor([0, 2, 1], { dtype: 'int32' })         // class labels
 * tensor([1.5], { requiresGrad: true })         // a leaf for autograd
 * ```
 */
export function tensor(data: NestedArray | ArrayLike<number>, opts?: TensorOptions): Tensor {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
    shape.push((probe as ArrayLike<unknown>).length);
    if (ArrayBuffer.isView(probe)) break;
    probe = (probe as unknown[])[0];
  }
  const dtype = opts?.dtype ?? (typeof probe === 'boolean' ? 'bool' : 'float32');
  const out = make('tensor', shape, dtype);
  const o = out.data;
  let k = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v === 'number') o[k++] = v;
      else if (typeof v === 'boolean') o[k++] = v ? 1 : 0;
      else throw new TensorError('tensor', `expected a number or boolean at depth ${depth}, got ${typeof v}`);
      return;
    }
    const arr = v as ArrayLike<unknown>;
    if (!(Array.isArray(arr) || ArrayBuffer.isView(arr)) || arr.length !== shape[depth]) {
      throw new TensorError(
        'tensor',
        `ragged nested arrays: expected length ${shape[depth]} at depth ${depth} for shape ${fmtShape(shape)}`,
      );
    }
    if (ArrayBuffer.isView(arr)) {
      for (let i = 0; i < arr.length; i++) o[k++] = Number(arr[i]);
      return;
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1);
  };
  walk(data, 0);
  return finish(out, opts);
}

/** `full` under the name of the function the user called, so its errors name that function. */
function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions | undefined): Tensor {
  const out = make(op, shape, opts?.dtype ?? 'float32');
  if (value !== 0) out.data.fill(value);
  return finish(out, opts);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, opts?: TensorOptions): Tensor {
  return filled('full', shape, value, opts);
}

/** Zeros of `shape`. @example `zeros([2, 3])` */
export function zeros(shape: readonly number[], opts?: TensorOptions): Tensor {
  return filled('zeros', shape, 0, opts);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], opts?: TensorOptions): Tensor {
  return filled('ones', shape, 1, opts);
}

/** Zeros with `x`'s shape and (unless given) dtype. */
export function zerosLike(x: Tensor, opts?: TensorOptions): Tensor {
  return filled('zerosLike', x.shape, 0, { dtype: x.dtype, ...opts });
}

/** Ones with `x`'s shape and dtype. */
export function onesLike(x: Tensor, opts?: TensorOptions): Tensor {
  return filled('onesLike', x.shape, 1, { dtype: x.dtype, ...opts });
}

/** `value` with `x`'s shape and dtype. */
export function fullLike(x: Tensor, value: number, opts?: TensorOptions): Tensor {
  return filled('fullLike', x.shape, value, { dtype: x.dtype, ...opts });
}

/**
 * Values from `start` to `end` (exclusive) by `step`; with one argument, `0..end`. Integer arguments give
 * int32 unless a dtype is given, like PyTorch.
 *
 * @example
 * ```ts
 * arange(5)          // [0, 1, 2, 3, 4] int32
 * arange(0, 1, 0.25) // [0, 0.25, 0.5, 0.75] float32
 * ```
 */
export function arange(start: number, end?: number, step = 1, opts?: TensorOptions): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new TensorError('arange', `step must be a nonzero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new TensorError('arange', 'start and end must be finite');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const out = make('arange', [n], opts?.dtype ?? (allInt ? 'int32' : 'float32'));
  for (let i = 0; i < n; i++) out.data[i] = start + i * step;
  return finish(out, opts);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new TensorError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const out = make('linspace', [steps], opts?.dtype ?? 'float32');
  const d = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill symmetrically from both ends, as PyTorch does, so the last value is exactly `end` (a single step is
  // `start`, also like PyTorch).
  const half = Math.max(1, Math.floor(steps / 2));
  for (let i = 0; i < steps; i++) out.data[i] = i < half ? start + d * i : end - d * (steps - 1 - i);
  return finish(out, opts);
}

/** The `n × m` identity matrix (m defaults to n). */
export function eye(n: number, m = n, opts?: TensorOptions): Tensor {
  const out = make('eye', [n, m], opts?.dtype ?? 'float32');
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return finish(out, opts);
}

function floatOut(op: string, shape: readonly number[], opts?: TensorOptions): Tensor {
  const dtype = opts?.dtype ?? 'float32';
  if (!isFloating(dtype)) throw new TensorError(op, `dtype must be float32 or float64, got ${dtype}`);
  return make(op, shape, dtype);
}

/** Uniform random values in [0, 1). @example `manualSeed(0); rand([2, 2])` */
export function rand(shape: readonly number[], opts?: RandomOptions): Tensor {
  const out = floatOut('rand', shape, opts);
  (opts?.generator ?? defaultGenerator).fillUniform(out.data as Float32Array);
  return finish(out, opts);
}

/** Standard normal random values. */
export function randn(shape: readonly number[], opts?: RandomOptions): Tensor {
  const out = floatOut('randn', shape, opts);
  (opts?.generator ?? defaultGenerator).fillNormal(out.data as Float32Array);
  return finish(out, opts);
}

/** `rand` with `x`'s shape and dtype. */
export function randLike(x: Tensor, opts?: RandomOptions): Tensor {
  return rand(x.shape, { dtype: x.dtype, ...opts });
}

/** `randn` with `x`'s shape and dtype. */
export function randnLike(x: Tensor, opts?: RandomOptions): Tensor {
  return randn(x.shape, { dtype: x.dtype, ...opts });
}

/** Uniform random integers in `[low, high)` (int32 unless a dtype is given). */
export function randint(low: number, high: number, shape: readonly number[], opts?: RandomOptions): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new TensorError('randint', `expected integers low < high, got [${low}, ${high})`);
  }
  const out = make('randint', shape, opts?.dtype ?? 'int32');
  const g = opts?.generator ?? defaultGenerator;
  for (let i = 0; i < out.size; i++) out.data[i] = g.nextInt(low, high);
  return finish(out, opts);
}

/** A random permutation of `0..n-1` (int32), Fisher–Yates. */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const out = make('randperm', [n], 'int32');
  const d = out.data as Int32Array;
  for (let i = 0; i < n; i++) d[i] = i;
  const g = opts?.generator ?? defaultGenerator;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(0, i + 1);
    const t = d[i];
    d[i] = d[j];
    d[j] = t;
  }
  return out;
}

/** 1 with probability `p` (a number or a tensor of probabilities), else 0; dtype follows `p` (float32 for a number). */
export function bernoulli(p: Tensor | number, opts?: RandomOptions & { shape?: readonly number[] }): Tensor {
  const g = opts?.generator ?? defaultGenerator;
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new TensorError('bernoulli', `probability must be in [0, 1], got ${p}`);
    const out = floatOut('bernoulli', opts?.shape ?? [], opts);
    for (let i = 0; i < out.size; i++) out.data[i] = g.nextDouble() < p ? 1 : 0;
    return out;
  }
  const out = empty(p.shape, isFloating(p.dtype) ? p.dtype : 'float32');
  const pd = p.data;
  for (let i = 0; i < out.size; i++) {
    const q = pd[i];
    if (!(q >= 0 && q <= 1))
      throw new TensorError('bernoulli', `probabilities must be in [0, 1], found ${q} at flat index ${i}`);
    out.data[i] = g.nextDouble() < q ? 1 : 0;
  }
  return out;
}

/**
 * Draws `numSamples` category indices (int32) from each row of non-negative `weights` (1-d or 2-d; rows need
 * not sum to 1). Without replacement, each category is drawn at most once per row.
 */
export function multinomial(weights: Tensor, numSamples: number, replacement = false, opts?: RandomOptions): Tensor {
  if (weights.ndim !== 1 && weights.ndim !== 2) {
    throw new TensorError('multinomial', `weights must be 1-d or 2-d, got shape ${fmtShape(weights.shape)}`);
  }
  const rows = weights.ndim === 1 ? 1 : weights.shape[0];
  const k = weights.shape[weights.ndim - 1];
  if (!Number.isInteger(numSamples) || numSamples <= 0)
    throw new TensorError('multinomial', `numSamples must be a positive integer, got ${numSamples}`);
  if (!replacement && numSamples > k) {
    throw new TensorError('multinomial', `cannot draw ${numSamples} samples without replacement from ${k} categories`);
  }
  const g = opts?.generator ?? defaultGenerator;
  const out = empty(weights.ndim === 1 ? [numSamples] : [rows, numSamples], 'int32');
  const w = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      const v = Number(weights.data[r * k + j]);
      if (!(v >= 0) || !Number.isFinite(v))
        throw new TensorError('multinomial', `weights must be finite and non-negative, got ${v}`);
      w[j] = v;
      total += v;
    }
    for (let s = 0; s < numSamples; s++) {
      if (!(total > 0)) throw new TensorError('multinomial', `row ${r} has no positive weight left to sample from`);
      let u = g.nextDouble() * total;
      let pick = k - 1;
      for (let j = 0; j < k; j++) {
        u -= w[j];
        if (u < 0 && w[j] > 0) {
          pick = j;
          break;
        }
      }
      while (w[pick] === 0) pick--; // rounding at the end of the row
      out.data[r * numSamples + s] = pick;
      if (!replacement) {
        total -= w[pick];
        w[pick] = 0;
      }
    }
  }
  return out;
}
