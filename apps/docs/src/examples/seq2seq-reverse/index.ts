/**
 * Exercise 6-1(c): an encoder–decoder learns to reverse digit strings, "4071" → "1704".
 *
 * The encoder (an embedding, then an LSTM) reads the digits and keeps only its last state, the encoder
 * vector. The decoder (another embedding and LSTM, then a linear layer and a softmax) starts from that
 * vector and writes the reversed digits one at a time, each step fed the previous output digit. Training
 * uses teacher forcing: the decoder is fed the *true* previous digit. Reading uses greedy decoding: the
 * decoder is fed its own most likely digit, until it writes <eos>.
 *
 * Each step trains on a fresh mini-batch of random strings of one length (3 to 6 digits); every
 * `evalEvery` steps the model reverses strings it never trains on, and every `saveEvery` steps (and at the
 * end) the step hands the page the weights as a safetensors file, which the text box on the page loads.
 */

import { type DecodeResult, DecoderRNN, EncoderRNN, greedySearch, Seq2Seq, Vocabulary } from '@tensorloom/rnn';
import { Generator, loadSafetensors, manualSeed, saveSafetensors, type Tensor } from '@tensorloom/tensor-core';
import { Adam, CosineAnnealingLR, clipGradNorm_, makeReverseDigits } from '@tensorloom/training-utils';

export interface ReverseParams {
  seed: number;
  /** Shortest and longest strings to train on. */
  minLength: number;
  maxLength: number;
  /** Size of each digit's embedding. */
  embeddingDim: number;
  /** Size of the LSTM states: the encoder vector is h and c of this size. */
  hiddenSize: number;
  /** Strings per mini-batch. */
  batch: number;
  /** Adam's learning rate at the start; it falls to 1% of this along a cosine by the last step. */
  lr: number;
  /** Training steps (one fresh mini-batch each). */
  steps: number;
  /** Held-out strings per length, never trained on, reversed every `evalEvery` steps. */
  heldOut: number;
  evalEvery: number;
  /** Hand the page the weights every `saveEvery` steps (and at the end). */
  saveEvery: number;
}

export const defaults: ReverseParams = {
  seed: 1,
  minLength: 3,
  maxLength: 6,
  embeddingDim: 16,
  hiddenSize: 64,
  batch: 32,
  lr: 0.01,
  steps: 600,
  heldOut: 50,
  evalEvery: 100,
  saveEvery: 100,
};

/**
 * The tokens: `<pad>` `<sos>` `<eos>` `<unk>` take ids 0–3, the digits '0'…'9' ids 4–13. So the *digit* 1 is
 * not the *id* 1 (that is `<sos>`): digits always go through the vocabulary as text.
 */
export const vocab = new Vocabulary('0123456789'.split(''), { level: 'char' });

/** `s` backwards: what the model should write. */
export function reversed(s: string): string {
  return Array.from(s).reverse().join('');
}

/**
 * `n` random strings of `length` digits, none of them in `exclude`. makeReverseDigits draws the digits as
 * numbers 0–9; we turn them into text at once, since as token ids 0–3 they would be the special tokens.
 */
function drawStrings(n: number, length: number, g: Generator, exclude: ReadonlySet<string>): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const { x } = makeReverseDigits(n, { length, generator: g }); // (n, length) digits 0–9
    for (let i = 0; i < n && out.length < n; i++) {
      const s = x.data.subarray(i * length, (i + 1) * length).join('');
      if (!exclude.has(s)) out.push(s);
    }
  }
  return out;
}

/** The held-out strings: `perLength` of each length, drawn from their own generator so training never sees them. */
export function heldOutStrings({ seed, minLength, maxLength, heldOut }: ReverseParams): string[] {
  const g = new Generator(seed + 1000);
  const strings: string[] = [];
  for (let length = minLength; length <= maxLength; length++) {
    strings.push(...drawStrings(heldOut, length, g, new Set(strings)));
  }
  return strings;
}

/** The encoder–decoder: Embedding → LSTM encoder; its last (h, c) starts an Embedding → LSTM → Linear decoder. */
export function makeModel({ embeddingDim, hiddenSize }: Pick<ReverseParams, 'embeddingDim' | 'hiddenSize'>) {
  return new Seq2Seq(
    new EncoderRNN(vocab.size, embeddingDim, hiddenSize),
    new DecoderRNN(vocab.size, embeddingDim, hiddenSize),
    { sosId: vocab.sosId, eosId: vocab.eosId, padId: vocab.padId },
  );
}

/** One mini-batch of strings of one length L: sources (B, L) and targets (B, L + 1), the reverse then <eos>. */
function batchOf(strings: string[]): { src: Tensor; tgt: Tensor } {
  const src = vocab.encodeBatch(strings).tokens; // (B, L) int32 ids
  const tgt = vocab.encodeBatch(strings.map(reversed), { addEos: true }).tokens; // (B, L + 1)
  return { src, tgt };
}

/** Share of `strings` the model reverses exactly, decoding greedily (one batch per length). */
export function exactMatch(model: Seq2Seq, strings: readonly string[]): number {
  let right = 0;
  for (const length of new Set(strings.map((s) => s.length))) {
    const group = strings.filter((s) => s.length === length);
    const results = model.greedyDecode(vocab.encodeBatch(group).tokens, { maxLength: length + 2 });
    results.forEach((r, i) => {
      if (vocab.decode(r.tokens) === reversed(group[i])) right++;
    });
  }
  return right / strings.length;
}

/** One output step of {@link reverse}: the token written and its probability under the model. */
export interface OutputStep {
  token: string;
  probability: number;
}

/** What the model writes for one input string. */
export interface Reversal {
  /** The digits written, without `<eos>`. */
  output: string;
  /** Every step's choice, the final `<eos>` included, with its probability (the largest of that step). */
  steps: OutputStep[];
  /** Whether the model wrote `<eos>` before `maxLength` steps. */
  finished: boolean;
}

/**
 * Greedy decoding of one digit string, as the page's text box runs it: encode the digits, start the decoder
 * from the encoder vector and `<sos>`, and at every step feed back the most likely token, y_t = softmax(V h_t),
 * until `<eos>` (or `maxLength` tokens, by default two more than the input has digits).
 *
 * @example
 * ```ts
 * reverse(model, '12345').output; // '54321' once trained
 * ```
 */
export function reverse(model: Seq2Seq, digits: string, maxLength = digits.length + 2): Reversal {
  const src = vocab.encodeBatch([digits]).tokens; // (1, L)
  const probabilities: number[] = [];
  const [result]: DecodeResult[] = greedySearch(
    (prev, state) => {
      const { logits, state: next } = model.decoder.step(prev, state); // (1) → (1, V)
      probabilities.push(Math.max(...logits.softmax(1).data)); // the chosen token's probability
      return [logits, next];
    },
    model.encode(src), // the encoder vector [h, c], each (1, 1, H)
    1,
    { sosId: vocab.sosId, eosId: vocab.eosId, maxLength },
  );
  const ids = result.finished ? [...result.tokens, vocab.eosId] : result.tokens;
  return {
    output: vocab.decode(result.tokens),
    steps: ids.map((id, t) => ({ token: vocab.idToToken(id), probability: probabilities[t] })),
    finished: result.finished,
  };
}

/** The weights as a safetensors file (PyTorch's state-dict keys), with what the page needs to rebuild the model. */
export function saveModel(model: Seq2Seq, params: ReverseParams, info: { step: number; exactMatch: number }) {
  return saveSafetensors(model.stateDict(), {
    task: 'reverse digit strings',
    minLength: String(params.minLength),
    maxLength: String(params.maxLength),
    embeddingDim: String(params.embeddingDim),
    hiddenSize: String(params.hiddenSize),
    seed: String(params.seed),
    step: String(info.step),
    exactMatch: String(info.exactMatch),
  });
}

/** A model saved by {@link saveModel}, and the facts saved with it. */
export interface LoadedModel {
  model: Seq2Seq;
  minLength: number;
  maxLength: number;
  seed: number;
  step: number;
  /** Held-out exact match when it was saved. */
  exactMatch: number;
}

/** Builds the model a safetensors file describes and loads its weights (a wrong file fails with the key or shape). */
export function loadModel(bytes: Uint8Array): LoadedModel {
  const { tensors, metadata } = loadSafetensors(bytes);
  const num = (key: string) => {
    const v = Number(metadata[key]);
    if (metadata[key] === undefined || !Number.isFinite(v)) throw new Error(`the file's metadata has no ${key}`);
    return v;
  };
  const model = makeModel({ embeddingDim: num('embeddingDim'), hiddenSize: num('hiddenSize') });
  model.loadStateDict(tensors);
  model.eval();
  return {
    model,
    minLength: num('minLength'),
    maxLength: num('maxLength'),
    seed: num('seed'),
    step: num('step'),
    exactMatch: num('exactMatch'),
  };
}

export function setup(params: ReverseParams) {
  const { seed, minLength, maxLength, batch, lr, steps, evalEvery, saveEvery } = params;
  manualSeed(seed); // the initial weights
  const g = new Generator(seed); // the training strings
  const heldOut = heldOutStrings(params);
  const exclude = new Set(heldOut);
  const model = makeModel(params);
  const optimizer = new Adam(model.parameters(), { lr });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: steps, etaMin: lr / 100 });
  let step = 0;
  let accuracy = Number.NaN;

  return {
    model,
    heldOut,
    step() {
      const length = g.nextInt(minLength, maxLength + 1);
      const { src, tgt } = batchOf(drawStrings(batch, length, g, exclude));
      model.train();
      const loss = model.loss(src, tgt); // teacher forcing: the decoder reads <sos> and the true reverse
      optimizer.zeroGrad();
      loss.backward();
      clipGradNorm_(model.parameters(), 1);
      optimizer.step();
      schedule.step();
      step++;

      const done = step >= steps;
      if (step % evalEvery === 0 || done) accuracy = exactMatch(model, heldOut);
      const outputs =
        step % saveEvery === 0 || done
          ? { checkpoint: saveModel(model, params, { step, exactMatch: accuracy }) }
          : undefined;
      return {
        metrics: { loss: loss.item() },
        summary: Number.isNaN(accuracy)
          ? undefined
          : `held-out strings reversed exactly: ${(100 * accuracy).toFixed(1)}% of ${heldOut.length}`,
        done,
        outputs,
      };
    },
  };
}
