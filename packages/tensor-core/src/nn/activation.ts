import { TensorError } from '../errors';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/**
 * `max(x, 0)` element-wise (`torch.nn.ReLU`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 2])) // [0, 2]
 * ```
 */
export class ReLU extends Module<[Tensor], Tensor> {
  /** `max(x, 0)`. */
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/**
 * `x` for `x > 0`, else `negativeSlope · x` (`torch.nn.LeakyReLU`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new LeakyReLU(0.2).forward(tensor([-1, 2])) // [-0.2, 2]
 * ```
 */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  /** @param negativeSlope - the slope for negative inputs (default 0.01) */
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  /** `x > 0 ? x : negativeSlope · x`. */
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/**
 * `x` for `x > 0`, else `alpha (eˣ - 1)` (`torch.nn.ELU`, Clevert et al., 2015). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new ELU().forward(tensor([-1, 2])) // [-0.6321, 2]
 * ```
 */
export class ELU extends Module<[Tensor], Tensor> {
  /** @param alpha - the value approached for very negative inputs is `-alpha` (default 1) */
  constructor(readonly alpha = 1) {
    super();
  }

  /** `x > 0 ? x : alpha (eˣ - 1)`. */
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * Gaussian error linear unit `x Φ(x) = x/2 (1 + erf(x/√2))`, or with `approximate = 'tanh'`
 * `x/2 (1 + tanh(√(2/π) (x + 0.044715 x³)))` (`torch.nn.GELU`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new GELU().forward(tensor([1])) // [0.8413]
 * ```
 */
export class GELU extends Module<[Tensor], Tensor> {
  /** @param approximate - `'none'` (exact, default) or `'tanh'` */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new TensorError('GELU', `approximate must be 'none' or 'tanh', got ${String(approximate)}`);
    }
  }

  /** `x Φ(x)`. */
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * Logistic sigmoid `1 / (1 + e⁻ˣ)` (`torch.nn.Sigmoid`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new Sigmoid().forward(tensor([0])) // [0.5]
 * ```
 */
export class Sigmoid extends Module<[Tensor], Tensor> {
  /** `σ(x)`. */
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/**
 * Hyperbolic tangent (`torch.nn.Tanh`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new Tanh().forward(tensor([0])) // [0]
 * ```
 */
export class Tanh extends Module<[Tensor], Tensor> {
  /** `tanh(x)`. */
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/**
 * `log(1 + e^{βx}) / β`, a smooth ReLU, reverting to `x` where `βx > threshold` (`torch.nn.Softplus`).
 * Shapes: any → the same.
 *
 * @example
 * ```ts
 * new Softplus().forward(tensor([0])) // [0.6931]
 * ```
 */
export class Softplus extends Module<[Tensor], Tensor> {
  /**
   * @param beta - sharpness β (default 1)
   * @param threshold - above `βx > threshold` the output is `x` (default 20)
   */
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }

  /** `log(1 + e^{βx}) / β`. */
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * SiLU / swish `x σ(x)` (`torch.nn.SiLU`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new SiLU().forward(tensor([1])) // [0.7311]
 * ```
 */
export class SiLU extends Module<[Tensor], Tensor> {
  /** `x σ(x)`. */
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

/**
 * Softmax `e^{x_i} / Σ_j e^{x_j}` along `dim` (`torch.nn.Softmax`). Shapes: any → the same.
 *
 * @example
 * ```ts
 * new Softmax(-1).forward(tensor([[0, 0]])) // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module<[Tensor], Tensor> {
  /** @param dim - the dim whose entries sum to 1 */
  constructor(readonly dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new TensorError('Softmax', `dim must be an integer, got ${dim}`);
  }

  /** Softmax along `dim`. */
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * `log softmax(x)` along `dim`, computed stably as `x - logsumexp(x)` (`torch.nn.LogSoftmax`).
 * Shapes: any → the same.
 *
 * @example
 * ```ts
 * new LogSoftmax(1).forward(logits) // log-probabilities for NLL loss
 * ```
 */
export class LogSoftmax extends Module<[Tensor], Tensor> {
  /** @param dim - the dim over which the probabilities sum to 1 */
  constructor(readonly dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new TensorError('LogSoftmax', `dim must be an integer, got ${dim}`);
  }

  /** Log-softmax along `dim`. */
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
