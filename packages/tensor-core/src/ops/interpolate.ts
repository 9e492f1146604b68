/**
 * Resampling of signals and images: PyTorch's `F.interpolate` for `(N, C, L)` and `(N, C, H, W)` inputs.
 * Every mode is separable, so each spatial dim is resampled on its own with `indexSelect` (nearest) or two
 * `indexSelect`s blended by fixed weights (linear): no gradient code, and the gradient of an output entry
 * accumulates on the inputs it read, as in PyTorch's backward kernels.
 */
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { Tensor } from '../tensor';
import { add, mul } from './elementwise';
import { indexSelect } from './indexing';

/** The resampling rule of {@link interpolate}. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';

/** Options of {@link interpolate}. */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial dim, or one per dim. Give this or `scaleFactor`. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (one number or one per dim); the output size is `⌊in · scale⌋`. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default), `'nearest-exact'`, `'linear'` (3-d input) or `'bilinear'` (4-d input). */
  mode?: InterpolateMode;
  /**
   * Linear modes only: treat the input and output as grids of points whose corner points coincide (true), or
   * of pixels whose corner edges coincide (false, the default).
   */
  alignCorners?: boolean | null;
  /**
   * With `scaleFactor`: compute the source positions from the input and output sizes (`in/out`) instead of
   * from the given scale factor (default false, PyTorch's default behaviour since 1.11).
   */
  recomputeScaleFactor?: boolean | null;
}

const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear'];

/** Reads `size` or `scaleFactor`: a number for every one of `n` dims, or a list of exactly `n`. */
function perDim(name: string, v: number | readonly number[], n: number, x: Tensor): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n) {
    throw new TensorError(
      'interpolate',
      `${name} must be a number or ${n} numbers, one per spatial dim of input ${fmtShape(x.shape)}, got ${JSON.stringify(v)}`,
    );
  }
  return list.slice();
}

/**
 * Resizes the spatial dims of `x`, like PyTorch's `F.interpolate`. The output size is `size`, or
 * `⌊in · scaleFactor⌋` per dim. Output entry `j` of a dim reads input position `src(j)`:
 * - `'nearest'`: `min(⌊j · s⌋, in - 1)` with `s = 1/scaleFactor` when a scale factor was given (and
 *   `recomputeScaleFactor` is not set), else `in/out` (PyTorch's legacy rule, computed in float32 as PyTorch does).
 * - `'nearest-exact'`: `min(⌊(j + 0.5) · s⌋, in - 1)` (Pillow's and scikit-image's rule).
 * - `'linear'`/`'bilinear'`: `src = s·(j + 0.5) - 0.5` clamped at 0 (or `j·(in-1)/(out-1)` with
 *   `alignCorners`), blending the two neighbours `⌊src⌋` and `⌊src⌋ + 1` by distance; bilinear does this
 *   along H, then W.
 *
 * @param x - `(N, C, L)` or `(N, C, H, W)`.
 * @param opts - `size` or `scaleFactor` (exactly one), `mode` (`'nearest'`), `alignCorners` (linear modes),
 *   `recomputeScaleFactor` (false).
 * @returns `(N, C, Lout)` or `(N, C, Hout, Wout)`.
 * @throws TensorError - for a mode that does not fit the input's dims, `alignCorners` with a nearest mode,
 *   both or neither of `size` and `scaleFactor`, and an empty output.
 *
 * @example
 * ```ts
 * interpolate(tensor([[[1, 2]]]), { scaleFactor: 2 }).toArray();                   // [[[1, 1, 2, 2]]]
 * interpolate(tensor([[[1, 2]]]), { size: 4, mode: 'linear' }).toArray();         // [[[1, 1.25, 1.75, 2]]]
 * interpolate(randn([1, 3, 8, 8]), { scaleFactor: 0.5, mode: 'bilinear' }).shape; // [1, 3, 4, 4]
 * ```
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const op = 'interpolate';
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected the input to be a Tensor, got ${typeof x}`);
  const mode = opts.mode ?? 'nearest';
  if (!MODES.includes(mode)) {
    throw new TensorError(op, `mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${mode}'`);
  }
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new TensorError(op, `expected a 3-d (N,C,L) or 4-d (N,C,H,W) input, got ${fmtShape(x.shape)}`);
  }
  const linear = mode === 'linear' || mode === 'bilinear';
  if (mode === 'linear' && x.ndim !== 3) {
    throw new TensorError(op, `mode 'linear' needs a 3-d (N,C,L) input, got ${fmtShape(x.shape)}`);
  }
  if (mode === 'bilinear' && x.ndim !== 4) {
    throw new TensorError(op, `mode 'bilinear' needs a 4-d (N,C,H,W) input, got ${fmtShape(x.shape)}`);
  }
  if (linear && !isFloating(x.dtype)) {
    throw new TensorError(op, `mode '${mode}' needs a float32 or float64 input, got ${x.dtype}`);
  }
  const alignCorners = opts.alignCorners ?? null;
  if (alignCorners !== null && !linear) {
    throw new TensorError(
      op,
      `alignCorners can only be set with the linear modes 'linear' and 'bilinear', not '${mode}'`,
    );
  }
  const hasSize = opts.size !== undefined && opts.size !== null;
  const hasScale = opts.scaleFactor !== undefined && opts.scaleFactor !== null;
  if (hasSize === hasScale) {
    throw new TensorError(op, `give exactly one of size and scaleFactor, got ${hasSize ? 'both' : 'neither'}`);
  }
  const nd = x.ndim - 2;
  const inSize = x.shape.slice(2);
  let outSize: number[];
  let scales: (number | null)[];
  if (hasSize) {
    if (opts.recomputeScaleFactor) {
      throw new TensorError(op, 'recomputeScaleFactor is not meaningful with an explicit size');
    }
    outSize = perDim('size', opts.size as number | readonly number[], nd, x);
    if (outSize.some((s) => !Number.isInteger(s))) {
      throw new TensorError(op, `size must hold integers, got [${outSize.join(', ')}]`);
    }
    scales = outSize.map(() => null);
  } else {
    scales = perDim('scaleFactor', opts.scaleFactor as number | readonly number[], nd, x);
    if (scales.some((s) => !(Number.isFinite(s) && (s as number) > 0))) {
      throw new TensorError(op, `scaleFactor must be positive and finite, got [${scales.join(', ')}]`);
    }
    outSize = inSize.map((s, i) => Math.floor(s * (scales[i] as number)));
    if (opts.recomputeScaleFactor) scales = outSize.map(() => null);
  }
  if (outSize.some((s) => s < 1) || inSize.some((s) => s < 1)) {
    throw new TensorError(
      op,
      `input and output sizes must be positive, got input ${fmtShape(x.shape)} and output size [${outSize.join(', ')}]`,
    );
  }
  // PyTorch computes the source positions in the input's precision: float32 arithmetic for float32 inputs.
  const f = x.dtype === 'float64' ? (v: number) => v : Math.fround;
  let y = x;
  for (let i = 0; i < nd; i++) {
    const d = 2 + i;
    const [n, out, scale] = [inSize[i], outSize[i], scales[i]];
    if (!linear) {
      y = indexSelect(y, d, nearestIndex(mode === 'nearest-exact', n, out, scale));
      continue;
    }
    if (out === n) continue; // PyTorch copies a dim whose size does not change, whatever the scale factor.
    const i0 = new Int32Array(out);
    const i1 = new Int32Array(out);
    const l0 = new Float64Array(out);
    const l1 = new Float64Array(out);
    let ratio: number;
    if (alignCorners) ratio = out > 1 ? f(f(n - 1) / (out - 1)) : 0;
    else ratio = scale !== null ? f(1 / scale) : f(n / out);
    for (let j = 0; j < out; j++) {
      const src = alignCorners ? f(ratio * j) : Math.max(0, f(f(ratio * f(j + 0.5)) - 0.5));
      const lo = Math.floor(src);
      i0[j] = lo;
      i1[j] = lo < n - 1 ? lo + 1 : lo;
      l1[j] = f(src - lo);
      l0[j] = f(1 - l1[j]);
    }
    // The blend weights broadcast along the dims after d: (out, 1[, 1]) for dim 2 of a 4-d input.
    const wShape = [out, ...new Array<number>(x.ndim - 1 - d).fill(1)];
    const w0 = new Tensor(x.dtype === 'float64' ? l0 : Float32Array.from(l0), wShape, x.dtype);
    const w1 = new Tensor(x.dtype === 'float64' ? l1 : Float32Array.from(l1), wShape, x.dtype);
    const lower = indexSelect(y, d, new Tensor(i0, [out], 'int32'));
    const upper = indexSelect(y, d, new Tensor(i1, [out], 'int32'));
    y = add(mul(lower, w0), mul(upper, w1)); // (N, C, .., out, ..)
  }
  return y;
}

/**
 * The input entry each output entry of a nearest mode copies. PyTorch 1.13 is not consistent here: some of
 * its 'nearest' kernels (the backward ones, and the 2-d forward for single-channel inputs) copy a dim whose
 * size is unchanged (`j`) or doubled (`j >> 1`) whatever the scale factor, while its 1-d forward and its 2-d
 * forward for several channels apply the formula throughout. We apply the formula, and our gradient is that
 * of the forward we compute. The two rules agree unless a scale factor other than 1 or 2 gives an output of
 * the same or twice the input's size (3 × 2.3 → 6).
 */
function nearestIndex(exact: boolean, n: number, out: number, scale: number | null): Tensor {
  // compute_scales_value in float32: 1/scaleFactor when one was given, else in/out.
  const s = Math.fround(scale !== null ? 1 / scale : n / out);
  const index = new Int32Array(out);
  for (let j = 0; j < out; j++) {
    let src: number;
    if (exact) src = Math.floor(Math.fround((j + 0.5) * s));
    else src = Math.floor(Math.fround(j * s));
    index[j] = Math.min(src, n - 1);
  }
  return new Tensor(index, [out], 'int32');
}
