import { defaultGenerator, type Generator, randperm, Tensor, TensorError } from '@tensorloom/tensor-core';

/** The `generator` option every synthetic dataset takes. */
export interface SyntheticOptions {
  /** Where the randomness comes from (default: tensor-core's default generator, seeded by `manualSeed`). */
  generator?: Generator;
}

/** A classification set: points and their class indices. */
export interface LabeledPoints {
  /** `(n, d)` float32 points. */
  x: Tensor;
  /** `(n)` int32 class indices. */
  y: Tensor;
}

/** A sequence regression set, batch first (the layout of an RNN with `batchFirst: true`). */
export interface SequenceRegression {
  /** `(n, length, 1)` float32 inputs. */
  x: Tensor;
  /** `(n, length, 1)` float32 targets, one per step. */
  y: Tensor;
}

/** A sequence classification set, batch first: one label per sequence. */
export interface SequenceClassification {
  /** `(n, length, 1)` float32 sequences. */
  x: Tensor;
  /** `(n)` int32 class indices. */
  y: Tensor;
}

/** A sequence-to-sequence set of tokens. */
export interface TokenSequences {
  /** `(n, T)` int32 input tokens. */
  x: Tensor;
  /** `(n, T)` int32 target tokens. */
  y: Tensor;
  /** Number of distinct tokens, for an `Embedding` and the output layer: tokens lie in `[0, vocabSize)`. */
  vocabSize: number;
}

function checkCount(op: string, name: string, n: number, min = 0): void {
  if (!Number.isSafeInteger(n) || n < min) throw new TensorError(op, `${name} must be an integer ≥ ${min}, got ${n}`);
}

function checkNonNegative(op: string, name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new TensorError(op, `${name} must be a finite number ≥ 0, got ${v}`);
}

/** Standard normal samples in float64 (Box–Muller, from the generator). */
function normals(g: Generator, n: number): Float64Array {
  const out = new Float64Array(n);
  g.fillNormal(out);
  return out;
}

/** Counts per class as even as possible: the first `n % k` classes get one more. */
function balancedCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

/** Reorders the rows of `x` (`n × d`, flat) and `y` by a permutation drawn from `g`. */
function shuffleRows(x: Float32Array, y: Int32Array, d: number, g: Generator): void {
  const n = y.length;
  const perm = randperm(n, { generator: g }).data as Int32Array;
  const x0 = x.slice();
  const y0 = y.slice();
  for (let i = 0; i < n; i++) {
    const j = perm[i];
    y[i] = y0[j];
    for (let k = 0; k < d; k++) x[i * d + k] = x0[j * d + k];
  }
}

/** Options of {@link makeMoons}. */
export interface MoonsOptions extends SyntheticOptions {
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
  /** Shuffle the points (default true); unshuffled, class 0 comes first. */
  shuffle?: boolean;
}

/**
 * Two interleaving half circles, like scikit-learn's `make_moons`: class 0 on `(cos t, sin t)`, class 1 on
 * `(1 - cos t, 0.5 - sin t)`, `t` evenly spaced in `[0, π]`; `floor(n / 2)` points in class 0, the rest in
 * class 1; then shuffled and Gaussian noise added. A classic for a small MLP's curved decision boundary.
 *
 * Shapes: `x` `(n, 2)` float32, `y` `(n)` int32 in {0, 1}.
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons(200, { noise: 0.1, generator: new Generator(0) });
 * ```
 */
export function makeMoons(n: number, options: MoonsOptions = {}): LabeledPoints {
  checkCount('makeMoons', 'n', n);
  const noise = options.noise ?? 0;
  checkNonNegative('makeMoons', 'noise', noise);
  const g = options.generator ?? defaultGenerator;
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  const angle = (i: number, m: number) => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    const t = angle(i, nOut);
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = angle(i, nIn);
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(t);
    x[2 * r + 1] = 0.5 - Math.sin(t);
    y[r] = 1;
  }
  if (options.shuffle ?? true) shuffleRows(x, y, 2, g);
  if (noise > 0) {
    const e = normals(g, 2 * n);
    for (let i = 0; i < 2 * n; i++) x[i] += noise * e[i];
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y: new Tensor(y, [n], 'int32') };
}

/** Options of {@link makeSpirals}. */
export interface SpiralsOptions extends SyntheticOptions {
  /** Number of arms, one class each (default 2). */
  classes?: number;
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
  /** Turns each arm makes from the centre to radius 1 (default 1). */
  turns?: number;
  /** Shuffle the points (default true); unshuffled, the classes come in order. */
  shuffle?: boolean;
}

/**
 * Interleaved spiral arms, one per class (the TensorFlow Playground's spiral): point `i` of the `m` in class
 * `c` lies at radius `r = (i + 1) / m` and angle `2π · turns · r + 2π c / classes`, plus Gaussian noise.
 * The classes get `n / classes` points each (the first `n % classes` one more).
 *
 * Shapes: `x` `(n, 2)` float32 within about `[-1, 1]²`, `y` `(n)` int32 in `[0, classes)`.
 *
 * @example
 * ```ts
 * const { x, y } = makeSpirals(300, { classes: 3, noise: 0.02, turns: 1.5, generator: new Generator(0) });
 * ```
 */
export function makeSpirals(n: number, options: SpiralsOptions = {}): LabeledPoints {
  checkCount('makeSpirals', 'n', n);
  const classes = options.classes ?? 2;
  checkCount('makeSpirals', 'classes', classes, 1);
  const noise = options.noise ?? 0;
  checkNonNegative('makeSpirals', 'noise', noise);
  const turns = options.turns ?? 1;
  if (!Number.isFinite(turns)) throw new TensorError('makeSpirals', `turns must be finite, got ${turns}`);
  const g = options.generator ?? defaultGenerator;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  let row = 0;
  balancedCounts(n, classes).forEach((m, c) => {
    for (let i = 0; i < m; i++, row++) {
      const r = (i + 1) / m;
      const theta = 2 * Math.PI * turns * r + (2 * Math.PI * c) / classes;
      x[2 * row] = r * Math.cos(theta);
      x[2 * row + 1] = r * Math.sin(theta);
      y[row] = c;
    }
  });
  if (options.shuffle ?? true) shuffleRows(x, y, 2, g);
  if (noise > 0) {
    const e = normals(g, 2 * n);
    for (let i = 0; i < 2 * n; i++) x[i] += noise * e[i];
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y: new Tensor(y, [n], 'int32') };
}

/** Options of {@link makeGaussianMixture}. */
export interface GaussianMixtureOptions extends SyntheticOptions {
  /** The cluster centres, one row of `dim` numbers each; default: `k` centres drawn uniformly in `centerBox`. */
  centers?: readonly (readonly number[])[];
  /** Number of clusters when `centers` is not given (default 3). */
  k?: number;
  /** Dimension of the points when `centers` is not given (default 2). */
  dim?: number;
  /** Standard deviation of each cluster: one number, or one per cluster (default 1). */
  std?: number | readonly number[];
  /** The range each coordinate of a drawn centre lies in (default `[-10, 10]`, scikit-learn's). */
  centerBox?: readonly [number, number];
  /** Shuffle the points (default true); unshuffled, the clusters come in order. */
  shuffle?: boolean;
}

/** {@link LabeledPoints} and the centres they were drawn around. */
export interface GaussianMixture extends LabeledPoints {
  /** `(k, dim)` float32 cluster centres. */
  centers: Tensor;
}

/**
 * Isotropic Gaussian clusters, like scikit-learn's `make_blobs`: cluster `c` gets `n / k` points (the first
 * `n % k` one more) drawn from `N(centers[c], std[c]² I)`, labelled `c`.
 *
 * Shapes: `x` `(n, dim)` float32, `y` `(n)` int32 in `[0, k)`, `centers` `(k, dim)` float32.
 *
 * @example
 * ```ts
 * const { x, y, centers } = makeGaussianMixture(500, { k: 4, std: 0.5, generator: new Generator(0) });
 * const blobs = makeGaussianMixture(100, { centers: [[0, 0], [3, 3]], std: [1, 0.5] });
 * ```
 */
export function makeGaussianMixture(n: number, options: GaussianMixtureOptions = {}): GaussianMixture {
  const op = 'makeGaussianMixture';
  checkCount(op, 'n', n);
  const g = options.generator ?? defaultGenerator;
  let centers: number[][];
  if (options.centers !== undefined) {
    centers = options.centers.map((c) => Array.from(c));
    if (centers.length === 0) throw new TensorError(op, 'centers must hold at least one centre');
    const d = centers[0].length;
    if (d === 0) throw new TensorError(op, 'centres must have at least one coordinate');
    centers.forEach((c, i) => {
      if (c.length !== d) throw new TensorError(op, `centre ${i} has ${c.length} coordinates, centre 0 has ${d}`);
      if (c.some((v) => !Number.isFinite(v))) throw new TensorError(op, `centre ${i} has a non-finite coordinate`);
    });
  } else {
    const k = options.k ?? 3;
    const dim = options.dim ?? 2;
    checkCount(op, 'k', k, 1);
    checkCount(op, 'dim', dim, 1);
    const [lo, hi] = options.centerBox ?? [-10, 10];
    if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw new TensorError(op, `centerBox must be a finite [low, high] with low ≤ high, got [${lo}, ${hi}]`);
    }
    centers = Array.from({ length: k }, () => Array.from({ length: dim }, () => lo + (hi - lo) * g.nextDouble()));
  }
  const k = centers.length;
  const dim = centers[0].length;
  const stdOpt = options.std ?? 1;
  const stds = typeof stdOpt === 'number' ? new Array<number>(k).fill(stdOpt) : Array.from(stdOpt);
  if (stds.length !== k) throw new TensorError(op, `std has ${stds.length} entries for ${k} clusters`);
  for (const s of stds) checkNonNegative(op, 'std', s);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  const e = normals(g, n * dim);
  let row = 0;
  balancedCounts(n, k).forEach((m, c) => {
    for (let i = 0; i < m; i++, row++) {
      y[row] = c;
      for (let j = 0; j < dim; j++) x[row * dim + j] = centers[c][j] + stds[c] * e[row * dim + j];
    }
  });
  if (options.shuffle ?? true) shuffleRows(x, y, dim, g);
  return {
    x: new Tensor(x, [n, dim], 'float32'),
    y: new Tensor(y, [n], 'int32'),
    centers: new Tensor(Float32Array.from(centers.flat()), [k, dim], 'float32'),
  };
}

/** Options of {@link makeNoisySine}. */
export interface NoisySineOptions extends SyntheticOptions {
  /** Steps per sequence (default 50). */
  length?: number;
  /** Standard deviation of the Gaussian noise on the inputs (default 0.1). */
  noise?: number;
  /**
   * Frequency in cycles per sequence (per `length` steps): a number, or a `[min, max]` range each sequence
   * draws its own from uniformly (default `[1, 3]`).
   */
  freq?: number | readonly [number, number];
}

/**
 * Noisy sine waves for next-step regression with an RNN. Sequence `i` is `s(t) = sin(2π f_i t / length + φ_i)`
 * with its own frequency `f_i` (see `freq`) and phase `φ_i ~ U[0, 2π)`. The input at step `t` is
 * `s(t) + noise · ε`, the target the clean next value `s(t + 1)`: a model that predicts well has learned
 * to filter the noise and continue the wave.
 *
 * Shapes: `x` `(n, length, 1)` float32, `y` `(n, length, 1)` float32 in [-1, 1].
 *
 * @example
 * ```ts
 * const { x, y } = makeNoisySine(256, { length: 40, noise: 0.05, freq: [1, 2], generator: new Generator(0) });
 * ```
 */
export function makeNoisySine(n: number, options: NoisySineOptions = {}): SequenceRegression {
  const op = 'makeNoisySine';
  checkCount(op, 'n', n);
  const length = options.length ?? 50;
  checkCount(op, 'length', length, 1);
  const noise = options.noise ?? 0.1;
  checkNonNegative(op, 'noise', noise);
  const f = options.freq ?? [1, 3];
  const [fLo, fHi] = typeof f === 'number' ? [f, f] : f;
  if (!(fLo <= fHi) || !Number.isFinite(fLo) || !Number.isFinite(fHi)) {
    throw new TensorError(op, `freq must be a finite number or a [min, max] range, got ${String(f)}`);
  }
  const g = options.generator ?? defaultGenerator;
  const x = new Float32Array(n * length);
  const y = new Float32Array(n * length);
  for (let i = 0; i < n; i++) {
    const freq = fLo + (fHi - fLo) * g.nextDouble();
    const phase = 2 * Math.PI * g.nextDouble();
    const e = normals(g, length);
    const w = (2 * Math.PI * freq) / length;
    for (let t = 0; t < length; t++) {
      x[i * length + t] = Math.sin(w * t + phase) + noise * e[t];
      y[i * length + t] = Math.sin(w * (t + 1) + phase);
    }
  }
  return { x: new Tensor(x, [n, length, 1], 'float32'), y: new Tensor(y, [n, length, 1], 'float32') };
}

/**
 * Random bit strings and their parity — the task where an RNN must carry one bit of state across the whole
 * sequence. Each bit is 0 or 1 with probability 1/2; the label is 1 when the sequence holds an odd number
 * of ones.
 *
 * Shapes: `x` `(n, length, 1)` float32 in {0, 1}, `y` `(n)` int32 in {0, 1}.
 *
 * @example
 * ```ts
 * const { x, y } = makeParitySequences(1000, 8, { generator: new Generator(0) }); // (1000, 8, 1), (1000)
 * ```
 */
export function makeParitySequences(n: number, length: number, options: SyntheticOptions = {}): SequenceClassification {
  checkCount('makeParitySequences', 'n', n);
  checkCount('makeParitySequences', 'length', length, 1);
  const g = options.generator ?? defaultGenerator;
  const x = new Float32Array(n * length);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let parity = 0;
    for (let t = 0; t < length; t++) {
      const bit = g.nextUint32() >>> 31;
      x[i * length + t] = bit;
      parity ^= bit;
    }
    y[i] = parity;
  }
  return { x: new Tensor(x, [n, length, 1], 'float32'), y: new Tensor(y, [n], 'int32') };
}

/** Options of {@link makeRunningSumSequences}. */
export interface RunningSumOptions extends SyntheticOptions {
  /** Inputs are drawn uniformly from `[low, high)` (default `[-1, 1)`). */
  low?: number;
  /** See `low` (default 1). */
  high?: number;
}

/**
 * Random sequences and their running sums, a sequence-to-sequence regression an RNN solves by
 * accumulating: `y[t] = x[0] + … + x[t]`, with each `x[t]` uniform in `[low, high)`.
 *
 * Shapes: `x` `(n, length, 1)` float32, `y` `(n, length, 1)` float32.
 *
 * @example
 * ```ts
 * const { x, y } = makeRunningSumSequences(512, 10, { generator: new Generator(0) });
 * ```
 */
export function makeRunningSumSequences(
  n: number,
  length: number,
  options: RunningSumOptions = {},
): SequenceRegression {
  const op = 'makeRunningSumSequences';
  checkCount(op, 'n', n);
  checkCount(op, 'length', length, 1);
  const low = options.low ?? -1;
  const high = options.high ?? 1;
  if (!(low < high) || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new TensorError(op, `expected finite low < high, got [${low}, ${high})`);
  }
  const g = options.generator ?? defaultGenerator;
  const x = new Float32Array(n * length);
  const y = new Float32Array(n * length);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let t = 0; t < length; t++) {
      const v = Math.fround(low + (high - low) * g.nextDouble());
      sum += v;
      x[i * length + t] = v;
      y[i * length + t] = sum;
    }
  }
  return { x: new Tensor(x, [n, length, 1], 'float32'), y: new Tensor(y, [n, length, 1], 'float32') };
}

/** Options of {@link makeCopyTask}. */
export interface CopyTaskOptions extends SyntheticOptions {
  /** Symbols to remember and copy (default 5). */
  length?: number;
  /** Steps between the end of the symbols and the end of the "go" marker's step (default 10, at least 1). */
  delay?: number;
  /** Number of distinct data symbols, tokens `1..symbols` (default 8). */
  symbols?: number;
}

/**
 * The copy-memory task (Hochreiter & Schmidhuber; Arjovsky et al.): remember a few symbols across a long
 * blank gap and reproduce them on a signal — easy for an LSTM, hard for a plain RNN as the gap grows.
 *
 * Tokens: 0 is blank, `1..symbols` are data, `symbols + 1` is the "go" marker, so `vocabSize = symbols + 2`.
 * With `L = length`, `D = delay` and `T = 2L + D` steps, the input is the `L` random symbols, `D - 1` blanks,
 * the marker, then `L` blanks; the target is `L + D` blanks followed by the same `L` symbols.
 *
 * Shapes: `x` `(n, T)` int32, `y` `(n, T)` int32 — token indices for an `Embedding` and `crossEntropy`.
 *
 * @example
 * ```ts
 * const { x, y, vocabSize } = makeCopyTask(1000, { length: 3, delay: 5, symbols: 4 }); // T = 11, vocabSize 6
 * // a row, for instance: x [2, 4, 1, 0, 0, 0, 0, 5, 0, 0, 0]
 * //                      y [0, 0, 0, 0, 0, 0, 0, 0, 2, 4, 1]
 * ```
 */
export function makeCopyTask(n: number, options: CopyTaskOptions = {}): TokenSequences {
  const op = 'makeCopyTask';
  checkCount(op, 'n', n);
  const length = options.length ?? 5;
  const delay = options.delay ?? 10;
  const symbols = options.symbols ?? 8;
  checkCount(op, 'length', length, 1);
  checkCount(op, 'delay', delay, 1);
  checkCount(op, 'symbols', symbols, 1);
  const g = options.generator ?? defaultGenerator;
  const T = 2 * length + delay;
  const x = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  for (let i = 0; i < n; i++) {
    const row = i * T;
    for (let t = 0; t < length; t++) {
      const s = g.nextInt(1, symbols + 1);
      x[row + t] = s;
      y[row + length + delay + t] = s;
    }
    x[row + length + delay - 1] = symbols + 1;
  }
  return { x: new Tensor(x, [n, T], 'int32'), y: new Tensor(y, [n, T], 'int32'), vocabSize: symbols + 2 };
}

/** Options of {@link makeReverseDigits}. */
export interface ReverseDigitsOptions extends SyntheticOptions {
  /** Digits per sequence (default 5). */
  length?: number;
}

/**
 * Random digit strings and the same digits reversed, a small sequence-to-sequence task (an encoder–decoder
 * or attention must look at the far end of the input): `y[i][t] = x[i][length - 1 - t]`.
 *
 * Shapes: `x` `(n, length)` int32 digits 0..9, `y` `(n, length)` int32; `vocabSize` 10.
 *
 * The values are the digits themselves, not token ids of a `Vocabulary` from `@tensorloom/rnn`, which keeps
 * ids 0–3 for `<pad>`, `<sos>`, `<eos>` and `<unk>`: with `new Vocabulary([...'0123456789'])` digit d is id
 * d + 4, so feed an encoder–decoder `x.add(4)` (or encode the digits as text).
 *
 * @example
 * ```ts
 * const { x, y } = makeReverseDigits(1000, { length: 6, generator: new Generator(0) });
 * // a row, for instance: x [3, 1, 4, 1, 5, 9], y [9, 5, 1, 4, 1, 3]
 * ```
 */
export function makeReverseDigits(n: number, options: ReverseDigitsOptions = {}): TokenSequences {
  checkCount('makeReverseDigits', 'n', n);
  const length = options.length ?? 5;
  checkCount('makeReverseDigits', 'length', length, 1);
  const g = options.generator ?? defaultGenerator;
  const x = new Int32Array(n * length);
  const y = new Int32Array(n * length);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < length; t++) {
      const digit = g.nextInt(0, 10);
      x[i * length + t] = digit;
      y[i * length + length - 1 - t] = digit;
    }
  }
  return { x: new Tensor(x, [n, length], 'int32'), y: new Tensor(y, [n, length], 'int32'), vocabSize: 10 };
}
