import { logSoftmax, nn, randn, softmax, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary';
import { crossEntropy, nllLoss } from './classification';
import { gaussianKlDivergence, klDiv } from './divergence';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  GaussianKLDivergence,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './modules';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression';

const i32 = (v: number[] | number) => tensor(v, { dtype: 'int32' });

describe('element-wise losses: values from their formulas', () => {
  const x = tensor([0, 0, 0]);
  const y = tensor([0.5, -3, 1]);

  it('mse, l1, smooth L1 and Huber', () => {
    expect(mseLoss(x, y).item()).toBeCloseTo((0.25 + 9 + 1) / 3, 6);
    expect(l1Loss(x, y, { reduction: 'sum' }).item()).toBeCloseTo(4.5, 6);
    expect(smoothL1Loss(x, y, { reduction: 'none' })).toBeAllclose([0.125, 2.5, 0.5]);
    expect(smoothL1Loss(x, y, { beta: 2, reduction: 'none' })).toBeAllclose([0.0625, 2, 0.25]);
    expect(smoothL1Loss(x, y, { beta: 0, reduction: 'none' })).toBeAllclose([0.5, 3, 1]);
    expect(huberLoss(x, y, { delta: 2, reduction: 'none' })).toBeAllclose([0.125, 4, 0.5]);
  });

  it('Huber is smooth L1 times beta', () => {
    const a = randn([10], { dtype: 'float64' });
    const b = randn([10], { dtype: 'float64' });
    expect(huberLoss(a, b, { delta: 0.7 })).toBeAllclose(smoothL1Loss(a, b, { beta: 0.7 }).mul(0.7), { rtol: 1e-12 });
  });

  it('keep the input dtype and give a 0 gradient to L1 at zero error', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    l1Loss(a, tensor([1, 3])).backward();
    expect(a.grad?.toArray()).toEqual([0, -0.5]);
    expect(mseLoss(a, tensor([1, 3])).dtype).toBe('float64');
  });

  it('reject mismatched shapes, naming the loss and both shapes', () => {
    expect(() => mseLoss(tensor([[1], [2]]), tensor([1, 2]))).toThrow(
      'mseLoss: input of shape (2,1) and target of shape (2) must have the same shape',
    );
    expect(() => huberLoss(x, y, { delta: 0 })).toThrow(/huberLoss: delta must be positive/);
    expect(() => smoothL1Loss(x, y, { beta: -1 })).toThrow(/beta must be non-negative/);
    expect(() => l1Loss(x, y, { reduction: 'avg' as 'mean' })).toThrow(/l1Loss: reduction must be/);
    expect(() => mseLoss(i32([1]), tensor([1]))).toThrow(/expected input to be a float32 or float64 tensor, got int32/);
  });
});

describe('binary cross-entropy', () => {
  it('clamps the logarithms at -100, with finite gradients at 0 and 1', () => {
    const p = tensor([0, 1, 0.5], { dtype: 'float64', requiresGrad: true });
    const loss = binaryCrossEntropy(p, tensor([1, 0, 1], { dtype: 'float64' }), { reduction: 'none' });
    expect(loss).toBeAllclose([100, 100, Math.LN2], { rtol: 1e-12 });
    loss.sum().backward();
    expect(Array.from(p.grad?.data ?? []).every(Number.isFinite)).toBe(true);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(
      /binaryCrossEntropy: all elements of input should be probabilities between 0 and 1, found 1.5 at flat index 1/,
    );
    expect(() => binaryCrossEntropy(tensor([Number.NaN]), tensor([1]))).toThrow(TensorError);
  });

  it('with logits equals BCE of the sigmoid, and stays finite for huge logits', () => {
    const z = tensor([-3, -0.5, 0, 2, 4], { dtype: 'float64' });
    const t = tensor([0, 1, 1, 0, 1], { dtype: 'float64' });
    expect(binaryCrossEntropyWithLogits(z, t)).toBeAllclose(binaryCrossEntropy(z.sigmoid(), t), { rtol: 1e-12 });
    const big = binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([0, 1]), { reduction: 'none' });
    expect(big).toBeAllclose([1000, 1000]);
  });

  it('checks that weights broadcast to the input', () => {
    expect(() => binaryCrossEntropy(tensor([[0.5, 0.5]]), tensor([[1, 0]]), { weight: tensor([1, 2, 3]) })).toThrow(
      "binaryCrossEntropy: weight of shape (3) cannot be broadcast to the input's shape (1,2)",
    );
    expect(() =>
      binaryCrossEntropyWithLogits(tensor([[0.5, 0.5]]), tensor([[1, 0]]), { posWeight: tensor([1, 2, 3]) }),
    ).toThrow(/posWeight of shape \(3\) cannot be broadcast/);
  });
});

describe('cross-entropy and NLL', () => {
  const logits = tensor(
    [
      [2, 1, 0],
      [0, 0, 3],
    ],
    { dtype: 'float64' },
  );

  it('is the NLL of the log-softmax', () => {
    const y = i32([0, 2]);
    expect(crossEntropy(logits, y)).toBeAllclose(nllLoss(logSoftmax(logits, 1), y), { rtol: 1e-14 });
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    expect(crossEntropy(logits, y, { reduction: 'none' })).toBeAllclose([lse([2, 1, 0]) - 2, lse([0, 0, 3]) - 3]);
  });

  it('drops ignored targets from the sum and from the mean, and divides by the weight of the rest', () => {
    const w = tensor([1, 2, 3], { dtype: 'float64' });
    const all = crossEntropy(logits, i32([0, 2]), { weight: w, reduction: 'none' });
    expect(crossEntropy(logits, i32([0, -100]), { weight: w, reduction: 'none' })).toBeAllclose([all.data[0], 0]);
    const mean = crossEntropy(logits, i32([0, 2]), { weight: w });
    expect(mean.item()).toBeCloseTo((all.data[0] + all.data[1]) / (1 + 3), 12);
    expect(crossEntropy(logits, i32([-100, -100])).item()).toBeNaN(); // 0 / 0, as in PyTorch
  });

  it('with one-hot probability targets equals class-index targets', () => {
    const probs = tensor(
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      { dtype: 'float64' },
    );
    expect(crossEntropy(logits, probs)).toBeAllclose(crossEntropy(logits, i32([0, 2])), { rtol: 1e-14 });
    expect(crossEntropy(logits, probs, { labelSmoothing: 0.2 })).toBeAllclose(
      crossEntropy(logits, i32([0, 2]), { labelSmoothing: 0.2 }),
      { rtol: 1e-14 },
    );
  });

  it('accepts unbatched (C) inputs with a 0-d target', () => {
    const one = crossEntropy(logits.select(0, 1), i32(2), { reduction: 'none' });
    expect(one.shape).toEqual([]);
    expect(one.item()).toBeCloseTo(crossEntropy(logits, i32([0, 2]), { reduction: 'none' }).data[1], 14);
  });

  it('keeps per-position losses for (N, C, d) inputs with reduction none', () => {
    expect(
      crossEntropy(randn([2, 3, 4]), i32([0, 1, 2, 0, 1, 2, 0, 1]).reshape([2, 4]), { reduction: 'none' }).shape,
    ).toEqual([2, 4]);
  });

  it('rejects out-of-range targets, wrong target shapes and dtypes', () => {
    expect(() => crossEntropy(logits, i32([0, 3]))).toThrow(
      'crossEntropy: target 3 at flat index 1 is out of bounds for 3 classes (valid: 0 to 2, or ignoreIndex -100)',
    );
    expect(() => nllLoss(logits, i32([-1, 0]))).toThrow(/nllLoss: target -1 at flat index 0 is out of bounds/);
    expect(() => crossEntropy(logits, i32([0, 1, 2]))).toThrow(
      'crossEntropy: for an input of shape (2,3) the target must have shape (2), got (3)',
    );
    expect(() => crossEntropy(logits, tensor([0, 1]))).toThrow(/probability targets must have the input's shape/);
    expect(() => nllLoss(logits, tensor([0, 1]))).toThrow(/expected target to hold int32 class indices, got float32/);
    expect(() => crossEntropy(logits, i32([0, 1]), { weight: tensor([1, 2]) })).toThrow(
      /weight must have one entry per class, shape \(3\), got \(2\)/,
    );
    expect(() => crossEntropy(logits, i32([0, 1]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be between/);
  });
});

describe('KL divergences', () => {
  it('klDiv is zero for equal distributions and treats 0 log 0 as 0', () => {
    const p = tensor([[0.5, 0.5, 0]], { dtype: 'float64' });
    const logq = tensor([[Math.log(0.5), Math.log(0.5), -5]], { dtype: 'float64', requiresGrad: true });
    const loss = klDiv(logq, p, { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(0, 14);
    loss.backward();
    expect(logq.grad?.toArray()).toEqual([[-0.5, -0.5, -0]]);
  });

  it("klDiv's batchmean divides the sum by the batch size; logTarget takes log-probabilities", () => {
    const logq = logSoftmax(randn([4, 3], { dtype: 'float64' }), 1);
    const p = softmax(randn([4, 3], { dtype: 'float64' }), 1);
    const sum = klDiv(logq, p, { reduction: 'sum' }).item();
    expect(klDiv(logq, p, { reduction: 'batchmean' }).item()).toBeCloseTo(sum / 4, 14);
    expect(klDiv(logq, p, { reduction: 'mean' }).item()).toBeCloseTo(sum / 12, 14);
    expect(klDiv(logq, p.log(), { logTarget: true, reduction: 'sum' }).item()).toBeCloseTo(sum, 12);
  });

  it('gaussianKlDivergence is 0 at the standard normal and has the closed form elsewhere', () => {
    expect(gaussianKlDivergence(tensor([[0, 0]]), tensor([[0, 0]])).item()).toBe(0);
    // One dim with mean 1 and variance e: -0.5 (1 + 1 - 1 - e) = (e - 1) / 2.
    const mu = tensor([[1], [0]], { dtype: 'float64' });
    const logvar = tensor([[1], [0]], { dtype: 'float64' });
    const perSample = gaussianKlDivergence(mu, logvar, { reduction: 'none' });
    expect(perSample).toBeAllclose([(Math.E - 1) / 2, 0], { rtol: 1e-14 });
    expect(gaussianKlDivergence(mu, logvar).item()).toBeCloseTo((Math.E - 1) / 2, 14);
    expect(gaussianKlDivergence(mu, logvar, { reduction: 'batchmean' }).item()).toBeCloseTo((Math.E - 1) / 4, 14);
    expect(gaussianKlDivergence(tensor([1]), tensor([0]), { reduction: 'none' }).shape).toEqual([]);
    expect(() => gaussianKlDivergence(tensor([[1, 2]]), tensor([1, 2]))).toThrow(
      'gaussianKlDivergence: mu of shape (1,2) and logvar of shape (2) must have the same shape',
    );
  });
});

describe('loss modules', () => {
  it('forward calls the functional form with the stored options', () => {
    const x = randn([4, 3], { dtype: 'float64' });
    const y = randn([4, 3], { dtype: 'float64' });
    const p = x.sigmoid();
    const t = y.gt(0).to('float64');
    const labels = i32([0, 2, 1, 1]);
    const w = tensor([1, 2, 0.5], { dtype: 'float64' });
    const same = (a: Tensor, b: Tensor) => expect(a).toBeAllclose(b, { rtol: 0, atol: 0 });
    same(new MSELoss({ reduction: 'sum' }).forward(x, y), mseLoss(x, y, { reduction: 'sum' }));
    same(new L1Loss().forward(x, y), l1Loss(x, y));
    same(new SmoothL1Loss({ beta: 0.3 }).forward(x, y), smoothL1Loss(x, y, { beta: 0.3 }));
    same(new HuberLoss({ delta: 0.3 }).forward(x, y), huberLoss(x, y, { delta: 0.3 }));
    same(new BCELoss({ weight: w }).forward(p, t), binaryCrossEntropy(p, t, { weight: w }));
    same(
      new BCEWithLogitsLoss({ posWeight: w, reduction: 'none' }).forward(x, t),
      binaryCrossEntropyWithLogits(x, t, { posWeight: w, reduction: 'none' }),
    );
    same(
      new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, ignoreIndex: 1 }).forward(x, labels),
      crossEntropy(x, labels, { weight: w, labelSmoothing: 0.1, ignoreIndex: 1 }),
    );
    same(
      new NLLLoss({ weight: w }).forward(logSoftmax(x, 1), labels),
      nllLoss(logSoftmax(x, 1), labels, { weight: w }),
    );
    same(
      new KLDivLoss({ reduction: 'batchmean' }).forward(logSoftmax(x, 1), softmax(y, 1)),
      klDiv(logSoftmax(x, 1), softmax(y, 1), { reduction: 'batchmean' }),
    );
    same(new GaussianKLDivergence().forward(x, y), gaussianKlDivergence(x, y));
  });

  it("are nn modules whose weights are buffers under PyTorch's state-dict keys", () => {
    const w = tensor([1, 2, 3]);
    expect(new MSELoss()).toBeInstanceOf(nn.Module);
    expect([...new MSELoss().stateDict().keys()]).toEqual([]);
    const ce = new CrossEntropyLoss({ weight: w });
    expect(ce.weight).toBeInstanceOf(nn.Buffer);
    expect([...ce.stateDict().keys()]).toEqual(['weight']);
    const bce = new BCEWithLogitsLoss({ weight: w, posWeight: w });
    expect([...bce.stateDict().keys()]).toEqual(['weight', 'pos_weight']);
    expect([...new NLLLoss().stateDict().keys()]).toEqual([]); // no weight: nothing saved
    // Module.to converts the weight along with a model's parameters.
    expect(ce.to('float64').weight?.dtype).toBe('float64');
    const logits = randn([2, 3], { dtype: 'float64' });
    expect(ce.forward(logits, i32([0, 2])).dtype).toBe('float64');
  });

  it('fit in a Sequential-built model loop like any module', () => {
    const model = new nn.Sequential(new nn.Linear(3, 2, { dtype: 'float64' }));
    const criterion = new CrossEntropyLoss();
    const loss = criterion.forward(model.forward(randn([4, 3], { dtype: 'float64' })), i32([0, 1, 1, 0]));
    loss.backward();
    for (const p of model.parameters()) expect(p.grad).not.toBeNull();
  });
});
