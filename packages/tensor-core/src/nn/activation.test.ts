import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../index';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation';
import { Dropout } from './dropout';
import { Flatten, Unflatten } from './flatten';

const x = tensor([-2, -0.5, 0, 1, 3]);

describe('activation modules', () => {
  it('compute their formulas', () => {
    const v = [-2, -0.5, 0, 1, 3];
    expect(new ReLU().forward(x)).toBeAllclose(v.map((a) => Math.max(a, 0)));
    expect(new LeakyReLU(0.2).forward(x)).toBeAllclose(v.map((a) => (a > 0 ? a : 0.2 * a)));
    expect(new ELU(0.5).forward(x)).toBeAllclose(v.map((a) => (a > 0 ? a : 0.5 * Math.expm1(a))));
    expect(new Sigmoid().forward(x)).toBeAllclose(v.map((a) => 1 / (1 + Math.exp(-a))));
    expect(new Tanh().forward(x)).toBeAllclose(v.map(Math.tanh));
    expect(new Softplus(2).forward(x)).toBeAllclose(v.map((a) => Math.log1p(Math.exp(2 * a)) / 2));
    expect(new SiLU().forward(x)).toBeAllclose(v.map((a) => a / (1 + Math.exp(-a))));
    expect(new GELU().forward(tensor([1]))).toBeAllclose([0.8413447], { atol: 1e-6 });
    expect(new GELU('tanh').forward(tensor([1]))).toBeAllclose([0.841192], { atol: 1e-6 });
  });

  it('softmax and logSoftmax along a dim', () => {
    const m = tensor([
      [0, 0],
      [0, Math.log(3)],
    ]);
    expect(new Softmax(1).forward(m)).toBeAllclose([
      [0.5, 0.5],
      [0.25, 0.75],
    ]);
    expect(new LogSoftmax(-1).forward(m)).toBeAllclose([
      [Math.log(0.5), Math.log(0.5)],
      [Math.log(0.25), Math.log(0.75)],
    ]);
  });

  it('print their settings like PyTorch', () => {
    expect(new ReLU().toString()).toBe('ReLU()');
    expect(new LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new ELU().toString()).toBe('ELU(alpha=1)');
    expect(new GELU().toString()).toBe("GELU(approximate='none')");
    expect(new Softplus().toString()).toBe('Softplus(beta=1, threshold=20)');
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(() => new GELU('fast' as 'none')).toThrow(/approximate must be/);
  });
});

describe('Dropout module', () => {
  it('drops in training and is the identity in evaluation', () => {
    const d = new Dropout(0.5);
    const ones = zeros([1000]).add(1);
    const y = d.forward(ones);
    expect(y.data.some((v) => v === 0)).toBe(true);
    expect(d.eval().forward(ones)).toBe(ones);
    expect(d.toString()).toBe('Dropout(p=0.5)');
    expect(() => new Dropout(-0.1)).toThrow(/between 0 and 1/);
  });
});

describe('Flatten and Unflatten', () => {
  it('reshape between (N, C, H, W) and (N, C·H·W)', () => {
    expect(new Flatten().forward(zeros([32, 1, 5, 5])).shape).toEqual([32, 25]);
    expect(new Flatten(0, 2).forward(zeros([2, 3, 4, 5])).shape).toEqual([24, 5]);
    expect(new Unflatten(1, [2, 5, 5]).forward(zeros([2, 50])).shape).toEqual([2, 2, 5, 5]);
    expect(new Unflatten(-1, [2, -1]).forward(zeros([3, 8])).shape).toEqual([3, 2, 4]);
    expect(new Unflatten(1, [2, 5]).toString()).toBe('Unflatten(dim=1, unflattened_size=[2, 5])');
    expect(new Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
  });
});
