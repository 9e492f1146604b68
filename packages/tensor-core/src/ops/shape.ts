import { apply } from '../autograd/engine';
import { promoteTypes } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { checkAllocation, normDim, normDims, shapeSize, shapesEqual } from '../shape';
import { Tensor } from '../tensor';
import { full } from './creation';
import { cast, where } from './elementwise';
import { indexSelect } from './indexing';

/** @internal Accepts `f(2, 3)` and `f([2, 3])` alike. */
export function shapeArg(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]).slice() : (args as number[]);
}

/**
 * The same elements in a new shape (row-major order); one size may be -1 and is inferred. Shares storage.
 *
 * @example
 * ```ts
 * arange(6).reshape([2, -1]).shape // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (infer >= 0) throw new TensorError('reshape', `only one dimension can be -1, got [${shape.join(', ')}]`);
      infer = i;
    } else if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorError('reshape', `invalid size ${d} in shape [${shape.join(', ')}]`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new TensorError(
        'reshape',
        `shape [${shape.join(', ')}] is invalid for input of size ${x.size} (shape ${fmtShape(x.shape)})`,
      );
    }
    out[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new TensorError(
      'reshape',
      `shape [${shape.join(', ')}] is invalid for input of size ${x.size} (shape ${fmtShape(x.shape)})`,
    );
  }
  if (shapesEqual(out, x.shape)) return x;
  return apply('reshape', [x], { shape: out });
}

/** Flattens dims `startDim..endDim` (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim);
  const e = normDim('flatten', endDim, x.ndim);
  if (s > e) throw new TensorError('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), shapeSize(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Splits dim `dim` into `sizes` (one may be -1), the inverse of {@link flatten}. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim('unflatten', dim, x.ndim);
  const known = sizes.reduce((p, v) => (v === -1 ? p : p * v), 1);
  const filled = sizes.map((v) => (v === -1 ? x.shape[d] / known : v));
  if (shapeSize(filled) !== x.shape[d]) {
    throw new TensorError(
      'unflatten',
      `sizes [${sizes.join(', ')}] do not multiply to dim ${dim} of size ${x.shape[d]}`,
    );
  }
  return reshape(x, [...x.shape.slice(0, d), ...filled, ...x.shape.slice(d + 1)]);
}

/** Removes size-1 dims: all of them, or only those in `dim` (others are left alone, like PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? null : normDims('squeeze', dim, x.ndim);
  const shape = x.shape.filter((s, i) => !(s === 1 && (dims === null || dims.includes(i))));
  return reshape(x, shape);
}

/** Inserts a size-1 dim at `dim` (`-1` appends). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Reorders dims: output dim i is input dim `dims[i]`. Copies (storage stays contiguous). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new TensorError(
      'permute',
      `got ${dims.length} dims [${dims.join(', ')}] for a tensor of shape ${fmtShape(x.shape)}`,
    );
  }
  const perm = dims.map((d) => normDim('permute', d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new TensorError('permute', `dims [${dims.join(', ')}] repeat a dim`);
  if (perm.every((p, i) => p === i)) return x;
  // Moving only size-1 dims does not change the memory order: a reshape suffices.
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1]))
    return reshape(
      x,
      perm.map((p) => x.shape[p]),
    );
  return apply('permute', [x], { perm });
}

/** Swaps dims `dim0` and `dim1`. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim('transpose', dim0, x.ndim);
  const b = normDim('transpose', dim1, x.ndim);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Transpose of a matrix; 0-d and 1-d tensors are returned as they are. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new TensorError('t', `expects a tensor with <= 2 dims, got shape ${fmtShape(x.shape)}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Broadcasts `x` to `shape` (new dims on the left; -1 keeps a size). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new TensorError(
      'expand',
      `the target shape [${shape.join(', ')}] has fewer dims than the tensor's ${fmtShape(x.shape)}`,
    );
  }
  const off = shape.length - x.ndim;
  const out = shape.map((s, i) => {
    const own = i >= off ? x.shape[i - off] : -2;
    if (s === -1) {
      if (own === -2) throw new TensorError('expand', `-1 is not allowed for the new leading dim ${i}`);
      return own;
    }
    if (own !== -2 && own !== 1 && own !== s) {
      throw new TensorError(
        'expand',
        `cannot expand ${fmtShape(x.shape)} to [${shape.join(', ')}]: size ${own} at dim ${i} is not 1`,
      );
    }
    return s;
  });
  if (shapesEqual(out, x.shape)) return x;
  checkAllocation('expand', out);
  return apply('expand', [x], { shape: out });
}

/** Alias of {@link expand} (`torch.broadcast_to`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/**
 * Python-style slicing along one dim: `x[start:end:step]` (negative indices count from the end, out-of-range
 * bounds clamp, `step` ≥ 1).
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const d = normDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step < 1)
    throw new TensorError('slice', `step must be a positive integer, got ${step}`);
  const n = x.shape[d];
  const norm = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = start == null ? 0 : norm(start);
  const e = end == null ? n : norm(end);
  const len = e > s ? Math.ceil((e - s) / step) : 0;
  if (s === 0 && len === n && step === 1) return x;
  const shape = x.shape.slice();
  shape[d] = len;
  const starts = x.shape.map((_, i) => (i === d ? s : 0));
  const steps = x.shape.map((_, i) => (i === d ? step : 1));
  return apply('slice', [x], { starts, steps, shape });
}

/** `length` entries of `dim` from `start` (PyTorch's `narrow`; errors instead of clamping). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', dim, x.ndim);
  const s = start < 0 ? start + x.shape[d] : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > x.shape[d]) {
    throw new TensorError('narrow', `start ${start} + length ${length} exceeds dim ${dim} of size ${x.shape[d]}`);
  }
  return slice(x, d, s, s + length);
}

/** Entry `index` of `dim`, with that dim removed (`x[:, index]`). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim('select', dim, x.ndim);
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new TensorError('select', `index ${index} is out of range for dim ${dim} of size ${n}`);
  }
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

/** Concatenates tensors of equal shape except along `dim`. Dtypes are promoted. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new TensorError('cat', 'expected a non-empty list of tensors');
  const first = tensors[0];
  const d = normDim('cat', dim, first.ndim);
  let dtype = first.dtype;
  tensors.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TensorError('cat', `element ${i} is not a Tensor`);
    if (x.ndim !== first.ndim || x.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new TensorError(
        'cat',
        `sizes must match except in dim ${dim}: tensor 0 has shape ${fmtShape(first.shape)}, tensor ${i} has ${fmtShape(x.shape)}`,
      );
    }
    dtype = promoteTypes(dtype, x.dtype);
  });
  if (tensors.length === 1) return tensors[0];
  return apply(
    'cat',
    tensors.map((x) => cast(x, dtype)),
    { axis: d },
  );
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new TensorError('stack', 'expected a non-empty list of tensors');
  const first = tensors[0];
  tensors.forEach((x, i) => {
    if (!shapesEqual(x.shape, first.shape)) {
      throw new TensorError(
        'stack',
        `all tensors must have the same shape: tensor 0 is ${fmtShape(first.shape)}, tensor ${i} is ${fmtShape(x.shape)}`,
      );
    }
  });
  const d = normDim('stack', dim, first.ndim + 1);
  return cat(
    tensors.map((x) => unsqueeze(x, d)),
    d,
  );
}

/** Splits along `dim` into pieces of `splitSize` (the last may be smaller), or of the given sizes. */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0)
      throw new TensorError('split', `split size must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let at = 0; at < n; at += splitSize) sizes.push(Math.min(splitSize, n - at));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = splitSize.slice();
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new TensorError(
        'split',
        `sizes [${sizes.join(', ')}] must be non-negative and sum to dim ${dim}'s size ${n}`,
      );
    }
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(slice(x, d, at, at + s));
    at += s;
  }
  return out;
}

/** Splits into `chunks` pieces of size ⌈n/chunks⌉ along `dim` (fewer if n is small), like PyTorch. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new TensorError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const d = normDim('chunk', dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

/** How {@link pad} fills the border: PyTorch's `F.pad` modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}. */
export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The fill of `'constant'` mode (default 0); the other modes take none. */
  value?: number;
}

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Pads `x`, like PyTorch's `F.pad`. `pads` lists (before, after) pairs starting from the LAST dim:
 * `[left, right, top, bottom]` pads the last two dims. Negative pads crop.
 *
 * Modes (the third argument is the constant, or an options object `{ mode, value }`):
 * - `'constant'`: the border holds `value` (default 0); any number of dims.
 * - `'reflect'`: mirrors the input about its edge, without repeating the edge (`[1, 2, 3]` padded by 2 on
 *   the left gives `[3, 2, 1, 2, 3]`); each pad must be smaller than its dim.
 * - `'replicate'`: repeats the edge value.
 * - `'circular'`: wraps around (the left border comes from the right end); each pad at most its dim (after
 *   cropping by the other side's negative pad).
 *
 * The three non-constant modes pad the last 1, 2 or 3 dims of an input with one or two more dims than
 * that (`(C, W)`/`(N, C, W)`, `(C, H, W)`/`(N, C, H, W)`, `(C, D, H, W)`/`(N, C, D, H, W)`), as in PyTorch.
 * They are compositions of `indexSelect`, so the gradient of a border entry flows back to (and
 * accumulates on) the input entry it copies.
 *
 * @example
 * ```ts
 * pad(tensor([[1, 2, 3]]), [1, 2]).toArray();                      // [[0, 1, 2, 3, 0, 0]]
 * pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'reflect' }).toArray(); // [[3, 2, 1, 2, 3, 2]]
 * ```
 */
export function pad(x: Tensor, pads: readonly number[], valueOrOptions: number | PadOptions = 0): Tensor {
  const opts = typeof valueOrOptions === 'number' ? { value: valueOrOptions } : valueOrOptions;
  const mode = opts.mode ?? 'constant';
  const value = opts.value ?? 0;
  if (!PAD_MODES.includes(mode)) {
    throw new TensorError('pad', `mode must be one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}, got '${mode}'`);
  }
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new TensorError(
      'pad',
      `pads must be (before, after) pairs for at most ${x.ndim} dims, got [${pads.join(', ')}]`,
    );
  }
  if (pads.some((p) => !Number.isInteger(p))) throw new TensorError('pad', 'pads must be integers');
  if (mode === 'constant') return padConstant(x, pads, value);
  const k = pads.length / 2;
  if (k < 1 || k > 3 || (x.ndim !== k + 1 && x.ndim !== k + 2)) {
    throw new TensorError(
      'pad',
      `${mode} padding of the last ${k} dims ([${pads.join(', ')}]) needs a ${k + 1}-d or ${k + 2}-d input, got ${fmtShape(x.shape)}; only the last 1, 2 or 3 dims can be padded this way`,
    );
  }
  if (value !== 0) throw new TensorError('pad', `${mode} padding takes no value, got value ${value}`);
  let y = x;
  for (let i = 0; i < k; i++) {
    const d = x.ndim - 1 - i;
    const index = padIndex(mode, x.shape, d, pads[2 * i], pads[2 * i + 1]);
    if (index !== null) y = indexSelect(y, d, index);
  }
  return y;
}

/**
 * For one dim of a reflect/replicate/circular pad: the input entry each output entry copies (null when the
 * pads are zero). Reflect and replicate map output j to input j - before, mirrored or clamped into range, as
 * PyTorch's kernels do; circular crops first, then wraps around what is left, as PyTorch's `_pad_circular`.
 */
function padIndex(mode: PadMode, shape: readonly number[], d: number, before: number, after: number): Tensor | null {
  if (before === 0 && after === 0) return null;
  const n = shape[d];
  const rule = `pads (${before}, ${after}) for dim ${d} of size ${n} of input ${fmtShape(shape)}`;
  if (mode === 'reflect' && (before >= n || after >= n)) {
    throw new TensorError('pad', `reflect padding must be smaller than the padded dim: ${rule}`);
  }
  const len = n + before + after;
  const kept = n - Math.max(0, -before) - Math.max(0, -after); // circular: the cropped length
  if (len < 1 || kept < 1) throw new TensorError('pad', `${mode} padding would leave dim ${d} empty: ${rule}`);
  // PyTorch refuses to wrap around more than once (its copies would overlap); so do we.
  if (mode === 'circular' && (before > kept || after > kept)) {
    const what = kept < n ? `the ${kept} entries left after cropping` : 'the padded dim';
    throw new TensorError('pad', `circular padding must be at most ${what} (it wraps around once): ${rule}`);
  }
  const index = new Int32Array(len);
  for (let j = 0; j < len; j++) {
    let src = j - before;
    if (mode === 'replicate') src = Math.min(n - 1, Math.max(0, src));
    else if (mode === 'reflect') {
      if (src < 0) src = -src;
      else if (src > n - 1) src = 2 * (n - 1) - src;
    } else {
      const k = j - Math.max(0, before); // position within the cropped dim
      src = Math.max(0, -before) + (((k % kept) + kept) % kept);
    }
    index[j] = src;
  }
  return new Tensor(index, [len], 'int32');
}

/** `'constant'` mode: crop (negative pads), then embed into a tensor of `value`. */
function padConstant(x: Tensor, pads: readonly number[], value: number): Tensor {
  let y = x;
  const starts = x.shape.map(() => 0);
  const shape = x.shape.slice();
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const before = pads[2 * i];
    const after = pads[2 * i + 1];
    if (before < 0) y = slice(y, d, -before);
    if (after < 0) y = slice(y, d, 0, y.shape[d] + after);
    starts[d] = Math.max(0, before);
    shape[d] = y.shape[d] + Math.max(0, before) + Math.max(0, after);
  }
  if (shapesEqual(shape, y.shape)) return y;
  checkAllocation('pad', shape);
  let out = apply('unslice', [y], { starts, steps: shape.map(() => 1), shape });
  if (value !== 0) {
    // Fill the border with a select, not arithmetic: value·(1 - mask) would turn an infinite value (max
    // pooling pads with -∞) into NaN inside the embedded region, where 0·∞ = NaN.
    const inside = apply('unslice', [full(y.shape, 1, { dtype: 'bool' })], {
      starts,
      steps: shape.map(() => 1),
      shape,
    });
    out = where(inside, out, value);
  }
  return out;
}

/** Reverses the order of elements along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normDims('flip', dims, x.ndim);
  if (axes.length === 0) return x;
  return apply('flip', [x], { axes });
}

/** Tiles `x`: `repeats[i]` copies along dim i (extra leading repeats add dims), like `torch.Tensor.repeat`. */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  if (repeats.length < x.ndim) {
    throw new TensorError(
      'repeat',
      `number of repeats (${repeats.length}) can not be smaller than the number of dims (${x.ndim})`,
    );
  }
  const lead = repeats.length - x.ndim;
  const shape = [...repeats.slice(0, lead).map(() => 1), ...x.shape];
  checkAllocation(
    'repeat',
    shape.map((s, i) => s * repeats[i]),
  );
  // (.., s_i, ..) → (.., 1, s_i, ..) expanded to (.., r_i, s_i, ..) → reshaped to (.., r_i·s_i, ..)
  const inter: number[] = [];
  const expanded: number[] = [];
  shape.forEach((s, i) => {
    inter.push(1, s);
    expanded.push(repeats[i], s);
  });
  const y = expand(reshape(x, inter), expanded);
  return reshape(
    y,
    shape.map((s, i) => s * repeats[i]),
  );
}
