import { Tensor, TensorError } from '@tensorloom/tensor-core';

/** Scores or labels: a tensor (any shape, read flat) or an array of numbers. */
export type Values = Tensor | ArrayLike<number>;

/**
 * The ranking a binary metric works from: for each distinct score, from the highest down, the cumulative
 * counts of positives (`tps`) and negatives (`fps`) scoring at least that much — the points of the ROC and
 * precision-recall curves, with tied scores in one point as scikit-learn's `_binary_clf_curve` makes them.
 */
function binaryCurve(op: string, scores: Values, labels: Values): { tps: number[]; fps: number[] } {
  const s = scores instanceof Tensor ? scores.data : scores;
  const y = labels instanceof Tensor ? labels.data : labels;
  if (s.length !== y.length) {
    throw new TensorError(
      op,
      `scores and labels must have the same number of elements, got ${s.length} and ${y.length}`,
    );
  }
  const order = Array.from({ length: s.length }, (_, i) => i);
  for (let i = 0; i < s.length; i++) {
    if (Number.isNaN(s[i])) throw new TensorError(op, `score at index ${i} is NaN`);
    const v = Number(y[i]);
    if (v !== 0 && v !== 1) throw new TensorError(op, `labels must be 0 or 1, found ${v} at index ${i}`);
  }
  order.sort((a, b) => (s[a] > s[b] ? -1 : s[a] < s[b] ? 1 : 0)); // descending; works for ±Infinity too
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (Number(y[order[k]]) === 1) tp++;
    else fp++;
    // Close a point at the last of each run of equal scores.
    if (k === order.length - 1 || s[order[k + 1]] !== s[order[k]]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { tps, fps };
}

/**
 * Area under the ROC curve of binary scores, as scikit-learn's `roc_auc_score`: the curve has one point per
 * distinct score (tied scores move the false- and true-positive rates together, a diagonal segment) and
 * the area is taken with the trapezoid rule. This equals the probability that a random positive scores
 * higher than a random negative, counting ties as one half.
 *
 * @param scores - higher means more likely positive (probabilities, logits, anything ordered)
 * @param labels - 0 or 1 (or booleans), as many as scores
 * @returns a number in [0, 1]; throws if only one class is present (the AUC is undefined)
 * @example
 * ```ts
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * ```
 */
export function rocAuc(scores: Values, labels: Values): number {
  const op = 'rocAuc';
  const { tps, fps } = binaryCurve(op, scores, labels);
  const positives = tps.length > 0 ? tps[tps.length - 1] : 0;
  const negatives = fps.length > 0 ? fps[fps.length - 1] : 0;
  if (positives === 0 || negatives === 0) {
    throw new TensorError(op, 'only one class is present in the labels; the ROC AUC is not defined in that case');
  }
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let k = 0; k < tps.length; k++) {
    area += ((fps[k] - prevFp) * (tps[k] + prevTp)) / 2;
    prevTp = tps[k];
    prevFp = fps[k];
  }
  return area / (positives * negatives);
}

/**
 * Average precision of binary scores, as scikit-learn's `average_precision_score`: the precision at each
 * distinct score threshold, weighted by the gain in recall there,
 *
 * ```
 * AP = Σ_k (R_k - R_{k-1}) P_k
 * ```
 *
 * This is the step-wise area under the precision-recall curve, without interpolation — not the trapezoid
 * (which overestimates). {@link prAuc} is another name for it.
 *
 * @param scores - higher means more likely positive
 * @param labels - 0 or 1 (or booleans), as many as scores
 * @returns a number in [0, 1]; throws if there are no positive labels (recall is undefined)
 * @example
 * ```ts
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.8333
 * ```
 */
export function averagePrecision(scores: Values, labels: Values): number {
  const op = 'averagePrecision';
  const { tps, fps } = binaryCurve(op, scores, labels);
  const positives = tps.length > 0 ? tps[tps.length - 1] : 0;
  if (positives === 0) {
    throw new TensorError(op, 'there are no positive labels, so recall (and average precision) is not defined');
  }
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const recall = tps[k] / positives;
    ap += (recall - prevRecall) * (tps[k] / (tps[k] + fps[k]));
    prevRecall = recall;
  }
  return ap;
}

/**
 * Area under the precision-recall curve, defined as scikit-learn's average precision (the step-wise sum
 * `Σ (R_k - R_{k-1}) P_k`, see {@link averagePrecision}), not the trapezoidal area.
 *
 * @example
 * ```ts
 * prAuc(probs, labels) === averagePrecision(probs, labels); // true
 * ```
 */
export const prAuc: (scores: Values, labels: Values) => number = averagePrecision;
