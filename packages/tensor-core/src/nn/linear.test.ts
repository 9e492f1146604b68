import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '../index';
import { Bilinear, Identity, Linear } from './linear';

describe('Linear', () => {
  it('has PyTorch shapes and computes x Wᵀ + b', () => {
    const fc = new Linear(3, 2);
    expect(fc.weight.shape).toEqual([2, 3]);
    expect(fc.bias!.shape).toEqual([2]);
    fc.loadStateDict({
      weight: tensor([
        [1, 0, 0],
        [0, 1, 1],
      ]),
      bias: tensor([0.5, -1]),
    });
    expect(fc.forward(tensor([[1, 2, 3]]))).toBeAllclose([[1.5, 4]]);
  });

  it('draws weight and bias from U(-1/√in, 1/√in) by default', () => {
    const fc = new Linear(64, 500, { generator: new Generator(0) });
    const bound = 1 / 8;
    for (const p of [fc.weight, fc.bias!]) {
      const d = Array.from(p.data);
      expect(Math.max(...d)).toBeLessThanOrEqual(bound);
      expect(Math.min(...d)).toBeGreaterThanOrEqual(-bound);
    }
    expect(Math.max(...Array.from(fc.weight.data))).toBeGreaterThan(0.99 * bound);
  });

  it('is reproducible with a generator, and resetParameters redraws', () => {
    const a = new Linear(4, 4, { generator: new Generator(5) });
    const b = new Linear(4, 4, { generator: new Generator(5) });
    expect(a.weight).toBeAllclose(b.weight, { rtol: 0, atol: 0 });
    const w = a.weight.clone();
    a.resetParameters({ generator: new Generator(6) });
    expect(a.weight.data.some((v, i) => v !== w.data[i])).toBe(true);
  });

  it('supports bias: false and dtype float64', () => {
    const fc = new Linear(3, 2, { bias: false, dtype: 'float64' });
    expect(fc.bias).toBeNull();
    expect(fc.weight.dtype).toBe('float64');
    expect(fc.forward(randn([4, 3], { dtype: 'float64' })).dtype).toBe('float64');
    expect(fc.toString()).toBe('Linear(in_features=3, out_features=2, bias=false)');
  });

  it('rejects bad sizes', () => {
    expect(() => new Linear(-1, 2)).toThrow('Linear: inFeatures must be a non-negative integer, got -1');
  });
});

describe('Bilinear', () => {
  it('has PyTorch shapes, init bounds and repr', () => {
    const m = new Bilinear(4, 3, 5, { generator: new Generator(0) });
    expect(m.weight.shape).toEqual([5, 4, 3]);
    expect(Math.max(...Array.from(m.weight.data).map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(m.forward(randn([7, 4]), randn([7, 3])).shape).toEqual([7, 5]);
    expect(m.toString()).toBe('Bilinear(in1_features=4, in2_features=3, out_features=5, bias=true)');
  });
});

describe('Identity', () => {
  it('returns its input', () => {
    const x = randn([2]);
    expect(new Identity().forward(x)).toBe(x);
  });
});
