import {
  fmtShape,
  nn,
  type Generator as RandomGenerator,
  stack,
  type Tensor,
  TensorError,
  zeros,
} from '@tensorloom/tensor-core';
import {
  type CellKind,
  gateCount,
  type LayerWeights,
  type LSTMState,
  type Nonlinearity,
  type RecurrentState,
  recurrent,
} from './functional';
import { checkSize, resetUniform, stepMasks } from './internal';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU}: PyTorch's, in camelCase. */
export interface RNNBaseOptions extends nn.LayerOptions {
  /** Number of stacked layers (default 1). */
  numLayers?: number;
  /** Whether every layer has the biases `bias_ih_l{k}` and `bias_hh_l{k}` (default true). */
  bias?: boolean;
  /** Inputs and outputs are `(B, T, ·)` instead of `(T, B, ·)` (default false). The states stay `(L·D, B, H)`. */
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Add a reverse direction to every layer (default false); outputs are the two directions concatenated. */
  bidirectional?: boolean;
}

/** Options of {@link RNN}. */
export interface RNNOptions extends RNNBaseOptions {
  /** `tanh` (default, PyTorch's), `relu`, or the course's `sigmoid`. */
  nonlinearity?: Nonlinearity;
}

/**
 * Options of a recurrent module's `forward` for variable-length batches. Give one of `lengths` and `mask`.
 * Padded steps are skipped: they leave the state unchanged, their output is zero, and they receive no
 * gradient — PyTorch's packed-sequence semantics (`pack_padded_sequence` → module → `pad_packed_sequence`),
 * in both directions, without packing. Sequences need not be sorted.
 */
export interface RecurrentForwardOptions {
  /** Real length of each sequence in the batch, `B` integers in `[0, T]` (a number[] or a 1-d int32 tensor). */
  lengths?: readonly number[] | Tensor;
  /**
   * Which steps are real: `(B, T)` with `batchFirst`, else `(T, B)` (`(T)` for an unbatched input); nonzero
   * is real. Any pattern is allowed; a prefix mask is equivalent to `lengths`.
   */
  mask?: Tensor;
  /** Where the masks of inter-layer dropout come from (default: the module's `generator`, else the global one). */
  generator?: RandomGenerator;
}

/**
 * What {@link RNN}, {@link LSTM} and {@link GRU} share (`torch.nn.RNNBase`): the parameters of every layer and
 * direction under PyTorch's names and in PyTorch's order — for each layer `k` and direction (suffix `''` or
 * `'_reverse'`): `weight_ih_l{k}` `(G·H, I_k)`, `weight_hh_l{k}` `(G·H, H)`, `bias_ih_l{k}` and
 * `bias_hh_l{k}` `(G·H)`, where `I_0 = inputSize` and `I_k = D·H` above — all drawn from `U(-1/√H, 1/√H)`;
 * and the shape handling of `forward`.
 */
export abstract class RNNBase<S extends RecurrentState> extends nn.Module<
  [Tensor, (S | null)?, RecurrentForwardOptions?],
  [Tensor, S]
> {
  /** `weight_ih_l{k}` and `weight_hh_l{k}` (with `_reverse` for the reverse direction), PyTorch's attribute names. */
  [name: `weight_${'ih' | 'hh'}_l${string}`]: nn.Parameter;
  /** `bias_ih_l{k}` and `bias_hh_l{k}` (with `_reverse`); absent without bias. */
  [name: `bias_${'ih' | 'hh'}_l${string}`]: nn.Parameter | undefined;
  /** Size of each input step. */
  readonly inputSize: number;
  /** Size of the hidden state. */
  readonly hiddenSize: number;
  /** Number of stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether inputs and outputs are `(B, T, ·)`. */
  readonly batchFirst: boolean;
  /** Dropout probability between layers. */
  readonly dropout: number;
  /** Whether each layer also runs in reverse. */
  readonly bidirectional: boolean;
  /** Where inter-layer dropout masks come from (undefined: the global generator). */
  generator: RandomGenerator | undefined;
  /** Parameter names per layer·direction, `[weight_ih, weight_hh, bias_ih, bias_hh]` (biases absent without bias). */
  private readonly names: readonly (readonly string[])[];

  constructor(
    protected readonly op: string,
    protected readonly kind: CellKind,
    inputSize: number,
    hiddenSize: number,
    options: RNNBaseOptions,
  ) {
    super();
    checkSize(op, 'inputSize', inputSize);
    checkSize(op, 'hiddenSize', hiddenSize);
    const numLayers = options.numLayers ?? 1;
    checkSize(op, 'numLayers', numLayers);
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) {
      throw new TensorError(
        op,
        `dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${dropout}`,
      );
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.generator = options.generator;
    const dtype = options.dtype ?? 'float32';
    const gates = gateCount(kind) * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const names: string[][] = [];
    for (let layer = 0; layer < numLayers; layer++) {
      const layerIn = layer === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [
          [`weight_ih${sfx}`, [gates, layerIn]],
          [`weight_hh${sfx}`, [gates, hiddenSize]],
        ];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [gates]], [`bias_hh${sfx}`, [gates]]);
        for (const [name, shape] of shapes) this.registerParameter(name, new nn.Parameter(zeros(shape, { dtype })));
        names.push(shapes.map(([name]) => name));
      }
    }
    this.names = names;
    this.resetParameters({ generator: options.generator });
  }

  /** Number of directions, D (2 when bidirectional). */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Re-draws every parameter from `U(-1/√H, 1/√H)`, PyTorch's default. */
  resetParameters(options: nn.init.InitOptions = {}): void {
    resetUniform(this.parameters(), this.hiddenSize, options);
  }

  /** The parameters of layer `layer`, direction `direction` (1: reverse), as the functional layer takes them. */
  layerWeights(layer: number, direction = 0): LayerWeights {
    const names = this.names[layer * this.numDirections + direction];
    if (names === undefined) {
      throw new TensorError(this.op, `no layer ${layer} direction ${direction} in a ${this.numLayers}-layer module`);
    }
    // Looked up by name on every call: Module.to() replaces parameter objects.
    const own = this as unknown as Record<string, nn.Parameter>;
    return {
      weightIh: own[names[0]],
      weightHh: own[names[1]],
      biasIh: names.length > 2 ? own[names[2]] : null,
      biasHh: names.length > 2 ? own[names[3]] : null,
    };
  }

  /** Checks one initial-state tensor and splits it into per-layer·direction `(B, H)` states. */
  protected splitState(name: string, s: Tensor, batch: number, unbatched: boolean): Tensor[] {
    const ld = this.numLayers * this.numDirections;
    const want = unbatched ? [ld, this.hiddenSize] : [ld, batch, this.hiddenSize];
    if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      throw new TensorError(this.op, `expected ${name} of shape ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
    }
    const b = unbatched ? s.unsqueeze(1) : s; // (L·D, B, H)
    return Array.from({ length: ld }, (_, k) => b.select(0, k)); // L·D × (B, H)
  }

  /** The per-layer·direction initial states from the user's `hx` (all null when absent). */
  protected abstract initialStates(hx: S | null, batch: number, unbatched: boolean): (RecurrentState | null)[];

  /** Stacks the final per-layer·direction states into PyTorch's `h_n` (and `c_n`). */
  protected abstract finalState(states: RecurrentState[], unbatched: boolean): S;

  /**
   * Runs the stack over a sequence: `input` `(T, B, I)` (`(B, T, I)` with `batchFirst`; unbatched `(T, I)`)
   * → `[output, h_n]` with output `(T, B, D·H)` (`(B, T, D·H)`; unbatched `(T, D·H)`) and `h_n` (and `c_n`)
   * `(L·D, B, H)` whatever `batchFirst` (unbatched `(L·D, H)`). `hx` defaults to zeros.
   */
  forward(input: Tensor, hx: S | null = null, options: RecurrentForwardOptions = {}): [Tensor, S] {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new TensorError(
        this.op,
        `input must be 3-d ${this.batchFirst ? '(B, T, I)' : '(T, B, I)'} or unbatched 2-d (T, I), got ${fmtShape(input.shape)}`,
      );
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new TensorError(this.op, `input ${fmtShape(input.shape)} must end in inputSize=${this.inputSize}`);
    }
    const unbatched = input.ndim === 2;
    // The time dim of the (batched) input; an unbatched (T, I) becomes (T, 1, I).
    const timeDim = this.batchFirst && !unbatched ? 1 : 0;
    const x = unbatched ? input.unsqueeze(1) : input; // (T, B, I) or (B, T, I)
    const steps = x.shape[timeDim];
    const batch = x.shape[1 - timeDim];
    if (steps === 0) throw new TensorError(this.op, `input ${fmtShape(input.shape)} has no time steps`);
    let maskSource = options;
    if (unbatched && options.mask !== undefined) maskSource = { mask: options.mask.reshape([steps, 1]) };
    const masks = stepMasks(this.op, steps, batch, maskSource, this.batchFirst && !unbatched);
    const xs = Array.from({ length: steps }, (_, t) => x.select(timeDim, t)); // T × (B, I)
    const weights: LayerWeights[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < this.numDirections; d++) weights.push(this.layerWeights(layer, d));
    }
    const { outputs, states } = recurrent(this.kind, xs, this.initialStates(hx, batch, unbatched), weights, {
      numLayers: this.numLayers,
      bidirectional: this.bidirectional,
      dropout: this.dropout,
      training: this.training,
      generator: options.generator ?? this.generator,
      nonlinearity: this.nonlinearityOf(),
      masks,
    });
    let output = stack(outputs, timeDim); // T × (B, D·H) → (T, B, D·H) or (B, T, D·H)
    if (unbatched) output = output.squeeze(1); // (T, 1, D·H) → (T, D·H)
    return [output, this.finalState(states, unbatched)];
  }

  /** The plain RNN's nonlinearity (tanh for the gated kinds, where it is unused). */
  protected nonlinearityOf(): Nonlinearity {
    return 'tanh';
  }

  /** Stacks per-layer·direction `(B, H)` tensors into `(L·D, B, H)` (or `(L·D, H)` unbatched). */
  protected stackStates(hs: Tensor[], unbatched: boolean): Tensor {
    const s = stack(hs, 0); // L·D × (B, H) → (L·D, B, H)
    return unbatched ? s.squeeze(1) : s;
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=false';
    if (this.batchFirst) s += ', batch_first=true';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=true';
    return s;
  }
}

/** RNN and GRU: one state tensor. */
abstract class SingleStateRNN extends RNNBase<Tensor> {
  protected initialStates(hx: Tensor | null, batch: number, unbatched: boolean): (Tensor | null)[] {
    if (hx === null) return new Array(this.numLayers * this.numDirections).fill(null);
    return this.splitState('hx', hx, batch, unbatched);
  }

  protected finalState(states: RecurrentState[], unbatched: boolean): Tensor {
    return this.stackStates(states as Tensor[], unbatched);
  }
}

/**
 * A multi-layer Elman RNN, `h_t = σ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)` per layer (`torch.nn.RNN`), with
 * σ = `tanh` (default), `relu`, or the course's `sigmoid` (exercise 6-1; PyTorch has no sigmoid RNN). A
 * PyTorch `nn.RNN` state dict loads unchanged.
 *
 * Shapes: `input` `(T, B, I)` (`(B, T, I)` with `batchFirst`, or unbatched `(T, I)`), `hx` `(L·D, B, H)`
 * (default zeros) → `[output, h_n]`: output `(T, B, D·H)` (`(B, T, D·H)`), `h_n` `(L·D, B, H)`.
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(randn([5, 3, 10]), randn([2, 3, 20])); // (5, 3, 20), (2, 3, 20)
 * const course = new RNN(3, 3, { nonlinearity: 'sigmoid', bias: false }); // h_t = σ(W h_{t-1} + U x_t)
 * ```
 */
export class RNN extends SingleStateRNN {
  /** The activation σ. */
  readonly nonlinearity: Nonlinearity;

  /**
   * @param inputSize - size of each input step
   * @param hiddenSize - size of the hidden state
   * @param options - `numLayers`, `nonlinearity`, `bias`, `batchFirst`, `dropout`, `bidirectional`, `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (!['tanh', 'relu', 'sigmoid'].includes(nonlinearity)) {
      throw new TensorError('RNN', `unknown nonlinearity "${nonlinearity}"; expected tanh, relu or sigmoid`);
    }
    super('RNN', 'rnn', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  protected override nonlinearityOf(): Nonlinearity {
    return this.nonlinearity;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`}`;
  }
}

/**
 * A multi-layer gated recurrent unit network (`torch.nn.GRU`), gates `r, z, n` as in {@link GRUCell}. A PyTorch
 * `nn.GRU` state dict loads unchanged.
 *
 * Shapes: as {@link RNN}.
 *
 * @example
 * ```ts
 * const gru = new GRU(10, 20, { bidirectional: true, batchFirst: true });
 * const [output, hN] = gru.forward(randn([3, 5, 10])); // (3, 5, 40), (2, 3, 20)
 * ```
 */
export class GRU extends SingleStateRNN {
  /**
   * @param inputSize - size of each input step
   * @param hiddenSize - size of the hidden state
   * @param options - `numLayers`, `bias`, `batchFirst`, `dropout`, `bidirectional`, `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('GRU', 'gru', inputSize, hiddenSize, options);
  }
}

/**
 * A multi-layer long short-term memory network (`torch.nn.LSTM`), gates `i, f, g, o` as in {@link LSTMCell}.
 * A PyTorch `nn.LSTM` state dict loads unchanged.
 *
 * Shapes: `input` as {@link RNN}; `hx` `[h_0, c_0]`, each `(L·D, B, H)` (default zeros) → `[output, [h_n, c_n]]`
 * with output `(T, B, D·H)` (`(B, T, D·H)` with `batchFirst`) and `h_n`, `c_n` `(L·D, B, H)`.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(64, 128, { batchFirst: true });
 * const [output, [hN, cN]] = lstm.forward(x, null, { lengths: [5, 3, 2] }); // x: (3, 5, 64)
 * ```
 */
export class LSTM extends RNNBase<LSTMState> {
  /**
   * @param inputSize - size of each input step
   * @param hiddenSize - size of the hidden and cell states
   * @param options - `numLayers`, `bias`, `batchFirst`, `dropout`, `bidirectional`, `dtype`, `generator`
   */
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('LSTM', 'lstm', inputSize, hiddenSize, options);
  }

  protected initialStates(hx: LSTMState | null, batch: number, unbatched: boolean): (LSTMState | null)[] {
    if (hx === null) return new Array(this.numLayers * this.numDirections).fill(null);
    if (!Array.isArray(hx) || hx.length !== 2) throw new TensorError(this.op, 'hx must be a pair [h_0, c_0]');
    const hs = this.splitState('h_0', hx[0], batch, unbatched);
    const cs = this.splitState('c_0', hx[1], batch, unbatched);
    return hs.map((h, k) => [h, cs[k]]);
  }

  protected finalState(states: RecurrentState[], unbatched: boolean): LSTMState {
    const pairs = states as LSTMState[];
    return [
      this.stackStates(
        pairs.map((s) => s[0]),
        unbatched,
      ),
      this.stackStates(
        pairs.map((s) => s[1]),
        unbatched,
      ),
    ];
  }
}
