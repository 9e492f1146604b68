import {
  fmtShape,
  pad,
  type Generator as RandomGenerator,
  randperm,
  stack,
  type Tensor,
  TensorError,
  tensor,
} from '@tensorloom/tensor-core';
import type { RecurrentState } from './functional';
import { checkSize, lengthsArray } from './internal';

// --- padding -------------------------------------------------------------------------------------------------

/** Options of {@link padSequence}. */
export interface PadSequenceOptions {
  /** Return `(B, T, *)` instead of `(T, B, *)` (default false, like PyTorch). */
  batchFirst?: boolean;
  /** The value of padded entries (default 0). */
  paddingValue?: number;
}

/**
 * Pads a list of variable-length sequences to the longest and stacks them (`torch.nn.utils.rnn.pad_sequence`).
 * Differentiable: gradients flow back to each sequence.
 *
 * Shapes: B tensors `(L_b, *)` (same trailing dims and dtype) → `(T, B, *)`, or `(B, T, *)` with `batchFirst`,
 * where `T = max L_b`.
 *
 * @example
 * ```ts
 * const x = padSequence([randn([5, 8]), randn([3, 8])], { batchFirst: true }); // (2, 5, 8)
 * const [out] = lstm.forward(x, null, { lengths: [5, 3] });
 * ```
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  if (sequences.length === 0) throw new TensorError('padSequence', 'expected a non-empty list of sequences');
  const first = sequences[0];
  if (first.ndim === 0) throw new TensorError('padSequence', 'sequences must have at least one dim (time)');
  const trailing = first.shape.slice(1);
  sequences.forEach((s, i) => {
    if (s.ndim !== first.ndim || s.shape.slice(1).some((d, k) => d !== trailing[k])) {
      throw new TensorError(
        'padSequence',
        `sequence ${i} has shape ${fmtShape(s.shape)}; every sequence must be (L, ${trailing.join(', ')})`,
      );
    }
  });
  const longest = Math.max(...sequences.map((s) => s.shape[0]));
  const padded = sequences.map((s) => {
    // pad lists (before, after) pairs from the last dim: only dim 0 gets padding after it.
    const pads = new Array<number>(2 * s.ndim).fill(0);
    pads[2 * s.ndim - 1] = longest - s.shape[0];
    return pad(s, pads, options.paddingValue ?? 0); // (L_b, *) → (T, *)
  });
  return stack(padded, options.batchFirst ? 0 : 1); // B × (T, *) → (B, T, *) or (T, B, *)
}

/** Options of {@link lengthsToMask}. */
export interface LengthsToMaskOptions {
  /** Number of steps T (default: the longest length). */
  maxLength?: number;
  /** `(B, T)` (default true) or `(T, B)`. */
  batchFirst?: boolean;
}

/**
 * The bool mask of real steps for a padded batch: true at `[b, t]` for `t < lengths[b]`.
 *
 * Shapes: B lengths → `(B, T)` (or `(T, B)` with `batchFirst: false`).
 *
 * @example
 * ```ts
 * lengthsToMask([3, 1]).toArray(); // [[true, true, true], [true, false, false]]
 * ```
 */
export function lengthsToMask(lengths: readonly number[] | Tensor, options: LengthsToMaskOptions = {}): Tensor {
  const ls = lengthsArray('lengthsToMask', lengths);
  const steps = options.maxLength ?? Math.max(0, ...ls);
  ls.forEach((l, b) => {
    if (!Number.isInteger(l) || l < 0 || l > steps) {
      throw new TensorError('lengthsToMask', `length ${l} of sequence ${b} is not an integer in [0, ${steps}]`);
    }
  });
  const batchFirst = options.batchFirst ?? true;
  const rows = batchFirst
    ? ls.map((l) => Array.from({ length: steps }, (_, t) => t < l))
    : Array.from({ length: steps }, (_, t) => ls.map((l) => t < l));
  return rows.length === 0 || rows[0].length === 0
    ? tensor([], { dtype: 'bool' }).reshape(batchFirst ? [ls.length, steps] : [steps, ls.length])
    : tensor(rows, { dtype: 'bool' });
}

/** Token ids padded into one int32 tensor, with each row's real length. */
export interface PaddedTokens {
  /** int32 `(B, T)` (or `(T, B)` with `batchFirst: false`). */
  tokens: Tensor;
  /** The real length of each row. */
  lengths: number[];
}

/** Options of {@link padTokens}. */
export interface PadTokensOptions {
  /** The id written after each sequence's end (default 0, the `<pad>` of a {@link Vocabulary}). */
  padId?: number;
  /** `(B, T)` (default true) or `(T, B)`. */
  batchFirst?: boolean;
  /** Pad to this many steps (default: the longest sequence); longer sequences are an error. */
  maxLength?: number;
}

/**
 * Collates lists of token ids (e.g. from `Vocabulary.encode`) into one padded int32 batch plus lengths, ready
 * for an `Embedding` and a recurrent module's `lengths` option.
 *
 * @example
 * ```ts
 * const { tokens, lengths } = padTokens([[5, 6, 7], [8]], { padId: 0 }); // tokens [[5, 6, 7], [8, 0, 0]]
 * const [out] = lstm.forward(embedding.forward(tokens), null, { lengths });
 * ```
 */
export function padTokens(sequences: readonly (readonly number[])[], options: PadTokensOptions = {}): PaddedTokens {
  const lengths = sequences.map((s) => s.length);
  const steps = options.maxLength ?? Math.max(0, ...lengths);
  const padId = options.padId ?? 0;
  const batchFirst = options.batchFirst ?? true;
  const B = sequences.length;
  const data = new Int32Array(B * steps).fill(padId);
  sequences.forEach((s, b) => {
    if (s.length > steps) {
      throw new TensorError('padTokens', `sequence ${b} has ${s.length} tokens, more than maxLength ${steps}`);
    }
    s.forEach((id, t) => {
      if (!Number.isInteger(id))
        throw new TensorError('padTokens', `token ${t} of sequence ${b} is not an integer: ${id}`);
      data[batchFirst ? b * steps + t : t * B + b] = id;
    });
  });
  const tokens = tensor(data, { dtype: 'int32' }).reshape(batchFirst ? [B, steps] : [steps, B]);
  return { tokens, lengths };
}

// --- batching ------------------------------------------------------------------------------------------------

/** Options of {@link batchIndices}. */
export interface BatchIndicesOptions {
  /** Items per batch. */
  batchSize: number;
  /** Shuffle the items (or, with `sortKeys`, the order of the batches) (default false). */
  shuffle?: boolean;
  /** Where the shuffling comes from (default: the global generator). */
  generator?: RandomGenerator;
  /** Drop a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /**
   * Bucketing: group items with similar keys (typically their lengths) into the same batch, so batches need
   * little padding. Items are sorted by key (stably) before they are cut into batches.
   */
  sortKeys?: readonly number[];
}

/**
 * Splits item indices `0..count-1` into batches: in order, shuffled, or bucketed by length. Pair it with
 * {@link padTokens} to collate each batch.
 *
 * @example
 * ```ts
 * for (const idx of batchIndices(pairs.length, { batchSize: 32, shuffle: true, sortKeys: pairs.map((p) => p.src.length) })) {
 *   const src = padTokens(idx.map((i) => pairs[i].src));
 * }
 * ```
 */
export function batchIndices(count: number, options: BatchIndicesOptions): number[][] {
  checkSize('batchIndices', 'count', count, true);
  checkSize('batchIndices', 'batchSize', options.batchSize);
  const keys = options.sortKeys;
  if (keys !== undefined && keys.length !== count) {
    throw new TensorError('batchIndices', `expected ${count} sort keys, got ${keys.length}`);
  }
  const perm = (n: number) => Array.from(randperm(n, { generator: options.generator }).data, Number);
  let order = Array.from({ length: count }, (_, i) => i);
  if (keys !== undefined) order.sort((a, b) => keys[a] - keys[b] || a - b);
  else if (options.shuffle) order = perm(count);
  const batches: number[][] = [];
  for (let at = 0; at < count; at += options.batchSize) batches.push(order.slice(at, at + options.batchSize));
  if (options.dropLast && batches.length > 0 && batches[batches.length - 1].length < options.batchSize) batches.pop();
  if (keys !== undefined && options.shuffle) return perm(batches.length).map((i) => batches[i]);
  return batches;
}

// --- truncated backpropagation through time ------------------------------------------------------------------

/**
 * The same state cut from the autograd graph (`h.detach()`, or both of an LSTM's `[h, c]`), sharing storage.
 * Carry a state from one batch (or window) to the next with it, so that the next backward pass stops here
 * instead of running back through every earlier batch — stateful training.
 *
 * @example
 * ```ts
 * let state: LSTMState | null = null;
 * for (const x of batches) {
 *   const [out, next] = lstm.forward(x, state);
 *   lossOf(out).backward();
 *   state = detachState(next);
 * }
 * ```
 */
export function detachState<S extends RecurrentState | null>(state: S): S {
  if (state === null) return state;
  if (Array.isArray(state)) return [state[0].detach(), state[1].detach()] as S;
  return (state as Tensor).detach() as S;
}

/** One window of {@link truncatedBptt}. */
export interface BpttWindow<S extends RecurrentState> {
  /** The input steps of this window, `(k, B, I)` (`(B, k, I)` with `batchFirst`). */
  input: Tensor;
  /** The matching steps of `targets`, if given. */
  target: Tensor | null;
  /** The state carried in from the previous window, detached (null for the first window, unless given). */
  state: S | null;
  /** Window number, from 0. */
  index: number;
  /** The window's first time step. */
  start: number;
}

/** Options of {@link truncatedBptt}. */
export interface TruncatedBpttOptions<S extends RecurrentState> {
  /** Time steps per window, k (the last window may be shorter). */
  windowSize: number;
  /** Time is dim 1 of `input` and `targets` (default false: dim 0). */
  batchFirst?: boolean;
  /** The state before the first window (default null: zeros). */
  initialState?: S | null;
  /** Targets laid out like `input` in time, cut into the same windows. */
  targets?: Tensor;
}

/**
 * Truncated backpropagation through time: cuts a long sequence into windows of `windowSize` steps and calls
 * `step` on each in order — typically forward, loss, backward and an optimizer step — passing in the state
 * that the previous window returned, detached. Gradients then flow back at most one window, while the state
 * still carries information across the whole sequence. Returns the last state (detached).
 *
 * @example
 * ```ts
 * truncatedBptt<LSTMState>(x, { windowSize: 35, targets: y }, ({ input, target, state }) => {
 *   const [out, next] = lstm.forward(input, state);
 *   const loss = mseLoss(head.forward(out), target!);
 *   opt.zeroGrad(); loss.backward(); opt.step();
 *   return next;
 * });
 * ```
 */
export function truncatedBptt<S extends RecurrentState>(
  input: Tensor,
  options: TruncatedBpttOptions<S>,
  step: (window: BpttWindow<S>) => S,
): S | null {
  checkSize('truncatedBptt', 'windowSize', options.windowSize);
  const timeDim = options.batchFirst ? 1 : 0;
  if (input.ndim <= timeDim) {
    throw new TensorError('truncatedBptt', `input ${fmtShape(input.shape)} has no time dim ${timeDim}`);
  }
  const steps = input.shape[timeDim];
  const targets = options.targets ?? null;
  if (targets !== null && (targets.ndim <= timeDim || targets.shape[timeDim] !== steps)) {
    throw new TensorError(
      'truncatedBptt',
      `targets ${fmtShape(targets.shape)} must have the ${steps} time steps of input ${fmtShape(input.shape)} in dim ${timeDim}`,
    );
  }
  let state = detachState(options.initialState ?? null);
  let index = 0;
  for (let start = 0; start < steps; start += options.windowSize, index++) {
    const len = Math.min(options.windowSize, steps - start);
    const next = step({
      input: input.narrow(timeDim, start, len),
      target: targets === null ? null : targets.narrow(timeDim, start, len),
      state,
      index,
      start,
    });
    state = detachState(next);
  }
  return state;
}
