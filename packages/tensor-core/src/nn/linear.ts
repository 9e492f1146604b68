import { TensorError } from '../errors';
import { zeros } from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { LayerOptions } from './module';
import { Module, Parameter } from './module';

/** Options of {@link Linear} and {@link Bilinear}. */
export interface LinearOptions extends LayerOptions {
  /** Whether the layer has an additive bias (default true). */
  bias?: boolean;
}

function checkFeatures(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 0) throw new TensorError(op, `${name} must be a non-negative integer, got ${v}`);
  }
}

/**
 * Returns its input unchanged: a placeholder where a layer is optional (`torch.nn.Identity`).
 *
 * @example
 * ```ts
 * const norm = useNorm ? new LayerNorm(64) : new Identity();
 * ```
 */
export class Identity extends Module<[Tensor], Tensor> {
  /** Returns `x`. */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Fully connected layer `y = x Wᵀ + b` (`torch.nn.Linear`).
 *
 * Parameters: `weight` `(outFeatures, inFeatures)` and `bias` `(outFeatures)` (null with `bias: false`),
 * initialised as in PyTorch: `weight` by Kaiming-uniform with `a = √5` and `bias` from
 * `U(-1/√inFeatures, 1/√inFeatures)`, both of which come to `U(-1/√in, 1/√in)`.
 *
 * Shapes: `(*, inFeatures)` → `(*, outFeatures)`.
 *
 * @example
 * ```ts
 * const fc = new Linear(20, 30, { generator: new Generator(0) });
 * fc.forward(randn([128, 20])).shape; // [128, 30]
 * ```
 */
export class Linear extends Module<[Tensor], Tensor> {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `(outFeatures, inFeatures)`. */
  weight: Parameter;
  /** `(outFeatures)`, or null without bias. */
  bias: Parameter | null;

  /**
   * @param inFeatures - size of each input sample
   * @param outFeatures - size of each output sample
   * @param options - `bias` (default true), `dtype`, `generator`
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkFeatures('Linear', { inFeatures, outFeatures });
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures], { dtype }));
    this.resetParameters({ generator: options.generator });
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(options: init.InitOptions = {}): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: options.generator });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound, options);
    }
  }

  /** `(*, inFeatures)` → `(*, outFeatures)`. */
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Bilinear layer `y_k = x1ᵀ W_k x2 + b_k` (`torch.nn.Bilinear`).
 *
 * Parameters: `weight` `(outFeatures, in1Features, in2Features)` and `bias` `(outFeatures)`, both drawn
 * from `U(-1/√in1Features, 1/√in1Features)` as in PyTorch.
 *
 * Shapes: `(*, in1Features)` and `(*, in2Features)` → `(*, outFeatures)`.
 *
 * @example
 * ```ts
 * const m = new Bilinear(20, 30, 40);
 * m.forward(randn([128, 20]), randn([128, 30])).shape; // [128, 40]
 * ```
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  /** Size of each first input sample. */
  readonly in1Features: number;
  /** Size of each second input sample. */
  readonly in2Features: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `(outFeatures, in1Features, in2Features)`. */
  weight: Parameter;
  /** `(outFeatures)`, or null without bias. */
  bias: Parameter | null;

  /**
   * @param in1Features - size of each first input sample
   * @param in2Features - size of each second input sample
   * @param outFeatures - size of each output sample
   * @param options - `bias` (default true), `dtype`, `generator`
   */
  constructor(in1Features: number, in2Features: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkFeatures('Bilinear', { in1Features, in2Features, outFeatures });
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures], { dtype }));
    this.resetParameters({ generator: options.generator });
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(options: init.InitOptions = {}): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    init.uniform_(this.weight, -bound, bound, options);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound, options);
  }

  /** `(*, in1Features)`, `(*, in2Features)` → `(*, outFeatures)`. */
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
