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
