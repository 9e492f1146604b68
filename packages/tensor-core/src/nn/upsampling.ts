import { TensorError } from '../errors';
import type { InterpolateMode } from '../ops/interpolate';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/** Options of {@link Upsample}: exactly one of `size` and `scaleFactor`. */
export interface UpsampleOptions {
  /** The output's spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (one number or one per dim); the output size is `⌊in · scale⌋`. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default), `'nearest-exact'`, `'linear'` (3-d input) or `'bilinear'` (4-d input). */
  mode?: InterpolateMode;
  /** Linear modes only: align the corner points of input and output (default false). */
  alignCorners?: boolean | null;
  /** With `scaleFactor`: resample by `in/out` rather than by the given factor (default false). */
  recomputeScaleFactor?: boolean | null;
}

/** PyTorch prints scale factors as floats (`2.0`) and tuples in brackets here, as the other layers do. */
function fmtNumber(v: number, float: boolean): string {
  return float && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function fmtSetting(v: number | readonly number[], float: boolean): string {
  return typeof v === 'number' ? fmtNumber(v, float) : `[${v.map((x) => fmtNumber(x, float)).join(', ')}]`;
}

/**
 * Upsamples (or downsamples) `(N, C, L)` signals and `(N, C, H, W)` images (`torch.nn.Upsample`): a module
 * around {@link F.interpolate} with a fixed `size` or `scaleFactor`, `mode` and `alignCorners`.
 *
 * Shapes: `(N, C, L)` → `(N, C, Lout)` or `(N, C, H, W)` → `(N, C, Hout, Wout)`, with the output size
 * `size`, or `⌊in · scaleFactor⌋` per dim.
 *
 * @example
 * ```ts
 * new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(randn([1, 3, 16, 16])).shape; // [1, 3, 32, 32]
 * new Upsample({ size: [5, 7] }).forward(randn([1, 3, 2, 3])).shape;                     // [1, 3, 5, 7]
 * ```
 */
export class Upsample extends Module<[Tensor], Tensor> {
  /** The output's spatial size, or null when `scaleFactor` sets it. */
  readonly size: number | readonly number[] | null;
  /** The multiplier of each spatial size, or null when `size` is given. */
  readonly scaleFactor: number | readonly number[] | null;
  /** The resampling rule. */
  readonly mode: InterpolateMode;
  /** Whether the linear modes align corner points (null: not set, which is false). */
  readonly alignCorners: boolean | null;
  /** Whether the resampling uses `in/out` instead of the given scale factor. */
  readonly recomputeScaleFactor: boolean | null;

  /** @param options - `size` or `scaleFactor`, `mode` (`'nearest'`), `alignCorners`, `recomputeScaleFactor` */
  constructor(options: UpsampleOptions) {
    super();
    const name = this.constructor.name;
    const hasSize = options.size !== undefined && options.size !== null;
    const hasScale = options.scaleFactor !== undefined && options.scaleFactor !== null;
    if (hasSize === hasScale) {
      throw new TensorError(name, `give exactly one of size and scaleFactor, got ${hasSize ? 'both' : 'neither'}`);
    }
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    this.recomputeScaleFactor = options.recomputeScaleFactor ?? null;
  }

  /** `(N, C, *in)` → `(N, C, *out)`. */
  forward(x: Tensor): Tensor {
    return F.interpolate(x, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  /** PyTorch's `Upsample.extra_repr`: the size or the scale factor, then the mode. */
  override extraRepr(): string {
    const setting =
      this.scaleFactor !== null
        ? `scale_factor=${fmtSetting(this.scaleFactor, true)}`
        : `size=${fmtSetting(this.size as number, false)}`;
    return `${setting}, mode=${this.mode}`;
  }
}

/** Options of {@link UpsamplingNearest2d} and {@link UpsamplingBilinear2d}: exactly one of the two. */
export interface Upsampling2dOptions {
  /** The output's `(H, W)`, or one number for both. */
  size?: number | readonly [number, number] | null;
  /** Multiplier of `H` and `W` (one number or a pair). */
  scaleFactor?: number | readonly [number, number] | null;
}

/**
 * 2-d nearest-neighbour upsampling (`torch.nn.UpsamplingNearest2d`): {@link Upsample} with
 * `mode: 'nearest'` for `(N, C, H, W)` images.
 *
 * @example
 * ```ts
 * new UpsamplingNearest2d({ scaleFactor: 2 }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 * ```
 */
export class UpsamplingNearest2d extends Upsample {
  /** @param options - `size` or `scaleFactor` */
  constructor(options: Upsampling2dOptions) {
    super({ size: options.size, scaleFactor: options.scaleFactor, mode: 'nearest' });
  }
}

/**
 * 2-d bilinear upsampling (`torch.nn.UpsamplingBilinear2d`): {@link Upsample} with `mode: 'bilinear'` and,
 * as in PyTorch, `alignCorners: true`, for `(N, C, H, W)` images.
 *
 * @example
 * ```ts
 * new UpsamplingBilinear2d({ scaleFactor: 2 }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 * ```
 */
export class UpsamplingBilinear2d extends Upsample {
  /** @param options - `size` or `scaleFactor` */
  constructor(options: Upsampling2dOptions) {
    super({ size: options.size, scaleFactor: options.scaleFactor, mode: 'bilinear', alignCorners: true });
  }
}
