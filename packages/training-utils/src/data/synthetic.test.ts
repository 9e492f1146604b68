import { Generator, manualSeed, type Tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import {
  makeCopyTask,
  makeGaussianMixture,
  makeMoons,
  makeNoisySine,
  makeParitySequences,
  makeReverseDigits,
  makeRunningSumSequences,
  makeSpirals,
} from './synthetic';

const counts = (y: Tensor, k: number) => {
  const c = new Array(k).fill(0);
  for (const v of y.data) c[v]++;
  return c;
};
const rows = (t: Tensor) => t.toArray() as number[][];
const g = (seed = 0) => new Generator(seed);

describe('makeMoons', () => {
  it('shapes, dtypes and balance (n // 2 in class 0)', () => {
    const { x, y } = makeMoons(101, { generator: g() });
    expect(x.shape).toEqual([101, 2]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([101]);
    expect(y.dtype).toBe('int32');
    expect(counts(y, 2)).toEqual([50, 51]);
  });

  it("without noise, points lie on sklearn's two half circles", () => {
    const { x, y } = makeMoons(40, { generator: g() });
    rows(x).forEach(([a, b], i) => {
      const [cx, cy] = y.data[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(a - cx, b - cy)).toBeCloseTo(1, 5);
      expect(y.data[i] === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6).toBe(true);
    });
  });

  it('unshuffled, matches sklearn.datasets.make_moons(4, shuffle=False)', () => {
    expect(makeMoons(4, { shuffle: false }).x).toBeAllclose(
      [
        [1, 0],
        [-1, 0],
        [0, 0.5],
        [2, 0.5],
      ],
      { atol: 1e-6 },
    );
    expect(makeMoons(4, { shuffle: false }).y.toArray()).toEqual([0, 0, 1, 1]);
  });

  it('is deterministic per seed, shuffled, and noisy when asked', () => {
    const a = makeMoons(50, { noise: 0.1, generator: g(1) });
    const b = makeMoons(50, { noise: 0.1, generator: g(1) });
    const c = makeMoons(50, { noise: 0.1, generator: g(2) });
    expect(a.x.toArray()).toEqual(b.x.toArray());
    expect(a.y.toArray()).toEqual(b.y.toArray());
    expect(a.x.toArray()).not.toEqual(c.x.toArray());
    expect(a.y.toArray()).not.toEqual([...new Array(25).fill(0), ...new Array(25).fill(1)]);
    const clean = makeMoons(50, { generator: g(1) });
    expect(a.x.toArray()).not.toEqual(clean.x.toArray());
  });

  it('uses the default generator when given none', () => {
    manualSeed(4);
    const a = makeMoons(20, { noise: 0.1 });
    manualSeed(4);
    expect(makeMoons(20, { noise: 0.1 }).x.toArray()).toEqual(a.x.toArray());
  });

  it('rejects bad arguments', () => {
    expect(() => makeMoons(-1)).toThrow(/n must be an integer/);
    expect(() => makeMoons(10, { noise: -1 })).toThrow(/noise/);
  });
});

describe('makeSpirals', () => {
  it('shapes, balance across classes and radius within 1', () => {
    const { x, y } = makeSpirals(301, { classes: 3, generator: g() });
    expect(x.shape).toEqual([301, 2]);
    expect(counts(y, 3)).toEqual([101, 100, 100]);
    for (const [a, b] of rows(x)) expect(Math.hypot(a, b)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('arms are rotated copies of each other', () => {
    const { x, y } = makeSpirals(8, { classes: 2, turns: 0.5, shuffle: false });
    expect(y.toArray()).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    const p = rows(x);
    for (let i = 0; i < 4; i++) {
      expect(p[i + 4][0]).toBeCloseTo(-p[i][0], 5); // rotated by π
      expect(p[i + 4][1]).toBeCloseTo(-p[i][1], 5);
    }
  });

  it('is deterministic per seed', () => {
    const opts = { classes: 4, noise: 0.05, turns: 2 };
    expect(makeSpirals(100, { ...opts, generator: g(3) }).x.toArray()).toEqual(
      makeSpirals(100, { ...opts, generator: g(3) }).x.toArray(),
    );
    expect(() => makeSpirals(10, { classes: 0 })).toThrow(/classes/);
  });
});

describe('makeGaussianMixture', () => {
  it('shapes, balance and cluster statistics', () => {
    const { x, y, centers } = makeGaussianMixture(3001, { k: 3, dim: 4, std: 0.5, generator: g() });
    expect(x.shape).toEqual([3001, 4]);
    expect(centers.shape).toEqual([3, 4]);
    expect(counts(y, 3)).toEqual([1001, 1000, 1000]);
    const c = rows(centers);
    for (const v of c.flat()) expect(Math.abs(v)).toBeLessThanOrEqual(10);
    const p = rows(x);
    for (let k = 0; k < 3; k++) {
      const members = p.filter((_, i) => y.data[i] === k);
      for (let j = 0; j < 4; j++) {
        const col = members.map((r) => r[j]);
        const mean = col.reduce((s, v) => s + v, 0) / col.length;
        const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length);
        expect(mean).toBeCloseTo(c[k][j], 1);
        expect(sd).toBeCloseTo(0.5, 1);
      }
    }
  });

  it('takes explicit centres and a std per cluster', () => {
    const { x, y, centers } = makeGaussianMixture(4, {
      centers: [
        [0, 0],
        [5, 5],
      ],
      std: [0, 0],
      shuffle: false,
    });
    expect(centers.toArray()).toEqual([
      [0, 0],
      [5, 5],
    ]);
    expect(y.toArray()).toEqual([0, 0, 1, 1]);
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [5, 5],
      [5, 5],
    ]);
  });

  it('is deterministic per seed, and rejects inconsistent options', () => {
    expect(makeGaussianMixture(50, { generator: g(9) }).x.toArray()).toEqual(
      makeGaussianMixture(50, { generator: g(9) }).x.toArray(),
    );
    expect(() => makeGaussianMixture(10, { centers: [[0, 0], [1]] })).toThrow(/centre 1 has 1 coordinates/);
    expect(() => makeGaussianMixture(10, { k: 2, std: [1, 1, 1] })).toThrow(/std has 3 entries for 2 clusters/);
    expect(() => makeGaussianMixture(10, { k: 0 })).toThrow(/k must be/);
  });
});

describe('makeNoisySine', () => {
  it('shapes, targets are the clean next step of the inputs', () => {
    const { x, y } = makeNoisySine(16, { length: 30, noise: 0, freq: 2, generator: g() });
    expect(x.shape).toEqual([16, 30, 1]);
    expect(y.shape).toEqual([16, 30, 1]);
    const xs = x.reshape(16, 30).toArray() as number[][];
    const ys = y.reshape(16, 30).toArray() as number[][];
    for (let i = 0; i < 16; i++) {
      for (let t = 0; t + 1 < 30; t++) expect(ys[i][t]).toBeCloseTo(xs[i][t + 1], 5);
      for (const v of ys[i]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
  });

  it('adds input noise of the given std, leaves targets clean', () => {
    const clean = makeNoisySine(64, { length: 40, noise: 0, generator: g(5) });
    const noisy = makeNoisySine(64, { length: 40, noise: 0.3, generator: g(5) });
    // Same generator draws → same waves; the difference is the noise alone.
    const d = noisy.x.sub(clean.x);
    expect(d.std().item()).toBeCloseTo(0.3, 1);
    expect(noisy.y.toArray()).toEqual(clean.y.toArray());
  });

  it('is deterministic per seed', () => {
    expect(makeNoisySine(4, { generator: g(1) }).x.toArray()).toEqual(
      makeNoisySine(4, { generator: g(1) }).x.toArray(),
    );
    expect(() => makeNoisySine(4, { freq: [3, 1] })).toThrow(/freq/);
  });
});

describe('sequence tasks', () => {
  it('makeParitySequences: bits, parity labels, both classes present', () => {
    const { x, y } = makeParitySequences(500, 6, { generator: g() });
    expect(x.shape).toEqual([500, 6, 1]);
    expect(y.shape).toEqual([500]);
    expect(y.dtype).toBe('int32');
    const bits = x.reshape(500, 6).toArray() as number[][];
    bits.forEach((b, i) => {
      for (const v of b) expect(v === 0 || v === 1).toBe(true);
      expect(y.data[i]).toBe(b.reduce((s, v) => s + v, 0) % 2);
    });
    const [even, odd] = counts(y, 2);
    expect(Math.abs(even - odd)).toBeLessThan(100);
    expect(makeParitySequences(10, 6, { generator: g(1) }).x.toArray()).toEqual(
      makeParitySequences(10, 6, { generator: g(1) }).x.toArray(),
    );
  });

  it('makeRunningSumSequences: y is the cumulative sum of x', () => {
    const { x, y } = makeRunningSumSequences(20, 12, { low: 0, high: 2, generator: g() });
    expect(x.shape).toEqual([20, 12, 1]);
    expect(y.shape).toEqual([20, 12, 1]);
    const xs = x.reshape(20, 12).toArray() as number[][];
    const ys = y.reshape(20, 12).toArray() as number[][];
    xs.forEach((row, i) => {
      let s = 0;
      row.forEach((v, t) => {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(2);
        s += v;
        expect(ys[i][t]).toBeCloseTo(s, 4);
      });
    });
    expect(() => makeRunningSumSequences(2, 3, { low: 1, high: 1 })).toThrow(/low < high/);
  });

  it('makeCopyTask: symbols, marker and delayed copy', () => {
    const L = 3;
    const D = 4;
    const { x, y, vocabSize } = makeCopyTask(50, { length: L, delay: D, symbols: 5, generator: g() });
    expect(vocabSize).toBe(7);
    expect(x.shape).toEqual([50, 2 * L + D]);
    expect(y.shape).toEqual([50, 2 * L + D]);
    expect(x.dtype).toBe('int32');
    const xs = rows(x);
    const ys = rows(y);
    xs.forEach((row, i) => {
      const symbols = row.slice(0, L);
      for (const s of symbols) expect(s >= 1 && s <= 5).toBe(true);
      expect(row.slice(L)).toEqual([0, 0, 0, 6, 0, 0, 0]);
      expect(ys[i]).toEqual([...new Array(L + D).fill(0), ...symbols]);
    });
    expect(() => makeCopyTask(1, { delay: 0 })).toThrow(/delay/);
  });

  it('makeReverseDigits: y is x reversed', () => {
    const { x, y, vocabSize } = makeReverseDigits(30, { length: 6, generator: g() });
    expect(vocabSize).toBe(10);
    expect(x.shape).toEqual([30, 6]);
    const xs = rows(x);
    const ys = rows(y);
    xs.forEach((row, i) => {
      for (const d of row) expect(Number.isInteger(d) && d >= 0 && d <= 9).toBe(true);
      expect(ys[i]).toEqual(row.slice().reverse());
    });
    expect(makeReverseDigits(5, { generator: g(2) }).x.toArray()).toEqual(
      makeReverseDigits(5, { generator: g(2) }).x.toArray(),
    );
  });
});
