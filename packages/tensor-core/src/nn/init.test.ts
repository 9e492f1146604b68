import { describe, expect, it } from 'vitest';
import { eye, Generator, matmul, randn, type Tensor, tensor, zeros } from '../index';
import {
  calculateFanInAndFanOut,
  calculateGain,
  constant_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  orthogonal_,
  truncNormal_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from './init';
import { Parameter } from './module';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.data, Number);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

const gen = (seed = 0) => ({ generator: new Generator(seed) });

describe('gain and fans', () => {
  it('calculateGain matches PyTorch', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(1.3867504905630728, 12);
    expect(calculateGain('selu')).toBe(0.75);
    expect(() => calculateGain('swish' as 'relu')).toThrow(/unsupported nonlinearity swish/);
  });

  it('fans of linear and conv weights', () => {
    expect(calculateFanInAndFanOut(zeros([4, 3]))).toEqual([3, 4]);
    expect(calculateFanInAndFanOut(zeros([16, 3, 5, 5]))).toEqual([75, 400]);
    expect(() => calculateFanInAndFanOut(zeros([4]))).toThrow(/fewer than 2 dimensions/);
  });
});

describe('filling in place', () => {
  it('works on a parameter that requires grad, returns it and bumps its version', () => {
    const p = new Parameter(zeros([3, 3]));
    const v = p._version.v;
    expect(uniform_(p)).toBe(p);
    expect(p._version.v).toBeGreaterThan(v);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
  });

  it('constant_, zeros_, ones_', () => {
    const t = randn([2, 2]);
    expect(constant_(t, 2.5)).toBeAllclose([
      [2.5, 2.5],
      [2.5, 2.5],
    ]);
    expect(zeros_(t)).toBeAllclose(zeros([2, 2]));
    expect(ones_(t).data.every((v) => v === 1)).toBe(true);
  });

  it('rejects integer tensors and bad arguments', () => {
    expect(() => uniform_(tensor([1], { dtype: 'int32' }))).toThrow(/float32 or float64/);
    expect(() => uniform_(zeros([2]), 1, 0)).toThrow(/a <= b/);
    expect(() => normal_(zeros([2]), 0, -1)).toThrow(/non-negative/);
  });

  it('is reproducible with a seeded generator and differs between seeds', () => {
    const a = kaimingUniform_(zeros([8, 8]), gen(3));
    const b = kaimingUniform_(zeros([8, 8]), gen(3));
    const c = kaimingUniform_(zeros([8, 8]), gen(4));
    expect(a).toBeAllclose(b, { rtol: 0, atol: 0 });
    expect(a.data.some((v, i) => v !== c.data[i])).toBe(true);
  });
});

describe('distributions', () => {
  it('uniform_ stays in [a, b) with the right mean and spread', () => {
    const s = stats(uniform_(zeros([20000]), -2, 4, gen()));
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThan(4);
    expect(s.mean).toBeCloseTo(1, 1);
    expect(s.std).toBeCloseTo(6 / Math.sqrt(12), 1);
  });

  it('normal_ has the requested mean and std', () => {
    const s = stats(normal_(zeros([20000], { dtype: 'float64' }), 3, 0.5, gen()));
    expect(Math.abs(s.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 0.5)).toBeLessThan(0.02);
  });

  it('truncNormal_ stays within [a, b]', () => {
    const s = stats(truncNormal_(zeros([5000]), 0, 1, -0.5, 1, gen()));
    expect(s.min).toBeGreaterThanOrEqual(-0.5);
    expect(s.max).toBeLessThanOrEqual(1);
    expect(s.max).toBeGreaterThan(0.95);
  });

  it('xavierUniform_ fills U(-a, a) with a = gain·√(6/(fanIn+fanOut))', () => {
    const w = xavierUniform_(zeros([200, 100]), 2, gen());
    const a = 2 * Math.sqrt(6 / 300);
    const s = stats(w);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(s.max).toBeLessThanOrEqual(a);
    expect(s.max).toBeGreaterThan(0.99 * a);
    expect(s.std).toBeCloseTo(a / Math.sqrt(3), 2);
  });

  it('xavierNormal_ has std gain·√(2/(fanIn+fanOut))', () => {
    const s = stats(xavierNormal_(zeros([200, 100]), 1, gen()));
    expect(Math.abs(s.std / Math.sqrt(2 / 300) - 1)).toBeLessThan(0.03);
  });

  it("kaimingUniform_ with a = √5 is Linear's U(-1/√fanIn, 1/√fanIn)", () => {
    const w = kaimingUniform_(zeros([300, 64]), { a: Math.sqrt(5), ...gen() });
    const s = stats(w);
    expect(s.max).toBeLessThanOrEqual(1 / 8);
    expect(s.min).toBeGreaterThanOrEqual(-1 / 8);
    expect(s.max).toBeGreaterThan(0.99 / 8);
  });

  it('kaimingNormal_ has std gain/√fan for fan_in and fan_out', () => {
    const fanIn = stats(kaimingNormal_(zeros([100, 50, 3]), { nonlinearity: 'relu', ...gen() }));
    expect(Math.abs(fanIn.std / (Math.SQRT2 / Math.sqrt(150)) - 1)).toBeLessThan(0.03);
    const fanOut = stats(kaimingNormal_(zeros([100, 50, 3]), { mode: 'fan_out', nonlinearity: 'relu', ...gen() }));
    expect(Math.abs(fanOut.std / (Math.SQRT2 / Math.sqrt(300)) - 1)).toBeLessThan(0.03);
    expect(() => kaimingNormal_(zeros([2, 2]), { mode: 'fan_avg' as 'fan_in' })).toThrow(/not supported/);
  });
});

describe('orthogonal_', () => {
  it('a tall matrix has orthonormal columns: WᵀW = I', () => {
    const w = orthogonal_(zeros([7, 4], { dtype: 'float64' }), 1, gen());
    expect(matmul(w.t(), w)).toBeAllclose(eye(4, 4, { dtype: 'float64' }), { atol: 1e-12 });
  });

  it('a wide matrix has orthonormal rows: WWᵀ = I', () => {
    const w = orthogonal_(zeros([3, 8], { dtype: 'float64' }), 1, gen());
    expect(matmul(w, w.t())).toBeAllclose(eye(3, 3, { dtype: 'float64' }), { atol: 1e-12 });
  });

  it('flattens trailing dims and scales by the gain', () => {
    const w = orthogonal_(zeros([4, 2, 3, 3]), 2, gen()); // viewed as (4, 18)
    const m = w.reshape([4, 18]);
    expect(matmul(m, m.t())).toBeAllclose(eye(4).mul(4), { atol: 1e-5 });
  });

  it('is the sign-corrected Q of the normal draw: Qᵀ A is upper triangular with a positive diagonal', () => {
    const a = randn([6, 4], { dtype: 'float64', ...gen(9) }); // the same draw orthogonal_ makes
    const q = orthogonal_(zeros([6, 4], { dtype: 'float64' }), 1, gen(9));
    const r = matmul(q.t(), a).toArray() as number[][];
    for (let i = 0; i < 4; i++) {
      expect(r[i][i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(r[i][j])).toBeLessThan(1e-12);
    }
    expect(matmul(q, tensor(r, { dtype: 'float64' }))).toBeAllclose(a, { atol: 1e-12 });
  });

  it('needs at least 2 dims', () => {
    expect(() => orthogonal_(zeros([3]))).toThrow(/2 or more dimensions/);
  });
});
