/**
 * Exercise 6-1(c) and the motivation for attention (exercise 6-2): an encoder–decoder LSTM *without*
 * attention learns to reverse digit strings ("4071" → "1704"), and its exact-match accuracy is reported by
 * input length. The encoder squeezes the whole input into one fixed-size vector (its last hidden and cell
 * state), which must hold every digit — about 3.3 bits each, so the load grows with the length — and the
 * decoder sees nothing else. Short strings come out right; long ones, with the same model and the same
 * training, much less often. Attention removes that bottleneck by letting the decoder look back at every
 * encoder state.
 *
 * Training uses teacher forcing (`Seq2Seq.loss`); evaluation decodes greedily and with beam search.
 *
 * Run with `pnpm --filter @tensorloom/examples seq2seq`.
 */

import { batchIndices, DecoderRNN, EncoderRNN, Seq2Seq, Vocabulary } from '@tensorloom/rnn';
import { Generator, manualSeed } from '@tensorloom/tensor-core';
import { Adam, clipGradNorm_, makeReverseDigits } from '@tensorloom/training-utils';

/** One example: a digit string and its reverse. */
export interface Pair {
  src: string;
  tgt: string;
}

/**
 * `perLength` random digit strings of each length in `[minLength, maxLength]` with their reverses (from
 * `makeReverseDigits`), leaving out any string in `exclude` and repeats (so a test set can be kept apart
 * from the training set; short lengths may then yield fewer, as there are only 10^L strings of length L).
 */
export function reversePairs(
  perLength: number,
  minLength: number,
  maxLength: number,
  generator: Generator,
  exclude: ReadonlySet<string> = new Set(),
): Pair[] {
  const pairs: Pair[] = [];
  const seen = new Set(exclude);
  for (let length = minLength; length <= maxLength; length++) {
    const { x, y } = makeReverseDigits(perLength, { length, generator }); // (n, L) int32 digits each
    for (let i = 0; i < perLength; i++) {
      const src = Array.from(x.data.subarray(i * length, (i + 1) * length)).join('');
      if (seen.has(src)) continue;
      seen.add(src);
      pairs.push({ src, tgt: Array.from(y.data.subarray(i * length, (i + 1) * length)).join('') });
    }
  }
  return pairs;
}

/** What {@link run} takes. */
export interface RunOptions {
  /** Shortest and longest input (defaults 3 and 12). */
  minLength?: number;
  maxLength?: number;
  /** Training and test strings per length (defaults 1,000 and 100). */
  trainPerLength?: number;
  testPerLength?: number;
  embeddingDim?: number;
  /** Size of the encoder vector (default 128). */
  hiddenSize?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Probability of feeding the true previous digit to the decoder in training (default 1). */
  teacherForcingRatio?: number;
  /** Beam width for the beam-search column (default 3; 0 skips beam search). */
  beamWidth?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Exact-match accuracy on the test strings of one input length. */
export interface LengthScore {
  length: number;
  count: number;
  greedy: number;
  /** With beam search (NaN when skipped). */
  beam: number;
}

export interface RunResult {
  byLength: LengthScore[];
  /** `{ src, predicted }` for a few test strings of the longest length, greedy. */
  examples: { src: string; target: string; predicted: string }[];
  /** Teacher-forced training loss after each epoch (mean per target token). */
  losses: number[];
  seconds: number;
}

/** Exact-match accuracy of greedy decoding on `pairs` (all of the same length), and the predictions. */
function greedyAccuracy(model: Seq2Seq, vocab: Vocabulary, pairs: readonly Pair[]): [number, string[]] {
  const src = vocab.encodeBatch(pairs.map((p) => p.src)).tokens; // (n, L): no padding, one length
  const predicted = model.greedyDecode(src, { maxLength: pairs[0].tgt.length + 2 }).map((r) => vocab.decode(r.tokens));
  return [predicted.filter((p, i) => p === pairs[i].tgt).length / pairs.length, predicted];
}

/** Trains the encoder–decoder on all lengths at once and scores it length by length; see the file comment. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const generator = new Generator(seed);
  const minLength = options.minLength ?? 3;
  const maxLength = options.maxLength ?? 12;

  const train = reversePairs(options.trainPerLength ?? 1000, minLength, maxLength, generator);
  const test = reversePairs(
    options.testPerLength ?? 100,
    minLength,
    maxLength,
    generator,
    new Set(train.map((p) => p.src)),
  );
  const vocab = new Vocabulary('0123456789'.split(''), { level: 'char' });
  log(
    `reversing digit strings of ${minLength}–${maxLength} digits: ${train.length} training pairs, ${test.length} unseen test pairs`,
  );

  const hiddenSize = options.hiddenSize ?? 128;
  const embeddingDim = options.embeddingDim ?? 16;
  const model = new Seq2Seq(
    new EncoderRNN(vocab.size, embeddingDim, hiddenSize),
    new DecoderRNN(vocab.size, embeddingDim, hiddenSize),
    { sosId: vocab.sosId, eosId: vocab.eosId, padId: vocab.padId },
  );
  const optimizer = new Adam(model.parameters(), { lr: options.lr ?? 3e-3 });
  const batchSize = options.batchSize ?? 64;
  const epochs = options.epochs ?? 6;
  const lengths = train.map((p) => p.src.length);
  // A few of each length, to watch short and long strings separately as training goes.
  const probeShort = test.filter((p) => p.src.length === minLength + 1).slice(0, 50);
  const probeLong = test.filter((p) => p.src.length === maxLength).slice(0, 50);
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    model.train();
    // Batches of one length each (no padding in the source, so no lengths to pass), in a new order each epoch.
    const batches = batchIndices(train.length, { batchSize, sortKeys: lengths, shuffle: true, generator });
    let total = 0;
    let tokens = 0;
    for (const batch of batches) {
      const src = vocab.encodeBatch(batch.map((i) => train[i].src)).tokens; // (B, L)
      const tgt = vocab.encodeBatch(
        batch.map((i) => train[i].tgt),
        { addEos: true },
      ).tokens; // (B, L + 1): the reverse, then <eos>
      const loss = model.loss(src, tgt, {
        teacherForcingRatio: options.teacherForcingRatio ?? 1,
        generator,
      });
      optimizer.zeroGrad();
      loss.backward();
      clipGradNorm_(model.parameters(), 1);
      optimizer.step();
      total += loss.item() * tgt.size;
      tokens += tgt.size;
    }
    losses.push(total / tokens);
    model.eval();
    const [short] = greedyAccuracy(model, vocab, probeShort);
    const [long] = greedyAccuracy(model, vocab, probeLong);
    log(
      `epoch ${String(epoch + 1).padStart(2)}/${epochs}  loss ${losses[epoch].toFixed(4)}  ` +
        `exact match: ${minLength + 1} digits ${pct(short)}, ${maxLength} digits ${pct(long)}  ` +
        `(${((performance.now() - start) / 1000).toFixed(1)} s)`,
    );
  }

  model.eval();
  const beamWidth = options.beamWidth ?? 3;
  const byLength: LengthScore[] = [];
  let examples: RunResult['examples'] = [];
  for (let length = minLength; length <= maxLength; length++) {
    const pairs = test.filter((p) => p.src.length === length);
    const [greedy, predicted] = greedyAccuracy(model, vocab, pairs);
    let beam = Number.NaN;
    if (beamWidth > 0) {
      const src = vocab.encodeBatch(pairs.map((p) => p.src)).tokens;
      const best = model.beamSearch(src, { beamWidth, maxLength: length + 2 });
      beam = best.filter((r, i) => vocab.decode(r.tokens) === pairs[i].tgt).length / pairs.length;
    }
    byLength.push({ length, count: pairs.length, greedy, beam });
    if (length === maxLength) {
      examples = pairs.slice(0, 5).map((p, i) => ({ src: p.src, target: p.tgt, predicted: predicted[i] }));
    }
  }
  return { byLength, examples, losses, seconds: (performance.now() - t0) / 1000 };
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`.padStart(6);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('An encoder–decoder LSTM without attention reverses digit strings (exercise 6-1c → 6-2)\n');
  const hiddenSize = 128;
  const r = await run({ hiddenSize, log: (line) => console.log(line) });
  // Short lengths have fewer test strings: there are only 1,000 three-digit strings, most of them in training.
  console.log('\ninput digits | test strings | exact match, greedy | beam search (width 3)');
  console.log('------------ | ------------ | ------------------- | ---------------------');
  for (const s of r.byLength) {
    console.log(
      `${String(s.length).padStart(12)} | ${String(s.count).padStart(12)} | ${pct(s.greedy).padStart(19)} | ${pct(s.beam).padStart(21)}`,
    );
  }
  console.log(`\nsome ${r.byLength[r.byLength.length - 1].length}-digit test strings, greedy (^ marks a wrong digit):`);
  for (const e of r.examples) {
    const marks = Array.from(e.target, (c, i) => (e.predicted[i] === c ? ' ' : '^')).join('');
    console.log(
      `  ${e.src} → ${e.predicted.padEnd(e.target.length)}  (want ${e.target})\n  ${' '.repeat(e.src.length + 3)}${marks}`,
    );
  }
  const first = r.byLength[0];
  const last = r.byLength[r.byLength.length - 1];
  console.log(
    `\nThe whole input has to pass through one ${hiddenSize}-number encoder vector: ${pct(first.greedy).trim()} of ${first.length}-digit ` +
      `strings come back exactly,\n${pct(last.greedy).trim()} of ${last.length}-digit ones. Attention (exercise 6-2) lets the decoder read every encoder ` +
      `state instead.\n${r.seconds.toFixed(1)} s in all`,
  );
}
