import { fmtShape, nn, type Tensor, TensorError, zeros } from '@tensorloom/tensor-core';
import {
  gateCount,
  gruCell,
  type LayerWeights,
  type LSTMState,
  lstmCell,
  type Nonlinearity,
  rnnCell,
} from './functional';
import { checkSize, resetUniform, unsqueezeKeepLabel } from './internal';

/** Options of {@link RNNCell}, {@link LSTMCell} and {@link GRUCell}. */
export interface CellOptions extends nn.LayerOptions {
  /** Whether the cell has the biases `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends CellOptions {
  /** `tanh` (default, PyTorch's), `relu`, or the course's `sigmoid`. */
  nonlinearity?: Nonlinearity;
}

/**
 * What the three cells share (`torch.nn.RNNCellBase`): the parameters `weight_ih` `(G·H, I)`, `weight_hh`
 * `(G·H, H)`, `bias_ih` and `bias_hh` `(G·H)` under PyTorch's names, all drawn from `U(-1/√H, 1/√H)`, and
 * the checks that turn an unbatched input `(I)` into a batch of one.
 */
export abstract class RNNCellBase<S, Out> extends nn.Module<[Tensor, (S | null)?], Out> {
  /** Size of each input `x_t`. */
  readonly inputSize: number;
  /** Size of the hidden state `h_t`. */
  readonly hiddenSize: number;
  /** Whether the biases exist. */
  readonly bias: boolean;
  /** `(G·H, I)`, PyTorch's `weight_ih` (the course's `U`). */
  weight_ih: nn.Parameter;
  /** `(G·H, H)`, PyTorch's `weight_hh` (the course's `W`). */
  weight_hh: nn.Parameter;
  /** `(G·H)`, or null without bias. */
  bias_ih: nn.Parameter | null;
  /** `(G·H)`, or null without bias. */
  bias_hh: nn.Parameter | null;

  constructor(
    protected readonly op: string,
    gates: number,
    inputSize: number,
    hiddenSize: number,
    options: CellOptions,
  ) {
    super();
    checkSize(op, 'inputSize', inputSize);
    checkSize(op, 'hiddenSize', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options.bias ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight_ih = new nn.Parameter(zeros([gates * hiddenSize, inputSize], { dtype }));
    this.weight_hh = new nn.Parameter(zeros([gates * hiddenSize, hiddenSize], { dtype }));
    this.bias_ih = this.bias ? new nn.Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.bias_hh = this.bias ? new nn.Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.resetParameters({ generator: options.generator });
  }

  /** Re-draws every parameter from `U(-1/√H, 1/√H)`, PyTorch's default. */
  resetParameters(options: nn.init.InitOptions = {}): void {
    resetUniform(this.parameters(), this.hiddenSize, options);
  }

  /** The parameters as the functional layer takes them. */
  protected weights(): LayerWeights {
    return { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh };
  }

  /** Checks `input` and returns it batched, `(B, I)`, with whether it came unbatched. */
  protected batchInput(input: Tensor): [Tensor, boolean] {
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new TensorError(
        this.op,
        `input must be (B, ${this.inputSize}) or unbatched (${this.inputSize}), got ${fmtShape(input.shape)}`,
      );
    }
    return input.ndim === 1 ? [unsqueezeKeepLabel(input, 0), true] : [input, false];
  }

  /** Checks a state tensor against the batched input and returns it batched, `(B, H)`. */
  protected batchState(name: string, s: Tensor, x: Tensor, unbatched: boolean): Tensor {
    const want = unbatched ? [this.hiddenSize] : [x.shape[0], this.hiddenSize];
    if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      throw new TensorError(
        this.op,
        `${name} must have shape ${fmtShape(want)} for input ${fmtShape(unbatched ? [x.shape[1]] : x.shape)}, got ${fmtShape(s.shape)}`,
      );
    }
    return unbatched ? unsqueezeKeepLabel(s, 0) : s;
  }

  /**
   * The default state, zeros `(B, H)`. It is computed with, as PyTorch does, so `weight_hh` gets a (zero)
   * gradient rather than none — an optimizer with momentum treats the two differently.
   */
  protected zeroState(x: Tensor): Tensor {
    return zeros([x.shape[0], this.hiddenSize], { dtype: this.weight_hh.dtype });
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/**
 * A plain RNN cell, `h' = σ(W_ih x + b_ih + W_hh h + b_hh)` (`torch.nn.RNNCell`, plus the course's sigmoid).
 * Exercise 6-1's `h_t = σ(W h_{t-1} + U x_t)` is `new RNNCell(d, d, { nonlinearity: 'sigmoid', bias: false })`
 * with `U = weight_ih` and `W = weight_hh`.
 *
 * Shapes: `input` `(B, I)` or `(I)`, `hx` `(B, H)` or `(H)` (default zeros) → `h'` `(B, H)` or `(H)`.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(3, 3, { nonlinearity: 'sigmoid', bias: false });
 * let h = zeros([3]);
 * for (const x of xs) h = cell.forward(x, h);
 * ```
 */
export class RNNCell extends RNNCellBase<Tensor, Tensor> {
  /** The activation σ. */
  readonly nonlinearity: Nonlinearity;

  /**
   * @param inputSize - size of `x_t`
   * @param hiddenSize - size of `h_t`
   * @param options - `bias` (default true), `nonlinearity` (default `tanh`), `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (!['tanh', 'relu', 'sigmoid'].includes(nonlinearity)) {
      throw new TensorError('RNNCell', `unknown nonlinearity "${nonlinearity}"; expected tanh, relu or sigmoid`);
    }
    super('RNNCell', gateCount('rnn'), inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  /** `(B, I)`, `(B, H)` → `(B, H)`; unbatched `(I)`, `(H)` → `(H)`. */
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, unbatched] = this.batchInput(input);
    const h = hx === null ? this.zeroState(x) : this.batchState('hx', hx, x, unbatched);
    const w = this.weights();
    const out = rnnCell(x, h, w.weightIh, w.weightHh, w.biasIh, w.biasHh, this.nonlinearity); // (B, H)
    return unbatched ? out.squeeze(0) : out;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`}`;
  }
}

/**
 * A long short-term memory cell (`torch.nn.LSTMCell`), gates in PyTorch's order `i, f, g, o`:
 * `c' = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_g)`, `h' = σ(z_o) ⊙ tanh(c')` with `z = W_ih x + b_ih + W_hh h + b_hh`.
 *
 * Shapes: `input` `(B, I)` or `(I)`, `hx` `[h, c]` each `(B, H)` or `(H)` (default zeros) → `[h', c']`.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(10, 20);
 * let state = cell.forward(randn([3, 10]));    // [h, c], each (3, 20)
 * state = cell.forward(randn([3, 10]), state);
 * ```
 */
export class LSTMCell extends RNNCellBase<LSTMState, LSTMState> {
  /**
   * @param inputSize - size of `x_t`
   * @param hiddenSize - size of `h_t` and `c_t`
   * @param options - `bias` (default true), `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('LSTMCell', gateCount('lstm'), inputSize, hiddenSize, options);
  }

  /** `(B, I)`, `[(B, H), (B, H)]` → `[h', c']`; unbatched likewise without B. */
  forward(input: Tensor, hx: LSTMState | null = null): LSTMState {
    const [x, unbatched] = this.batchInput(input);
    let state: LSTMState = [this.zeroState(x), this.zeroState(x)];
    if (hx !== null) {
      if (!Array.isArray(hx) || hx.length !== 2) throw new TensorError(this.op, 'hx must be a pair [h, c]');
      state = [this.batchState('h', hx[0], x, unbatched), this.batchState('c', hx[1], x, unbatched)];
    }
    const w = this.weights();
    const [h, c] = lstmCell(x, state, w.weightIh, w.weightHh, w.biasIh, w.biasHh); // (B, H) each
    return unbatched ? [h.squeeze(0), c.squeeze(0)] : [h, c];
  }
}

/**
 * A gated recurrent unit cell (`torch.nn.GRUCell`), gates in PyTorch's order `r, z, n`:
 * `r = σ(·)`, `z = σ(·)`, `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 - z) ⊙ n + z ⊙ h`.
 *
 * Shapes: `input` `(B, I)` or `(I)`, `hx` `(B, H)` or `(H)` (default zeros) → `h'` `(B, H)` or `(H)`.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(10, 20);
 * const h1 = cell.forward(randn([3, 10])); // (3, 20)
 * ```
 */
export class GRUCell extends RNNCellBase<Tensor, Tensor> {
  /**
   * @param inputSize - size of `x_t`
   * @param hiddenSize - size of `h_t`
   * @param options - `bias` (default true), `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('GRUCell', gateCount('gru'), inputSize, hiddenSize, options);
  }

  /** `(B, I)`, `(B, H)` → `(B, H)`; unbatched `(I)`, `(H)` → `(H)`. */
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, unbatched] = this.batchInput(input);
    const h = hx === null ? this.zeroState(x) : this.batchState('hx', hx, x, unbatched);
    const w = this.weights();
    const out = gruCell(x, h, w.weightIh, w.weightHh, w.biasIh, w.biasHh); // (B, H)
    return unbatched ? out.squeeze(0) : out;
  }
}
