/**
 * Convolution and pooling, composed from the `unfold`/`fold` primitives (im2col/col2im) and `matmul`.
 * Unfold and fold are adjoint linear maps with each other as gradient, so nothing here needs gradient code:
 * every function below is differentiable (twice and more) through the ops it is written with.
 */
import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import type { UnfoldParams } from '../autograd/primitives';
import { getBackend } from '../backend/backend';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { Tensor } from '../tensor';
import { full } from './creation';
import { add, div, promotePair } from './elementwise';
import { scatterAdd } from './indexing';
import { matmul, matmulT } from './linalg';
import { sum } from './reduce';
import { pad, reshape } from './shape';

/** A size for both spatial dims (`3` means `(3, 3)`) or one per dim as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Geometry options of {@link unfold} and {@link fold}. */
export interface UnfoldOptions {
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Implicit zeros added on both sides of each spatial dim (default 0). */
  padding?: Pair;
  /** Step between neighbouring blocks (default 1). */
  stride?: Pair;
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step of the kernel (default 1). */
  stride?: Pair;
  /**
   * Zeros added on both sides (default 0), or `'valid'` (no padding) or `'same'` (output as large as the
   * input; stride 1 only; when the total padding is odd the extra row/column goes at the end, like PyTorch).
   */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Options of {@link conv1d}: as {@link Conv2dOptions}, one number per geometry parameter. */
export interface Conv1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | 'same' | 'valid';
  dilation?: number | readonly [number];
  groups?: number;
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  /** Step of the kernel in the output (default 1). */
  stride?: Pair;
  /** `dilation·(kernel-1) - padding` zeros of implicit padding on both sides of the input (default 0). */
  padding?: Pair;
  /** Extra size added to one side of each output dim (default 0); must be smaller than stride or dilation. */
  outputPadding?: Pair;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair | null;
  /** Implicit -∞ on both sides (default 0); at most half the kernel size. */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Round the output size up instead of down, so a last partial window is kept (default false). */
  ceilMode?: boolean;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair | null;
  /** Implicit zeros on both sides (default 0); at most half the kernel size. */
  padding?: Pair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this number instead of its size. */
  divisorOverride?: number | null;
}

type Geom = [number, number];

function fmtGeom(g: readonly number[]): string {
  return `(${g.join(',')})`;
}

/** Reads a number or an n-tuple of integers ≥ `min` into an n-tuple. */
function tuple(op: string, name: string, v: unknown, n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (
    !Array.isArray(list) ||
    list.length !== n ||
    list.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min)
  ) {
    const what = n === 1 ? 'an integer' : `an integer or ${n} integers`;
    throw new TensorError(op, `${name} must be ${what} >= ${min}, got ${JSON.stringify(v)}`);
  }
  return list.slice();
}

function pair(op: string, name: string, v: unknown, min: number): Geom {
  return tuple(op, name, v, 2, min) as Geom;
}

function checkTensor(op: string, x: unknown, what: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected ${what} to be a Tensor, got ${typeof x}`);
}

function checkFloating(op: string, x: Tensor, what: string): void {
  if (!isFloating(x.dtype)) {
    throw new TensorError(op, `${what} ${fmtShape(x.shape)} must be float32 or float64, got ${x.dtype}`);
  }
}

/** Unbatched `(C, ...)` inputs get a batch dim of 1; returns the batched tensor and whether one was added. */
function batched(op: string, x: Tensor, spatial: number, layout: string): [Tensor, boolean] {
  if (x.ndim === spatial + 2) return [x, false];
  if (x.ndim === spatial + 1) return [reshape(x, [1, ...x.shape]), true]; // (C, ...) → (1, C, ...)
  throw new TensorError(
    op,
    `expected a ${spatial + 1}-d (C,${layout}) or ${spatial + 2}-d (N,C,${layout}) input, got ${fmtShape(x.shape)}`,
  );
}

/** Number of sliding positions of a kernel spanning `span` pixels over `size + 2·padding` with `stride`. */
function slidingCount(size: number, padding: number, span: number, stride: number): number {
  return Math.floor((size + 2 * padding - span) / stride) + 1;
}

/** Checks that the dilated kernel fits in the padded input, naming the op and shapes otherwise. */
function checkFits(
  op: string,
  inShape: readonly number[],
  spatial: readonly number[],
  kernel: readonly number[],
  dilation: readonly number[],
  padding: readonly number[],
): void {
  const span = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  const padded = spatial.map((s, i) => s + 2 * padding[i]);
  if (span.some((s, i) => s > padded[i])) {
    throw new TensorError(
      op,
      `kernel ${fmtGeom(kernel)} with dilation ${fmtGeom(dilation)} spans ${fmtGeom(span)}, more than the padded input ${fmtGeom(padded)} (input ${fmtShape(inShape)}, padding ${fmtGeom(padding)})`,
    );
  }
}

function unfoldParams(kernel: Geom, stride: Geom, padding: Geom, dilation: Geom, padValue: number): UnfoldParams {
  return { kernelSize: kernel, stride, padding, dilation, padValue };
}

/**
 * Extracts sliding local blocks (im2col), like PyTorch's `F.unfold`: column `l` of the output holds the
 * `C·kh·kw` values under the kernel at block position `l` (blocks in row-major order), zeros where the kernel
 * covers the padding. The number of blocks is `L = ∏ ⌊(size + 2·padding - dilation·(k-1) - 1)/stride⌋ + 1`.
 *
 * @param x - `(N, C, H, W)` or unbatched `(C, H, W)`.
 * @param kernelSize - `(kh, kw)`, or one number for both.
 * @param opts - `dilation`, `padding`, `stride` (each a number or a pair; defaults 1, 0, 1).
 * @returns `(N, C·kh·kw, L)`, or `(C·kh·kw, L)` for an unbatched input.
 *
 * @example
 * ```ts
 * unfold(arange(16).float().reshape([1, 1, 4, 4]), 2, { stride: 2 }).shape // [1, 4, 4]
 * ```
 */
export function unfold(x: Tensor, kernelSize: Pair, opts: UnfoldOptions = {}): Tensor {
  const op = 'unfold';
  checkTensor(op, x, 'input');
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const padding = pair(op, 'padding', opts.padding ?? 0, 0);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const [x4, unbatched] = batched(op, x, 2, 'H,W');
  checkFits(op, x.shape, x4.shape.slice(2), kernel, dilation, padding);
  const cols = apply('unfold', [x4], unfoldParams(kernel, stride, padding, dilation, 0)); // (N, C·kh·kw, L)
  return unbatched ? reshape(cols, cols.shape.slice(1)) : cols; // (C·kh·kw, L)
}

/**
 * Combines sliding local blocks into an image (col2im), like PyTorch's `F.fold`: the adjoint of
 * {@link unfold}, so values that several blocks share are summed. `fold(unfold(x))` is `x` times the number
 * of blocks covering each pixel.
 *
 * @param cols - `(N, C·kh·kw, L)` or unbatched `(C·kh·kw, L)`, where L is the number of blocks that
 *   `outputSize` holds with this geometry.
 * @param outputSize - `(H, W)` of the image, or one number for both.
 * @param kernelSize - `(kh, kw)`, or one number for both.
 * @param opts - `dilation`, `padding`, `stride` (defaults 1, 0, 1).
 * @returns `(N, C, H, W)`, or `(C, H, W)` for an unbatched input.
 *
 * @example
 * ```ts
 * const x = randn([1, 2, 4, 4]);
 * fold(unfold(x, 2, { stride: 2 }), 4, 2, { stride: 2 }) // equals x (the blocks do not overlap)
 * ```
 */
export function fold(cols: Tensor, outputSize: Pair, kernelSize: Pair, opts: UnfoldOptions = {}): Tensor {
  const op = 'fold';
  checkTensor(op, cols, 'input');
  const size = pair(op, 'outputSize', outputSize, 1);
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const padding = pair(op, 'padding', opts.padding ?? 0, 0);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  if (cols.ndim !== 2 && cols.ndim !== 3) {
    throw new TensorError(op, `expected a 2-d (C·kh·kw, L) or 3-d (N, C·kh·kw, L) input, got ${fmtShape(cols.shape)}`);
  }
  const unbatched = cols.ndim === 2;
  const c3 = unbatched ? reshape(cols, [1, ...cols.shape]) : cols; // (N, C·kh·kw, L)
  const taps = kernel[0] * kernel[1];
  if (c3.shape[1] % taps !== 0) {
    throw new TensorError(
      op,
      `input ${fmtShape(cols.shape)}: dim ${unbatched ? 0 : 1} of size ${c3.shape[1]} must be divisible by the kernel's ${kernel[0]}·${kernel[1]} = ${taps} taps`,
    );
  }
  checkFits(op, [c3.shape[0], c3.shape[1] / taps, ...size], size, kernel, dilation, padding);
  const blocks = size.map((s, i) => slidingCount(s, padding[i], dilation[i] * (kernel[i] - 1) + 1, stride[i]));
  const L = c3.shape[2];
  if (L !== blocks[0] * blocks[1]) {
    throw new TensorError(
      op,
      `input ${fmtShape(cols.shape)} has ${L} blocks, but outputSize ${fmtGeom(size)} with kernel ${fmtGeom(kernel)}, padding ${fmtGeom(padding)}, stride ${fmtGeom(stride)} and dilation ${fmtGeom(dilation)} holds ${blocks[0]}x${blocks[1]} = ${blocks[0] * blocks[1]}`,
    );
  }
  const out = apply('fold', [c3], { ...unfoldParams(kernel, stride, padding, dilation, 0), outputSize: size }); // (N, C, H, W)
  return unbatched ? reshape(out, out.shape.slice(1)) : out; // (C, H, W)
}

/** Validates bias: 1-d with one entry per output channel. */
function checkBias(op: string, bias: Tensor | null | undefined, cout: number): Tensor | null {
  if (bias === null || bias === undefined) return null;
  checkTensor(op, bias, 'bias');
  if (bias.ndim !== 1 || bias.shape[0] !== cout) {
    throw new TensorError(op, `bias ${fmtShape(bias.shape)} must have shape (${cout}), one entry per output channel`);
  }
  checkFloating(op, bias, 'bias');
  return bias;
}

function checkGroups(op: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new TensorError(op, `groups must be a positive integer, got ${JSON.stringify(groups)}`);
  }
  return groups;
}

/**
 * The convolution of `nd` = 1 or 2 spatial dims: validates with the caller's shapes, then lifts a 1-d problem
 * to 2-d with a height of 1 and convolves by im2col and one (grouped, batched) matmul.
 */
function convNd(
  op: string,
  nd: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: Conv2dOptions | Conv1dOptions,
): Tensor {
  const layout = nd === 1 ? 'L' : 'H,W';
  checkTensor(op, input, 'input');
  checkTensor(op, weight, 'weight');
  checkFloating(op, input, 'input');
  checkFloating(op, weight, 'weight');
  if (weight.ndim !== nd + 2) {
    throw new TensorError(
      op,
      `weight must be ${nd + 2}-d (Cout, Cin/groups, ${nd === 1 ? 'k' : 'kh,kw'}), got ${fmtShape(weight.shape)}`,
    );
  }
  const groups = checkGroups(op, opts.groups ?? 1);
  const [xb, unbatched] = batched(op, input, nd, layout);
  const [cout, cinPerGroup] = weight.shape;
  const cin = xb.shape[1];
  if (cin !== cinPerGroup * groups) {
    throw new TensorError(
      op,
      `input ${fmtShape(input.shape)} has ${cin} channels but weight ${fmtShape(weight.shape)} expects ${cinPerGroup * groups} (groups=${groups})`,
    );
  }
  if (cout % groups !== 0) {
    throw new TensorError(
      op,
      `weight ${fmtShape(weight.shape)} has ${cout} output channels, which groups=${groups} does not divide`,
    );
  }
  const b = checkBias(op, bias, cout);
  const kernel = weight.shape.slice(2);
  const stride = tuple(op, 'stride', opts.stride ?? 1, nd, 1);
  const dilation = tuple(op, 'dilation', opts.dilation ?? 1, nd, 1);
  const spatial = xb.shape.slice(2);
  let padding: number[];
  // Extra zeros at the end of each dim, for 'same' padding whose total is odd.
  let extra = new Array<number>(nd).fill(0);
  if (opts.padding === 'valid') padding = new Array<number>(nd).fill(0);
  else if (opts.padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new TensorError(op, `padding='same' is not supported for strided convolutions (stride ${fmtGeom(stride)})`);
    }
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    padding = total.map((t) => Math.floor(t / 2));
    extra = total.map((t, i) => t - 2 * padding[i]);
  } else padding = tuple(op, 'padding', opts.padding ?? 0, nd, 0);
  checkFits(op, input.shape, spatial, kernel, dilation, padding);

  // Lift to two spatial dims: a 1-d signal is an image of height 1.
  const lift = (g: number[], one: number): Geom => (nd === 1 ? [one, g[0]] : (g as Geom));
  const [n] = xb.shape;
  let x4 = nd === 1 ? reshape(xb, [n, cin, 1, spatial[0]]) : xb; // (N, Cin, H, W)
  const w4 = nd === 1 ? reshape(weight, [cout, cinPerGroup, 1, kernel[0]]) : weight; // (Cout, Cin/g, kh, kw)
  if (extra.some((e) => e > 0)) {
    const [eh, ew] = lift(extra, 0);
    x4 = pad(x4, [0, ew, 0, eh]); // (N, Cin, H + eh, W + ew)
  }
  const [, , kh, kw] = w4.shape;
  const params = unfoldParams([kh, kw], lift(stride, 1), lift(padding, 0), lift(dilation, 1), 0);
  const [a, c] = promotePair(op, x4, w4);
  const cols = apply('unfold', [a], params); // (N, Cin·kh·kw, L)
  const L = cols.shape[2];
  const K = cinPerGroup * kh * kw;
  let y: Tensor;
  if (groups === 1) {
    y = matmul(reshape(c, [cout, K]), cols); // (Cout, K) @ (N, K, L) → (N, Cout, L)
  } else {
    const colsG = reshape(cols, [n, groups, K, L]); // (N, g, Cin/g·kh·kw, L)
    const wG = reshape(c, [groups, cout / groups, K]); // (g, Cout/g, Cin/g·kh·kw)
    y = matmul(wG, colsG); // (N, g, Cout/g, L)
  }
  const outSpatial = spatial.map((s, i) =>
    slidingCount(s + extra[i], padding[i], dilation[i] * (kernel[i] - 1) + 1, stride[i]),
  );
  y = reshape(y, [n, cout, ...outSpatial]); // (N, Cout, *out)
  if (b !== null) y = add(y, reshape(b, [cout, ...outSpatial.map(() => 1)])); // + (Cout, 1[, 1])
  return unbatched ? reshape(y, y.shape.slice(1)) : y; // (Cout, *out)
}

/**
 * 2-d convolution (cross-correlation, as in every deep-learning library), like PyTorch's `F.conv2d`:
 * `out[n, o, i, j] = bias[o] + Σ_{c, p, q} weight[o, c, p, q] · x[n, g(o)·Cin/g + c, i·sh - ph + p·dh, j·sw - pw + q·dw]`
 * where `g(o)` is the group of output channel `o`. Output size per dim:
 * `⌊(size + 2·padding - dilation·(k-1) - 1)/stride⌋ + 1`.
 *
 * @param x - `(N, Cin, H, W)` or unbatched `(Cin, H, W)`.
 * @param weight - `(Cout, Cin/groups, kh, kw)`.
 * @param bias - `(Cout)`, or null/undefined for none.
 * @param opts - `stride`, `padding` (a number, a pair, `'same'` or `'valid'`), `dilation`, `groups`.
 * @returns `(N, Cout, Hout, Wout)`, or `(Cout, Hout, Wout)` for an unbatched input.
 * @throws TensorError - naming the shapes, e.g. `conv2d: input (2,3,8,8) has 3 channels but weight (16,4,3,3)
 *   expects 4 (groups=1)`, and for a kernel larger than the padded input.
 *
 * @example
 * ```ts
 * const y = conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), zeros([16]), { padding: 1 }); // (8, 16, 32, 32)
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return convNd('conv2d', 2, x, weight, bias, opts);
}

/**
 * 1-d convolution (cross-correlation), like PyTorch's `F.conv1d`:
 * `out[n, o, i] = bias[o] + Σ_{c, p} weight[o, c, p] · x[n, g(o)·Cin/g + c, i·stride - padding + p·dilation]`.
 *
 * @param x - `(N, Cin, L)` or unbatched `(Cin, L)`.
 * @param weight - `(Cout, Cin/groups, k)`.
 * @param bias - `(Cout)`, or null/undefined for none.
 * @param opts - `stride`, `padding` (a number, `'same'` or `'valid'`), `dilation`, `groups`.
 * @returns `(N, Cout, Lout)` with `Lout = ⌊(L + 2·padding - dilation·(k-1) - 1)/stride⌋ + 1`, or `(Cout, Lout)`.
 *
 * @example
 * ```ts
 * conv1d(randn([4, 2, 100]), randn([8, 2, 5]), null, { padding: 'same' }).shape // [4, 8, 100]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  return convNd('conv1d', 1, x, weight, bias, opts);
}

/**
 * 2-d transposed convolution ("deconvolution"), like PyTorch's `F.conv_transpose2d`: the gradient of
 * {@link conv2d} with respect to its input, so each input pixel scatters `weight`-scaled copies into the
 * output. Computed as one (grouped) matmul `weightᵀ · x` followed by {@link fold}. Output size per dim:
 * `(size - 1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1`.
 *
 * @param x - `(N, Cin, H, W)` or unbatched `(Cin, H, W)`.
 * @param weight - `(Cin, Cout/groups, kh, kw)` (note: input channels first, as in PyTorch).
 * @param bias - `(Cout)`, or null/undefined for none.
 * @param opts - `stride`, `padding`, `outputPadding`, `groups`, `dilation`.
 * @returns `(N, Cout, Hout, Wout)`, or `(Cout, Hout, Wout)` for an unbatched input.
 *
 * @example
 * ```ts
 * // Doubles the resolution: (1, 8, 16, 16) → (1, 4, 32, 32)
 * convTranspose2d(randn([1, 8, 16, 16]), randn([8, 4, 4, 4]), null, { stride: 2, padding: 1 });
 * ```
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTranspose2dOptions = {},
): Tensor {
  const op = 'convTranspose2d';
  checkTensor(op, x, 'input');
  checkTensor(op, weight, 'weight');
  checkFloating(op, x, 'input');
  checkFloating(op, weight, 'weight');
  if (weight.ndim !== 4) {
    throw new TensorError(op, `weight must be 4-d (Cin, Cout/groups, kh, kw), got ${fmtShape(weight.shape)}`);
  }
  const groups = checkGroups(op, opts.groups ?? 1);
  const [xb, unbatched] = batched(op, x, 2, 'H,W');
  const [n, cin, h, w] = xb.shape;
  const [wcin, coutPerGroup, kh, kw] = weight.shape;
  if (cin !== wcin) {
    throw new TensorError(
      op,
      `input ${fmtShape(x.shape)} has ${cin} channels but weight ${fmtShape(weight.shape)} expects ${wcin} (weight is (Cin, Cout/groups, kh, kw))`,
    );
  }
  if (cin % groups !== 0) {
    throw new TensorError(op, `input ${fmtShape(x.shape)} has ${cin} channels, which groups=${groups} does not divide`);
  }
  const cout = coutPerGroup * groups;
  const b = checkBias(op, bias, cout);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const padding = pair(op, 'padding', opts.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const outputPadding = pair(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  if (outputPadding.some((p, i) => p >= stride[i] && p >= dilation[i])) {
    throw new TensorError(
      op,
      `outputPadding ${fmtGeom(outputPadding)} must be smaller than either stride ${fmtGeom(stride)} or dilation ${fmtGeom(dilation)}`,
    );
  }
  const kernel: Geom = [kh, kw];
  const span = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  // Without padding the output would be `full`; padding crops it on both sides, outputPadding extends the end.
  const fullSize = [h, w].map((s, i) => (s - 1) * stride[i] + span[i]);
  const outSize = fullSize.map((s, i) => s - 2 * padding[i] + outputPadding[i]) as Geom;
  if (outSize.some((s) => s <= 0)) {
    throw new TensorError(
      op,
      `input ${fmtShape(x.shape)} with kernel ${fmtGeom(kernel)}, stride ${fmtGeom(stride)}, padding ${fmtGeom(padding)}, dilation ${fmtGeom(dilation)} and outputPadding ${fmtGeom(outputPadding)} gives an empty output ${fmtGeom(outSize)}`,
    );
  }
  const [a, c] = promotePair(op, xb, weight);
  const K = coutPerGroup * kh * kw;
  let cols: Tensor;
  if (groups === 1) {
    const w2 = reshape(c, [cin, K]); // (Cin, Cout·kh·kw)
    const x3 = reshape(a, [n, cin, h * w]); // (N, Cin, H·W)
    cols = matmulT(w2, x3, true, false); // (Cout·kh·kw, Cin) @ (N, Cin, H·W) → (N, Cout·kh·kw, H·W)
  } else {
    const wG = reshape(c, [groups, cin / groups, K]); // (g, Cin/g, Cout/g·kh·kw)
    const xG = reshape(a, [n, groups, cin / groups, h * w]); // (N, g, Cin/g, H·W)
    cols = matmulT(wG, xG, true, false); // (g, Cout/g·kh·kw, Cin/g) @ (N, g, Cin/g, H·W) → (N, g, Cout/g·kh·kw, H·W)
    cols = reshape(cols, [n, groups * K, h * w]); // (N, Cout·kh·kw, H·W)
  }
  let y: Tensor;
  if (outputPadding.every((p, i) => p < stride[i])) {
    // fold with this padding finds exactly H×W block positions in outSize, so it crops and extends in one go.
    y = apply('fold', [cols], {
      ...unfoldParams(kernel, stride, padding, dilation, 0),
      outputSize: outSize,
    }); // (N, Cout, Hout, Wout)
  } else {
    // outputPadding ≥ stride (allowed when dilation is larger) adds block rows fold would count: fold the full
    // output, then crop `padding` from the start and crop/extend the end.
    const whole = apply('fold', [cols], {
      ...unfoldParams(kernel, stride, [0, 0], dilation, 0),
      outputSize: fullSize as Geom,
    }); // (N, Cout, Hfull, Wfull)
    y = pad(whole, [-padding[1], outputPadding[1] - padding[1], -padding[0], outputPadding[0] - padding[0]]); // (N, Cout, Hout, Wout)
  }
  if (b !== null) y = add(y, reshape(b, [cout, 1, 1])); // + (Cout, 1, 1)
  return unbatched ? reshape(y, y.shape.slice(1)) : y; // (Cout, Hout, Wout)
}

/**
 * Output size of a pooling window sliding over one dim, PyTorch's rule: with `ceilMode` the last window may
 * hang over the end, but it must start inside the input or the left padding.
 */
function poolOutSize(size: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const room = size + 2 * p - d * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
  if (ceilMode && (out - 1) * s >= size + p) out--;
  return out;
}

interface PoolGeometry {
  xb: Tensor;
  unbatched: boolean;
  kernel: Geom;
  stride: Geom;
  padding: Geom;
  dilation: Geom;
  out: Geom;
  /** Rows/columns to add at the end so that ceil-mode windows fit. */
  extra: Geom;
}

function poolGeometry(
  op: string,
  x: Tensor,
  kernelSize: Pair,
  stride: Pair | null | undefined,
  padding: Pair | undefined,
  dilation: Pair | undefined,
  ceilMode: boolean,
): PoolGeometry {
  checkTensor(op, x, 'input');
  checkFloating(op, x, 'input');
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const st = pair(op, 'stride', stride ?? kernel, 1);
  const pd = pair(op, 'padding', padding ?? 0, 0);
  const dl = pair(op, 'dilation', dilation ?? 1, 1);
  if (pd.some((p, i) => 2 * p > kernel[i])) {
    throw new TensorError(op, `padding ${fmtGeom(pd)} must be at most half the kernel size ${fmtGeom(kernel)}`);
  }
  const [xb, unbatched] = batched(op, x, 2, 'H,W');
  const spatial = xb.shape.slice(2);
  checkFits(op, x.shape, spatial, kernel, dl, pd);
  const out = spatial.map((s, i) => poolOutSize(s, kernel[i], st[i], pd[i], dl[i], ceilMode)) as Geom;
  const extra = spatial.map((s, i) =>
    Math.max(0, (out[i] - 1) * st[i] + dl[i] * (kernel[i] - 1) + 1 - (s + 2 * pd[i])),
  ) as Geom;
  return { xb, unbatched, kernel, stride: st, padding: pd, dilation: dl, out, extra };
}

/**
 * The windows of every channel as columns: `(N·C, kh·kw, L)`, reading `padValue` in the padding (and in the
 * ceil-mode overhang at the end).
 */
function poolColumns(g: PoolGeometry, padValue: number): Tensor {
  const [n, c, h, w] = g.xb.shape;
  let planes = reshape(g.xb, [n * c, 1, h, w]); // (N·C, 1, H, W)
  if (g.extra[0] > 0 || g.extra[1] > 0) planes = pad(planes, [0, g.extra[1], 0, g.extra[0]], padValue); // (N·C, 1, H+eh, W+ew)
  return apply('unfold', [planes], unfoldParams(g.kernel, g.stride, g.padding, g.dilation, padValue)); // (N·C, kh·kw, L)
}

function poolResult(g: PoolGeometry, y: Tensor): Tensor {
  const [n, c] = g.xb.shape;
  const out = reshape(y, [n, c, g.out[0], g.out[1]]); // (N, C, Hout, Wout)
  return g.unbatched ? reshape(out, out.shape.slice(1)) : out; // (C, Hout, Wout)
}

/**
 * 2-d max pooling, like PyTorch's `F.max_pool2d`: the maximum of each `kh×kw` window (taps `dilation` apart,
 * windows `stride` apart, the input padded with -∞). Output size per dim:
 * `⌊(size + 2·padding - dilation·(k-1) - 1)/stride⌋ + 1` (rounded up with `ceilMode`, keeping only windows
 * that start inside the input or the left padding).
 *
 * Like PyTorch, each window picks one input, the first maximum in row-major order (a NaN wins), and the
 * gradient goes to that input alone. {@link maxPool2dWithIndices} also returns which input that was.
 *
 * @param x - `(N, C, H, W)` or unbatched `(C, H, W)`.
 * @param kernelSize - `(kh, kw)` or one number.
 * @param opts - `stride` (default the kernel size), `padding` (≤ half the kernel), `dilation`, `ceilMode`.
 * @returns `(N, C, Hout, Wout)`, or `(C, Hout, Wout)`.
 *
 * @example
 * ```ts
 * maxPool2d(randn([1, 3, 32, 32]), 2).shape // [1, 3, 16, 16]
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): Tensor {
  return maxPool2dWithIndices(x, kernelSize, opts)[0];
}

/**
 * {@link maxPool2d} that also returns where each maximum came from (`F.max_pool2d(..., return_indices=True)`):
 * int32 indices, each the flat position `h·W + w` of the chosen input within its `(H, W)` plane, ready for
 * {@link maxUnpool2d}.
 *
 * @returns `[values, indices]`, both `(N, C, Hout, Wout)` (or `(C, Hout, Wout)`).
 *
 * @example
 * ```ts
 * const [y, idx] = maxPool2dWithIndices(tensor([[[[1, 5], [7, 2]]]]), 2);
 * y.toArray();   // [[[[7]]]]
 * idx.toArray(); // [[[[2]]]]  (row 1, column 0 of the 2×2 plane)
 * ```
 */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): [Tensor, Tensor] {
  const g = poolGeometry('maxPool2d', x, kernelSize, opts.stride, opts.padding, opts.dilation, opts.ceilMode ?? false);
  const [n, c, h, w] = g.xb.shape;
  const L = g.out[0] * g.out[1];
  const index = empty([n * c, L], 'int32');
  getBackend().maxPoolIndices(
    g.xb.data,
    {
      n: n * c,
      c: 1,
      h,
      w,
      kh: g.kernel[0],
      kw: g.kernel[1],
      strideH: g.stride[0],
      strideW: g.stride[1],
      padH: g.padding[0],
      padW: g.padding[1],
      dilationH: g.dilation[0],
      dilationW: g.dilation[1],
      outH: g.out[0],
      outW: g.out[1],
      padValue: Number.NEGATIVE_INFINITY,
    },
    index.data as Int32Array,
  );
  // The indices are in range by construction, so the gather primitive is applied without gather's checks.
  const y = apply('gather', [reshape(g.xb, [n * c, h * w]), index], { axis: 1 }); // (N·C, L)
  return [poolResult(g, y), poolResult(g, index)];
}

/** Options of {@link maxUnpool2d}. */
export interface MaxUnpool2dOptions {
  /** Step between the pooling windows (default: the kernel size). */
  stride?: Pair | null;
  /** The pooling's padding (default 0). */
  padding?: Pair;
  /** The output's `(H, W)` (or its full shape), when the default `(in - 1)·stride - 2·padding + kernel` is not it. */
  outputSize?: readonly number[] | null;
}

/**
 * The partial inverse of {@link maxPool2dWithIndices}, like PyTorch's `F.max_unpool2d`: zeros everywhere
 * except at the pooled maxima, which go back to where `indices` says they came from. Where windows overlapped
 * and two entries name the same position they are added (PyTorch keeps one of them); non-overlapping pooling
 * has no such duplicates.
 *
 * @param x - the pooled values `(N, C, Hin, Win)` or `(C, Hin, Win)`.
 * @param indices - int32, the shape of `x`: flat positions within each output plane.
 * @param kernelSize - the pooling window.
 * @param opts - `stride`, `padding`, `outputSize` (default `(Hin - 1)·stride - 2·padding + kernel` per dim).
 * @returns `(N, C, Hout, Wout)` (or `(C, Hout, Wout)`).
 *
 * @example
 * ```ts
 * const [y, idx] = maxPool2dWithIndices(tensor([[[[1, 5], [7, 2]]]]), 2);
 * maxUnpool2d(y, idx, 2).toArray(); // [[[[0, 0], [7, 0]]]]
 * ```
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Pair, opts: MaxUnpool2dOptions = {}): Tensor {
  const op = 'maxUnpool2d';
  checkTensor(op, x, 'input');
  checkTensor(op, indices, 'indices');
  if (indices.dtype !== 'int32') {
    throw new TensorError(op, `indices must be int32 (as maxPool2dWithIndices returns them), got ${indices.dtype}`);
  }
  if (indices.ndim !== x.ndim || indices.shape.some((s, i) => s !== x.shape[i])) {
    throw new TensorError(op, `indices ${fmtShape(indices.shape)} must have the input's shape ${fmtShape(x.shape)}`);
  }
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const st = pair(op, 'stride', opts.stride ?? kernel, 1);
  const pd = pair(op, 'padding', opts.padding ?? 0, 0);
  const [xb, unbatched] = batched(op, x, 2, 'H,W');
  const [n, c, hin, win] = xb.shape;
  let size: Geom = [(hin - 1) * st[0] - 2 * pd[0] + kernel[0], (win - 1) * st[1] - 2 * pd[1] + kernel[1]];
  if (opts.outputSize) {
    const os = opts.outputSize.slice(-2);
    if (os.length !== 2 || os.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new TensorError(
        op,
        `outputSize must end with two positive integers (H, W), got [${opts.outputSize.join(', ')}]`,
      );
    }
    for (let i = 0; i < 2; i++) {
      const lo = size[i] - st[i];
      const hi = size[i] + st[i];
      if (os[i] <= lo || os[i] >= hi) {
        throw new TensorError(
          op,
          `outputSize [${os.join(', ')}] is out of range: dim ${i} must lie strictly between ${lo} and ${hi} for input ${fmtShape(x.shape)}`,
        );
      }
    }
    size = [os[0], os[1]];
  }
  if (n * c > 0 && size[0] * size[1] <= 0) {
    throw new TensorError(op, `the output ${fmtGeom(size)} would be empty for input ${fmtShape(x.shape)}`);
  }
  const flatIdx = reshape(indices, [n * c, hin * win]);
  const zeros = full([n * c, size[0] * size[1]], 0, { dtype: xb.dtype });
  // scatterAdd checks that every index lies inside the output plane.
  const out = scatterAdd(zeros, 1, flatIdx, reshape(xb, [n * c, hin * win])); // (N·C, Hout·Wout)
  const shaped = reshape(out, [n, c, size[0], size[1]]);
  return unbatched ? reshape(shaped, shaped.shape.slice(1)) : shaped;
}

/**
 * 2-d average pooling, like PyTorch's `F.avg_pool2d`: the mean of each `kh×kw` window (windows `stride`
 * apart). The divisor is `divisorOverride` if given; otherwise the window's size counting the zero padding
 * (`countIncludePad`, the default) but not the ceil-mode overhang past it, or only the input pixels it covers.
 *
 * @param x - `(N, C, H, W)` or unbatched `(C, H, W)`.
 * @param kernelSize - `(kh, kw)` or one number.
 * @param opts - `stride` (default the kernel size), `padding` (≤ half the kernel), `ceilMode`,
 *   `countIncludePad` (true), `divisorOverride`.
 * @returns `(N, C, Hout, Wout)`, or `(C, Hout, Wout)`.
 *
 * @example
 * ```ts
 * avgPool2d(ones([1, 1, 4, 4]), 2, { padding: 1, countIncludePad: false }) // all ones, (1, 1, 3, 3)
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  const g = poolGeometry(op, x, kernelSize, opts.stride, opts.padding, 1, opts.ceilMode ?? false);
  const override = opts.divisorOverride;
  if (override !== null && override !== undefined && !(Number.isFinite(override) && override !== 0)) {
    throw new TensorError(op, `divisorOverride must be a nonzero number, got ${override}`);
  }
  const sums = sum(poolColumns(g, 0), 1); // (N·C, L)
  // The divisor of each window is a constant of the geometry: compute it once per output position.
  const [h, w] = g.xb.shape.slice(2);
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [outH, outW] = g.out;
  const divisor = full([outH * outW], 1, { dtype: sums.dtype });
  const countPad = opts.countIncludePad ?? true;
  for (let i = 0; i < outH; i++) {
    const h0 = i * sh - ph;
    const h1 = Math.min(h0 + kh, h + ph);
    for (let j = 0; j < outW; j++) {
      const w0 = j * sw - pw;
      const w1 = Math.min(w0 + kw, w + pw);
      let count: number;
      if (override !== null && override !== undefined) count = override;
      else if (countPad) count = (h1 - h0) * (w1 - w0);
      else count = (Math.min(h1, h) - Math.max(h0, 0)) * (Math.min(w1, w) - Math.max(w0, 0));
      divisor.data[i * outW + j] = count;
    }
  }
  return poolResult(g, div(sums, divisor)); // (N·C, L) / (L)
}

/** An adaptive pooling's output size: one number for both dims, or `[H, W]` where null keeps that input dim. */
export type AdaptiveSize2d = number | null | readonly [number | null, number | null];

/** PyTorch's adaptive windows of one dim: output `i` covers inputs `⌊i·in/out⌋ .. ⌈(i+1)·in/out⌉ - 1`. */
function adaptiveWindows(n: number, out: number): [number, number][] {
  const windows: [number, number][] = [];
  for (let i = 0; i < out; i++) windows.push([Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
  return windows;
}

/** Validates an adaptive pooling input (`spatial` dims after an optional batch dim) and its output size. */
function adaptiveGeometry(
  op: string,
  x: Tensor,
  outputSize: AdaptiveSize2d,
  spatial: 1 | 2,
): { xb: Tensor; unbatched: boolean; out: number[] } {
  checkTensor(op, x, 'input');
  checkFloating(op, x, 'input');
  const [xb, unbatched] = batched(op, x, spatial, spatial === 1 ? 'L' : 'H,W');
  const inSize = xb.shape.slice(2);
  if (inSize.some((s) => s < 1)) {
    throw new TensorError(op, `input ${fmtShape(x.shape)} must have non-zero spatial dims`);
  }
  const list = typeof outputSize === 'number' || outputSize === null ? new Array(spatial).fill(outputSize) : outputSize;
  if (
    !Array.isArray(list) ||
    list.length !== spatial ||
    list.some((v) => v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
  ) {
    const what = spatial === 1 ? 'a positive integer' : 'a positive integer or a pair of them (null keeps a dim)';
    throw new TensorError(op, `outputSize must be ${what}, got ${JSON.stringify(outputSize)}`);
  }
  const out = list.map((v, i) => (v === null ? inSize[i] : v));
  return { xb, unbatched, out };
}

/** The `(out, in)` matrix whose row `i` averages adaptive window `i`. */
function averagingMatrix(n: number, out: number, dtype: Tensor['dtype']): Tensor {
  const m = full([out, n], 0, { dtype });
  adaptiveWindows(n, out).forEach(([s, e], i) => {
    for (let k = s; k < e; k++) m.data[i * n + k] = 1 / (e - s);
  });
  return m;
}

/**
 * Averages adaptive windows along the last `spatial` dims of a batched input: a window is the product of one
 * interval per dim, so its mean is the mean over rows of the means over columns, one small matmul per dim.
 */
function adaptiveAverage(xb: Tensor, out: number[]): Tensor {
  let y = xb;
  const nd = out.length;
  const w = y.shape[y.ndim - 1];
  if (out[nd - 1] !== w) y = matmulT(y, averagingMatrix(w, out[nd - 1], y.dtype), false, true); // (.., W) @ (W, Wout)
  if (nd === 2) {
    const h = y.shape[2];
    if (out[0] !== h) y = matmul(averagingMatrix(h, out[0], y.dtype), y); // (Hout, H) @ (N, C, H, Wout)
  }
  return y;
}

/**
 * 2-d adaptive average pooling, like PyTorch's `F.adaptive_avg_pool2d`: the output has `outputSize` whatever
 * the input size; output `(i, j)` is the mean of rows `⌊i·H/Hout⌋ .. ⌈(i+1)·H/Hout⌉ - 1` and columns
 * likewise, so windows may overlap and an output larger than the input repeats entries.
 *
 * @param x - `(N, C, H, W)` or unbatched `(C, H, W)`.
 * @param outputSize - `(Hout, Wout)`, one number for both, or a pair with null to keep that input dim.
 * @returns `(N, C, Hout, Wout)`, or `(C, Hout, Wout)`.
 *
 * @example
 * ```ts
 * adaptiveAvgPool2d(randn([2, 512, 7, 9]), 1).shape;         // [2, 512, 1, 1] (global average pooling)
 * adaptiveAvgPool2d(randn([1, 3, 10, 9]), [null, 4]).shape;  // [1, 3, 10, 4]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2d): Tensor {
  const g = adaptiveGeometry('adaptiveAvgPool2d', x, outputSize, 2);
  const y = adaptiveAverage(g.xb, g.out); // (N, C, Hout, Wout)
  return g.unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 1-d adaptive average pooling, like PyTorch's `F.adaptive_avg_pool1d`: output `i` is the mean of inputs
 * `⌊i·L/Lout⌋ .. ⌈(i+1)·L/Lout⌉ - 1`.
 *
 * @param x - `(N, C, L)` or unbatched `(C, L)`.
 * @param outputSize - `Lout`.
 * @returns `(N, C, Lout)`, or `(C, Lout)`.
 *
 * @example
 * ```ts
 * adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2).toArray(); // [[[2, 4]]] (windows 0..2 and 2..4)
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly [number]): Tensor {
  const g = adaptiveGeometry('adaptiveAvgPool1d', x, outputSize as AdaptiveSize2d, 1);
  const y = adaptiveAverage(g.xb, g.out); // (N, C, Lout)
  return g.unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 2-d adaptive max pooling, like PyTorch's `F.adaptive_max_pool2d`: the maximum of each adaptive window (see
 * {@link adaptiveAvgPool2d}). As in PyTorch each window picks one input, its first maximum in row-major
 * order (a NaN wins), and the gradient goes to that input alone.
 *
 * @param x - `(N, C, H, W)` or unbatched `(C, H, W)`.
 * @param outputSize - `(Hout, Wout)`, one number for both, or a pair with null to keep that input dim.
 * @returns `(N, C, Hout, Wout)`, or `(C, Hout, Wout)`.
 *
 * @example
 * ```ts
 * adaptiveMaxPool2d(tensor([[[[1, 5, 2], [7, 2, 0]]]]), [1, 2]).toArray(); // [[[[7, 5]]]]
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize2d): Tensor {
  return adaptiveMaxPool2dWithIndices(x, outputSize)[0];
}

/**
 * {@link adaptiveMaxPool2d} that also returns where each maximum came from
 * (`F.adaptive_max_pool2d(..., return_indices=True)`): int32 flat positions `h·W + w` within each plane.
 *
 * @returns `[values, indices]`, both `(N, C, Hout, Wout)` (or `(C, Hout, Wout)`).
 *
 * @example
 * ```ts
 * const [y, idx] = adaptiveMaxPool2dWithIndices(tensor([[[[1, 5, 2], [7, 2, 0]]]]), 1);
 * y.toArray();   // [[[[7]]]]
 * idx.toArray(); // [[[[3]]]] (row 1, column 0)
 * ```
 */
export function adaptiveMaxPool2dWithIndices(x: Tensor, outputSize: AdaptiveSize2d): [Tensor, Tensor] {
  const g = adaptiveGeometry('adaptiveMaxPool2d', x, outputSize, 2);
  const [n, c, h, w] = g.xb.shape;
  const [outH, outW] = g.out;
  const index = empty([n * c, outH * outW], 'int32');
  getBackend().adaptiveMaxPoolIndices(g.xb.data, n * c, h, w, outH, outW, index.data as Int32Array);
  // The indices are in range by construction, so the gather primitive is applied without gather's checks.
  const y = apply('gather', [reshape(g.xb, [n * c, h * w]), index], { axis: 1 }); // (N·C, Hout·Wout)
  const shape = g.unbatched ? [c, outH, outW] : [n, c, outH, outW];
  return [reshape(y, shape), reshape(index, shape)];
}
