/**
 * The functional layer under the recurrent modules, after PyTorch's `_VF.rnn_tanh_cell`, `_VF.lstm`, … :
 * stateless functions of tensors that the modules call with their parameters. Everything is composed from
 * tensor-core's public ops, so autograd needs no extra rules.
 *
 * Conventions (PyTorch's): weights are `weight_ih` `(G·H, I)` and `weight_hh` `(G·H, H)` with `G` gate blocks
 * stacked in PyTorch's order (LSTM `i, f, g, o`; GRU `r, z, n`; plain RNN one block), biases `(G·H)`; inputs
 * are batched `(B, I)`, states `(B, H)`. Products are written `x Wᵀ` with `matmulT(x, W, false, true)`, which
 * reads `W` transposed in place.
 *
 * @module
 */
import {
  cat,
  fmtShape,
  isGradEnabled,
  matmulT,
  nn,
  type Generator as RandomGenerator,
  type Tensor,
  TensorError,
  where,
  zeros,
} from '@tensorloom/tensor-core';

/** The activation of a plain RNN: PyTorch's `tanh` and `relu`, and the course's `sigmoid` (exercise 6-1). */
export type Nonlinearity = 'tanh' | 'relu' | 'sigmoid';

/** Which recurrence: a plain RNN (with a {@link Nonlinearity}), an LSTM or a GRU. */
export type CellKind = 'rnn' | 'lstm' | 'gru';

/** An LSTM's state: the hidden state `h` and the cell state `c`, both `(B, H)` (or `(L·D, B, H)` for a layer stack). */
export type LSTMState = [h: Tensor, c: Tensor];

/** The state a recurrence carries: `h` for RNN and GRU, `[h, c]` for LSTM. */
export type RecurrentState = Tensor | LSTMState;

/** The four parameters of one layer and direction, PyTorch's `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`. */
export interface LayerWeights {
  /** `(G·H, I)`. */
  weightIh: Tensor;
  /** `(G·H, H)`. */
  weightHh: Tensor;
  /** `(G·H)`, or null without bias. */
  biasIh: Tensor | null;
  /** `(G·H)`, or null without bias. */
  biasHh: Tensor | null;
}

/** Number of stacked gate blocks in the weights of each kind. */
export function gateCount(kind: CellKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

/** Applies a plain RNN's nonlinearity. */
export function activate(z: Tensor, nonlinearity: Nonlinearity): Tensor {
  if (nonlinearity === 'tanh') return z.tanh();
  if (nonlinearity === 'relu') return z.relu();
  if (nonlinearity === 'sigmoid') return z.sigmoid();
  throw new TensorError('rnn', `unknown nonlinearity "${String(nonlinearity)}"; expected tanh, relu or sigmoid`);
}

/** Checks that x `(B, I)` and h `(B, H)` fit the weights of a `G`-gate cell; `op` names the caller in errors. */
export function checkCellShapes(op: string, x: Tensor, h: Tensor | null, w: LayerWeights, gates: number): void {
  const { weightIh, weightHh } = w;
  if (weightIh.ndim !== 2 || weightHh.ndim !== 2 || weightIh.shape[0] % gates !== 0) {
    throw new TensorError(
      op,
      `weights must be (${gates}·H, I) and (${gates}·H, H), got weight_ih ${fmtShape(weightIh.shape)} and weight_hh ${fmtShape(weightHh.shape)}`,
    );
  }
  const hidden = weightIh.shape[0] / gates;
  if (weightHh.shape[0] !== gates * hidden || weightHh.shape[1] !== hidden) {
    throw new TensorError(
      op,
      `weight_hh must be (${gates * hidden}, ${hidden}) to match weight_ih ${fmtShape(weightIh.shape)}, got ${fmtShape(weightHh.shape)}`,
    );
  }
  for (const [name, b] of [
    ['bias_ih', w.biasIh],
    ['bias_hh', w.biasHh],
  ] as const) {
    if (b !== null && (b.ndim !== 1 || b.shape[0] !== gates * hidden)) {
      throw new TensorError(op, `${name} must be (${gates * hidden}), got ${fmtShape(b.shape)}`);
    }
  }
  if (x.ndim !== 2 || x.shape[1] !== weightIh.shape[1]) {
    throw new TensorError(
      op,
      `input must be (B, ${weightIh.shape[1]}) to match weight_ih ${fmtShape(weightIh.shape)}, got ${fmtShape(x.shape)}`,
    );
  }
  if (h !== null && (h.ndim !== 2 || h.shape[0] !== x.shape[0] || h.shape[1] !== hidden)) {
    throw new TensorError(
      op,
      `hidden state must be (${x.shape[0]}, ${hidden}) for input ${fmtShape(x.shape)}, got ${fmtShape(h.shape)}`,
    );
  }
}

// --- cells -------------------------------------------------------------------------------------------------

/**
 * One step of a plain RNN, `h' = σ(W_ih x + b_ih + W_hh h + b_hh)` with `σ` the chosen nonlinearity — the
 * course's `h_t = σ(W h_{t-1} + U x_t)` with `U = weight_ih`, `W = weight_hh` (exercise 6-1), and
 * `torch.nn.RNNCell` with `tanh` (default) or `relu`.
 *
 * Shapes: `x` `(B, I)`, `h` `(B, H)`, `weightIh` `(H, I)`, `weightHh` `(H, H)`, biases `(H)` → `(B, H)`. A null
 * `h` stands for zeros: the recurrent product is skipped, and `weightHh` gets no gradient from this step.
 *
 * @example
 * ```ts
 * const h1 = rnnCell(x, h0, U, W, null, null, 'sigmoid'); // the course's recurrence, no bias
 * ```
 */
export function rnnCell(
  x: Tensor,
  h: Tensor | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
  nonlinearity: Nonlinearity = 'tanh',
): Tensor {
  checkCellShapes('rnnCell', x, h, { weightIh, weightHh, biasIh, biasHh }, 1);
  let z = matmulT(x, weightIh, false, true); // (B, I) @ (I, H) → (B, H)
  if (biasIh !== null) z = z.add(biasIh);
  if (h !== null) z = z.add(matmulT(h, weightHh, false, true)); // (B, H) @ (H, H) → (B, H)
  if (biasHh !== null) z = z.add(biasHh);
  return activate(z, nonlinearity);
}

/**
 * The pointwise part of an LSTM step, given the gate pre-activations `z = W_ih x + b_ih + W_hh h + b_hh`
 * `(B, 4H)` in PyTorch's order `i, f, g, o`:
 *
 * ```
 * i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
 * c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')
 * ```
 *
 * `c` null means zeros. Returns `[h', c']`, each `(B, H)`.
 */
export function lstmPointwise(gates: Tensor, c: Tensor | null): LSTMState {
  // One fused kernel (tensor-core's fusedLstmCell) instead of chunk + 5 activations + 4 products/sums: the
  // composed form allocated ~13 tensors forward and ~30 backward per step.
  return nn.functional.fusedLstmCell(gates, c); // (B, 4H), (B, H) → 2 × (B, H)
}

/**
 * One LSTM step (`torch.nn.LSTMCell`): gates `z = W_ih x + b_ih + W_hh h + b_hh`, then {@link lstmPointwise}.
 *
 * Shapes: `x` `(B, I)`, `state` `[h, c]` each `(B, H)`, `weightIh` `(4H, I)`, `weightHh` `(4H, H)`, biases
 * `(4H)` → `[h', c']`, each `(B, H)`. A null state stands for zeros, as in {@link rnnCell}.
 *
 * @example
 * ```ts
 * const [h1, c1] = lstmCell(x, null, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh);
 * ```
 */
export function lstmCell(
  x: Tensor,
  state: LSTMState | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): LSTMState {
  const w = { weightIh, weightHh, biasIh, biasHh };
  checkCellShapes('lstmCell', x, state === null ? null : state[0], w, 4);
  if (state !== null) checkCellShapes('lstmCell', x, state[1], w, 4);
  let z = matmulT(x, weightIh, false, true); // (B, I) @ (I, 4H) → (B, 4H)
  if (biasIh !== null) z = z.add(biasIh);
  if (state !== null) z = z.add(matmulT(state[0], weightHh, false, true)); // (B, H) @ (H, 4H) → (B, 4H)
  if (biasHh !== null) z = z.add(biasHh);
  return lstmPointwise(z, state === null ? null : state[1]);
}

/**
 * The pointwise part of a GRU step, given the input part `gi = W_ih x + b_ih` `(B, 3H)` and the recurrent
 * part `gh = W_hh h + b_hh` `(B, 3H)` (or `(3H)`, or null for zeros) in PyTorch's order `r, z, n`:
 *
 * ```
 * r = σ(gi_r + gh_r)   z = σ(gi_z + gh_z)   n = tanh(gi_n + r ⊙ gh_n)
 * h' = (1 - z) ⊙ n + z ⊙ h  =  n + z ⊙ (h - n)
 * ```
 *
 * `h` null means zeros. Returns `h'` `(B, H)`.
 */
export function gruPointwise(gi: Tensor, gh: Tensor | null, h: Tensor | null): Tensor {
  const hidden = gi.shape[1] / 3;
  const [giRz, giN] = gi.split([2 * hidden, hidden], 1); // (B, 3H) → (B, 2H), (B, H)
  let n: Tensor;
  let z: Tensor;
  if (gh === null) {
    // r multiplies a zero recurrent part: n needs no r.
    z = giRz.narrow(1, hidden, hidden).sigmoid(); // (B, H)
    n = giN.tanh();
  } else {
    const last = gh.ndim - 1;
    const [ghRz, ghN] = gh.split([2 * hidden, hidden], last); // (·, 3H) → (·, 2H), (·, H)
    const [r, zz] = giRz.add(ghRz).sigmoid().chunk(2, 1); // (B, 2H) → 2 × (B, H)
    z = zz;
    n = giN.add(r.mul(ghN)).tanh();
  }
  if (h === null) return n.sub(z.mul(n)); // (1 - z) ⊙ n
  return n.add(z.mul(h.sub(n)));
}

/**
 * One GRU step (`torch.nn.GRUCell`): `gi = W_ih x + b_ih`, `gh = W_hh h + b_hh`, then {@link gruPointwise}.
 *
 * Shapes: `x` `(B, I)`, `h` `(B, H)`, `weightIh` `(3H, I)`, `weightHh` `(3H, H)`, biases `(3H)` → `(B, H)`. A
 * null `h` stands for zeros, as in {@link rnnCell}.
 *
 * @example
 * ```ts
 * const h1 = gruCell(x, h0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh);
 * ```
 */
export function gruCell(
  x: Tensor,
  h: Tensor | null,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): Tensor {
  checkCellShapes('gruCell', x, h, { weightIh, weightHh, biasIh, biasHh }, 3);
  let gi = matmulT(x, weightIh, false, true); // (B, I) @ (I, 3H) → (B, 3H)
  if (biasIh !== null) gi = gi.add(biasIh);
  let gh: Tensor | null = h === null ? null : matmulT(h, weightHh, false, true); // (B, H) @ (H, 3H) → (B, 3H)
  if (biasHh !== null) gh = gh === null ? biasHh : gh.add(biasHh);
  return gruPointwise(gi, gh, h);
}

// --- one layer over a sequence -----------------------------------------------------------------------------

/** Options of {@link recurrentLayer}. */
export interface RecurrentLayerOptions {
  /** Run from the last step to the first (the reverse half of a bidirectional layer). */
  reverse?: boolean;
  /**
   * Per step, a bool `(B, 1)` tensor that is true where the step is real (null: every row is real). A row's
   * masked step is skipped: its state passes through unchanged and its output is zero — with a prefix mask
   * (padding after `length` steps) this is PyTorch's packed-sequence semantics, in both directions.
   */
  masks?: readonly (Tensor | null)[] | null;
  /** The plain RNN's nonlinearity (default tanh). */
  nonlinearity?: Nonlinearity;
}

/** What {@link recurrentLayer} returns. */
export interface RecurrentLayerResult {
  /** `h_t` for every step in time order (zero where masked), each `(B, H)`. */
  outputs: Tensor[];
  /** The final state (after the last real step of each row; for `reverse`, after the first). */
  state: RecurrentState;
}

/** True when the op would be recorded: grad mode is on and one of the tensors requires grad. */
function recording(tensors: readonly (Tensor | null)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of tensors) if (t?.requiresGrad) return true;
  return false;
}

/**
 * The input part of every step's gate pre-activations, `x_t W_ihᵀ + b` `(B, G·H)` for each t.
 *
 * Without autograd recording, one `(T·B, I) @ (I, G·H)` product covers all steps and is split afterwards.
 * While recording, each step gets its own product: in tensor-core the gradient of each slice of a big
 * tensor is materialised at the big tensor's full size (slice's adjoint is a zero-filled `unslice`), which
 * makes splitting a `(T, B, 4H)` projection cost O(T²·B·H) in the backward pass: the bench's LSTM training
 * step took 20–40% longer that way than with per-step products.
 */
function inputProjections(xs: readonly Tensor[], weightIh: Tensor, bias: Tensor | null): Tensor[] {
  if (!recording([weightIh, bias, ...xs])) {
    const rows = xs[0].shape[0];
    let p = matmulT(cat(xs, 0), weightIh, false, true); // (T·B, I) @ (I, G·H) → (T·B, G·H)
    if (bias !== null) p = p.add(bias);
    return p.split(rows, 0); // T × (B, G·H)
  }
  return xs.map((x) => {
    const p = matmulT(x, weightIh, false, true); // (B, I) @ (I, G·H) → (B, G·H)
    return bias === null ? p : p.add(bias);
  });
}

function sumBiases(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.add(b);
}

/** `where(mask, a, b)`, treating a null `b` as zeros. */
function keep(mask: Tensor, a: Tensor, b: Tensor | null): Tensor {
  return b === null ? where(mask, a, 0) : where(mask, a, b);
}

/**
 * Runs one recurrent layer in one direction over a sequence given as a list of steps, the way PyTorch's
 * `_VF.lstm` runs each layer: the input projections first (see below), then per step only the recurrent
 * product `h W_hhᵀ` and the pointwise gate math.
 *
 * Shapes: `xs` T × `(B, I)`; `state` `(B, H)` or `[h, c]` (null: zeros); weights as in {@link LayerWeights}.
 * Returns T outputs `(B, H)` and the final state.
 *
 * @example
 * ```ts
 * const { outputs, state } = recurrentLayer('lstm', xs, null, { weightIh, weightHh, biasIh, biasHh });
 * ```
 */
export function recurrentLayer(
  kind: CellKind,
  xs: readonly Tensor[],
  state: RecurrentState | null,
  weights: LayerWeights,
  options: RecurrentLayerOptions = {},
): RecurrentLayerResult {
  const steps = xs.length;
  if (steps === 0) throw new TensorError('recurrentLayer', 'the sequence has no steps');
  const { weightIh, weightHh, biasIh, biasHh } = weights;
  const nonlinearity = options.nonlinearity ?? 'tanh';
  const masks = options.masks ?? null;
  // GRU keeps bias_hh inside r ⊙ (W_hn h + b_hn); the other kinds add both biases once, to the input part.
  const inputBias = kind === 'gru' ? biasIh : sumBiases(biasIh, biasHh);
  const proj = inputProjections(xs, weightIh, inputBias);
  let h: Tensor | null;
  let c: Tensor | null = null;
  if (kind === 'lstm') [h, c] = state === null ? [null, null] : (state as LSTMState);
  else h = state as Tensor | null;
  const outputs = new Array<Tensor>(steps);
  for (let s = 0; s < steps; s++) {
    const t = options.reverse ? steps - 1 - s : s;
    // h null is the zero initial state: its product is zero and is skipped (with one step only, it is
    // computed, so that weight_hh gets a zero gradient rather than none, as in PyTorch).
    if (h === null && steps === 1) h = zeros([xs[0].shape[0], weightHh.shape[1]], { dtype: weightHh.dtype });
    const rec = h === null ? null : matmulT(h, weightHh, false, true); // (B, H) @ (H, G·H) → (B, G·H)
    let hNew: Tensor;
    let cNew: Tensor | null = null;
    if (kind === 'lstm') {
      [hNew, cNew] = lstmPointwise(rec === null ? proj[t] : proj[t].add(rec), c);
    } else if (kind === 'gru') {
      const gh = rec === null ? biasHh : biasHh === null ? rec : rec.add(biasHh);
      hNew = gruPointwise(proj[t], gh, h);
    } else {
      hNew = activate(rec === null ? proj[t] : proj[t].add(rec), nonlinearity);
    }
    const m = masks?.[t] ?? null;
    if (m === null) {
      h = hNew;
      c = cNew;
      outputs[t] = hNew;
    } else {
      outputs[t] = where(m, hNew, 0); // (B, 1) broadcast over (B, H)
      h = keep(m, hNew, h);
      if (cNew !== null) c = keep(m, cNew, c);
    }
  }
  const final = h as Tensor;
  return { outputs, state: kind === 'lstm' ? [final, c as Tensor] : final };
}

// --- a stack of layers, both directions --------------------------------------------------------------------

/** Options of {@link recurrent}. */
export interface RecurrentOptions {
  /** Number of stacked layers (default 1). */
  numLayers?: number;
  /** Run a reverse direction beside the forward one and concatenate their outputs (default false). */
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Whether dropout is active (default true). */
  training?: boolean;
  /** Where dropout masks come from (default: the global generator). */
  generator?: RandomGenerator;
  /** The plain RNN's nonlinearity (default tanh). */
  nonlinearity?: Nonlinearity;
  /** Per step, a bool `(B, 1)` validity mask or null; see {@link RecurrentLayerOptions.masks}. */
  masks?: readonly (Tensor | null)[] | null;
}

/** What {@link recurrent} returns. */
export interface RecurrentResult {
  /** The last layer's output at every step, `(B, D·H)` (both directions concatenated). */
  outputs: Tensor[];
  /** The final state of every layer and direction, index `layer·D + direction`. */
  states: RecurrentState[];
}

/**
 * A stack of recurrent layers over a sequence, as PyTorch's `nn.RNN`/`nn.LSTM`/`nn.GRU` run it: layer `k > 0`
 * reads layer `k-1`'s outputs (both directions concatenated), with dropout between layers in training.
 *
 * Shapes: `xs` T × `(B, I)`; `states` and `weights` have one entry per layer and direction, index
 * `layer·D + direction` (states null: zeros). Returns T outputs `(B, D·H)` and the final states.
 *
 * @example
 * ```ts
 * const { outputs, states } = recurrent('gru', xs, [null, null], [w0, w1], { numLayers: 2 });
 * ```
 */
export function recurrent(
  kind: CellKind,
  xs: readonly Tensor[],
  states: readonly (RecurrentState | null)[],
  weights: readonly LayerWeights[],
  options: RecurrentOptions = {},
): RecurrentResult {
  const numLayers = options.numLayers ?? 1;
  const dirs = options.bidirectional ? 2 : 1;
  if (weights.length !== numLayers * dirs || states.length !== numLayers * dirs) {
    throw new TensorError(
      'recurrent',
      `expected ${numLayers * dirs} weight sets and initial states (layers × directions), got ${weights.length} and ${states.length}`,
    );
  }
  const p = options.dropout ?? 0;
  const training = options.training ?? true;
  const finals: RecurrentState[] = [];
  let input: readonly Tensor[] = xs;
  for (let layer = 0; layer < numLayers; layer++) {
    const perDir: Tensor[][] = [];
    for (let d = 0; d < dirs; d++) {
      const k = layer * dirs + d;
      const r = recurrentLayer(kind, input, states[k], weights[k], {
        reverse: d === 1,
        masks: options.masks,
        nonlinearity: options.nonlinearity,
      });
      perDir.push(r.outputs);
      finals.push(r.state);
    }
    let out = dirs === 1 ? perDir[0] : perDir[0].map((f, t) => cat([f, perDir[1][t]], 1)); // (B, H) ‖ (B, H) → (B, 2H)
    if (layer < numLayers - 1 && p > 0 && training) {
      out = out.map((o) => nn.functional.dropout(o, p, true, { generator: options.generator }));
    }
    input = out;
  }
  return { outputs: input as Tensor[], states: finals };
}
