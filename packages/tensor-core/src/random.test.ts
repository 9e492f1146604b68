import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bernoulli, Generator, manualSeed, multinomial, rand, randint, randn, randperm, tensor } from './index';

describe('Generator', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = rand([5], { generator: new Generator(1) });
    const b = rand([5], { generator: new Generator(1) });
    const c = rand([5], { generator: new Generator(2) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('manualSeed seeds the default generator', () => {
    manualSeed(123);
    const a = randn([4]);
    manualSeed(123);
    expect(Array.from(randn([4]).data)).toEqual(Array.from(a.data));
  });

  it('saves and restores its state exactly (JSON round trip)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 50 }), (seed, skip) => {
        const g = new Generator(seed);
        for (let i = 0; i < skip; i++) g.nextUint32();
        const state = JSON.parse(JSON.stringify(g.getState()));
        const first = randn([7], { generator: g });
        const h = new Generator(0).setState(state);
        expect(Array.from(randn([7], { generator: h }).data)).toEqual(Array.from(first.data));
      }),
      { numRuns: 50 },
    );
  });

  it('rejects invalid seeds and states', () => {
    expect(() => new Generator(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => new Generator().setState({ algorithm: 'xoshiro128**', seed: 0, words: [0, 0, 0, 0] })).toThrow(
      /all-zero/,
    );
  });

  it('draws uniform values in [0, 1) with the right moments', () => {
    const x = rand([20000], { generator: new Generator(5) });
    let min = 1;
    let max = 0;
    for (const v of x.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(x.mean().item()).toBeCloseTo(0.5, 1);
    expect(x.var().item()).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normal values', () => {
    const x = randn([20000], { generator: new Generator(6), dtype: 'float64' });
    expect(Math.abs(x.mean().item())).toBeLessThan(0.03);
    expect(x.std().item()).toBeCloseTo(1, 1);
  });

  it('randint covers [low, high) only, randperm is a permutation', () => {
    const g = new Generator(7);
    const r = randint(-2, 3, [1000], { generator: g });
    const seen = new Set(Array.from(r.data));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    const p = randperm(50, { generator: g });
    expect(Array.from(p.data).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('bernoulli follows the given probabilities', () => {
    const g = new Generator(8);
    const b = bernoulli(tensor([0, 1, 0.5]).expand([4000, 3]), { generator: g });
    const m = b.mean(0).toArray() as number[];
    expect(m[0]).toBe(0);
    expect(m[1]).toBe(1);
    expect(m[2]).toBeCloseTo(0.5, 1);
    expect(() => bernoulli(1.5)).toThrow(/probability/);
  });

  it('multinomial samples by weight, without replacement draws distinct categories', () => {
    const g = new Generator(9);
    const s = multinomial(tensor([0, 1, 3]), 4000, true, { generator: g });
    const counts = [0, 0, 0];
    for (const v of s.data) counts[v]++;
    expect(counts[0]).toBe(0);
    expect(counts[2] / counts[1]).toBeGreaterThan(2.5);
    expect(counts[2] / counts[1]).toBeLessThan(3.5);
    const w = multinomial(tensor([[1, 1, 1, 1]]), 4, false, { generator: g });
    expect(Array.from(w.data).sort()).toEqual([0, 1, 2, 3]);
    expect(() => multinomial(tensor([1, 1]), 3)).toThrow(/without replacement/);
  });
});
