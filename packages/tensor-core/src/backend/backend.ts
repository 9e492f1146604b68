import type { DType, DTypeArray, TypedArray } from '../dtype';
import { jsBackend } from './js/index';

/**
 * The kernel layer. Every numeric loop of every op goes through one object implementing this interface, so
 * a faster backend (WebAssembly SIMD, worker threads) can replace the JS one without touching op or
 * gradient code.
 *
 * The seam, and why it looks like this:
 * - **Storage is a typed array obtained from {@link Backend.alloc}.** A tensor never owns anything else, and
 *   the garbage collector frees it like any JS object — users never dispose tensors. A WebAssembly backend
 *   can hand out views into its (shared) memory and reclaim them with a `FinalizationRegistry`, or keep
 *   JS arrays and copy into its own scratch space per call: PERFORMANCE.md measures that copy at < 10% of a
 *   256³ matmul, so big kernels may copy while cheap elementwise kernels are the ones that want resident
 *   storage.
 * - **Kernels are plain functions of (arrays, sizes, strides) that write into a preallocated output.** They
 *   know nothing of Tensor, autograd or broadcasting rules; ops compute shapes and strides once and pass
 *   numbers. This keeps per-call overhead in the microseconds and lets a backend batch or fuse later.
 * - **Strides are in elements; 0 means "broadcast this dim".** One strided-copy kernel serves permute,
 *   expand, slice, flip, cat and their adjoints.
 */
export interface Backend {
  /** Short name, e.g. `"js"`. */
  readonly name: string;
  /** Zero-filled storage for `size` elements of `dtype`. */
  alloc<D extends DType>(dtype: D, size: number): DTypeArray[D];
  /** `out[i] = op(x[i])`; `out` may have another dtype (e.g. bool for `logicalNot`). */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray): void;
  /** `out[idx] = op(a[idx·aStrides], b[idx·bStrides])` over `shape` (out is contiguous). */
  binary(
    op: BinaryOp,
    a: TypedArray,
    aStrides: readonly number[],
    b: TypedArray,
    bStrides: readonly number[],
    out: TypedArray,
    shape: readonly number[],
  ): void;
  /** `out[idx] = cond[idx] ? a[idx] : b[idx]`, all three read through broadcast strides. */
  where(
    cond: TypedArray,
    cStrides: readonly number[],
    a: TypedArray,
    aStrides: readonly number[],
    b: TypedArray,
    bStrides: readonly number[],
    out: TypedArray,
    shape: readonly number[],
  ): void;
  /** Reduces the middle axis of `x` viewed as `(outer, r, inner)` into `out` of `(outer, inner)`. */
  reduce(op: ReduceOp, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void;
  /** Index of the max/min along the middle axis of `(outer, r, inner)`; the first one on ties. */
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, r: number, inner: number, out: Int32Array): void;
  /**
   * Running sums along the middle axis of `x` viewed as `(outer, n, inner)`: `out[o, j, i] = Σ_{t ≤ j} x[o, t, i]`,
   * accumulated in double precision whatever the dtype (as PyTorch does on the CPU). `out` has x's layout.
   */
  cumsum(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void;
  /**
   * Positions of the first `k` entries of a stable sort along the middle axis of `x` viewed as `(outer, n, inner)`:
   * `out[o, j, i]` (`out` is `(outer, k, inner)`) is the index along the axis of the j-th smallest entry (largest with
   * `descending`). Equal entries keep their order and NaN sorts above every number (so first when descending), as
   * `torch.sort(stable=True)` does; `k = n` is a full argsort, `k < n` what topk needs.
   */
  argsort(
    x: TypedArray,
    outer: number,
    n: number,
    inner: number,
    descending: boolean,
    k: number,
    out: Int32Array,
  ): void;
  /** Batched `C = op(A) · op(B)`; see {@link MatmulDesc}. */
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, desc: MatmulDesc): void;
  /** `dst[dstOffset + idx·dstStrides] (+)= src[srcOffset + idx·srcStrides]` for every idx in `shape`. */
  copy(
    src: TypedArray,
    srcOffset: number,
    srcStrides: readonly number[],
    dst: TypedArray,
    dstOffset: number,
    dstStrides: readonly number[],
    shape: readonly number[],
    accumulate: boolean,
  ): void;
  /** Element-wise dtype conversion (float→int truncates toward zero, like PyTorch). */
  cast(x: TypedArray, out: TypedArray): void;
  /** Along `axis` of x viewed as `(outer, n, inner)`: `out[o, i, k] = x[o, index[i], k]` (index has `m` entries). */
  indexSelect(x: TypedArray, outer: number, n: number, inner: number, index: Int32Array, out: TypedArray): void;
  /** Adjoint of indexSelect: `out[o, index[i], k] += src[o, i, k]`. */
  indexAdd(out: TypedArray, outer: number, n: number, inner: number, index: Int32Array, src: TypedArray): void;
  /** `out[..., i, ...] = x[..., index[..., i, ...], ...]` along `axis` (torch.gather); index is contiguous with `indexShape`. */
  gather(
    x: TypedArray,
    xShape: readonly number[],
    axis: number,
    index: Int32Array,
    indexShape: readonly number[],
    out: TypedArray,
  ): void;
  /** Adjoint of gather: `out[..., index[..., i, ...], ...] += src[..., i, ...]` (torch.scatter_add_). */
  scatterAdd(
    out: TypedArray,
    outShape: readonly number[],
    axis: number,
    index: Int32Array,
    indexShape: readonly number[],
    src: TypedArray,
  ): void;
  /** im2col: `(N, C, H, W)` → `(N, C·kh·kw, L)`; see {@link UnfoldDesc}. */
  unfold(x: TypedArray, desc: UnfoldDesc, out: TypedArray): void;
  /** col2im, the adjoint of unfold: `(N, C·kh·kw, L)` → `(N, C, H, W)`, summing overlaps. */
  fold(cols: TypedArray, desc: UnfoldDesc, out: TypedArray): void;
  /**
   * Max pooling's argmax over `(planes, H, W)` images (`desc.n` planes, `desc.c` = 1): for each window, the
   * flat index `h·W + w` within its plane of the first maximum among the taps inside the image (NaN wins),
   * as PyTorch picks it. `out` has `planes·outH·outW` entries.
   */
  maxPoolIndices(x: TypedArray, desc: UnfoldDesc, out: Int32Array): void;
  /**
   * Adaptive max pooling's argmax over `planes` images of `h×w`: output cell `(i, j)` of `outH×outW` covers
   * rows `⌊i·h/outH⌋ .. ⌈(i+1)·h/outH⌉ - 1` and likewise columns; `out[(plane·outH + i)·outW + j]` gets the
   * flat index `r·w + c` within its plane of the first maximum in row-major order (a NaN wins), as PyTorch's
   * `adaptive_max_pool2d` picks it.
   */
  adaptiveMaxPoolIndices(
    x: TypedArray,
    planes: number,
    h: number,
    w: number,
    outH: number,
    outW: number,
    out: Int32Array,
  ): void;
  /**
   * The pointwise part of an LSTM step (PyTorch's gate order): row `b` of `gates` `(B, 4H)` is
   * `[z_i | z_f | z_g | z_o]`; with `i, f, o = σ(z_·)`, `g = tanh(z_g)`, `c' = f·c + i·g` and
   * `h' = o·tanh(c')`, `out` `(2, B, H)` gets `h'` in its first `B·H` entries and `c'` in the rest. Unless
   * `saved` is null, its row `b` of `5H` gets `[i | f | g | o | tanh c']` for {@link Backend.lstmCellBackward}.
   */
  lstmCell(
    gates: TypedArray,
    c: TypedArray,
    out: TypedArray,
    saved: TypedArray | null,
    batch: number,
    hidden: number,
  ): void;
  /**
   * The vector-Jacobian product of {@link Backend.lstmCell}: given `grad` `(2, B, H)` (`dh'` then `dc'`), the
   * cell state `c` and what the forward kernel `saved`, row `b` of `out` `(B, 5H)` gets
   * `[dz_i | dz_f | dz_g | dz_o | dc]`.
   */
  lstmCellBackward(
    grad: TypedArray,
    c: TypedArray,
    saved: TypedArray,
    out: TypedArray,
    batch: number,
    hidden: number,
  ): void;
}

/** Element-wise unary kernels. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'erf'
  | 'sin'
  | 'cos'
  | 'logicalNot'
  | 'isnan';

/** Element-wise binary kernels; comparisons write 0/1 into a bool output. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logicalAnd'
  | 'logicalOr';

/** Reductions along one axis. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/**
 * A batched matrix product `C[b] = op(A[b]) · op(B[b])` where `op` transposes the last two dims when the
 * flag is set. `A[b]` is `(m, k)` after op, `B[b]` `(k, n)`, `C[b]` `(m, n)` contiguous. Batch index `b`
 * runs over `batchShape`; `aBatchStrides`/`bBatchStrides` give each operand's element offset per batch dim
 * (0 where that operand is broadcast).
 */
export interface MatmulDesc {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  batchShape: readonly number[];
  aBatchStrides: readonly number[];
  bBatchStrides: readonly number[];
}

/** Geometry of unfold/fold (im2col/col2im) over `(N, C, H, W)` images. */
export interface UnfoldDesc {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
  /** Value read outside the image (0 for convolution, -Infinity for max pooling). */
  padValue: number;
}

let current: Backend = jsBackend;

/** The active backend (the JS one unless {@link setBackend} chose another). */
export function getBackend(): Backend {
  return current;
}

/**
 * Makes `backend` the one every op uses from now on. Tensors already created keep their storage, so a
 * backend must accept any typed array as input.
 */
export function setBackend(backend: Backend): void {
  current = backend;
}
