import type { AdaptiveSize2d, AvgPool2dOptions, MaxPool2dOptions, MaxUnpool2dOptions, Pair } from '../ops/conv';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

function fmt(p: Pair): string {
  return typeof p === 'number' ? String(p) : `[${p.join(', ')}]`;
}

/**
 * 2-d max pooling (`torch.nn.MaxPool2d`): the maximum of each `kernelSize` window, windows `stride`
 * apart (default: `kernelSize`, non-overlapping), over an input padded with `-∞`. As in PyTorch, each window
 * picks its first maximum and the gradient goes to that input alone. With `returnIndices: true`, `forward`
 * returns `[values, indices]` for {@link MaxUnpool2d}.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → `(N, C, Hout, Wout)` with
 * `Hout = ⌊(H + 2·padding - dilation·(k - 1) - 1) / stride⌋ + 1` (rounded up with `ceilMode`).
 *
 * @example
 * ```ts
 * new MaxPool2d(2).forward(randn([1, 3, 8, 8])).shape;                  // [1, 3, 4, 4]
 * new MaxPool2d(3, { stride: 2, padding: 1 }).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends Module<[Tensor], R extends true ? [Tensor, Tensor] : Tensor> {
  /** Window size. */
  readonly kernelSize: Pair;
  /** Step between windows. */
  readonly stride: Pair;
  /** Implicit `-∞` on both sides. */
  readonly padding: Pair;
  /** Spacing between window taps. */
  readonly dilation: Pair;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;
  /** Whether `forward` also returns the indices of the maxima. */
  readonly returnIndices: R;

  /**
   * @param kernelSize - the window, `(kh, kw)` or one number for both
   * @param options - `stride` (default `kernelSize`), `padding` (0), `dilation` (1), `ceilMode` (false),
   *   `returnIndices` (false)
   */
  constructor(kernelSize: Pair, options: MaxPool2dOptions & { returnIndices?: R } = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  /** `(N, C, H, W)` → `(N, C, Hout, Wout)`, or `[values, indices]` with `returnIndices`. */
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const both = F.maxPool2dWithIndices(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
    return (this.returnIndices ? both : both[0]) as R extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}, dilation=${fmt(this.dilation)}, ceil_mode=${this.ceilMode}${this.returnIndices ? ', return_indices=true' : ''}`;
  }
}

/**
 * The partial inverse of {@link MaxPool2d} (`torch.nn.MaxUnpool2d`): puts each pooled maximum back where its
 * index says it came from, zeros elsewhere. Pass the same `kernelSize`, `stride` and `padding` as the pooling;
 * `forward(x, indices, outputSize?)` takes the `[values, indices]` of a `MaxPool2d` with `returnIndices: true`.
 *
 * Shapes: `(N, C, Hin, Win)` → `(N, C, Hout, Wout)` with `Hout = (Hin - 1)·stride - 2·padding + kernel`, or
 * `outputSize` (e.g. the pooled input's shape, when pooling dropped a last row or column).
 *
 * @example
 * ```ts
 * const pool = new MaxPool2d(2, { returnIndices: true });
 * const unpool = new MaxUnpool2d(2);
 * const x = randn([1, 1, 4, 4]);
 * const [y, idx] = pool.forward(x);
 * unpool.forward(y, idx).shape; // [1, 1, 4, 4]: each 2×2 block keeps only its maximum
 * ```
 */
export class MaxUnpool2d extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  /** The pooling window. */
  readonly kernelSize: Pair;
  /** The pooling's step between windows. */
  readonly stride: Pair;
  /** The pooling's padding. */
  readonly padding: Pair;

  /**
   * @param kernelSize - the pooling window, `(kh, kw)` or one number for both
   * @param options - `stride` (default `kernelSize`), `padding` (0)
   */
  constructor(kernelSize: Pair, options: Omit<MaxUnpool2dOptions, 'outputSize'> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
  }

  /** `(N, C, Hin, Win)` values and their int32 indices → `(N, C, Hout, Wout)`. */
  forward(x: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return F.maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }

  override extraRepr(): string {
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}`;
  }
}

/**
 * 2-d average pooling (`torch.nn.AvgPool2d`): the mean of each `kernelSize` window, windows `stride`
 * apart (default: `kernelSize`). With zero `padding`, `countIncludePad` (default true) decides whether the
 * padding counts in the divisor; `divisorOverride` replaces the divisor altogether.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → `(N, C, Hout, Wout)` with
 * `Hout = ⌊(H + 2·padding - k) / stride⌋ + 1` (rounded up with `ceilMode`).
 *
 * @example
 * ```ts
 * new AvgPool2d(2).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class AvgPool2d extends Module<[Tensor], Tensor> {
  /** Window size. */
  readonly kernelSize: Pair;
  /** Step between windows. */
  readonly stride: Pair;
  /** Implicit zeros on both sides. */
  readonly padding: Pair;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;
  /** Whether zero padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** A fixed divisor for every window, or null for the window's size. */
  readonly divisorOverride: number | null;

  /**
   * @param kernelSize - the window, `(kh, kw)` or one number for both
   * @param options - `stride` (default `kernelSize`), `padding` (0), `ceilMode` (false), `countIncludePad`
   *   (true), `divisorOverride` (none)
   */
  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  /** `(N, C, H, W)` → `(N, C, Hout, Wout)`. */
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}`;
  }
}

/** PyTorch's printout of an adaptive output size (a tuple in brackets, None as null). */
function fmtSize(size: AdaptiveSize2d | readonly [number]): string {
  return typeof size === 'number' || size === null ? String(size) : `[${size.map((v) => String(v)).join(', ')}]`;
}

/**
 * 2-d adaptive average pooling (`torch.nn.AdaptiveAvgPool2d`): the output has `outputSize` whatever the
 * input's size; output `(i, j)` averages rows `⌊i·H/Hout⌋ .. ⌈(i+1)·H/Hout⌉ - 1` and the columns likewise.
 * `new AdaptiveAvgPool2d(1)` is global average pooling.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → `(N, C, Hout, Wout)`; a null entry of `outputSize` keeps that dim.
 *
 * @example
 * ```ts
 * new AdaptiveAvgPool2d([5, 7]).forward(randn([1, 64, 8, 9])).shape;   // [1, 64, 5, 7]
 * new AdaptiveAvgPool2d([null, 7]).forward(randn([1, 64, 10, 9])).shape; // [1, 64, 10, 7]
 * ```
 */
export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  /** The output's `(H, W)`, one number for both, or null entries to keep input dims. */
  readonly outputSize: AdaptiveSize2d;

  /** @param outputSize - `(Hout, Wout)`, one number for both, or a pair with null to keep that dim */
  constructor(outputSize: AdaptiveSize2d) {
    super();
    this.outputSize = outputSize;
  }

  /** `(N, C, H, W)` → `(N, C, Hout, Wout)`. */
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${fmtSize(this.outputSize)}`;
  }
}

/**
 * 1-d adaptive average pooling (`torch.nn.AdaptiveAvgPool1d`): output `i` averages inputs
 * `⌊i·L/Lout⌋ .. ⌈(i+1)·L/Lout⌉ - 1`.
 *
 * Shapes: `(N, C, L)` or `(C, L)` → `(N, C, Lout)`.
 *
 * @example
 * ```ts
 * new AdaptiveAvgPool1d(5).forward(randn([1, 64, 8])).shape; // [1, 64, 5]
 * ```
 */
export class AdaptiveAvgPool1d extends Module<[Tensor], Tensor> {
  /** The output's length. */
  readonly outputSize: number | readonly [number];

  /** @param outputSize - `Lout` */
  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = outputSize;
  }

  /** `(N, C, L)` → `(N, C, Lout)`. */
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${fmtSize(this.outputSize)}`;
  }
}

/**
 * 2-d adaptive max pooling (`torch.nn.AdaptiveMaxPool2d`): the maximum of each adaptive window (see
 * {@link AdaptiveAvgPool2d}). As in PyTorch each window picks its first maximum (a NaN wins) and the
 * gradient goes to that input alone. With `returnIndices: true`, `forward` returns `[values, indices]`.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → `(N, C, Hout, Wout)`; a null entry of `outputSize` keeps that dim.
 *
 * @example
 * ```ts
 * new AdaptiveMaxPool2d([5, 7]).forward(randn([1, 64, 8, 9])).shape; // [1, 64, 5, 7]
 * ```
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<
  [Tensor],
  R extends true ? [Tensor, Tensor] : Tensor
> {
  /** The output's `(H, W)`, one number for both, or null entries to keep input dims. */
  readonly outputSize: AdaptiveSize2d;
  /** Whether `forward` also returns the indices of the maxima. */
  readonly returnIndices: R;

  /**
   * @param outputSize - `(Hout, Wout)`, one number for both, or a pair with null to keep that dim
   * @param options - `returnIndices` (false)
   */
  constructor(outputSize: AdaptiveSize2d, options: { returnIndices?: R } = {}) {
    super();
    this.outputSize = outputSize;
    this.returnIndices = (options.returnIndices ?? false) as R;
  }

  /** `(N, C, H, W)` → `(N, C, Hout, Wout)`, or `[values, indices]` with `returnIndices`. */
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const both = F.adaptiveMaxPool2dWithIndices(x, this.outputSize);
    return (this.returnIndices ? both : both[0]) as R extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `output_size=${fmtSize(this.outputSize)}`;
  }
}
