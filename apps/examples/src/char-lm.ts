/**
 * A character-level language model of English words: an LSTM reads `<sos> a b c …` and predicts each next
 * character, `<eos>` included, on a list of 6,054 words from Debian's `wamerican` (SCOWL; see
 * `data/words/README.md`). It reports the training and validation loss per character in nats and bits,
 * against a unigram baseline (character frequencies, no context), then samples new words by drawing one
 * character at a time from the model (`sampleSearch` with a temperature) and counts how many of them are
 * not in the training list.
 *
 * Run with `pnpm --filter @tensorloom/examples char-lm`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type DecodeStep, LSTM, type LSTMState, padTokens, sampleSearch, Vocabulary } from '@tensorloom/rnn';
import { Generator, manualSeed, nn, noGrad, randperm, type Tensor } from '@tensorloom/tensor-core';
import { Adam, type Batch, crossEntropy, EarlyStopping, fit, type ProgressOption } from '@tensorloom/training-utils';

/** The shipped word list, one lowercase word a line. */
export function loadWords(): string[] {
  const text = readFileSync(new URL('../data/words/words.txt', import.meta.url), 'utf8');
  return text.split('\n').filter((w) => w !== '');
}

/**
 * Debian's whole word list (about 100,000 words) where the `wamerican` package is installed, else null: to
 * tell which sampled words that are not in the training list are real English words all the same.
 */
export function loadDictionary(path = '/usr/share/dict/american-english'): Set<string> | null {
  return existsSync(path) ? new Set(readFileSync(path, 'utf8').split('\n')) : null;
}

/** `Embedding(V, E) → LSTM(E, H) → Linear(H, V)`: logits of the next character after each prefix. */
export class CharLM extends nn.Module<[Tensor, LSTMState?], Tensor> {
  embedding: nn.Embedding;
  lstm: LSTM;
  out: nn.Linear;

  constructor(vocabSize: number, embeddingDim: number, hiddenSize: number, padId: number) {
    super();
    this.embedding = new nn.Embedding(vocabSize, embeddingDim, { paddingIdx: padId });
    this.lstm = new LSTM(embeddingDim, hiddenSize, { batchFirst: true });
    this.out = new nn.Linear(hiddenSize, vocabSize);
  }

  /** int32 `(B, T)` characters → `(B, T, V)` logits of the character after each. */
  forward(tokens: Tensor): Tensor {
    // Padding comes after each word's end, so the outputs at real positions never see it: no lengths needed.
    const [h] = this.lstm.forward(this.embedding.forward(tokens)); // (B, T, E) → (B, T, H)
    return this.out.forward(h); // (B, T, H) → (B, T, V)
  }

  /** One step for the search functions: previous characters `(N)` → logits `(N, V)` and the new state. */
  step(tokens: Tensor, state: LSTMState | null): [Tensor, LSTMState] {
    const x = this.embedding.forward(tokens.reshape([tokens.shape[0], 1])); // (N) → (N, 1, E)
    const [h, next] = this.lstm.forward(x, state); // (N, 1, H)
    return [this.out.forward(h).reshape([tokens.shape[0], -1]), next]; // (N, 1, V) → (N, V)
  }
}

/** Inputs `<sos> w` and targets `w <eos>` of a batch of words, both int32 `(B, T)` padded with `<pad>`. */
export function collate(words: readonly string[], vocab: Vocabulary): [Tensor, Tensor] {
  const ids = words.map((w) => vocab.encode(w));
  const inputs = padTokens(
    ids.map((s) => [vocab.sosId, ...s]),
    { padId: vocab.padId },
  );
  const targets = padTokens(
    ids.map((s) => [...s, vocab.eosId]),
    { padId: vocab.padId },
  );
  return [inputs.tokens, targets.tokens];
}

/** Characters to predict in a target batch (not `<pad>`), `<eos>` included. */
function countTargets(target: Tensor, padId: number): number {
  let n = 0;
  for (const v of target.data) if (v !== padId) n++;
  return n;
}

/** Mean cross-entropy per character (nats) of `words` under the model. */
export function lossPerChar(model: CharLM, vocab: Vocabulary, words: readonly string[], batchSize = 256): number {
  return noGrad(() => {
    model.eval();
    let total = 0;
    let count = 0;
    for (let at = 0; at < words.length; at += batchSize) {
      const [input, target] = collate(words.slice(at, at + batchSize), vocab);
      const logits = model.forward(input); // (B, T, V)
      total += crossEntropy(logits.reshape([-1, vocab.size]), target.reshape([-1]), {
        ignoreIndex: vocab.padId,
        reduction: 'sum',
      }).item();
      count += countTargets(target, vocab.padId);
    }
    return total / count;
  });
}

/**
 * The unigram baseline: every character (and `<eos>`) predicted with its frequency in the training words,
 * whatever came before. Its loss per character on `evalWords` (nats), with add-one smoothing.
 */
export function unigramLossPerChar(trainWords: readonly string[], evalWords: readonly string[]): number {
  const counts = new Map<string, number>();
  const add = (c: string) => counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const w of trainWords) {
    for (const c of w) add(c);
    add('<eos>');
  }
  const symbols = new Set(counts.keys());
  for (const w of evalWords) for (const c of w) symbols.add(c);
  let total = 0;
  for (const n of counts.values()) total += n;
  const logp = (c: string) => Math.log(((counts.get(c) ?? 0) + 1) / (total + symbols.size));
  let nll = 0;
  let n = 0;
  for (const w of evalWords) {
    for (const c of [...w, '<eos>']) {
      nll -= logp(c);
      n++;
    }
  }
  return nll / n;
}

/** What {@link run} takes. */
export interface RunOptions {
  /** Use only the first `words` of the shuffled list (default: all 6,054). */
  words?: number;
  /** Share held out for validation (default 0.1). */
  valFraction?: number;
  embeddingDim?: number;
  hiddenSize?: number;
  /** At most this many epochs (default 15); training stops earlier once `val_loss` has not improved for `patience` (default 2). */
  epochs?: number;
  patience?: number;
  batchSize?: number;
  lr?: number;
  /** Words to sample at the end (default 20) and the sampling temperature (default 0.8). */
  samples?: number;
  temperature?: number;
  seed?: number;
  progress?: ProgressOption;
  log?: (line: string) => void;
}

export interface RunResult {
  trainWords: number;
  valWords: number;
  /** Loss per character in nats (`<eos>` counts as a character): the model on both splits, the unigram on val. */
  trainLoss: number;
  valLoss: number;
  unigramValLoss: number;
  /** `val_loss` after each epoch, per character. */
  valLossHistory: number[];
  /** The sampled words, and those that are not in the training list. */
  sampled: string[];
  novel: string[];
  /** Novel samples that are real words after all: in Debian's whole list, or null where it is not installed. */
  novelReal: string[] | null;
  seconds: number;
}

/** Trains the character LSTM, compares it with the unigram baseline and samples words; see the file comment. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const generator = new Generator(seed);

  const all = loadWords();
  const order = Array.from(randperm(all.length, { generator }).data, Number);
  const words = order.slice(0, options.words ?? all.length).map((i) => all[i]);
  const nVal = Math.round(words.length * (options.valFraction ?? 0.1));
  const valWords = words.slice(0, nVal);
  const trainWords = words.slice(nVal);
  const vocab = Vocabulary.fromTexts(trainWords, { level: 'char' });
  log(
    `${trainWords.length} training words, ${valWords.length} validation words, ${vocab.size} symbols (26 letters + 4 specials)`,
  );

  const model = new CharLM(vocab.size, options.embeddingDim ?? 32, options.hiddenSize ?? 128, vocab.padId);
  const batchSize = options.batchSize ?? 64;
  // A fresh shuffle every epoch: fit iterates this once per epoch.
  const train: Iterable<Batch> & { length: number } = {
    length: Math.ceil(trainWords.length / batchSize),
    *[Symbol.iterator]() {
      const perm = Array.from(randperm(trainWords.length, { generator }).data, Number);
      for (let at = 0; at < perm.length; at += batchSize) {
        yield collate(
          perm.slice(at, at + batchSize).map((i) => trainWords[i]),
          vocab,
        );
      }
    },
  };
  const val = Array.from({ length: Math.ceil(valWords.length / 256) }, (_, b) =>
    collate(valWords.slice(256 * b, 256 * (b + 1)), vocab),
  );
  // A model this size starts to memorise the training words after a few epochs: stop when the validation loss
  // stops falling, and go back to the best weights.
  const early = new EarlyStopping({ monitor: 'val_loss', patience: options.patience ?? 2, restoreBestWeights: true });
  const history = await fit(model, {
    train,
    val,
    epochs: options.epochs ?? 15,
    optimizer: new Adam(model.parameters(), { lr: options.lr ?? 5e-3 }),
    loss: (logits: Tensor, target: Tensor) =>
      crossEntropy(logits.reshape([-1, vocab.size]), target.reshape([-1]), { ignoreIndex: vocab.padId }),
    // Weigh each batch by its characters, so that fit's means are exact losses per character (and the
    // progress line's "samples/s" counts characters).
    batchSize: (_input, target) => countTargets(target, vocab.padId),
    clipGradNorm: 1,
    callbacks: [early],
    generator,
    progress: options.progress,
  });

  const trainLoss = lossPerChar(model, vocab, trainWords);
  const valLoss = lossPerChar(model, vocab, valWords);
  const unigramValLoss = unigramLossPerChar(trainWords, valWords);

  const step: DecodeStep<LSTMState | null> = (tokens, state) => model.step(tokens, state);
  const results = sampleSearch(step, null, options.samples ?? 20, {
    sosId: vocab.sosId,
    eosId: vocab.eosId,
    maxLength: 20,
    temperature: options.temperature ?? 0.8,
    generator,
  });
  const sampled = results.map((r) => vocab.decode(r.tokens));
  const known = new Set(trainWords);
  const dictionary = loadDictionary();
  const novel = sampled.filter((w) => !known.has(w));
  return {
    trainWords: trainWords.length,
    valWords: valWords.length,
    trainLoss,
    valLoss,
    unigramValLoss,
    valLossHistory: history.get('val_loss') as number[],
    sampled,
    novel,
    novelReal: dictionary && novel.filter((w) => dictionary.has(w)),
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('A character-level LSTM language model of English words (Debian wamerican)\n');
  const temperature = 0.8;
  const r = await run({ temperature, log: (line) => console.log(line) });
  const bits = (nats: number) => nats / Math.LN2;
  const row = (name: string, nats: number) =>
    `${name.padEnd(24)} | ${nats.toFixed(3).padStart(10)} | ${bits(nats).toFixed(3).padStart(9)}`;
  console.log('\nloss per character       | nats       | bits');
  console.log('------------------------ | ---------- | ---------');
  console.log(row('LSTM, training words', r.trainLoss));
  console.log(row('LSTM, validation words', r.valLoss));
  console.log(row('unigram, validation', r.unigramValLoss));
  console.log(
    `\n${r.sampled.length} words sampled at temperature ${temperature}: ${r.novel.length} are new (not in the training list)`,
  );
  const invented = r.novelReal === null ? r.novel : r.novel.filter((w) => !r.novelReal?.includes(w));
  console.log(`  invented: ${invented.join(', ')}`);
  if (r.novelReal !== null)
    console.log(`  real English words it never saw (in Debian's full list): ${r.novelReal.join(', ') || 'none'}`);
  const seen = r.sampled.filter((w) => !r.novel.includes(w));
  console.log(`  already in the training list: ${seen.join(', ') || 'none'}`);
  console.log(`\n${r.seconds.toFixed(1)} s in all`);
}
