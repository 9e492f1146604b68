import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, zeros } from '../index';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization';

describe('LayerNorm', () => {
  it('starts as weight ones, bias zeros and normalises the last dims', () => {
    const ln = new LayerNorm([2, 3]);
    expect(ln.weight).toBeAllclose(ones([2, 3]));
    expect(ln.bias).toBeAllclose(zeros([2, 3]));
    const y = ln.forward(randn([4, 2, 3], { generator: new Generator(0) }));
    expect(y.select(0, 1).mean().item()).toBeCloseTo(0, 5);
    expect(ln.toString()).toBe('LayerNorm([2, 3], eps=0.00001, elementwise_affine=true)');
  });

  it('supports elementwiseAffine: false and bias: false', () => {
    expect(new LayerNorm(4, { elementwiseAffine: false }).stateDict().size).toBe(0);
    const noBias = new LayerNorm(4, { bias: false });
    expect([...noBias.stateDict().keys()]).toEqual(['weight']);
  });
});

describe('BatchNorm', () => {
  it('counts batches and moves the running statistics in training only', () => {
    const bn = new BatchNorm1d(3);
    const x = randn([8, 3], { generator: new Generator(0) })
      .mul(2)
      .add(5);
    bn.forward(x);
    bn.forward(x);
    expect(bn.num_batches_tracked!.item()).toBe(2);
    const mean = x.mean(0);
    expect(bn.running_mean).toBeAllclose(mean.mul(1 - 0.9 * 0.9), { rtol: 1e-5 });
    bn.eval();
    const rm = bn.running_mean!.clone();
    bn.forward(x);
    expect(bn.num_batches_tracked!.item()).toBe(2);
    expect(bn.running_mean).toBeAllclose(rm, { rtol: 0, atol: 0 });
  });

  it('uses the running statistics in evaluation', () => {
    const bn = new BatchNorm2d(2, { eps: 0 });
    bn.running_mean!.copy_(zeros([2]).add(1));
    bn.running_var!.copy_(ones([2]).mul(4));
    bn.eval();
    const x = randn([2, 2, 3, 3]);
    expect(bn.forward(x)).toBeAllclose(x.sub(1).div(2), { atol: 1e-6 });
  });

  it('with momentum null keeps the cumulative average of the batch statistics', () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    const batches = [0, 1, 2].map((s) => randn([6, 2], { generator: new Generator(s) }).add(s));
    for (const b of batches) bn.forward(b);
    const meanOfMeans = batches
      .map((b) => b.mean(0))
      .reduce((a, b) => a.add(b))
      .div(3);
    const meanOfVars = batches
      .map((b) => b.var(0))
      .reduce((a, b) => a.add(b))
      .div(3);
    expect(bn.running_mean).toBeAllclose(meanOfMeans, { rtol: 1e-5, atol: 1e-6 });
    expect(bn.running_var).toBeAllclose(meanOfVars, { rtol: 1e-5 });
  });

  it('without running statistics uses batch statistics in evaluation too', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect(bn.stateDict().size).toBe(0);
    bn.eval();
    const y = bn.forward(randn([10, 2]).mul(3));
    expect(y.mean(0)).toBeAllclose([0, 0], { atol: 1e-5 });
  });

  it('checks the input rank and prints like PyTorch', () => {
    expect(() => new BatchNorm1d(3).forward(zeros([2, 3, 4, 5]))).toThrow(/expected 2D or 3D input \(got 4D input/);
    expect(() => new BatchNorm2d(3).forward(zeros([2, 3]))).toThrow(/expected 4D input \(got 2D input/);
    expect(new BatchNorm2d(3).toString()).toBe(
      'BatchNorm2d(3, eps=0.00001, momentum=0.1, affine=true, track_running_stats=true)',
    );
  });

  it('resetRunningStats restores the initial buffers', () => {
    const bn = new BatchNorm1d(2);
    bn.forward(randn([4, 2]).add(3));
    bn.resetRunningStats();
    expect(bn.running_mean).toBeAllclose([0, 0]);
    expect(bn.running_var).toBeAllclose([1, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(0);
  });
});
