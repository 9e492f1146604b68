import { type Graph, type Tensor, TensorError, type TraceOptions, traceGraph, zeros } from '@tensorloom/tensor-core';
import { type GRUCell, LSTMCell, type RNNCell } from './cells';
import type { LSTMState } from './functional';

/** Options of {@link unroll}. */
export interface UnrollOptions {
  /** The initial hidden state `h_0`, `(B, H)` or `(H)` (default zeros, the course's `h_0 = 0`). */
  h0?: Tensor;
  /** The initial cell state `c_0` of an {@link LSTMCell} (default zeros). */
  c0?: Tensor;
  /**
   * Name the tensors for graph drawings (default true): `x_1 … x_T`, `h_0 … h_T` (`c_0 … c_T`), the cell's
   * `weight_hh` as `W`, `weight_ih` as `U` and its biases as `b_ih`, `b_hh` — the labels of exercise 6-1's
   * `h_t = σ(W h_{t-1} + U x_t)`. Labels are set on the cell's parameters too (they only affect printing and
   * graph exports); tensors the caller already labelled keep their labels.
   */
  labels?: boolean;
}

/** What {@link unroll} returns: every state of the unfolded recurrence, and its autograd graph. */
export interface Unrolled {
  /** The inputs `x_1 … x_T` as the cell received them (`inputs[t - 1]` is `x_t`). */
  inputs: Tensor[];
  /** `h_0 … h_T` (`hidden[t]` is `h_t`). */
  hidden: Tensor[];
  /** `c_0 … c_T` for an LSTM cell, else null. */
  cell: Tensor[] | null;
  /**
   * The autograd graph that produced the last state, as plain data for drawing the unfolded RNN. By default
   * collapsed to the labelled tensors (`traceGraph`'s `collapse`): nodes `x_t`, `h_t`, `W`, `U` (and `c_t`,
   * biases), edges with the hidden ops (`matmul`, `add`, `sigmoid`, …) in `via`.
   */
  graph(options?: TraceOptions): Graph;
}

function name(t: Tensor, label: string, on: boolean): Tensor {
  if (on && t.label === undefined) t.label = label;
  return t;
}

/**
 * Runs `cell` for T steps and keeps every state: the unfolded RNN of exercise 6-1(a), ready to print or draw.
 *
 * Shapes: `inputs` `(T, B, I)` or unbatched `(T, I)`, or a list of T tensors `(B, I)` / `(I)`; the states are
 * `(B, H)` (unbatched `(H)`).
 *
 * @example
 * ```ts
 * const cell = new RNNCell(2, 2, { nonlinearity: 'sigmoid', bias: false }); // h_t = σ(W h_{t-1} + U x_t)
 * const u = unroll(cell, randn([3, 2]));                                  // t = 1..3, h_0 = 0
 * u.hidden.map((h) => h.label);    // ['h_0', 'h_1', 'h_2', 'h_3']
 * u.graph().nodes.map((n) => n.label); // x_1..x_3, h_0..h_3, W, U (inputs before results)
 * u.graph().edges;                     // W → h_1 via [matmul, add, sigmoid], h_0 → h_1, x_1 → h_1, U → h_1, …
 * ```
 */
export function unroll(
  cell: RNNCell | LSTMCell | GRUCell,
  inputs: Tensor | readonly Tensor[],
  options: UnrollOptions = {},
): Unrolled {
  const on = options.labels ?? true;
  const xs = Array.isArray(inputs)
    ? (inputs as readonly Tensor[]).slice()
    : Array.from({ length: (inputs as Tensor).shape[0] }, (_, t) => (inputs as Tensor).select(0, t));
  if (xs.length === 0) throw new TensorError('unroll', 'expected at least one time step');
  xs.forEach((x, t) => {
    name(x, `x_${t + 1}`, on);
  });
  if (on) {
    cell.weight_hh.label = 'W';
    cell.weight_ih.label = 'U';
    if (cell.bias_ih !== null) cell.bias_ih.label = 'b_ih';
    if (cell.bias_hh !== null) cell.bias_hh.label = 'b_hh';
  }
  const x0 = xs[0];
  const stateShape = x0.ndim === 1 ? [cell.hiddenSize] : [x0.shape[0], cell.hiddenSize];
  const dtype = cell.weight_hh.dtype;
  const hidden = [name(options.h0 ?? zeros(stateShape, { dtype }), 'h_0', on)];
  const lstm = cell instanceof LSTMCell;
  const cells = lstm ? [name(options.c0 ?? zeros(stateShape, { dtype }), 'c_0', on)] : null;
  for (let t = 1; t <= xs.length; t++) {
    const x = xs[t - 1];
    if (lstm && cells !== null) {
      const [h, c] = cell.forward(x, [hidden[t - 1], cells[t - 1]] as LSTMState);
      hidden.push(name(h, `h_${t}`, on));
      cells.push(name(c, `c_${t}`, on));
    } else {
      hidden.push(name((cell as RNNCell | GRUCell).forward(x, hidden[t - 1]), `h_${t}`, on));
    }
  }
  const last = cells === null ? [hidden[hidden.length - 1]] : [hidden[hidden.length - 1], cells[cells.length - 1]];
  return {
    inputs: xs,
    hidden,
    cell: cells,
    graph: (traceOptions: TraceOptions = {}) => traceGraph(last, { collapse: true, ...traceOptions }),
  };
}
