import { argmax, fmtShape, Tensor, TensorError } from '@tensorloom/tensor-core';

/** Throws unless `x` is a tensor. */
function checkTensor(op: string, what: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected ${what} to be a Tensor, got ${typeof x}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Predicted labels from either scores or labels: scores `(N, C, d1, …)` against targets `(N, d1, …)` are
 * reduced by argmax over the class dim (1); labels shaped like the targets are used as they are.
 */
function predictedLabels(op: string, predsOrScores: Tensor, targets: Tensor): ArrayLike<number> {
  checkTensor(op, 'predictions', predsOrScores);
  checkTensor(op, 'targets', targets);
  if (sameShape(predsOrScores.shape, targets.shape)) return predsOrScores.data;
  const withoutClassDim = [predsOrScores.shape[0], ...predsOrScores.shape.slice(2)];
  if (targets.ndim >= 1 && predsOrScores.ndim === targets.ndim + 1 && sameShape(withoutClassDim, targets.shape)) {
    return argmax(predsOrScores, 1).data;
  }
  throw new TensorError(
    op,
    `predictions of shape ${fmtShape(predsOrScores.shape)} must be labels shaped like the targets ${fmtShape(targets.shape)} or scores of shape (N, C, ...) for them`,
  );
}

/**
 * The fraction of predictions equal to the targets.
 *
 * @param logitsOrPreds - scores `(N, C)` / `(N, C, d1, …)` (logits or probabilities; the argmax over dim 1
 *   is the prediction) or predicted labels shaped like `targets`. For binary probabilities `(N)`, pass
 *   `probs.gt(0.5)`.
 * @param targets - true labels `(N)` / `(N, d1, …)`
 * @returns a number in [0, 1] (NaN for no samples)
 * @example
 * ```ts
 * accuracy(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: 'int32' })); // 0.5
 * ```
 */
export function accuracy(logitsOrPreds: Tensor, targets: Tensor): number {
  const preds = predictedLabels('accuracy', logitsOrPreds, targets);
  const t = targets.data;
  let correct = 0;
  for (let i = 0; i < t.length; i++) if (Number(preds[i]) === Number(t[i])) correct++;
  return correct / t.length;
}

/**
 * The fraction of samples whose true class is among the `k` highest scores. Ties count in the sample's
 * favour: the target is a hit when fewer than `k` classes score strictly higher than it.
 *
 * @param logits - scores, shape `(N, C)`
 * @param targets - int32 class indices, shape `(N)`
 * @param k - how many top classes count (1 ≤ k ≤ C)
 * @returns a number in [0, 1]
 * @example
 * ```ts
 * topKAccuracy(tensor([[0.1, 0.5, 0.4]]), tensor([2], { dtype: 'int32' }), 2); // 1: class 2 is second
 * ```
 */
export function topKAccuracy(logits: Tensor, targets: Tensor, k: number): number {
  const op = 'topKAccuracy';
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'targets', targets);
  if (logits.ndim !== 2 || targets.ndim !== 1 || logits.shape[0] !== targets.shape[0]) {
    throw new TensorError(
      op,
      `expected logits (N, C) and targets (N), got ${fmtShape(logits.shape)} and ${fmtShape(targets.shape)}`,
    );
  }
  const [n, c] = logits.shape;
  if (!Number.isInteger(k) || k < 1 || k > c) throw new TensorError(op, `k must be an integer in [1, ${c}], got ${k}`);
  const s = logits.data;
  const t = targets.data;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const target = checkLabel(op, t[i], c, i);
    const score = s[i * c + target];
    let higher = 0;
    for (let j = 0; j < c; j++) if (s[i * c + j] > score) higher++;
    if (higher < k) hits++;
  }
  return hits / n;
}

function checkLabel(op: string, v: number, numClasses: number, i: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
    throw new TensorError(op, `label ${v} at flat index ${i} is out of range for ${numClasses} classes`);
  }
  return v;
}

/**
 * The confusion matrix: entry `[i][j]` counts samples of true class `i` predicted as class `j` (rows are
 * targets, columns predictions, as in scikit-learn).
 *
 * @param preds - predicted labels shaped like `targets`, or scores `(N, C, …)` (argmax over dim 1)
 * @param targets - true labels, integers in `[0, numClasses)`
 * @param numClasses - number of classes C
 * @returns C arrays of C counts
 * @example
 * ```ts
 * const i32 = { dtype: 'int32' } as const;
 * confusionMatrix(tensor([0, 1, 1], i32), tensor([0, 0, 1], i32), 2); // [[1, 1], [0, 1]]
 * ```
 */
export function confusionMatrix(preds: Tensor, targets: Tensor, numClasses: number): number[][] {
  const op = 'confusionMatrix';
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new TensorError(op, `numClasses must be a positive integer, got ${numClasses}`);
  }
  const p = predictedLabels(op, preds, targets);
  const t = targets.data;
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < t.length; i++) {
    m[checkLabel(op, Number(t[i]), numClasses, i)][checkLabel(op, Number(p[i]), numClasses, i)]++;
  }
  return m;
}

/** How {@link precisionRecallF1} combines the per-class scores. */
export type AverageMode = 'macro' | 'micro' | 'weighted' | 'none';

/** Options of {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options {
  /**
   * `'macro'` (default): the unweighted mean over classes; `'weighted'`: the mean weighted by each class's
   * support; `'micro'`: computed from the total true/false positives (equal to accuracy for single-label
   * data over all classes); `'none'`: per-class scores.
   */
  average?: AverageMode;
  /**
   * Score all classes `0 … numClasses-1`. Without it, the classes are those that occur in the targets or
   * the predictions (scikit-learn's default `labels=None`).
   */
  numClasses?: number;
  /** The value of a 0/0 score, e.g. the precision of a class never predicted (default 0, like scikit-learn). */
  zeroDivision?: number;
}

/** Precision, recall and F1, averaged over classes. */
export interface PrecisionRecallF1 {
  /** TP / (TP + FP). */
  precision: number;
  /** TP / (TP + FN). */
  recall: number;
  /** 2TP / (2TP + FP + FN), the harmonic mean of precision and recall. */
  f1: number;
}

/** Per-class precision, recall and F1 (`average: 'none'`), for the classes in `labels`. */
export interface PerClassPrecisionRecallF1 {
  /** The class of each entry below. */
  labels: number[];
  /** Precision of each class. */
  precision: number[];
  /** Recall of each class. */
  recall: number[];
  /** F1 of each class. */
  f1: number[];
  /** Number of targets of each class. */
  support: number[];
}

/**
 * Precision, recall and F1 of multi-class predictions, with scikit-learn's definitions
 * (`precision_recall_fscore_support`): per class `P = TP/(TP+FP)`, `R = TP/(TP+FN)`,
 * `F1 = 2TP/(2TP+FP+FN)`, each 0/0 replaced by `zeroDivision`, then averaged as `average` says.
 *
 * @param preds - predicted labels shaped like `targets`, or scores `(N, C, …)` (argmax over dim 1)
 * @param targets - true labels (non-negative integers)
 * @example
 * ```ts
 * const { precision, recall, f1 } = precisionRecallF1(logits, labels, { average: 'macro' });
 * const perClass = precisionRecallF1(logits, labels, { average: 'none', numClasses: 10 });
 * ```
 */
export function precisionRecallF1(
  preds: Tensor,
  targets: Tensor,
  options: PrecisionRecallF1Options & { average: 'none' },
): PerClassPrecisionRecallF1;
export function precisionRecallF1(
  preds: Tensor,
  targets: Tensor,
  options?: PrecisionRecallF1Options & { average?: Exclude<AverageMode, 'none'> },
): PrecisionRecallF1;
export function precisionRecallF1(
  preds: Tensor,
  targets: Tensor,
  options: PrecisionRecallF1Options = {},
): PrecisionRecallF1 | PerClassPrecisionRecallF1 {
  const op = 'precisionRecallF1';
  const average = options.average ?? 'macro';
  if (!['macro', 'micro', 'weighted', 'none'].includes(average)) {
    throw new TensorError(op, `average must be 'macro', 'micro', 'weighted' or 'none', got '${average}'`);
  }
  const zeroDivision = options.zeroDivision ?? 0;
  const p = predictedLabels(op, preds, targets);
  const t = targets.data;
  let labels: number[];
  if (options.numClasses !== undefined) {
    labels = Array.from({ length: options.numClasses }, (_, i) => i);
    for (let i = 0; i < t.length; i++) {
      checkLabel(op, Number(t[i]), options.numClasses, i);
      checkLabel(op, Number(p[i]), options.numClasses, i);
    }
  } else {
    const present = new Set<number>();
    for (let i = 0; i < t.length; i++) {
      present.add(checkLabel(op, Number(t[i]), Number.MAX_SAFE_INTEGER, i));
      present.add(checkLabel(op, Number(p[i]), Number.MAX_SAFE_INTEGER, i));
    }
    labels = [...present].sort((a, b) => a - b);
  }
  const slot = new Map(labels.map((l, i) => [l, i]));
  const tp = new Array<number>(labels.length).fill(0);
  const predicted = new Array<number>(labels.length).fill(0);
  const support = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < t.length; i++) {
    const ti = slot.get(Number(t[i])) as number;
    const pi = slot.get(Number(p[i])) as number;
    support[ti]++;
    predicted[pi]++;
    if (ti === pi) tp[ti]++;
  }
  const ratio = (num: number, den: number) => (den === 0 ? zeroDivision : num / den);
  if (average === 'micro') {
    const sumTp = tp.reduce((a, b) => a + b, 0);
    const sumPred = predicted.reduce((a, b) => a + b, 0);
    const sumSupport = support.reduce((a, b) => a + b, 0);
    return {
      precision: ratio(sumTp, sumPred),
      recall: ratio(sumTp, sumSupport),
      f1: ratio(2 * sumTp, sumPred + sumSupport),
    };
  }
  const precision = tp.map((x, i) => ratio(x, predicted[i]));
  const recall = tp.map((x, i) => ratio(x, support[i]));
  const f1 = tp.map((x, i) => ratio(2 * x, predicted[i] + support[i]));
  if (average === 'none') return { labels, precision, recall, f1, support };
  const weights = average === 'weighted' ? support : support.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = (xs: number[]) => (total === 0 ? zeroDivision : xs.reduce((a, x, i) => a + x * weights[i], 0) / total);
  return { precision: mean(precision), recall: mean(recall), f1: mean(f1) };
}
