import { TensorError } from '../errors';
import type { Pair } from '../ops/conv';
import { zeros } from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { LayerOptions } from './module';
import { Module, Parameter } from './module';

/** Options of {@link Conv1d}. */
export interface Conv1dModuleOptions extends LayerOptions {
  /** Step of the kernel (default 1). */
  stride?: number | readonly [number];
  /** Zeros added on both sides (default 0), `'valid'` (none) or `'same'` (output as long as the input; stride 1). */
  padding?: number | readonly [number] | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number];
  /** Blocked connections: input and output channels are split into `groups` independent groups (default 1). */
  groups?: number;
  /** Whether the layer has a learned bias (default true). */
  bias?: boolean;
  /**
   * How the input is padded: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`, as in PyTorch
   * (the input goes through {@link F.pad} with that mode, then an unpadded convolution).
   */
  paddingMode?: PaddingMode;
}

/** Options of {@link Conv2d}. */
export interface Conv2dModuleOptions extends LayerOptions {
  /** Step of the kernel (default 1). */
  stride?: Pair;
  /** Zeros added on both sides (default 0), `'valid'` (none) or `'same'` (output as large as the input; stride 1). */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Blocked connections: input and output channels are split into `groups` independent groups (default 1). */
  groups?: number;
  /** Whether the layer has a learned bias (default true). */
  bias?: boolean;
  /**
   * How the input is padded: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`, as in PyTorch
   * (the input goes through {@link F.pad} with that mode, then an unpadded convolution).
   */
  paddingMode?: PaddingMode;
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTranspose2dModuleOptions extends LayerOptions {
  /** Step of the kernel in the output (default 1). */
  stride?: Pair;
  /** Removes `padding` rows/columns from both sides of the output (`dilation·(k-1) - padding` implicit input padding; default 0). */
  padding?: Pair;
  /** Extra size added to one side of each output dim (default 0); smaller than stride or dilation. */
  outputPadding?: Pair;
  /** Blocked connections (default 1). */
  groups?: number;
  /** Whether the layer has a learned bias (default true). */
  bias?: boolean;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

/** How a convolution pads its input (`padding_mode` in PyTorch). */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** What the three option types have in common, one number or a tuple per geometry setting. */
interface ConvGeometry extends LayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[] | 'same' | 'valid';
  dilation?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

/** Reads a number or an n-tuple of integers ≥ `min` into an n-tuple, naming the layer and option otherwise. */
function tuple(op: string, name: string, v: number | readonly number[], n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || list.some((x) => !Number.isInteger(x) || x < min)) {
    throw new TensorError(
      op,
      `${name} must be an integer${n > 1 ? ` or ${n} integers` : ''} >= ${min}, got ${JSON.stringify(v)}`,
    );
  }
  return list.slice();
}

function fmt(t: readonly number[]): string {
  return `[${t.join(', ')}]`;
}

/**
 * What the convolution layers share (PyTorch's `_ConvNd`): the geometry, the `weight` and `bias`
 * parameters, PyTorch's default initialisation and the printout.
 *
 * `weight` is `(outChannels, inChannels / groups, ...kernelSize)` for a convolution and
 * `(inChannels, outChannels / groups, ...kernelSize)` for a transposed one; `bias` is `(outChannels)`.
 * Both start as in PyTorch: `weight` by Kaiming-uniform with `a = √5` (that is `U(-1/√fanIn, 1/√fanIn)`
 * with `fanIn` computed from the weight's shape), `bias` from `U(-1/√fanIn, 1/√fanIn)`.
 */
export abstract class ConvBase extends Module<[Tensor], Tensor> {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: readonly number[];
  /** Stride per spatial dim. */
  readonly stride: readonly number[];
  /** Padding per spatial dim, or `'same'`/`'valid'`. */
  readonly padding: readonly number[] | 'same' | 'valid';
  /** Dilation per spatial dim. */
  readonly dilation: readonly number[];
  /** Output padding per spatial dim (transposed convolutions; zeros otherwise). */
  readonly outputPadding: readonly number[];
  /** Number of channel groups. */
  readonly groups: number;
  /** How the input is padded (`'zeros'` unless given). */
  readonly paddingMode: PaddingMode;
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** The filters. */
  weight: Parameter;
  /** `(outChannels)`, or null without bias. */
  bias: Parameter | null;

  /**
   * @param nd - number of spatial dims
   * @param transposed - a transposed convolution (weight `(in, out/groups, *k)`)
   */
  protected constructor(
    nd: number,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvGeometry,
  ) {
    super();
    const op = this.constructor.name;
    for (const [name, v] of [
      ['inChannels', inChannels],
      ['outChannels', outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new TensorError(op, `${name} must be a positive integer, got ${v}`);
    }
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0)
      throw new TensorError(op, `groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0)
      throw new TensorError(op, `inChannels ${inChannels} must be divisible by groups ${groups}`);
    if (outChannels % groups !== 0)
      throw new TensorError(op, `outChannels ${outChannels} must be divisible by groups ${groups}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, nd, 1);
    this.stride = tuple(op, 'stride', options.stride ?? 1, nd, 1);
    const padding = options.padding ?? 0;
    if (padding === 'same' || padding === 'valid') {
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new TensorError(op, "padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else {
      this.padding = tuple(op, 'padding', padding, nd, 0);
    }
    this.dilation = tuple(op, 'dilation', options.dilation ?? 1, nd, 1);
    this.outputPadding = tuple(op, 'outputPadding', options.outputPadding ?? 0, nd, 0);
    this.groups = groups;
    this.transposed = transposed;
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new TensorError(
        op,
        `paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got '${paddingMode}'`,
      );
    }
    if (transposed && paddingMode !== 'zeros') {
      throw new TensorError(op, `only paddingMode 'zeros' is supported, got '${paddingMode}'`);
    }
    this.paddingMode = paddingMode;
    const dtype = options.dtype ?? 'float32';
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(zeros(shape, { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels], { dtype }));
    this.resetParameters({ generator: options.generator });
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(options: init.InitOptions = {}): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: options.generator });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound, options);
      }
    }
  }

  /** PyTorch's `_ConvNd.extra_repr`: only the settings that differ from their defaults after the stride. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${fmt(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${fmt(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${fmt(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /**
   * With a non-zeros `paddingMode`: the input padded by `F.pad` in that mode, and the padding the
   * convolution itself then adds (none). PyTorch's `_reversed_padding_repeated_twice`: for `'same'`, the
   * extra entry of an odd total goes at the end.
   */
  protected padInput(x: Tensor): [Tensor, readonly number[] | 'same' | 'valid'] {
    if (this.paddingMode === 'zeros') return [x, this.padding];
    const nd = this.kernelSize.length;
    const pads: number[] = [];
    for (let i = nd - 1; i >= 0; i--) {
      if (this.padding === 'valid') pads.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        const before = Math.floor(total / 2);
        pads.push(before, total - before);
      } else pads.push(this.padding[i], this.padding[i]);
    }
    return [F.pad(x, pads, { mode: this.paddingMode }), new Array<number>(nd).fill(0)];
  }
}

/**
 * 1-d convolution over `(N, C, L)` signals (`torch.nn.Conv1d`):
 * `out[n, o, i] = bias[o] + Σ_{c, p} weight[o, c, p] · x[n, g(o)·Cin/groups + c, i·stride - padding + p·dilation]`.
 *
 * Parameters: `weight` `(outChannels, inChannels / groups, kernelSize)`, `bias` `(outChannels)`; see
 * {@link ConvBase} for their initialisation.
 *
 * Shapes: `(N, inChannels, L)` or `(inChannels, L)` → `(N, outChannels, Lout)` with
 * `Lout = ⌊(L + 2·padding - dilation·(kernelSize - 1) - 1) / stride⌋ + 1`.
 *
 * @example
 * ```ts
 * const conv = new Conv1d(16, 33, 3, { stride: 2 });
 * conv.forward(randn([20, 16, 50])).shape; // [20, 33, 24]
 * ```
 */
export class Conv1d extends ConvBase {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels of the output (number of filters)
   * @param kernelSize - length of the kernel
   * @param options - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode`, `dtype`, `generator`
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    options: Conv1dModuleOptions = {},
  ) {
    super(1, false, inChannels, outChannels, kernelSize, options);
  }

  /** `(N, Cin, L)` → `(N, Cout, Lout)`. */
  forward(input: Tensor): Tensor {
    const [x, p] = this.padInput(input);
    const padding = typeof p === 'string' ? p : (p as [number]);
    return F.conv1d(x, this.weight, this.bias, {
      stride: this.stride as [number],
      padding,
      dilation: this.dilation as [number],
      groups: this.groups,
    });
  }
}

/**
 * 2-d convolution over `(N, C, H, W)` images (`torch.nn.Conv2d`; a cross-correlation, as in every
 * deep-learning library):
 * `out[n, o, i, j] = bias[o] + Σ_{c, p, q} weight[o, c, p, q] · x[n, g(o)·Cin/groups + c, i·sh - ph + p·dh, j·sw - pw + q·dw]`.
 *
 * Parameters: `weight` `(outChannels, inChannels / groups, kh, kw)`, `bias` `(outChannels)`; see
 * {@link ConvBase} for their initialisation.
 *
 * Shapes: `(N, inChannels, H, W)` or `(inChannels, H, W)` → `(N, outChannels, Hout, Wout)` with
 * `Hout = ⌊(H + 2·ph - dh·(kh - 1) - 1) / sh⌋ + 1` and likewise for `Wout`.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(3, 16, 3, { padding: 1 });
 * conv.forward(randn([8, 3, 32, 32])).shape; // [8, 16, 32, 32]
 * ```
 */
export class Conv2d extends ConvBase {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels of the output (number of filters)
   * @param kernelSize - `(kh, kw)`, or one number for both
   * @param options - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode`, `dtype`, `generator`
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dModuleOptions = {}) {
    super(2, false, inChannels, outChannels, kernelSize, options);
  }

  /** `(N, Cin, H, W)` → `(N, Cout, Hout, Wout)`. */
  forward(input: Tensor): Tensor {
    const [x, p] = this.padInput(input);
    const padding = typeof p === 'string' ? p : (p as [number, number]);
    return F.conv2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding,
      dilation: this.dilation as [number, number],
      groups: this.groups,
    });
  }
}

/**
 * 2-d transposed convolution (`torch.nn.ConvTranspose2d`, sometimes called deconvolution): the gradient
 * of {@link Conv2d} with respect to its input, used to upsample. Each input pixel scatters a
 * `weight`-scaled copy of the kernel into the output.
 *
 * Parameters: `weight` `(inChannels, outChannels / groups, kh, kw)` (input channels first, as in
 * PyTorch), `bias` `(outChannels)`; see {@link ConvBase} for their initialisation.
 *
 * Shapes: `(N, inChannels, H, W)` or `(inChannels, H, W)` → `(N, outChannels, Hout, Wout)` with
 * `Hout = (H - 1)·sh - 2·ph + dh·(kh - 1) + outputPadding_h + 1` and likewise for `Wout`.
 *
 * @example
 * ```ts
 * const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 });
 * up.forward(randn([1, 8, 16, 16])).shape; // [1, 4, 32, 32]
 * ```
 */
export class ConvTranspose2d extends ConvBase {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels of the output
   * @param kernelSize - `(kh, kw)`, or one number for both
   * @param options - `stride`, `padding`, `outputPadding`, `groups`, `bias`, `dilation`, `dtype`, `generator`
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dModuleOptions = {}) {
    if (typeof options.padding === 'string') {
      throw new TensorError('ConvTranspose2d', `padding must be a number or a pair, got '${options.padding}'`);
    }
    super(2, true, inChannels, outChannels, kernelSize, options);
  }

  /** `(N, Cin, H, W)` → `(N, Cout, Hout, Wout)`. */
  forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number],
      outputPadding: this.outputPadding as [number, number],
      groups: this.groups,
      dilation: this.dilation as [number, number],
    });
  }
}
