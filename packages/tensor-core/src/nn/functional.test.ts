import { describe, expect, it } from 'vitest';
import * as core from '../index';
import { arange, Generator, matmul, ones, randn, tensor, zeros } from '../index';
import * as F from './functional';

describe('linear', () => {
  const w = tensor([
    [1, 2, 3],
    [0, -1, 1],
  ]);
  const b = tensor([10, 20]);

  it('computes x Wᵀ + b', () => {
    const x = tensor([
      [1, 1, 1],
      [1, 0, 2],
    ]);
    expect(F.linear(x, w, b)).toBeAllclose([
      [16, 20],
      [17, 22],
    ]);
    expect(F.linear(x, w)).toBeAllclose(matmul(x, w.t()));
  });

  it('accepts 1-d and batched inputs', () => {
    expect(F.linear(tensor([1, 1, 1]), w, b)).toBeAllclose([16, 20]);
    const x = randn([2, 5, 3]);
    const y = F.linear(x, w, b);
    expect(y.shape).toEqual([2, 5, 2]);
    expect(y.select(1, 3)).toBeAllclose(F.linear(x.select(1, 3), w, b), { atol: 1e-6 });
  });

  it('names the shapes on a mismatch', () => {
    expect(() => F.linear(zeros([2, 4]), w)).toThrow(
      'linear: input (2,4) must end in in_features=3 to match weight (2,3)',
    );
    expect(() => F.linear(zeros([2, 3]), w, zeros([3]))).toThrow(/bias must have shape \(2\)/);
  });
});

describe('bilinear', () => {
  it('computes x1ᵀ W_k x2 + b_k', () => {
    const x1 = randn([4, 3], { generator: new Generator(1) });
    const x2 = randn([4, 2], { generator: new Generator(2) });
    const w = randn([5, 3, 2], { generator: new Generator(3) });
    const bias = randn([5], { generator: new Generator(4) });
    const y = F.bilinear(x1, x2, w, bias);
    expect(y.shape).toEqual([4, 5]);
    const expected = Array.from({ length: 4 }, (_, n) =>
      Array.from({ length: 5 }, (_, k) => {
        let s = bias.data[k];
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 2; j++) s += x1.data[n * 3 + i] * w.data[(k * 3 + i) * 2 + j] * x2.data[n * 2 + j];
        return s;
      }),
    );
    expect(y).toBeAllclose(expected, { atol: 1e-5 });
    expect(F.bilinear(x1.reshape([2, 2, 3]), x2.reshape([2, 2, 2]), w, bias).reshape([4, 5])).toBeAllclose(y, {
      atol: 1e-6,
    });
  });

  it('checks that the leading dims agree', () => {
    expect(() => F.bilinear(zeros([4, 3]), zeros([3, 2]), zeros([5, 3, 2]))).toThrow(/same leading dims/);
  });
});

describe('dropout', () => {
  const x = ones([100, 100]);

  it('is the identity with p = 0 and out of training', () => {
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 0.5, false)).toBe(x);
  });

  it('gives zeros with p = 1', () => {
    const y = F.dropout(tensor([1, 2, 3], { requiresGrad: true }), 1);
    expect(y).toBeAllclose([0, 0, 0]);
    expect(y.requiresGrad).toBe(true);
  });

  it('zeroes a fraction p and scales the rest by 1 / (1 - p)', () => {
    const y = F.dropout(x, 0.3, true, { generator: new Generator(0) });
    const d = Array.from(y.data);
    const zeros = d.filter((v) => v === 0).length;
    expect(Math.abs(zeros / d.length - 0.3)).toBeLessThan(0.02);
    for (const v of d) if (v !== 0) expect(v).toBeCloseTo(1 / 0.7, 6);
    // The scaling keeps the expected value: the mean stays close to 1.
    expect(Math.abs(d.reduce((a, b) => a + b, 0) / d.length - 1)).toBeLessThan(0.03);
  });

  it('is reproducible with a seeded generator', () => {
    const a = F.dropout(x, 0.5, true, { generator: new Generator(7) });
    const b = F.dropout(x, 0.5, true, { generator: new Generator(7) });
    const c = F.dropout(x, 0.5, true, { generator: new Generator(8) });
    expect(a).toBeAllclose(b, { rtol: 0, atol: 0 });
    expect(a.data.some((v, i) => v !== c.data[i])).toBe(true);
  });

  it('passes the gradient through the same mask', () => {
    const input = randn([50], { requiresGrad: true });
    const y = F.dropout(input, 0.4, true, { generator: new Generator(1) });
    y.sum().backward();
    const g = input.grad!.data;
    for (let i = 0; i < g.length; i++) {
      expect(g[i]).toBeCloseTo(y.data[i] === 0 ? 0 : 1 / 0.6, 5);
    }
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => F.dropout(x, 1.5)).toThrow(/between 0 and 1, but got 1.5/);
  });
});

describe('layerNorm', () => {
  it('normalises over the trailing dims with the biased variance', () => {
    const x = tensor([
      [1, 2, 3, 4],
      [2, 2, 2, 6],
    ]);
    const y = F.layerNorm(x, [4], null, null, 0);
    const row = [1, 2, 3, 4];
    const sd = Math.sqrt(row.reduce((a, v) => a + (v - 2.5) ** 2, 0) / 4);
    expect(y.select(0, 0)).toBeAllclose(
      row.map((v) => (v - 2.5) / sd),
      { atol: 1e-6 },
    );
    const z = F.layerNorm(x, [4], tensor([1, 2, 1, 1]), tensor([0, 0, 0, 5]));
    expect(z.select(1, 1)).toBeAllclose(y.select(1, 1).mul(2), { atol: 1e-4 });
    expect(z.select(1, 3)).toBeAllclose(y.select(1, 3).add(5), { atol: 1e-4 });
  });

  it('normalises over several trailing dims at once', () => {
    const x = randn([3, 2, 5]);
    const y = F.layerNorm(x, [2, 5]);
    for (let i = 0; i < 3; i++) {
      const s = y.select(0, i);
      expect(s.mean().item()).toBeCloseTo(0, 5);
      expect(s.var(null, { correction: 0 }).item()).toBeCloseTo(1, 3);
    }
  });

  it('checks the normalized shape', () => {
    expect(() => F.layerNorm(zeros([2, 3]), [4])).toThrow('layerNorm: input (2,3) must end in normalized_shape (4)');
  });
});

describe('batchNorm', () => {
  const x = arange(24, undefined, 1, { dtype: 'float32' }).reshape([4, 3, 2]).square();

  it('normalises each channel with the batch statistics in training', () => {
    const y = F.batchNorm(x, null, null, null, null, true);
    for (let c = 0; c < 3; c++) {
      const ch = y.select(1, c);
      expect(ch.mean().item()).toBeCloseTo(0, 4);
      expect(ch.var(null, { correction: 0 }).item()).toBeCloseTo(1, 3);
    }
  });

  it('moves the running statistics by momentum, using the unbiased variance', () => {
    const rm = zeros([3]);
    const rv = ones([3]);
    F.batchNorm(x, rm, rv, null, null, true, 0.25);
    const xs = [0, 1, 2].map((c) => x.select(1, c));
    expect(rm).toBeAllclose(
      xs.map((c) => 0.25 * c.mean().item()),
      { rtol: 1e-5 },
    );
    expect(rv).toBeAllclose(
      xs.map((c) => 0.75 + 0.25 * c.var().item()),
      { rtol: 1e-5 },
    );
  });

  it('uses the running statistics out of training and leaves them alone', () => {
    const rm = tensor([1, 2, 3]);
    const rv = tensor([4, 1, 0.25]);
    const w = tensor([1, 2, 3]);
    const b = tensor([0, 1, 0]);
    const y = F.batchNorm(x, rm, rv, w, b, false, 0.1, 0);
    expect(y.select(1, 2)).toBeAllclose(x.select(1, 2).sub(3).div(0.5).mul(3), { rtol: 1e-5 });
    expect(y.select(1, 1)).toBeAllclose(x.select(1, 1).sub(2).mul(2).add(1), { rtol: 1e-5 });
    expect(rm).toBeAllclose([1, 2, 3]);
  });

  it('needs more than one value per channel in training', () => {
    expect(() => F.batchNorm(zeros([1, 3]), null, null, null, null, true)).toThrow(
      'batchNorm: expected more than 1 value per channel when training, got input size (1,3)',
    );
  });

  it('checks the per-channel shapes', () => {
    expect(() => F.batchNorm(x, zeros([4]), ones([4]))).toThrow(/running_mean must have shape \(3\)/);
  });
});

describe('re-exports', () => {
  it('exposes the activations, softmax and embedding of the core', () => {
    expect(F.relu).toBe(core.relu);
    expect(F.leakyRelu).toBe(core.leakyRelu);
    expect(F.elu).toBe(core.elu);
    expect(F.gelu).toBe(core.gelu);
    expect(F.softplus).toBe(core.softplus);
    expect(F.sigmoid).toBe(core.sigmoid);
    expect(F.tanh).toBe(core.tanh);
    expect(F.silu).toBe(core.silu);
    expect(F.softmax).toBe(core.softmax);
    expect(F.logSoftmax).toBe(core.logSoftmax);
    expect(F.embedding).toBe(core.embedding);
  });
});

describe('cosineSimilarity and normalize', () => {
  it('give 1 for parallel vectors, 0 for orthogonal ones, and broadcast', () => {
    const a = tensor([
      [1, 0],
      [2, 2],
    ]);
    expect(F.cosineSimilarity(a, tensor([[0, 3]]))).toBeAllclose([0, Math.SQRT1_2]);
    expect(F.cosineSimilarity(a, a.mul(5))).toBeAllclose([1, 1]);
    expect(F.cosineSimilarity(randn([4, 1, 3]), randn([5, 3]), -1).shape).toEqual([4, 5]);
  });

  it('normalize makes every slice along dim a unit vector and leaves zeros alone', () => {
    const y = F.normalize(
      tensor([
        [3, 4],
        [0, 0],
      ]),
    );
    expect(y).toBeAllclose([
      [0.6, 0.8],
      [0, 0],
    ]);
    const z = F.normalize(randn([3, 4, 2]), 1, 1);
    expect(z.abs().sum(1)).toBeAllclose(ones([3, 2]), { atol: 1e-6 });
  });
});
