import type { AvgPool2dOptions, MaxPool2dOptions, Pair } from '../ops/conv';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

function fmt(p: Pair): string {
  return typeof p === 'number' ? String(p) : `[${p.join(', ')}]`;
}

/**
 * 2-d max pooling (`torch.nn.MaxPool2d`): the maximum of each `kernelSize` window, windows `stride`
 * apart (default: `kernelSize`, non-overlapping), over an input padded with `-∞`. The gradient goes to the
 * maximum of each window (shared evenly between ties).
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
export class MaxPool2d extends Module<[Tensor], Tensor> {
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

  /**
   * @param kernelSize - the window, `(kh, kw)` or one number for both
   * @param options - `stride` (default `kernelSize`), `padding` (0), `dilation` (1), `ceilMode` (false)
   */
  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  /** `(N, C, H, W)` → `(N, C, Hout, Wout)`. */
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}, dilation=${fmt(this.dilation)}, ceil_mode=${this.ceilMode}`;
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
