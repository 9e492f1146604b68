import { tensor } from '@tensorloom/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, precisionRecallF1, topKAccuracy } from './classification';
import { averagePrecision, prAuc, rocAuc } from './ranking';
import { RunningMean } from './running-mean';

const i32 = (v: number[]) => tensor(v, { dtype: 'int32' });

// scikit-learn's documentation example for precision_recall_fscore_support.
const yTrue = i32([0, 1, 2, 0, 1, 2]);
const yPred = i32([0, 2, 1, 0, 0, 1]);

describe('accuracy and top-k accuracy', () => {
  it('takes the argmax of scores over the class dim, or compares labels directly', () => {
    const logits = tensor([
      [2, 1],
      [0, 3],
      [5, 4],
    ]);
    expect(accuracy(logits, i32([0, 0, 0]))).toBeCloseTo(2 / 3, 15);
    expect(accuracy(yPred, yTrue)).toBeCloseTo(1 / 3, 15);
    expect(accuracy(tensor([0.9, 0.2, 0.6]).gt(0.5), i32([1, 0, 0]))).toBeCloseTo(2 / 3, 15);
    // Scores (N, C, d) against targets (N, d): argmax per position.
    expect(
      accuracy(
        tensor([
          [
            [1, 0],
            [0, 1],
          ],
        ]),
        i32([0, 0]).reshape([1, 2]),
      ),
    ).toBe(0.5);
    expect(() => accuracy(logits, i32([0, 0]))).toThrow(/accuracy: predictions of shape \(3,2\)/);
  });

  it('counts a hit when fewer than k classes score higher than the target, ties in its favour', () => {
    const scores = tensor([
      [0.1, 0.5, 0.4],
      [0.3, 0.3, 0.3],
      [0.6, 0.3, 0.1],
    ]);
    const targets = i32([2, 1, 2]);
    expect(topKAccuracy(scores, targets, 1)).toBeCloseTo(1 / 3, 15); // only the tied row
    expect(topKAccuracy(scores, targets, 2)).toBeCloseTo(2 / 3, 15);
    expect(topKAccuracy(scores, targets, 3)).toBe(1);
    expect(() => topKAccuracy(scores, targets, 4)).toThrow(/k must be an integer in \[1, 3\]/);
    expect(() => topKAccuracy(scores, i32([0, 1, 3]), 1)).toThrow(/label 3 at flat index 2 is out of range/);
  });
});

describe('confusionMatrix', () => {
  it('counts true classes in rows and predictions in columns', () => {
    expect(confusionMatrix(yPred, yTrue, 3)).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
    expect(confusionMatrix(yPred, yTrue, 4)[3]).toEqual([0, 0, 0, 0]);
    expect(() => confusionMatrix(yPred, yTrue, 2)).toThrow(/label 2 at flat index 1 is out of range for 2 classes/);
  });
});

describe('precisionRecallF1 (known answers from scikit-learn)', () => {
  it('macro, micro and weighted averages', () => {
    const macro = precisionRecallF1(yPred, yTrue);
    expect(macro.precision).toBeCloseTo(2 / 9, 12); // sklearn: 0.222
    expect(macro.recall).toBeCloseTo(1 / 3, 12); // 0.333
    expect(macro.f1).toBeCloseTo(4 / 15, 12); // 0.267
    const micro = precisionRecallF1(yPred, yTrue, { average: 'micro' });
    expect([micro.precision, micro.recall, micro.f1].map((v) => v.toFixed(12))).toEqual(
      Array(3).fill((1 / 3).toFixed(12)),
    );
    const weighted = precisionRecallF1(yPred, yTrue, { average: 'weighted' });
    expect(weighted.f1).toBeCloseTo(4 / 15, 12); // equal supports: same as macro
  });

  it('per class, with support', () => {
    const perClass = precisionRecallF1(yPred, yTrue, { average: 'none' });
    expect(perClass.labels).toEqual([0, 1, 2]);
    expect(perClass.precision).toEqual([2 / 3, 0, 0]);
    expect(perClass.recall).toEqual([1, 0, 0]);
    expect(perClass.f1[0]).toBeCloseTo(0.8, 15);
    expect(perClass.support).toEqual([2, 2, 2]);
  });

  it('weights by support, and scores absent classes only when numClasses asks for them', () => {
    const t = i32([0, 0, 0, 1]);
    const p = i32([0, 0, 1, 1]);
    // class 0: P 1, R 2/3; class 1: P 1/2, R 1.
    expect(precisionRecallF1(p, t, { average: 'weighted' }).precision).toBeCloseTo((3 * 1 + 1 * 0.5) / 4, 15);
    expect(precisionRecallF1(p, t).recall).toBeCloseTo((2 / 3 + 1) / 2, 15);
    const withEmpty = precisionRecallF1(p, t, { numClasses: 3, average: 'none' });
    expect(withEmpty.precision[2]).toBe(0); // 0/0 → zeroDivision
    expect(precisionRecallF1(p, t, { numClasses: 3, zeroDivision: 1 }).precision).toBeCloseTo((1 + 0.5 + 1) / 3, 15);
  });
});

describe('rocAuc and averagePrecision', () => {
  // scikit-learn's documentation example.
  const scores = [0.1, 0.4, 0.35, 0.8];
  const labels = [0, 0, 1, 1];

  it('match scikit-learn on its documentation example', () => {
    expect(rocAuc(scores, labels)).toBe(0.75);
    expect(averagePrecision(scores, labels)).toBeCloseTo(0.8333333333333333, 15);
    expect(prAuc(tensor(scores), tensor(labels))).toBeCloseTo(0.8333333333333333, 15);
  });

  it('treat tied scores as one threshold', () => {
    // All scores tied: the ROC curve is the diagonal, and precision is the positive rate.
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // A positive tied with a negative at the top: half a pair won.
    expect(rocAuc([0.9, 0.9, 0.1], [1, 0, 0])).toBe(0.75);
    expect(averagePrecision([0.9, 0.9, 0.1], [1, 0, 0])).toBe(0.5);
  });

  it('rocAuc is the Mann-Whitney probability that a positive outscores a negative (ties count 1/2)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 30 }),
        (pairs) => {
          const pos = pairs.filter(([, y]) => y).map(([s]) => s);
          const neg = pairs.filter(([, y]) => !y).map(([s]) => s);
          fc.pre(pos.length > 0 && neg.length > 0);
          let wins = 0;
          for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
          const auc = rocAuc(
            pairs.map(([s]) => s),
            pairs.map(([, y]) => (y ? 1 : 0)),
          );
          expect(auc).toBeCloseTo(wins / (pos.length * neg.length), 12);
        },
      ),
    );
  });

  it('reject undefined cases and bad labels', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/only one class is present/);
    expect(() => averagePrecision([0.1, 0.2], [0, 0])).toThrow(/no positive labels/);
    expect(() => rocAuc([0.1, 0.2], [0, 2])).toThrow(/labels must be 0 or 1, found 2 at index 1/);
    expect(() => rocAuc([0.1], [0, 1])).toThrow(/same number of elements/);
  });
});

describe('RunningMean', () => {
  it('keeps a weighted mean of numbers and one-element tensors', () => {
    const m = new RunningMean();
    expect(m.value).toBeNaN();
    m.update(2).update(tensor(4), 3);
    expect(m.value).toBeCloseTo((2 + 12) / 4, 15);
    expect(m.weight).toBe(4);
    expect(m.count).toBe(2);
    m.reset();
    expect(m.count).toBe(0);
    expect(m.value).toBeNaN();
    expect(() => m.update(1, -1)).toThrow(/weight must be a finite number/);
  });

  it('stays accurate over many updates', () => {
    const m = new RunningMean();
    for (let i = 0; i < 100_000; i++) m.update(1e9 + (i % 2));
    expect(m.value).toBeCloseTo(1e9 + 0.5, 5);
  });
});
