import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, TensorError, tensor, zeros } from '../index';
import { groupNorm, instanceNorm } from './functional';
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm } from './normalization';

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

describe('GroupNorm', () => {
  it('normalises each group of channels of each sample', () => {
    const gn = new GroupNorm(2, 4);
    const x = randn([3, 4, 5], { generator: new Generator(0) })
      .mul(3)
      .add(2);
    const y = gn.forward(x);
    // Channels 0-1 of sample 1 form one group: mean 0, biased variance 1.
    const group = y.select(0, 1).narrow(0, 0, 2);
    expect(group.mean().item()).toBeCloseTo(0, 5);
    expect(group.square().mean().item()).toBeCloseTo(1, 3);
    expect(gn.toString()).toBe('GroupNorm(2, 4, eps=0.00001, affine=true)');
  });

  it("has PyTorch's state-dict keys", () => {
    expect([...new GroupNorm(2, 4).stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(new GroupNorm(2, 4, { affine: false }).stateDict().size).toBe(0);
  });

  it('computes the same in training and in evaluation', () => {
    const gn = new GroupNorm(3, 6);
    const x = randn([2, 6, 2, 2], { generator: new Generator(1) });
    expect(gn.eval().forward(x)).toBeAllclose(gn.train().forward(x), { rtol: 0, atol: 0 });
  });

  it('names the channels and groups when they do not divide', () => {
    expect(() => new GroupNorm(4, 6)).toThrow(TensorError);
    expect(() => new GroupNorm(4, 6)).toThrow(/^GroupNorm: 6 channels cannot be split into 4 groups/);
    expect(() => groupNorm(ones([2, 6, 3]), 4)).toThrow(
      /^groupNorm: 6 channels of input \(2,6,3\) cannot be split into 4 groups/,
    );
    expect(() => new GroupNorm(2, 4).forward(ones([2, 6, 3]))).toThrow(
      'GroupNorm: expected an input of shape (N, 4, *), got (2,6,3)',
    );
    expect(() => groupNorm(ones([2, 4]), 2, ones([3]))).toThrow('groupNorm: weight must have shape (4)');
  });
});

describe('InstanceNorm', () => {
  it('normalises every channel of every sample on its own, with no parameters by default', () => {
    const norm = new InstanceNorm2d(3);
    expect(norm.stateDict().size).toBe(0);
    const x = randn([2, 3, 4, 4], { generator: new Generator(2) })
      .mul(2)
      .add(1);
    const map = norm.forward(x).select(0, 1).select(0, 2); // sample 1, channel 2: (4, 4)
    expect(map.mean().item()).toBeCloseTo(0, 5);
    expect(map.square().mean().item()).toBeCloseTo(1, 3);
    expect(norm.toString()).toBe(
      'InstanceNorm2d(3, eps=0.00001, momentum=0.1, affine=false, track_running_stats=false)',
    );
  });

  it('uses instance statistics in evaluation too, unless it tracks running statistics', () => {
    const x = randn([2, 3, 5], { generator: new Generator(3) });
    const untracked = new InstanceNorm1d(3);
    expect(untracked.eval().forward(x)).toBeAllclose(untracked.train().forward(x), { rtol: 0, atol: 0 });
    const tracked = new InstanceNorm1d(3, { trackRunningStats: true }).eval();
    // Fresh running statistics (mean 0, var 1): evaluation is x / √(1 + eps).
    expect(tracked.forward(x)).toBeAllclose(x.div(Math.sqrt(1 + 1e-5)));
  });

  it('moves the running statistics toward the batch average of the instance statistics in training only', () => {
    const norm = new InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 });
    expect([...norm.stateDict().keys()]).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const x = tensor([
      [
        [1, 3],
        [0, 4],
      ],
      [
        [5, 7],
        [2, 2],
      ],
    ]);
    norm.forward(x);
    // Instance means: (2, 2) and (6, 2) → 4 and 2; unbiased variances: (2, 8) and (2, 0) → 2 and 4.
    expect(norm.running_mean).toBeAllclose([0.5 * 4, 0.5 * 2]);
    expect(norm.running_var).toBeAllclose([0.5 + 0.5 * 2, 0.5 + 0.5 * 4]);
    expect(norm.num_batches_tracked!.item()).toBe(0); // PyTorch's InstanceNorm does not count either
    const rm = norm.running_mean!.clone();
    norm.eval().forward(x);
    expect(norm.running_mean).toBeAllclose(rm, { rtol: 0, atol: 0 });
  });

  it('accepts unbatched inputs and checks ranks, channels and spatial sizes', () => {
    const norm = new InstanceNorm2d(2, { affine: true });
    expect([...norm.stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(norm.forward(randn([2, 3, 3])).shape).toEqual([2, 3, 3]);
    expect(() => norm.forward(ones([2, 3]))).toThrow(
      'InstanceNorm2d: expected a 3D (C, H, W) or 4D (N, C, H, W) input, got 2D input of shape (2,3)',
    );
    expect(() => norm.forward(ones([1, 3, 2, 2]))).toThrow(
      "InstanceNorm2d: expected input's size at dim=1 to match num_features (2), but got (1,3,2,2)",
    );
    expect(() => instanceNorm(ones([2, 3, 1]))).toThrow(
      'instanceNorm: expected more than 1 spatial element when training, got input size (2,3,1)',
    );
    expect(() => instanceNorm(ones([2, 3]))).toThrow(/^instanceNorm: expected an input of shape \(N, C, \*\)/);
  });
});
