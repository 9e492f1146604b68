/**
 * The functional layer under the `nn` modules, after `torch.nn.functional`: stateless functions of tensors
 * that the modules call from `forward` with their parameters. Everything is composed from tensor ops, so
 * autograd needs no extra rules here.
 *
 * @example
 * ```ts
 * import { functional as F } from '@tensorloom/tensor-core/nn';
 * const h = F.relu(F.linear(x, w1, b1));
 * ```
 *
 * @module
 */
import { noGrad } from '../autograd/mode';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { bernoulli } from '../ops/creation';
import { clamp, div, promotePair } from '../ops/elementwise';
import { matmul, matmulT } from '../ops/linalg';
import { norm } from '../ops/reduce';
import { expand } from '../ops/shape';
import type { Generator } from '../random';
import { broadcastShapes, checkAllocation, normDim } from '../shape';
import { Tensor } from '../tensor';

export type {
  AdaptiveSize2d,
  AvgPool2dOptions,
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose2dOptions,
  MaxPool2dOptions,
  MaxUnpool2dOptions,
  Pair,
  UnfoldOptions,
} from '../ops/conv';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  adaptiveMaxPool2dWithIndices,
  avgPool2d,
  conv1d,
  conv2d,
  convTranspose2d,
  fold,
  maxPool2d,
  maxPool2dWithIndices,
  maxUnpool2d,
  unfold,
} from '../ops/conv';
export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '../ops/elementwise';
export { embedding } from '../ops/indexing';
export type { InterpolateMode, InterpolateOptions } from '../ops/interpolate';
export { interpolate } from '../ops/interpolate';
export { fusedLstmCell } from '../ops/lstm';
export { logSoftmax, softmax } from '../ops/reduce';
export type { PadMode, PadOptions } from '../ops/shape';
export { pad } from '../ops/shape';

function checkTensor(op: string, x: unknown, what: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected ${what} to be a Tensor`);
}

/**
 * Applies an affine map to the last dim: `y = x Wᵀ + b`.
 *
 * Shapes: `x` `(*, in)`, `weight` `(out, in)`, `bias` `(out)` → `(*, out)`. The product reads `W`
 * transposed in place (no copy).
 *
 * @example
 * ```ts
 * linear(ones([8, 3]), randn([4, 3]), zeros([4])).shape // [8, 4]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', x, 'input');
  checkTensor('linear', weight, 'weight');
  if (weight.ndim !== 2) {
    throw new TensorError('linear', `weight must be 2-d (out_features, in_features), got ${fmtShape(weight.shape)}`);
  }
  const [outF, inF] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new TensorError(
      'linear',
      `input ${fmtShape(x.shape)} must end in in_features=${inF} to match weight ${fmtShape(weight.shape)}`,
    );
  }
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new TensorError('linear', `bias must have shape (${outF}), got ${fmtShape(bias.shape)}`);
  }
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const x2 = x.reshape([rows, inF]); // (*, in) → (N, in)
  let y = matmulT(x2, weight, false, true); // (N, in) @ (in, out) → (N, out)
  if (bias != null) y = y.add(bias); // (N, out) + (out)
  return y.reshape([...lead, outF]); // (N, out) → (*, out)
}

/**
 * Bilinear map `y_k = x1ᵀ W_k x2 + b_k` for each output feature `k`.
 *
 * Shapes: `x1` `(*, in1)`, `x2` `(*, in2)` (same leading dims), `weight` `(out, in1, in2)`, `bias` `(out)`
 * → `(*, out)`.
 *
 * @example
 * ```ts
 * bilinear(randn([5, 3]), randn([5, 4]), randn([2, 3, 4])).shape // [5, 2]
 * ```
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('bilinear', x1, 'input1');
  checkTensor('bilinear', x2, 'input2');
  checkTensor('bilinear', weight, 'weight');
  if (weight.ndim !== 3) {
    throw new TensorError('bilinear', `weight must be 3-d (out, in1, in2), got ${fmtShape(weight.shape)}`);
  }
  const [outF, in1, in2] = weight.shape;
  const lead = x1.shape.slice(0, -1);
  const sameLead = x2.ndim === x1.ndim && lead.every((s, i) => s === x2.shape[i]);
  if (x1.ndim === 0 || x1.shape[x1.ndim - 1] !== in1 || !sameLead || x2.shape[x2.ndim - 1] !== in2) {
    throw new TensorError(
      'bilinear',
      `inputs ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)} must be (*, ${in1}) and (*, ${in2}) with the same leading dims, for weight ${fmtShape(weight.shape)}`,
    );
  }
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new TensorError('bilinear', `bias must have shape (${outF}), got ${fmtShape(bias.shape)}`);
  }
  const rows = lead.reduce((a, b) => a * b, 1);
  const a = x1.reshape([1, rows, in1]); // (*, in1) → (1, N, in1)
  const b = x2.reshape([rows, in2]); // (*, in2) → (N, in2)
  const t = matmul(a, weight); // (1, N, in1) @ (out, in1, in2) → (out, N, in2): x1ᵀ W_k for every k
  let y = t.mul(b).sum(2).transpose(0, 1); // Σ_j (x1ᵀ W_k)_j x2_j: (out, N) → (N, out)
  if (bias != null) y = y.add(bias);
  return y.reshape([...lead, outF]); // (N, out) → (*, out)
}

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Where the random mask comes from (default: the global generator). */
  generator?: Generator;
}

/**
 * Inverted dropout: in training, zeroes each element with probability `p` and scales the survivors by
 * `1 / (1 - p)`, so the expected value is unchanged and evaluation needs no rescaling. Out of training
 * (or with `p = 0`) it returns `x` itself; `p = 1` gives zeros.
 *
 * Shapes: any → the same.
 *
 * @example
 * ```ts
 * dropout(ones([4]), 0.5, true, { generator: new Generator(0) }) // e.g. [2, 0, 2, 2]
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkTensor('dropout', x, 'input');
  if (!(p >= 0 && p <= 1))
    throw new TensorError('dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (!isFloating(x.dtype)) throw new TensorError('dropout', `expected a floating-point input, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const keep = bernoulli(1 - p, { shape: x.shape, dtype: x.dtype, generator: options.generator });
  return x.mul(keep.mul(1 / (1 - p)));
}

/**
 * Channel dropout (`F.dropout1d`, `F.dropout2d`): zeroes whole channels of `(N, C, *)` (or unbatched
 * `(C, *)`) inputs; `spatial` is the number of trailing spatial dims (1 or 2).
 */
function channelDropout(
  op: 'dropout1d' | 'dropout2d',
  spatial: number,
  x: Tensor,
  p: number,
  training: boolean,
  options: DropoutOptions,
): Tensor {
  checkTensor(op, x, 'input');
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    const dims = spatial === 1 ? '2D (C, L) or 3D (N, C, L)' : '3D (C, H, W) or 4D (N, C, H, W)';
    throw new TensorError(op, `expected a ${dims} input, got ${x.ndim}D input of shape ${fmtShape(x.shape)}`);
  }
  if (!(p >= 0 && p <= 1)) throw new TensorError(op, `dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (!isFloating(x.dtype)) throw new TensorError(op, `expected a floating-point input, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const channels = x.ndim - spatial; // the leading (N, C) or (C) dims
  const maskShape = x.shape.map((s, i) => (i < channels ? s : 1)); // (N, C, 1, ...): one draw per channel
  const keep = bernoulli(1 - p, { shape: maskShape, dtype: x.dtype, generator: options.generator });
  return x.mul(keep.mul(1 / (1 - p))); // broadcasts over the spatial dims
}

/**
 * Channel-wise dropout for sequences (`F.dropout1d`, Tompson et al., 2015): in training, zeroes each whole
 * channel (a `(L)` row of `x`) with probability `p` and scales the others by `1 / (1 - p)`. Out of training
 * (or with `p = 0`) it returns `x` itself.
 *
 * Shapes: `(N, C, L)` or `(C, L)` → the same.
 *
 * @example
 * ```ts
 * dropout1d(ones([1, 4, 3]), 0.5, true, { generator: new Generator(0) }) // rows of 2s and rows of 0s
 * ```
 */
export function dropout1d(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  return channelDropout('dropout1d', 1, x, p, training, options);
}

/**
 * Channel-wise dropout for feature maps (`F.dropout2d`, Tompson et al., 2015): in training, zeroes each
 * whole channel (an `(H, W)` map of `x`) with probability `p` and scales the others by `1 / (1 - p)`. Out
 * of training (or with `p = 0`) it returns `x` itself.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → the same. (PyTorch treats a 3-d input as batched `(N, C, L)` for
 * backward compatibility, with a warning; here it is the documented unbatched `(C, H, W)`.)
 *
 * @example
 * ```ts
 * dropout2d(ones([2, 8, 4, 4]), 0.25, true, { generator: new Generator(0) }) // whole 4×4 maps zeroed
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  return channelDropout('dropout2d', 2, x, p, training, options);
}

/**
 * Layer normalisation over the last `normalizedShape.length` dims (Ba et al., 2016):
 * `y = (x - E[x]) / √(Var[x] + eps) · weight + bias`, with the biased variance.
 *
 * Shapes: `x` `(*, ...normalizedShape)`, `weight` and `bias` `normalizedShape` → same as `x`.
 *
 * @example
 * ```ts
 * layerNorm(randn([2, 5, 8]), [8], ones([8]), zeros([8])).shape // [2, 5, 8]
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  checkTensor('layerNorm', x, 'input');
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new TensorError(
      'layerNorm',
      `input ${fmtShape(x.shape)} must end in normalized_shape ${fmtShape(normalizedShape)}`,
    );
  }
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p != null && (p.ndim !== k || p.shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new TensorError(
        'layerNorm',
        `${name} must have shape ${fmtShape(normalizedShape)}, got ${fmtShape(p.shape)}`,
      );
    }
  }
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  const centered = x.sub(x.mean(axes, true)); // (*, ...normalizedShape)
  const variance = centered.square().mean(axes, true); // (*, 1, ..., 1)
  let y = centered.mul(variance.add(eps).rsqrt());
  if (weight != null) y = y.mul(weight); // broadcasts over the leading dims
  if (bias != null) y = y.add(bias);
  return y;
}

/**
 * Batch normalisation over the channel dim 1 (Ioffe & Szegedy, 2015):
 * `y = (x - mean) / √(var + eps) · weight + bias`, per channel.
 *
 * In training (or without running statistics) `mean` and `var` are the batch's, taken over every dim but
 * the channel dim with the biased variance, and the running statistics (if given) are updated in place,
 * without recording: `running = (1 - momentum) · running + momentum · batch`, where the batch variance in
 * this update is the unbiased one (`n / (n - 1)` times), as in PyTorch. For a cumulative average pass
 * `momentum = 1 / numBatchesSeen` (what `BatchNorm` does with `momentum: null`). Out of training the
 * running statistics are used.
 *
 * Shapes: `x` `(N, C)` or `(N, C, *)`; `runningMean`, `runningVar`, `weight`, `bias` `(C)` → same as `x`.
 *
 * @example
 * ```ts
 * const rm = zeros([3]), rv = ones([3]);
 * batchNorm(randn([8, 3, 4, 4]), rm, rv, null, null, true); // rm, rv now moved 10% toward the batch
 * ```
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  checkTensor('batchNorm', x, 'input');
  if (x.ndim < 2) throw new TensorError('batchNorm', `expected an input of shape (N, C, *), got ${fmtShape(x.shape)}`);
  const c = x.shape[1];
  for (const [name, p] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p != null && (p.ndim !== 1 || p.shape[0] !== c)) {
      throw new TensorError(
        'batchNorm',
        `${name} must have shape (${c}) for input ${fmtShape(x.shape)}, got ${fmtShape(p.shape)}`,
      );
    }
  }
  if ((runningMean === null) !== (runningVar === null)) {
    throw new TensorError('batchNorm', 'running_mean and running_var must both be given or both be null');
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1); // every dim but the channels
  const perChannel = x.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, ..., 1), broadcasts against x
  let mean: Tensor;
  let variance: Tensor;
  if (training || runningMean === null || runningVar === null) {
    const n = x.size / c;
    if (n <= 1) {
      throw new TensorError(
        'batchNorm',
        `expected more than 1 value per channel when training, got input size ${fmtShape(x.shape)}`,
      );
    }
    mean = x.mean(axes, true); // (1, C, 1, ...)
    variance = x.sub(mean).square().mean(axes, true); // biased, (1, C, 1, ...)
    if (training && runningMean !== null && runningVar !== null) {
      const rm = runningMean;
      const rv = runningVar;
      noGrad(() => {
        const batchMean = mean.detach().reshape([c]).to(rm.dtype);
        const unbiased = variance
          .detach()
          .reshape([c])
          .mul(n / (n - 1))
          .to(rv.dtype);
        rm.mul_(1 - momentum).add_(batchMean.mul(momentum));
        rv.mul_(1 - momentum).add_(unbiased.mul(momentum));
      });
    }
  } else {
    mean = runningMean.reshape(perChannel); // (C) → (1, C, 1, ...)
    variance = runningVar.reshape(perChannel);
  }
  let y = x.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight != null) y = y.mul(weight.reshape(perChannel));
  if (bias != null) y = y.add(bias.reshape(perChannel));
  return y;
}

function checkChannelParams(op: string, x: Tensor, c: number, params: [string, Tensor | null | undefined][]): void {
  for (const [name, p] of params) {
    if (p != null && (p.ndim !== 1 || p.shape[0] !== c)) {
      throw new TensorError(
        op,
        `${name} must have shape (${c}) for input ${fmtShape(x.shape)}, got ${fmtShape(p.shape)}`,
      );
    }
  }
}

/**
 * Group normalisation (`F.group_norm`, Wu & He, 2018): the channels are split into `numGroups` groups of
 * `C / numGroups` consecutive channels and each group of each sample is normalised over its channels and
 * spatial positions, `y = (x - E[x]) / √(Var[x] + eps) · weight + bias` (biased variance, the same in
 * training and evaluation), with a per-channel `weight` and `bias`. One group is LayerNorm over
 * `(C, *)`; `C` groups is InstanceNorm.
 *
 * Shapes: `x` `(N, C, *)`; `weight`, `bias` `(C)` → same as `x`.
 *
 * @example
 * ```ts
 * groupNorm(randn([2, 6, 4, 4]), 3, ones([6]), zeros([6])).shape // [2, 6, 4, 4]
 * ```
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  checkTensor('groupNorm', x, 'input');
  if (x.ndim < 2) throw new TensorError('groupNorm', `expected an input of shape (N, C, *), got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new TensorError(
      'groupNorm',
      `${c} channels of input ${fmtShape(x.shape)} cannot be split into ${numGroups} groups (num_channels must be divisible by num_groups)`,
    );
  }
  checkChannelParams('groupNorm', x, c, [
    ['weight', weight],
    ['bias', bias],
  ]);
  const perChannel = x.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, ..., 1)
  const groups = x.reshape([n, numGroups, -1]); // (N, C, *) → (N, G, C/G · *)
  const centered = groups.sub(groups.mean(2, true)); // (N, G, C/G · *)
  const variance = centered.square().mean(2, true); // biased, (N, G, 1)
  let y = centered.mul(variance.add(eps).rsqrt()).reshape(x.shape); // (N, G, C/G · *) → (N, C, *)
  if (weight != null) y = y.mul(weight.reshape(perChannel));
  if (bias != null) y = y.add(bias.reshape(perChannel));
  return y;
}

/**
 * Instance normalisation (`F.instance_norm`, Ulyanov et al., 2016): each channel of each sample is
 * normalised over its spatial positions, `y = (x - mean) / √(var + eps) · weight + bias`.
 *
 * With `useInputStats` (the default) `mean` and `var` are the instance's own (biased variance), and the
 * running statistics, if given, are updated in place without recording:
 * `running = (1 - momentum) · running + momentum · batch`, where `batch` is the instance statistics
 * averaged over the batch, with the unbiased variance, as in PyTorch. Without it the running statistics
 * are used (what `InstanceNorm` does in evaluation with `trackRunningStats`).
 *
 * Shapes: `x` `(N, C, *)` with at least one spatial dim; `runningMean`, `runningVar`, `weight`, `bias`
 * `(C)` → same as `x`.
 *
 * @example
 * ```ts
 * instanceNorm(randn([4, 3, 8, 8])).shape // [4, 3, 8, 8]; every (8, 8) map has mean 0 and variance 1
 * ```
 */
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  useInputStats = true,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  checkTensor('instanceNorm', x, 'input');
  if (x.ndim < 3) {
    throw new TensorError(
      'instanceNorm',
      `expected an input of shape (N, C, *) with at least one spatial dim, got ${fmtShape(x.shape)}`,
    );
  }
  const c = x.shape[1];
  checkChannelParams('instanceNorm', x, c, [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ]);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new TensorError('instanceNorm', 'running_mean and running_var must both be given or both be null');
  }
  const perChannel = x.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, ..., 1)
  let y: Tensor;
  if (useInputStats || runningMean === null || runningVar === null) {
    const spatial = x.shape.slice(2).reduce((a, b) => a * b, 1);
    if (spatial <= 1) {
      throw new TensorError(
        'instanceNorm',
        `expected more than 1 spatial element when training, got input size ${fmtShape(x.shape)}`,
      );
    }
    const axes = x.shape.map((_, i) => i).slice(2); // the spatial dims
    const mean = x.mean(axes, true); // (N, C, 1, ...)
    const centered = x.sub(mean);
    const variance = centered.square().mean(axes, true); // biased, (N, C, 1, ...)
    if (runningMean !== null && runningVar !== null) {
      const rm = runningMean;
      const rv = runningVar;
      noGrad(() => {
        const batchMean = mean.detach().reshape([-1, c]).mean(0).to(rm.dtype); // (N, C) → (C)
        const unbiased = variance
          .detach()
          .reshape([-1, c])
          .mean(0)
          .mul(spatial / (spatial - 1))
          .to(rv.dtype); // (N, C) → (C)
        rm.mul_(1 - momentum).add_(batchMean.mul(momentum));
        rv.mul_(1 - momentum).add_(unbiased.mul(momentum));
      });
    }
    y = centered.mul(variance.add(eps).rsqrt());
  } else {
    const mean = runningMean.reshape(perChannel); // (C) → (1, C, 1, ...)
    const variance = runningVar.reshape(perChannel);
    y = x.sub(mean).mul(variance.add(eps).rsqrt());
  }
  if (weight != null) y = y.mul(weight.reshape(perChannel));
  if (bias != null) y = y.add(bias.reshape(perChannel));
  return y;
}

/**
 * Cosine similarity along `dim`, like `F.cosine_similarity`:
 * `x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))`, computed as PyTorch does, as the dot product of `x1 / max(‖x1‖, eps)`
 * and `x2 / max(‖x2‖, eps)`, which keeps the result within [-1, 1].
 *
 * The gradient matches PyTorch's also where a norm is below `eps`: there PyTorch floors the norm in place without
 * recording it, so the floored norm's gradient is `x / max(‖x‖, eps)`. Here the floor is written as
 * `√(Σx² + c)` with the constant (untracked) `c = max(Σx², eps²) - Σx²`, which has that value and that gradient.
 *
 * Shapes: `x1` and `x2` broadcast to a common shape `(*, D, *)` with `D` at `dim` → that shape without `dim`.
 *
 * @param x1 - first input.
 * @param x2 - second input, broadcastable with x1.
 * @param dim - the dim holding the vectors (default 1), counted in the broadcast shape.
 * @param eps - smallest norm divided by (default 1e-8).
 *
 * @example
 * ```ts
 * cosineSimilarity(tensor([[1, 0], [1, 1]]), tensor([[0, 1], [2, 2]])) // [0, 1]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  checkTensor('cosineSimilarity', x1, 'x1');
  checkTensor('cosineSimilarity', x2, 'x2');
  const shape = broadcastShapes('cosineSimilarity', x1.shape, x2.shape);
  checkAllocation('cosineSimilarity', shape);
  const d = normDim('cosineSimilarity', dim, shape.length);
  const [a, b] = promotePair('cosineSimilarity', x1, x2, 'float32').map((t) => expand(t, shape));
  const flooredNorm = (x: Tensor): Tensor => {
    const sq = x.mul(x).sum(d, true); // (*, 1, *): Σx² along dim
    const c = sq.detach().clamp(eps * eps); // max(Σx², eps²), a constant
    return sq.add(c.sub(sq.detach())).sqrt(); // √(Σx² + c - Σx²) = max(‖x‖, eps)
  };
  const products = a.div(flooredNorm(a)).mul(b.div(flooredNorm(b))); // (*, D, *)
  return products.sum(d); // (*, *)
}

/**
 * Divides `x` by its p-norm along `dim`, like `F.normalize`: `x / max(‖x‖_p, eps)`, so every slice along `dim`
 * has norm 1 (a slice of zeros stays zeros). See {@link norm} for the supported `p`.
 *
 * Shapes: any → the same.
 *
 * @param x - input.
 * @param p - the norm's order (default 2).
 * @param dim - the dim holding the vectors (default 1).
 * @param eps - smallest norm divided by (default 1e-12).
 *
 * @example
 * ```ts
 * normalize(tensor([[3, 4], [0, 0]])) // [[0.6, 0.8], [0, 0]]
 * ```
 */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  checkTensor('normalize', x, 'input');
  if (typeof p !== 'number' || !(p > 0)) {
    throw new TensorError('normalize', `p = ${p} is not supported: expected a number > 0, or Infinity`);
  }
  const d = normDim('normalize', dim, x.ndim);
  const denom = clamp(norm(x, p, d, true), eps); // (*, 1, *): max(‖x‖_p, eps), broadcast back over dim
  return div(x, denom);
}
