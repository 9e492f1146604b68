import { noGrad } from '../autograd/mode';
import { fmtShape, TensorError } from '../errors';
import { ones, tensor, zeros } from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import { Buffer, Module, Parameter } from './module';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale `weight` (ones) and shift `bias` (zeros) (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, whether to learn the shift `bias` too (default true). */
  bias?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: 'float32' | 'float64';
}

function checkSize(op: string, shape: readonly number[]): void {
  if (shape.length === 0 || shape.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new TensorError(op, `expected positive integer sizes, got ${fmtShape(shape)}`);
  }
}

/**
 * Layer normalisation over the last dims (`torch.nn.LayerNorm`, Ba et al., 2016):
 * `y = (x - E[x]) / √(Var[x] + eps) · weight + bias`, statistics over the trailing `normalizedShape` dims
 * of each sample (the same in training and evaluation).
 *
 * Parameters: `weight` (ones) and `bias` (zeros) of shape `normalizedShape`, unless
 * `elementwiseAffine: false` (or `bias: false` for the shift alone).
 *
 * Shapes: `(*, ...normalizedShape)` → the same.
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(512);
 * ln.forward(randn([20, 5, 512])).shape; // [20, 5, 512]
 * ```
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  /** The trailing dims normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;
  /** Whether there are learned `weight` (and `bias`). */
  readonly elementwiseAffine: boolean;
  /** Scale, `normalizedShape`, or null. */
  weight: Parameter | null;
  /** Shift, `normalizedShape`, or null. */
  bias: Parameter | null;

  /**
   * @param normalizedShape - the size of the last dim, or the sizes of the last dims
   * @param options - `eps`, `elementwiseAffine`, `bias`, `dtype`
   */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    checkSize('LayerNorm', shape);
    this.normalizedShape = shape;
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(zeros(shape, { dtype })) : null;
    this.bias = this.elementwiseAffine && options.bias !== false ? new Parameter(zeros(shape, { dtype })) : null;
    this.resetParameters();
  }

  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  /** `(*, ...normalizedShape)` → the same. */
  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwise_affine=${this.elementwiseAffine}`;
  }
}

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /**
   * Weight of the current batch in the running statistics (default 0.1); null keeps a cumulative
   * (equal-weight) average over all batches seen.
   */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
  /**
   * Keep running statistics for evaluation (default true). Without them the batch's statistics are used
   * in evaluation too.
   */
  trackRunningStats?: boolean;
  /** dtype of the parameters and running statistics (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * What batch and instance normalisation share (PyTorch's `_NormBase`): `numFeatures` channels, `eps`, the
 * optional affine `weight`/`bias` and the optional running statistics, with PyTorch's field (state-dict)
 * names in PyTorch's order.
 */
export abstract class NormBase extends Module<[Tensor], Tensor> {
  /** Number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Weight of a new batch in the running statistics; null (BatchNorm only) for a cumulative average. */
  momentum: number | null;
  /** Whether there are learned `weight` and `bias`. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** Scale `(C)`, or null. */
  weight: Parameter | null;
  /** Shift `(C)`, or null. */
  bias: Parameter | null;
  /** Running mean `(C)`, or null. */
  running_mean: Buffer | null;
  /** Running (unbiased) variance `(C)`, or null. */
  running_var: Buffer | null;
  /** Number of training batches seen (a 0-d int32 tensor, saved as int64), or null. */
  num_batches_tracked: Buffer | null;

  /**
   * @param numFeatures - the number of channels C
   * @param options - `eps`, `momentum`, `affine`, `trackRunningStats`, `dtype`
   * @param defaults - `affine` and `trackRunningStats` when the options leave them out
   */
  constructor(
    numFeatures: number,
    options: BatchNormOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new TensorError(name, `numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.running_mean = new Buffer(zeros([numFeatures], { dtype }));
      this.running_var = new Buffer(ones([numFeatures], { dtype }));
      this.num_batches_tracked = new Buffer(tensor(0, { dtype: 'int32' }), { safetensorsDtype: 'I64' });
    } else {
      this.running_mean = null;
      this.running_var = null;
      this.num_batches_tracked = null;
    }
    this.resetParameters();
  }

  /** Resets `running_mean` to zeros, `running_var` to ones and `num_batches_tracked` to 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Resets the running statistics, `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, track_running_stats=${this.trackRunningStats}`;
  }
}

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share (PyTorch's `_BatchNorm`): per-channel
 * normalisation `y = (x - mean) / √(var + eps) · weight + bias` over every dim but the channel dim 1.
 *
 * In training mode, `mean` and `var` are the batch's (biased variance) and the running statistics are
 * updated: `running = (1 - momentum) · running + momentum · batch` with the unbiased batch variance, and
 * `num_batches_tracked` counts the batches. In evaluation mode the running statistics are used.
 *
 * Parameters: `weight` (ones), `bias` (zeros), each `(numFeatures)`, unless `affine: false`. Buffers:
 * `running_mean` (zeros), `running_var` (ones), `num_batches_tracked` (0, int32 in memory but saved as
 * int64 like PyTorch's), unless `trackRunningStats: false`. The field names are PyTorch's state-dict keys.
 */
export abstract class BatchNormBase extends NormBase {
  /**
   * @param numFeatures - the number of channels C
   * @param options - `eps`, `momentum`, `affine`, `trackRunningStats`, `dtype`
   */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true });
  }

  /** Throws unless `x` has a rank this layer accepts. */
  protected abstract checkInputDim(x: Tensor): void;

  /** Normalises `x` `(N, C, *)` per channel; see the class description. */
  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked !== null) {
      const count = this.num_batches_tracked;
      noGrad(() => count.add_(1));
      // momentum null: the cumulative average weights the n-th batch by 1/n.
      if (this.momentum === null) factor = 1 / count.item();
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    return F.batchNorm(x, this.running_mean, this.running_var, this.weight, this.bias, useBatchStats, factor, this.eps);
  }
}

/**
 * Batch normalisation of `(N, C)` or `(N, C, L)` inputs (`torch.nn.BatchNorm1d`, Ioffe & Szegedy, 2015);
 * see {@link BatchNormBase} for the computation, parameters and buffers.
 *
 * Shapes: `(N, C)` or `(N, C, L)` → the same.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(100);
 * bn.forward(randn([20, 100]));   // training: batch statistics, running stats updated
 * bn.eval().forward(randn([1, 100])); // evaluation: running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new TensorError(
        'BatchNorm1d',
        `expected 2D or 3D input (got ${x.ndim}D input of shape ${fmtShape(x.shape)})`,
      );
    }
  }
}

/**
 * Batch normalisation of images `(N, C, H, W)` (`torch.nn.BatchNorm2d`); see {@link BatchNormBase}.
 *
 * Shapes: `(N, C, H, W)` → the same.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(16, { momentum: null }); // cumulative running averages
 * bn.forward(randn([8, 16, 32, 32])).shape; // [8, 16, 32, 32]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) {
      throw new TensorError('BatchNorm2d', `expected 4D input (got ${x.ndim}D input of shape ${fmtShape(x.shape)})`);
    }
  }
}

/** Options of {@link GroupNorm}. */
export interface GroupNormOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * Group normalisation (`torch.nn.GroupNorm`, Wu & He, 2018): the `numChannels` channels are split into
 * `numGroups` groups of consecutive channels, and each group of each sample is normalised over its
 * channels and spatial positions, `y = (x - E[x]) / √(Var[x] + eps) · weight + bias` (biased variance).
 * It does not depend on the batch, so training and evaluation compute the same thing; see
 * {@link functional.groupNorm}.
 *
 * Parameters: `weight` (ones) and `bias` (zeros), each `(numChannels)`, unless `affine: false`.
 *
 * Shapes: `(N, C, *)` → the same.
 *
 * @example
 * ```ts
 * const gn = new GroupNorm(3, 6);   // 3 groups of 2 channels
 * gn.forward(randn([20, 6, 10, 10])).shape; // [20, 6, 10, 10]
 * new GroupNorm(6, 6);              // InstanceNorm with a per-channel affine
 * new GroupNorm(1, 6);              // LayerNorm over (C, H, W) with a per-channel affine
 * ```
 */
export class GroupNorm extends Module<[Tensor], Tensor> {
  /** Number of groups G. */
  readonly numGroups: number;
  /** Number of channels C (a multiple of G). */
  readonly numChannels: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Whether there are learned `weight` and `bias`. */
  readonly affine: boolean;
  /** Scale `(C)`, or null. */
  weight: Parameter | null;
  /** Shift `(C)`, or null. */
  bias: Parameter | null;

  /**
   * @param numGroups - the number of groups G
   * @param numChannels - the number of channels C, a multiple of G
   * @param options - `eps`, `affine`, `dtype`
   */
  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    for (const [name, v] of [
      ['numGroups', numGroups],
      ['numChannels', numChannels],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new TensorError('GroupNorm', `${name} must be a positive integer, got ${v}`);
    }
    if (numChannels % numGroups !== 0) {
      throw new TensorError(
        'GroupNorm',
        `${numChannels} channels cannot be split into ${numGroups} groups (num_channels must be divisible by num_groups)`,
      );
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    if (this.weight !== null) init.ones_(this.weight);
    if (this.bias !== null) init.zeros_(this.bias);
  }

  /** `(N, C, *)` → the same. */
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new TensorError(
        'GroupNorm',
        `expected an input of shape (N, ${this.numChannels}, *), got ${fmtShape(x.shape)}`,
      );
    }
    return F.groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}

/** Options of {@link InstanceNorm1d} and {@link InstanceNorm2d}. */
export interface InstanceNormOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Weight of the current batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default false, unlike BatchNorm). */
  affine?: boolean;
  /**
   * Keep running statistics, updated in training and used in evaluation (default false, unlike BatchNorm:
   * without them every instance is normalised with its own statistics in evaluation too).
   */
  trackRunningStats?: boolean;
  /** dtype of the parameters and running statistics (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * What {@link InstanceNorm1d} and {@link InstanceNorm2d} share (PyTorch's `_InstanceNorm`): each channel
 * of each sample is normalised over its spatial positions, `y = (x - mean) / √(var + eps) · weight + bias`;
 * see {@link functional.instanceNorm}.
 *
 * In training mode, and always without `trackRunningStats`, `mean` and `var` are the instance's own; with
 * `trackRunningStats` the running statistics are updated in training
 * (`running = (1 - momentum) · running + momentum · batch`, the instance statistics averaged over the
 * batch, unbiased variance) and used in evaluation. As in PyTorch, `num_batches_tracked` exists (for the
 * state dict) but is not counted.
 *
 * Parameters: `weight` (ones), `bias` (zeros), each `(numFeatures)`, only with `affine: true`. Buffers:
 * `running_mean` (zeros), `running_var` (ones), `num_batches_tracked` (0, saved as int64), only with
 * `trackRunningStats: true`. Unbatched inputs (without N) are normalised as a batch of one.
 */
export abstract class InstanceNormBase extends NormBase {
  /** Weight of a new batch in the running statistics. */
  declare momentum: number;

  /** The number of spatial dims of a batched input (1 for InstanceNorm1d, 2 for InstanceNorm2d). */
  protected abstract readonly spatialDims: number;

  /**
   * @param numFeatures - the number of channels C
   * @param options - `eps`, `momentum`, `affine`, `trackRunningStats`, `dtype`
   */
  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super(numFeatures, options, { affine: false, trackRunningStats: false });
  }

  /** Normalises `x` `(N, C, *)` or unbatched `(C, *)` per instance and channel; see the class description. */
  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    const batched = x.ndim === this.spatialDims + 2;
    if (!batched && x.ndim !== this.spatialDims + 1) {
      const dims = this.spatialDims === 1 ? '2D (C, L) or 3D (N, C, L)' : '3D (C, H, W) or 4D (N, C, H, W)';
      throw new TensorError(name, `expected a ${dims} input, got ${x.ndim}D input of shape ${fmtShape(x.shape)}`);
    }
    const c = x.shape[batched ? 1 : 0];
    if (this.affine && c !== this.numFeatures) {
      throw new TensorError(
        name,
        `expected input's size at dim=${batched ? 1 : 0} to match num_features (${this.numFeatures}), but got ${fmtShape(x.shape)}`,
      );
    }
    const input = batched ? x : x.unsqueeze(0); // (C, *) → (1, C, *)
    const useInputStats = this.training || !this.trackRunningStats;
    const y = F.instanceNorm(
      input,
      this.running_mean,
      this.running_var,
      this.weight,
      this.bias,
      useInputStats,
      this.momentum,
      this.eps,
    );
    return batched ? y : y.squeeze(0);
  }
}

/**
 * Instance normalisation of sequences `(N, C, L)` (`torch.nn.InstanceNorm1d`, Ulyanov et al., 2016): every
 * channel of every sample normalised over its length; see {@link InstanceNormBase}.
 *
 * Shapes: `(N, C, L)` or `(C, L)` → the same.
 *
 * @example
 * ```ts
 * const norm = new InstanceNorm1d(100);
 * norm.forward(randn([20, 100, 40])).shape; // [20, 100, 40]
 * ```
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected get spatialDims(): number {
    return 1;
  }
}

/**
 * Instance normalisation of images `(N, C, H, W)` (`torch.nn.InstanceNorm2d`), as in style transfer and
 * image-to-image GANs: every `(H, W)` map normalised on its own; see {@link InstanceNormBase}.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → the same.
 *
 * @example
 * ```ts
 * const norm = new InstanceNorm2d(64, { affine: true, trackRunningStats: true });
 * norm.forward(randn([8, 64, 32, 32]));  // training: instance statistics, running stats updated
 * norm.eval().forward(randn([1, 64, 32, 32])); // evaluation: running statistics
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected get spatialDims(): number {
    return 2;
  }
}
