import { nn, type Tensor } from '@tensorloom/tensor-core';
import type { BCELossOptions, BCEWithLogitsLossOptions } from './binary';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary';
import type { CrossEntropyLossOptions, NLLLossOptions } from './classification';
import { crossEntropy, nllLoss } from './classification';
import type { DivergenceReduction, GaussianKLOptions, KLDivLossOptions } from './divergence';
import { gaussianKlDivergence, klDiv } from './divergence';
import type { Reduction, ReductionOptions } from './reduction';
import type { HuberLossOptions, SmoothL1LossOptions } from './regression';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression';

/**
 * Mean squared error as an `nn.Module` (PyTorch's `nn.MSELoss`); `forward` calls {@link mseLoss}.
 *
 * @example
 * ```ts
 * const criterion = new MSELoss();
 * const loss = criterion.forward(model.forward(x), y);
 * ```
 */
export class MSELoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }

  /** `mseLoss(input, target)`; input and target share a shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error as an `nn.Module` (PyTorch's `nn.L1Loss`); `forward` calls {@link l1Loss}.
 *
 * @example
 * ```ts
 * const loss = new L1Loss({ reduction: 'sum' }).forward(pred, target);
 * ```
 */
export class L1Loss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }

  /** `l1Loss(input, target)`; input and target share a shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Smooth L1 loss as an `nn.Module` (PyTorch's `nn.SmoothL1Loss`); `forward` calls {@link smoothL1Loss}.
 *
 * @example
 * ```ts
 * const loss = new SmoothL1Loss({ beta: 0.5 }).forward(boxes, targetBoxes);
 * ```
 */
export class SmoothL1Loss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Where the loss turns from quadratic to linear (default 1). */
  beta: number;

  constructor(options: SmoothL1LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.beta = options.beta ?? 1;
  }

  /** `smoothL1Loss(input, target)`; input and target share a shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Huber loss as an `nn.Module` (PyTorch's `nn.HuberLoss`); `forward` calls {@link huberLoss}.
 *
 * @example
 * ```ts
 * const loss = new HuberLoss({ delta: 2 }).forward(pred, target);
 * ```
 */
export class HuberLoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Where the loss turns from quadratic to linear (default 1). */
  delta: number;

  constructor(options: HuberLossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.delta = options.delta ?? 1;
  }

  /** `huberLoss(input, target)`; input and target share a shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Binary cross-entropy on probabilities as an `nn.Module` (PyTorch's `nn.BCELoss`); `forward` calls
 * {@link binaryCrossEntropy}.
 *
 * @example
 * ```ts
 * const loss = new BCELoss().forward(sigmoid(logits), labels);
 * ```
 */
export class BCELoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Per-element rescaling weight, broadcast to the input (or null); a buffer, saved in the state dict. */
  weight: nn.Buffer | null;

  constructor(options: BCELossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ? new nn.Buffer(options.weight) : null;
  }

  /** `binaryCrossEntropy(input, target)`: input probabilities in [0, 1], target of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * Binary cross-entropy on logits as an `nn.Module` (PyTorch's `nn.BCEWithLogitsLoss`); `forward` calls
 * {@link binaryCrossEntropyWithLogits}.
 *
 * @example
 * ```ts
 * const criterion = new BCEWithLogitsLoss({ posWeight: tensor([3.0]) });
 * const loss = criterion.forward(logits, labels);
 * ```
 */
export class BCEWithLogitsLoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Per-element rescaling weight, broadcast to the input (or null); a buffer, saved in the state dict. */
  weight: nn.Buffer | null;
  /**
   * Weight of the positive term, broadcast to the input (or null): a buffer under PyTorch's name, which is
   * its state-dict key.
   */
  pos_weight: nn.Buffer | null;

  constructor(options: BCEWithLogitsLossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ? new nn.Buffer(options.weight) : null;
    this.pos_weight = options.posWeight ? new nn.Buffer(options.posWeight) : null;
  }

  /** `binaryCrossEntropyWithLogits(input, target)`; input and target share a shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      posWeight: this.pos_weight,
    });
  }
}

/**
 * Cross-entropy on logits as an `nn.Module` (PyTorch's `nn.CrossEntropyLoss`); `forward` calls
 * {@link crossEntropy}.
 *
 * @example
 * ```ts
 * const criterion = new CrossEntropyLoss({ ignoreIndex: padId, labelSmoothing: 0.1 });
 * const loss = criterion.forward(logits.reshape([-1, vocab]), targets.reshape([-1]));
 * ```
 */
export class CrossEntropyLoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Weight per class, shape `(C)` (or null); a buffer, saved in the state dict as `weight`. */
  weight: nn.Buffer | null;
  /** Target value that is ignored (default -100). */
  ignoreIndex: number;
  /** Label smoothing ε in [0, 1] (default 0). */
  labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ? new nn.Buffer(options.weight) : null;
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  /** `crossEntropy(input, target)`: logits `(N, C, …)`, int32 class indices `(N, …)` or probabilities. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log-likelihood as an `nn.Module` (PyTorch's `nn.NLLLoss`); `forward` calls {@link nllLoss}.
 *
 * @example
 * ```ts
 * const loss = new NLLLoss().forward(logSoftmax(logits, 1), labels);
 * ```
 */
export class NLLLoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default) or `'sum'`. */
  reduction: Reduction;
  /** Weight per class, shape `(C)` (or null); a buffer, saved in the state dict as `weight`. */
  weight: nn.Buffer | null;
  /** Target value that is ignored (default -100). */
  ignoreIndex: number;

  constructor(options: NLLLossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ? new nn.Buffer(options.weight) : null;
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  /** `nllLoss(input, target)`: log-probabilities `(N, C, …)`, int32 class indices `(N, …)`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/**
 * KL divergence as an `nn.Module` (PyTorch's `nn.KLDivLoss`); `forward` calls {@link klDiv}.
 *
 * @example
 * ```ts
 * const loss = new KLDivLoss({ reduction: 'batchmean' }).forward(logSoftmax(x, 1), targetProbs);
 * ```
 */
export class KLDivLoss extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'none'`, `'mean'` (default), `'sum'` or `'batchmean'`. */
  reduction: DivergenceReduction;
  /** Whether the target holds log-probabilities (default false). */
  logTarget: boolean;

  constructor(options: KLDivLossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }

  /** `klDiv(input, target)`: input log-probabilities, target of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * The VAE's KL term as an `nn.Module`; `forward(mu, logvar)` calls {@link gaussianKlDivergence}.
 *
 * @example
 * ```ts
 * const kl = new GaussianKLDivergence({ reduction: 'batchmean' }).forward(mu, logvar);
 * ```
 */
export class GaussianKLDivergence extends nn.Module<[Tensor, Tensor], Tensor> {
  /** `'sum'` (default), `'batchmean'`, `'mean'` or `'none'`. */
  reduction: DivergenceReduction;

  constructor(options: GaussianKLOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'sum';
  }

  /** `gaussianKlDivergence(mu, logvar)`; both of shape `(N, D)`. */
  forward(mu: Tensor, logvar: Tensor): Tensor {
    return gaussianKlDivergence(mu, logvar, { reduction: this.reduction });
  }
}
