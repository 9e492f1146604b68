import { noGrad } from '../autograd/mode';
import { fmtShape, TensorError } from '../errors';
import { ones, zeros } from '../ops/creation';
import { Tensor } from '../tensor';
import * as F from './functional';
import * as init from './init';
import type { LayerOptions } from './module';
import { Module, Parameter } from './module';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions extends LayerOptions {
  /**
   * An index whose row gets no gradient and starts as zeros, e.g. for padding tokens (negative counts from
   * the end). Default: none.
   */
  paddingIdx?: number | null;
  /**
   * Use these `(numEmbeddings, embeddingDim)` values (shared, not copied) instead of drawing the weight;
   * the padding row is then left as given. {@link Embedding.fromPretrained} uses it.
   */
  weight?: Tensor;
}

/** Options of {@link Embedding.fromPretrained}. */
export interface FromPretrainedOptions {
  /** Keep the table fixed during training (`weight.requiresGrad = false`; default true). */
  freeze?: boolean;
  /** As in {@link EmbeddingOptions.paddingIdx}. */
  paddingIdx?: number | null;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`torch.nn.Embedding`): each int32
 * index selects a row of `weight`. The weight starts as `N(0, 1)` (the padding row, if any, as zeros).
 *
 * Shapes: int32 indices of any shape `(*)` → `(*, embeddingDim)`.
 *
 * @example
 * ```ts
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 2, 0]], { dtype: 'int32' })).shape; // [1, 3, 3]
 * ```
 */
export class Embedding extends Module<[Tensor], Tensor> {
  /** Size of the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** The padding index, made non-negative, or null. */
  readonly paddingIdx: number | null;
  /** `(numEmbeddings, embeddingDim)`. */
  weight: Parameter;

  /**
   * @param numEmbeddings - size of the table
   * @param embeddingDim - size of each vector
   * @param options - `paddingIdx`, `weight`, `dtype`, `generator`
   */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new TensorError('Embedding', `${name} must be a non-negative integer, got ${v}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let p = options.paddingIdx ?? null;
    if (p !== null) {
      if (!Number.isInteger(p) || p >= numEmbeddings || p < -numEmbeddings) {
        throw new TensorError('Embedding', `paddingIdx ${p} must be within numEmbeddings ${numEmbeddings}`);
      }
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    if (options.weight !== undefined) {
      const w = options.weight;
      if (!(w instanceof Tensor) || w.ndim !== 2 || w.shape[0] !== numEmbeddings || w.shape[1] !== embeddingDim) {
        throw new TensorError(
          'Embedding',
          `weight must have shape (${numEmbeddings},${embeddingDim}), got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`,
        );
      }
      this.weight = w instanceof Parameter ? w : new Parameter(w);
    } else {
      this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
      this.resetParameters({ generator: options.generator });
    }
  }

  /**
   * An embedding over an existing table, frozen unless `freeze: false` (`nn.Embedding.from_pretrained`).
   * The table is shared, not copied.
   *
   * @example
   * ```ts
   * const emb = Embedding.fromPretrained(tensor([[1, 2.3, 3], [4, 5.1, 6.3]]));
   * emb.forward(tensor([1], { dtype: 'int32' })); // [[4, 5.1, 6.3]]
   * ```
   */
  static fromPretrained(embeddings: Tensor, options: FromPretrainedOptions = {}): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new TensorError(
        'Embedding.fromPretrained',
        'embeddings must be a 2-d Tensor (numEmbeddings, embeddingDim)',
      );
    }
    const m = new Embedding(embeddings.shape[0], embeddings.shape[1], {
      weight: embeddings,
      paddingIdx: options.paddingIdx,
    });
    m.weight.requiresGrad_(!(options.freeze ?? true));
    return m;
  }

  /** Re-draws the weight from `N(0, 1)` and zeroes the padding row. */
  resetParameters(options: init.InitOptions = {}): void {
    init.normal_(this.weight, 0, 1, options);
    const p = this.paddingIdx;
    if (p !== null) {
      const keep = ones([this.numEmbeddings, 1], { dtype: this.weight.dtype });
      keep.data[p] = 0;
      noGrad(() => this.weight.mul_(keep)); // (num, dim) · (num, 1): zero row p
    }
  }

  /** int32 indices `(*)` → `(*, embeddingDim)`. */
  forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    const pad = this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`;
    return `${this.numEmbeddings}, ${this.embeddingDim}${pad}`;
  }
}
