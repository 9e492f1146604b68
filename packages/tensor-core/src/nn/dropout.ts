import { TensorError } from '../errors';
import type { Generator } from '../random';
import type { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/** Options of {@link Dropout}. */
export interface DropoutModuleOptions {
  /** Where the random masks come from (default: the global generator). */
  generator?: Generator;
}

/**
 * Inverted dropout (`torch.nn.Dropout`, Srivastava et al., 2014): in training mode each element is zeroed
 * with probability `p` and the rest are scaled by `1 / (1 - p)`; in evaluation mode (`eval()`) it is the
 * identity. Shapes: any → the same.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.1, { generator: new Generator(0) });
 * drop.forward(h);        // training: random zeros, survivors × 1/0.9
 * drop.eval().forward(h); // h itself
 * ```
 */
export class Dropout extends Module<[Tensor], Tensor> {
  /** Probability of zeroing an element. */
  readonly p: number;
  /** The generator the masks are drawn from (undefined: the global one). */
  generator: Generator | undefined;

  /**
   * @param p - probability of an element to be zeroed (default 0.5)
   * @param options - `generator` for the masks
   */
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1))
      throw new TensorError('Dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.generator = options.generator;
  }

  /** `x · mask / (1 - p)` in training, `x` in evaluation. */
  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** What {@link Dropout1d} and {@link Dropout2d} share: `p`, the generator and the channel-wise forward. */
abstract class ChannelDropout extends Module<[Tensor], Tensor> {
  /** Probability of zeroing a channel. */
  readonly p: number;
  /** The generator the masks are drawn from (undefined: the global one). */
  generator: Generator | undefined;

  constructor(p: number, options: DropoutModuleOptions) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new TensorError(this.constructor.name, `dropout probability has to be between 0 and 1, but got ${p}`);
    }
    this.p = p;
    this.generator = options.generator;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Channel-wise dropout for sequences (`torch.nn.Dropout1d`, Tompson et al., 2015): in training mode each
 * whole channel (an `(L)` row) is zeroed with probability `p` and the others are scaled by `1 / (1 - p)`;
 * in evaluation mode it is the identity. Adjacent time steps are strongly correlated, so dropping single
 * elements regularises little (the neighbours carry the same information); dropping channels does.
 * See {@link functional.dropout1d}.
 *
 * Shapes: `(N, C, L)` or `(C, L)` → the same.
 *
 * @example
 * ```ts
 * const drop = new Dropout1d(0.2, { generator: new Generator(0) });
 * drop.forward(randn([20, 16, 32])); // about 20% of the (20 × 16) rows zeroed, the rest × 1.25
 * ```
 */
export class Dropout1d extends ChannelDropout {
  /**
   * @param p - probability of a channel to be zeroed (default 0.5)
   * @param options - `generator` for the masks
   */
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super(p, options);
  }

  /** `x · channelMask / (1 - p)` in training, `x` in evaluation. */
  forward(x: Tensor): Tensor {
    return F.dropout1d(x, this.p, this.training, { generator: this.generator });
  }
}

/**
 * Channel-wise dropout for feature maps (`torch.nn.Dropout2d`, Tompson et al., 2015): in training mode each
 * whole channel (an `(H, W)` map) is zeroed with probability `p` and the others are scaled by
 * `1 / (1 - p)`; in evaluation mode it is the identity. See {@link functional.dropout2d}.
 *
 * Shapes: `(N, C, H, W)` or `(C, H, W)` → the same.
 *
 * @example
 * ```ts
 * const drop = new Dropout2d(0.2);
 * drop.forward(randn([20, 16, 32, 32])); // about 20% of the (20 × 16) maps zeroed, the rest × 1.25
 * drop.eval().forward(x);                // x itself
 * ```
 */
export class Dropout2d extends ChannelDropout {
  /**
   * @param p - probability of a channel to be zeroed (default 0.5)
   * @param options - `generator` for the masks
   */
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super(p, options);
  }

  /** `x · channelMask / (1 - p)` in training, `x` in evaluation. */
  forward(x: Tensor): Tensor {
    return F.dropout2d(x, this.p, this.training, { generator: this.generator });
  }
}
