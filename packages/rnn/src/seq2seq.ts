/**
 * The encoder–decoder of exercise 6-1(c): an LSTM encoder reads the source sentence (word embeddings in, no
 * output layer) and its last hidden state — the *encoder vector* — initialises an LSTM decoder, whose input
 * at each step is the embedding of the previous output word and whose output layer is a softmax over the
 * vocabulary. Training feeds the true previous word (teacher forcing, with a ratio); inference feeds the
 * model's own choice, greedily or by beam search, until the end token or a maximum length.
 *
 * @module
 */
import {
  cat,
  defaultGenerator,
  fmtShape,
  multinomial,
  nn,
  noGrad,
  type Generator as RandomGenerator,
  stack,
  type Tensor,
  TensorError,
  tensor,
} from '@tensorloom/tensor-core';
import { crossEntropy } from '@tensorloom/training-utils';
import type { LSTMState, RecurrentState } from './functional';
import { LSTM } from './rnn';

// --- encoder and decoder -------------------------------------------------------------------------------------

/** Options of {@link EncoderRNN} and {@link DecoderRNN}. */
export interface Seq2SeqLayerOptions extends nn.LayerOptions {
  /** Stacked LSTM layers (default 1); encoder and decoder must agree. */
  numLayers?: number;
  /** Dropout between LSTM layers in training (default 0). */
  dropout?: number;
  /** A token id whose embedding stays zero and gets no gradient, e.g. `<pad>` (default none). */
  paddingIdx?: number | null;
}

/** What {@link EncoderRNN.forward} returns. */
export interface EncoderOutput {
  /** The top layer's hidden state at every step, `(B, S, H)` (zero after each source's end). */
  outputs: Tensor;
  /** The encoder vector: the last hidden and cell state of every layer, each `(L, B, H)`. */
  state: LSTMState;
}

/**
 * The encoder: `Embedding(vocabSize, embeddingDim)` then an `LSTM(embeddingDim, hiddenSize)` over the source
 * tokens, batch-first. Its final state (after each source's last real token, when `lengths` are given) is the
 * encoder vector that initialises the decoder.
 *
 * Shapes: int32 tokens `(B, S)` → outputs `(B, S, H)`, state `[h, c]` each `(L, B, H)`.
 *
 * @example
 * ```ts
 * const encoder = new EncoderRNN(srcVocab.size, 32, 64, { paddingIdx: 0 });
 * const { state } = encoder.forward(src.tokens, src.lengths);
 * ```
 */
export class EncoderRNN extends nn.Module<[Tensor, (readonly number[] | Tensor)?], EncoderOutput> {
  /** Word embeddings `a_w`. */
  embedding: nn.Embedding;
  /** The recurrent layers. */
  lstm: LSTM;

  /**
   * @param vocabSize - number of source tokens
   * @param embeddingDim - size of each word embedding
   * @param hiddenSize - size of the LSTM state (the encoder vector)
   * @param options - `numLayers`, `dropout`, `paddingIdx`, `dtype`, `generator`
   */
  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number, options: Seq2SeqLayerOptions = {}) {
    super();
    const { numLayers, dropout, paddingIdx, dtype, generator } = options;
    this.embedding = new nn.Embedding(vocabSize, embeddingDim, { paddingIdx, dtype, generator });
    this.lstm = new LSTM(embeddingDim, hiddenSize, { numLayers, dropout, dtype, generator, batchFirst: true });
  }

  /** int32 `(B, S)` source tokens (and each one's length) → outputs `(B, S, H)` and the encoder vector. */
  forward(tokens: Tensor, lengths?: readonly number[] | Tensor): EncoderOutput {
    checkTokens('EncoderRNN', tokens, 2);
    const [outputs, state] = this.lstm.forward(this.embedding.forward(tokens), null, { lengths }); // (B, S, E) → (B, S, H)
    return { outputs, state };
  }
}

/** What {@link DecoderRNN.forward} returns. */
export interface DecoderOutput {
  /** Unnormalised scores over the vocabulary, `(B, T, V)`; `softmax(-1)` gives the output distribution. */
  logits: Tensor;
  /** The state after the last step, `[h, c]` each `(L, B, H)`. */
  state: LSTMState;
}

/**
 * The decoder: `Embedding(vocabSize, embeddingDim)` of the previous word, an `LSTM(embeddingDim, hiddenSize)`
 * started from the encoder vector, and an output layer `Linear(hiddenSize, vocabSize)` whose softmax is the
 * distribution of the next word, `y_t = softmax(V h_t)`. It returns logits (what `crossEntropy` takes).
 *
 * Shapes: int32 previous words `(B, T)` and state `[h, c]` each `(L, B, H)` → logits `(B, T, V)` and the new state.
 *
 * @example
 * ```ts
 * const decoder = new DecoderRNN(tgtVocab.size, 32, 64);
 * const { logits, state } = decoder.step(prevWords, encoderState); // (B, V)
 * ```
 */
export class DecoderRNN extends nn.Module<[Tensor, LSTMState | null], DecoderOutput> {
  /** Word embeddings of the previous output word. */
  embedding: nn.Embedding;
  /** The recurrent layers. */
  lstm: LSTM;
  /** The output layer: logits over the vocabulary. */
  out: nn.Linear;

  /**
   * @param vocabSize - number of target tokens
   * @param embeddingDim - size of each word embedding
   * @param hiddenSize - size of the LSTM state (must equal the encoder's)
   * @param options - `numLayers`, `dropout`, `paddingIdx`, `dtype`, `generator`
   */
  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number, options: Seq2SeqLayerOptions = {}) {
    super();
    const { numLayers, dropout, paddingIdx, dtype, generator } = options;
    this.embedding = new nn.Embedding(vocabSize, embeddingDim, { paddingIdx, dtype, generator });
    this.lstm = new LSTM(embeddingDim, hiddenSize, { numLayers, dropout, dtype, generator, batchFirst: true });
    this.out = new nn.Linear(hiddenSize, vocabSize, { dtype, generator });
  }

  /** Runs T steps whose inputs are known (teacher forcing): `(B, T)` previous words → logits `(B, T, V)`. */
  forward(tokens: Tensor, state: LSTMState | null): DecoderOutput {
    checkTokens('DecoderRNN', tokens, 2);
    const [h, next] = this.lstm.forward(this.embedding.forward(tokens), state); // (B, T, E) → (B, T, H)
    return { logits: this.out.forward(h), state: next }; // (B, T, H) → (B, T, V)
  }

  /** One step: the previous word of each sequence `(B)` → logits `(B, V)` and the new state. */
  step(tokens: Tensor, state: LSTMState | null): DecoderOutput {
    checkTokens('DecoderRNN', tokens, 1);
    const { logits, state: next } = this.forward(tokens.reshape([tokens.shape[0], 1]), state); // (B) → (B, 1)
    return { logits: logits.reshape([tokens.shape[0], logits.shape[2]]), state: next }; // (B, 1, V) → (B, V)
  }
}

function checkTokens(op: string, tokens: Tensor, ndim: number): void {
  if (tokens.dtype !== 'int32' || tokens.ndim !== ndim) {
    const want = ndim === 2 ? '(B, T)' : '(B)';
    throw new TensorError(op, `tokens must be int32 ${want}, got ${tokens.dtype} ${fmtShape(tokens.shape)}`);
  }
}

// --- decoding ------------------------------------------------------------------------------------------------

/** One decoded sequence. */
export interface DecodeResult {
  /** The generated token ids, without `<sos>` and without the final `<eos>`. */
  tokens: number[];
  /** Sum of the log-probabilities of every generated token, the `<eos>` included. */
  score: number;
  /** Whether the sequence ended with `<eos>` (false: it hit `maxLength`). */
  finished: boolean;
}

/**
 * One decoder step as the search functions call it: previous tokens `(N)` int32 and a state whose batch
 * dim is N → logits `(N, V)` and the new state. The first state may be null where the model starts from
 * zeros (a language model without an encoder).
 */
export type DecodeStep<S extends RecurrentState | null> = (tokens: Tensor, state: S) => [logits: Tensor, state: S];

/** Options of {@link greedySearch}. */
export interface GreedySearchOptions {
  /** The first input token. */
  sosId: number;
  /** The token that ends a sequence. */
  eosId: number;
  /** Generate at most this many tokens per sequence, `<eos>` included. */
  maxLength: number;
}

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends GreedySearchOptions {
  /** Hypotheses kept at each step (default 5); 1 is greedy search. */
  beamWidth?: number;
  /**
   * Rank finished hypotheses by `score / length^lengthPenalty` (default 0: by the plain sum of
   * log-probabilities, which favours short outputs; around 0.6–1 favours longer ones).
   */
  lengthPenalty?: number;
}

function logProbRows(logits: Tensor): number[][] {
  if (logits.ndim !== 2)
    throw new TensorError('decode', `a step must return (N, V) logits, got ${fmtShape(logits.shape)}`);
  const lp = logits.logSoftmax(1);
  const [n, v] = lp.shape;
  return Array.from({ length: n }, (_, i) => Array.from(lp.data.subarray(i * v, (i + 1) * v), Number));
}

function ids(values: readonly number[]): Tensor {
  return tensor(values, { dtype: 'int32' });
}

/** Picks batch rows `index` of a state whose batch is dim 1 (`(L, N, H)`, or both of `[h, c]`). */
export function selectStateRows<S extends RecurrentState>(state: S, index: readonly number[]): S {
  const idx = ids(index);
  if (Array.isArray(state)) return [state[0].indexSelect(1, idx), state[1].indexSelect(1, idx)] as S;
  return (state as Tensor).indexSelect(1, idx) as S;
}

function checkSearch(op: string, o: GreedySearchOptions): void {
  if (!Number.isInteger(o.maxLength) || o.maxLength < 1) {
    throw new TensorError(op, `maxLength must be a positive integer, got ${o.maxLength}`);
  }
}

/**
 * Greedy decoding of a batch: starting from `<sos>`, each step feeds every sequence its own most likely
 * token (the first on ties) until it emits `<eos>` or reaches `maxLength`. Runs without autograd.
 *
 * @example
 * ```ts
 * const results = greedySearch((t, s) => { const o = decoder.step(t, s); return [o.logits, o.state]; }, state, B,
 *   { sosId: 1, eosId: 2, maxLength: 20 });
 * ```
 */
export function greedySearch<S extends RecurrentState | null>(
  step: DecodeStep<S>,
  initialState: S,
  batch: number,
  options: GreedySearchOptions,
): DecodeResult[] {
  checkSearch('greedySearch', options);
  return noGrad(() => {
    const results: DecodeResult[] = Array.from({ length: batch }, () => ({ tokens: [], score: 0, finished: false }));
    let prev = new Array<number>(batch).fill(options.sosId);
    let state = initialState;
    for (let t = 0; t < options.maxLength && results.some((r) => !r.finished); t++) {
      const [logits, next] = step(ids(prev), state);
      state = next;
      const rows = logProbRows(logits);
      prev = rows.map((lp, b) => {
        let best = 0;
        for (let v = 1; v < lp.length; v++) if (lp[v] > lp[best]) best = v;
        const r = results[b];
        if (!r.finished) {
          r.score += lp[best];
          if (best === options.eosId) r.finished = true;
          else r.tokens.push(best);
        }
        return best;
      });
    }
    return results;
  });
}

/** Options of {@link sampleSearch}. */
export interface SampleSearchOptions extends GreedySearchOptions {
  /** Divides the logits before the softmax (default 1): below 1 sharper, towards 0 greedy; above 1 flatter. */
  temperature?: number;
  /** Sample only among the `topK` most likely tokens (default: all). */
  topK?: number;
  /** Where the draws come from (default: the global generator). */
  generator?: RandomGenerator;
}

/**
 * Sampling from the model, for text generation (e.g. a character-level language model): like
 * {@link greedySearch}, but each step draws the next token from `softmax(logits / temperature)` (restricted
 * to the `topK` most likely tokens if given). `score` is the log-probability under the model itself
 * (temperature 1). Runs without autograd.
 *
 * @example
 * ```ts
 * const [word] = sampleSearch(step, null, 1, { sosId: 1, eosId: 2, maxLength: 20, temperature: 0.8 });
 * vocab.decode(word.tokens);
 * ```
 */
export function sampleSearch<S extends RecurrentState | null>(
  step: DecodeStep<S>,
  initialState: S,
  batch: number,
  options: SampleSearchOptions,
): DecodeResult[] {
  checkSearch('sampleSearch', options);
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0)) throw new TensorError('sampleSearch', `temperature must be positive, got ${temperature}`);
  const topK = options.topK;
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new TensorError('sampleSearch', `topK must be a positive integer, got ${topK}`);
  }
  return noGrad(() => {
    const results: DecodeResult[] = Array.from({ length: batch }, () => ({ tokens: [], score: 0, finished: false }));
    let prev = new Array<number>(batch).fill(options.sosId);
    let state = initialState;
    for (let t = 0; t < options.maxLength && results.some((r) => !r.finished); t++) {
      const [logits, next] = step(ids(prev), state);
      state = next;
      const rows = logProbRows(logits);
      const weights = rows.map((lp) => {
        const scaled = lp.map((p) => p / temperature);
        const cut = topK === undefined || topK >= lp.length ? -Infinity : [...scaled].sort((a, b) => b - a)[topK - 1];
        const top = Math.max(...scaled);
        return scaled.map((p) => (p >= cut ? Math.exp(p - top) : 0)); // unnormalised softmax
      });
      const drawn = multinomial(tensor(weights, { dtype: 'float64' }), 1, true, { generator: options.generator });
      prev = rows.map((lp, b) => {
        const v = drawn.data[b];
        const r = results[b];
        if (!r.finished) {
          r.score += lp[v];
          if (v === options.eosId) r.finished = true;
          else r.tokens.push(v);
        }
        return v;
      });
    }
    return results;
  });
}

interface Beam {
  tokens: number[];
  score: number;
}

/**
 * Beam search for one sequence: keeps the `beamWidth` most likely partial outputs, extends each by every
 * token, and keeps the best continuations again; a hypothesis that emits `<eos>` is finished. Stops when
 * `beamWidth` hypotheses have finished, when no unfinished one can still beat the best finished one (without
 * a length penalty log-probabilities only fall), or at `maxLength`. Returns the hypotheses best first
 * (finished ones, then any cut off at `maxLength`), ranked by `score / length^lengthPenalty`. With
 * `beamWidth: 1` it is {@link greedySearch}. Runs without autograd.
 *
 * `initialState` has batch size 1 (`(L, 1, H)`); the step is called with N ≤ beamWidth rows.
 */
export function beamSearch<S extends RecurrentState>(
  step: DecodeStep<S>,
  initialState: S,
  options: BeamSearchOptions,
): DecodeResult[] {
  checkSearch('beamSearch', options);
  const width = options.beamWidth ?? 5;
  if (!Number.isInteger(width) || width < 1) {
    throw new TensorError('beamSearch', `beamWidth must be a positive integer, got ${width}`);
  }
  const alpha = options.lengthPenalty ?? 0;
  const rank = (r: DecodeResult) => r.score / (r.tokens.length + (r.finished ? 1 : 0)) ** alpha;
  return noGrad(() => {
    let beams: Beam[] = [{ tokens: [], score: 0 }];
    let state = initialState;
    const finished: DecodeResult[] = [];
    for (let t = 0; t < options.maxLength; t++) {
      const prev = beams.map((b) => (b.tokens.length === 0 ? options.sosId : b.tokens[b.tokens.length - 1]));
      const [logits, next] = step(ids(prev), state);
      const rows = logProbRows(logits);
      // Every continuation, best first; ties go to the earlier beam, then the smaller token id.
      const candidates: [score: number, beam: number, token: number][] = [];
      rows.forEach((lp, i) => {
        lp.forEach((p, v) => {
          candidates.push([beams[i].score + p, i, v]);
        });
      });
      candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
      const kept: Beam[] = [];
      const from: number[] = [];
      for (const [score, i, v] of candidates) {
        if (kept.length === width) break;
        if (v === options.eosId) {
          finished.push({ tokens: beams[i].tokens.slice(), score, finished: true });
          if (finished.length >= width) break;
        } else {
          kept.push({ tokens: [...beams[i].tokens, v], score });
          from.push(i);
        }
      }
      beams = kept;
      if (finished.length >= width || beams.length === 0) break;
      if (alpha === 0 && finished.length > 0 && Math.max(...finished.map((f) => f.score)) >= beams[0].score) break;
      state = selectStateRows(next, from);
    }
    const open = beams.map((b) => ({ tokens: b.tokens, score: b.score, finished: false }));
    const done = finished.slice().sort((a, b) => rank(b) - rank(a));
    return [...done, ...open.sort((a, b) => rank(b) - rank(a))];
  });
}

// --- the model -----------------------------------------------------------------------------------------------

/** Options of {@link Seq2Seq}. */
export interface Seq2SeqOptions {
  /** The decoder's first input, `<sos>` (a {@link Vocabulary}'s `sosId`, 1). */
  sosId: number;
  /** The token that ends an output, `<eos>` (`eosId`, 2). */
  eosId: number;
  /** Padding in target batches, ignored by {@link Seq2Seq.loss} (default 0, `<pad>`). */
  padId?: number;
}

/** Options of {@link Seq2Seq.forward} and {@link Seq2Seq.loss}. */
export interface TeacherForcingOptions {
  /** Real length of each source sentence (default: all of them). */
  srcLengths?: readonly number[] | Tensor;
  /**
   * Probability, per step, of feeding the true previous word rather than the model's own most likely one
   * (default 1: always, computed in one pass over the target; 0: never).
   */
  teacherForcingRatio?: number;
  /** Where the per-step teacher-forcing draws come from (default: the global generator). */
  generator?: RandomGenerator;
}

/** Options of {@link Seq2Seq.greedyDecode}. */
export interface Seq2SeqDecodeOptions {
  /** Real length of each source sentence (default: all of them). */
  srcLengths?: readonly number[] | Tensor;
  /** Generate at most this many tokens, `<eos>` included (default 50). */
  maxLength?: number;
}

/** Options of {@link Seq2Seq.beamSearch}. */
export interface Seq2SeqBeamOptions extends Seq2SeqDecodeOptions {
  /** Hypotheses kept at each step (default 5). */
  beamWidth?: number;
  /** See {@link BeamSearchOptions.lengthPenalty} (default 0). */
  lengthPenalty?: number;
}

/**
 * An encoder–decoder for sequence-to-sequence learning (exercise 6-1c; Sutskever et al., 2014): the encoder's
 * final LSTM state initialises the decoder, which predicts the target one word at a time from the embedding
 * of the previous word.
 *
 * Targets `tgt` `(B, T)` hold the words to predict, each followed by `<eos>` and padded with `<pad>`; the
 * decoder's inputs are `<sos>` followed by `tgt` shifted right.
 *
 * @example
 * ```ts
 * const model = new Seq2Seq(new EncoderRNN(src.size, 32, 64), new DecoderRNN(tgt.size, 32, 64),
 *   { sosId: tgt.sosId, eosId: tgt.eosId, padId: tgt.padId });
 * const loss = model.loss(srcBatch.tokens, tgtBatch.tokens, { srcLengths: srcBatch.lengths, teacherForcingRatio: 0.5 });
 * loss.backward();
 * const [best] = model.beamSearch(srcBatch.tokens, { beamWidth: 3, maxLength: 20 });
 * tgt.decode(best.tokens);
 * ```
 */
export class Seq2Seq extends nn.Module<[Tensor, Tensor, TeacherForcingOptions?], Tensor> {
  /** Reads the source. */
  encoder: EncoderRNN;
  /** Writes the target. */
  decoder: DecoderRNN;
  /** The decoder's first input. */
  readonly sosId: number;
  /** The end token. */
  readonly eosId: number;
  /** The padding token of targets. */
  readonly padId: number;

  constructor(encoder: EncoderRNN, decoder: DecoderRNN, options: Seq2SeqOptions) {
    super();
    const e = encoder.lstm;
    const d = decoder.lstm;
    if (e.hiddenSize !== d.hiddenSize || e.numLayers !== d.numLayers) {
      throw new TensorError(
        'Seq2Seq',
        `the encoder vector must fit the decoder: encoder hiddenSize ${e.hiddenSize} × ${e.numLayers} layers, decoder ${d.hiddenSize} × ${d.numLayers}`,
      );
    }
    this.encoder = encoder;
    this.decoder = decoder;
    this.sosId = options.sosId;
    this.eosId = options.eosId;
    this.padId = options.padId ?? 0;
  }

  /** The encoder vector of a source batch: `[h, c]` each `(L, B, H)`. */
  encode(src: Tensor, srcLengths?: readonly number[] | Tensor): LSTMState {
    return this.encoder.forward(src, srcLengths).state;
  }

  /**
   * Logits for every target position, `(B, T, V)`, with teacher forcing at `teacherForcingRatio` (default 1).
   * Without teacher forcing at a step, the decoder's input is its own previous most likely word (no gradient
   * flows through that choice).
   */
  forward(src: Tensor, tgt: Tensor, options: TeacherForcingOptions = {}): Tensor {
    checkTokens('Seq2Seq', tgt, 2);
    const ratio = options.teacherForcingRatio ?? 1;
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new TensorError('Seq2Seq', `teacherForcingRatio must be in [0, 1], got ${ratio}`);
    }
    const [B, T] = tgt.shape;
    if (src.shape[0] !== B) {
      throw new TensorError(
        'Seq2Seq',
        `source ${fmtShape(src.shape)} and target ${fmtShape(tgt.shape)} batches differ`,
      );
    }
    let state = this.encode(src, options.srcLengths);
    const sos = ids(new Array<number>(B).fill(this.sosId)).reshape([B, 1]);
    if (ratio === 1) {
      const inputs = T === 1 ? sos : cat([sos, tgt.narrow(1, 0, T - 1)], 1); // (B, 1) ‖ (B, T-1) → (B, T): tgt shifted right
      return this.decoder.forward(inputs, state).logits;
    }
    const g = options.generator ?? defaultGenerator;
    const logits: Tensor[] = [];
    let prev = sos.reshape([B]);
    for (let t = 0; t < T; t++) {
      const out = this.decoder.step(prev, state); // (B, V)
      logits.push(out.logits);
      state = out.state;
      if (t + 1 < T) prev = g.nextDouble() < ratio ? tgt.select(1, t) : out.logits.argmax(1);
    }
    return stack(logits, 1); // T × (B, V) → (B, T, V)
  }

  /**
   * Mean cross-entropy of the target words under the model, ignoring `<pad>` positions:
   * `crossEntropy(forward(src, tgt).reshape(B·T, V), tgt.reshape(B·T), { ignoreIndex: padId })`.
   */
  loss(src: Tensor, tgt: Tensor, options: TeacherForcingOptions = {}): Tensor {
    const logits = this.forward(src, tgt, options); // (B, T, V)
    const [B, T, V] = logits.shape;
    return crossEntropy(logits.reshape([B * T, V]), tgt.reshape([B * T]), { ignoreIndex: this.padId });
  }

  private stepFn(): DecodeStep<LSTMState> {
    return (tokens, state) => {
      const out = this.decoder.step(tokens, state);
      return [out.logits, out.state];
    };
  }

  /** Greedy decoding of each source sentence (see {@link greedySearch}). */
  greedyDecode(src: Tensor, options: Seq2SeqDecodeOptions = {}): DecodeResult[] {
    return noGrad(() => {
      const state = this.encode(src, options.srcLengths);
      return greedySearch(this.stepFn(), state, src.shape[0], {
        sosId: this.sosId,
        eosId: this.eosId,
        maxLength: options.maxLength ?? 50,
      });
    });
  }

  /** Beam search for each source sentence; the best hypothesis of each (see {@link beamSearch}). */
  beamSearch(src: Tensor, options: Seq2SeqBeamOptions = {}): DecodeResult[] {
    return noGrad(() => {
      const state = this.encode(src, options.srcLengths);
      return Array.from({ length: src.shape[0] }, (_, b) => {
        const hyps = beamSearch(this.stepFn(), selectStateRows(state, [b]), {
          sosId: this.sosId,
          eosId: this.eosId,
          maxLength: options.maxLength ?? 50,
          beamWidth: options.beamWidth,
          lengthPenalty: options.lengthPenalty,
        });
        return hyps[0];
      });
    });
  }
}
