import {
  cat,
  Generator,
  gradcheck,
  noGrad,
  randn,
  type Tensor,
  TensorError,
  tensor,
  zeros,
} from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { recurrent } from './functional';
import { GRU, LSTM, RNN } from './rnn';

const f64 = { dtype: 'float64' as const };

/** Plain-number arrays of a 2-d tensor. */
function rows(t: Tensor): number[][] {
  return t.toArray() as number[][];
}

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The course's recurrence written out with numbers, no tensors: h_t = σ(W h_{t-1} + U x_t + b) for one
 * layer and direction, x as [t][b][i]. Returns every h_t, in time order.
 */
function referenceSigmoidRnn(
  x: number[][][],
  U: number[][],
  W: number[][],
  b: number[] | null,
  h0: number[][] | null,
  reverse = false,
): number[][][] {
  const T = x.length;
  const B = x[0].length;
  const H = W.length;
  let h = h0 ?? Array.from({ length: B }, () => new Array<number>(H).fill(0));
  const out: number[][][] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    h = h.map((hb, bi) =>
      W.map((Wrow, j) => {
        let z = b ? b[j] : 0;
        for (let k = 0; k < H; k++) z += Wrow[k] * hb[k];
        for (let i = 0; i < U[j].length; i++) z += U[j][i] * x[t][bi][i];
        return sigma(z);
      }),
    );
    out[t] = h;
  }
  return out;
}

describe('RNN with the course sigmoid against a hand-written reference', () => {
  it('one layer without bias: h_t = σ(W h_{t-1} + U x_t), h_0 = 0', () => {
    const rnn = new RNN(3, 3, { nonlinearity: 'sigmoid', bias: false, generator: new Generator(1), ...f64 });
    const x = randn([4, 2, 3], { generator: new Generator(2), ...f64 });
    const [output, hN] = rnn.forward(x);
    const ref = referenceSigmoidRnn(
      x.toArray() as number[][][],
      rows(rnn.weight_ih_l0),
      rows(rnn.weight_hh_l0),
      null,
      null,
    );
    expect(output).toBeAllclose(ref, { rtol: 1e-12, atol: 1e-14 });
    expect(hN).toBeAllclose([ref[3]], { rtol: 1e-12, atol: 1e-14 });
  });

  it('two layers, bidirectional, with bias and an initial state', () => {
    const H = 3;
    const rnn = new RNN(2, H, {
      nonlinearity: 'sigmoid',
      numLayers: 2,
      bidirectional: true,
      generator: new Generator(3),
      ...f64,
    });
    const x = randn([5, 2, 2], { generator: new Generator(4), ...f64 });
    const h0 = randn([4, 2, H], { generator: new Generator(5), ...f64 });
    const [output, hN] = rnn.forward(x, h0);
    const h0s = h0.toArray() as number[][][];
    let input = x.toArray() as number[][][];
    const finals: number[][][] = [];
    for (let layer = 0; layer < 2; layer++) {
      const dirs = [0, 1].map((d) => {
        const w = rnn.layerWeights(layer, d);
        const b = (w.biasIh as Tensor).add(w.biasHh as Tensor).toArray() as number[];
        const out = referenceSigmoidRnn(input, rows(w.weightIh), rows(w.weightHh), b, h0s[layer * 2 + d], d === 1);
        finals.push(d === 0 ? out[out.length - 1] : out[0]);
        return out;
      });
      input = dirs[0].map((step, t) => step.map((hb, bi) => [...hb, ...dirs[1][t][bi]]));
    }
    expect(output).toBeAllclose(input, { rtol: 1e-12, atol: 1e-14 });
    expect(hN).toBeAllclose(finals, { rtol: 1e-12, atol: 1e-14 });
  });

  it('float64 gradcheck through two bidirectional sigmoid layers', () => {
    const rnn = new RNN(2, 2, {
      nonlinearity: 'sigmoid',
      numLayers: 2,
      bidirectional: true,
      generator: new Generator(6),
      ...f64,
    });
    const x = randn([3, 2, 2], { generator: new Generator(7), ...f64 });
    const h0 = randn([4, 2, 2], { generator: new Generator(8), ...f64 });
    expect(gradcheck((a, b) => rnn.forward(a, b)[0], [x, h0])).toBe(true);
  });
});

describe('variable-length batches (packed-sequence semantics)', () => {
  const lengths = [4, 2, 3];
  const T = 4;

  /** x (T, B, I) with padded steps holding large random values, which must make no difference. */
  function padded(seed: number): Tensor {
    return randn([T, 3, 2], { generator: new Generator(seed), ...f64 }).mul(5);
  }

  for (const [kind, make] of [
    ['RNN', () => new RNN(2, 3, { numLayers: 2, bidirectional: true, generator: new Generator(10), ...f64 })],
    ['LSTM', () => new LSTM(2, 3, { numLayers: 2, bidirectional: true, generator: new Generator(11), ...f64 })],
    ['GRU', () => new GRU(2, 3, { numLayers: 2, bidirectional: true, generator: new Generator(12), ...f64 })],
  ] as const) {
    it(`${kind}: each sequence gives what it gives alone; padded steps change nothing, outputs there are 0`, () => {
      const m = make();
      const x = padded(20);
      const [output, state] = m.forward(x, null, { lengths }) as [Tensor, Tensor | [Tensor, Tensor]];
      const hN = Array.isArray(state) ? state[0] : state;
      lengths.forEach((len, b) => {
        const alone = x.narrow(1, b, 1).narrow(0, 0, len); // (len, 1, I)
        const [o1, s1] = m.forward(alone) as [Tensor, Tensor | [Tensor, Tensor]];
        const h1 = Array.isArray(s1) ? s1[0] : s1;
        const ob = output.narrow(1, b, 1);
        expect(ob.narrow(0, 0, len), `output of ${b}`).toBeAllclose(o1, { rtol: 1e-12, atol: 1e-14 });
        if (len < T)
          expect(
            ob
              .narrow(0, len, T - len)
              .abs()
              .max()
              .item(),
          ).toBe(0);
        // Both directions: the reverse one starts at each sequence's own last step.
        expect(hN.narrow(1, b, 1), `h_n of ${b}`).toBeAllclose(h1, { rtol: 1e-12, atol: 1e-14 });
      });
    });

    it(`${kind}: padded steps receive exactly zero gradient and do not affect the parameters' gradients`, () => {
      const m = make();
      const loss = (x: Tensor) => {
        const [output, state] = m.forward(x, null, { lengths }) as [Tensor, Tensor | [Tensor, Tensor]];
        const hN = Array.isArray(state) ? state[0].add(state[1]) : state;
        return output.pow(2).sum().add(hN.sum());
      };
      const x1 = padded(21).requiresGrad_(true);
      loss(x1).backward();
      const g1 = [...m.parameters()].map((p) => p.grad as Tensor);
      m.zeroGrad();
      // Other values in the padding: the same loss and the same gradients.
      const x2 = padded(21);
      const d2 = x2.data;
      lengths.forEach((len, b) => {
        for (let t = len; t < T; t++) for (let i = 0; i < 2; i++) d2[(t * 3 + b) * 2 + i] = 100 * (i + 1);
      });
      x2.requiresGrad_(true);
      loss(x2).backward();
      [...m.parameters()].forEach((p, k) => {
        expect(p.grad).toBeAllclose(g1[k], { rtol: 1e-12, atol: 1e-14 });
      });
      const g = x1.grad as Tensor;
      lengths.forEach((len, b) => {
        for (let t = 0; t < T; t++) {
          const row = Array.from(g.data.subarray((t * 3 + b) * 2, (t * 3 + b + 1) * 2));
          if (t >= len) expect(row).toEqual([0, 0]);
          else expect(row.some((v) => v !== 0)).toBe(true);
        }
      });
    });
  }

  it('a prefix mask is the same as lengths; batch-first masks are (B, T)', () => {
    const m = new LSTM(2, 3, { batchFirst: true, bidirectional: true, generator: new Generator(13), ...f64 });
    const x = randn([3, T, 2], { generator: new Generator(14), ...f64 });
    const mask = tensor(lengths.map((len) => Array.from({ length: T }, (_, t) => t < len)));
    const [o1, [h1, c1]] = m.forward(x, null, { lengths });
    const [o2, [h2, c2]] = m.forward(x, null, { mask });
    expect(o2).toBeAllclose(o1, { rtol: 0, atol: 0 });
    expect(h2).toBeAllclose(h1, { rtol: 0, atol: 0 });
    expect(c2).toBeAllclose(c1, { rtol: 0, atol: 0 });
  });

  it('a mask with a hole skips that step, as if it were not there', () => {
    const m = new GRU(2, 3, { generator: new Generator(15), ...f64 });
    const x = randn([T, 1, 2], { generator: new Generator(16), ...f64 });
    const [out, hN] = m.forward(x, null, { mask: tensor([[true], [false], [true], [true]]) });
    const without = x.indexSelect(0, tensor([0, 2, 3], { dtype: 'int32' }));
    const [out2, hN2] = m.forward(without);
    expect(hN).toBeAllclose(hN2, { rtol: 1e-12, atol: 1e-14 });
    expect(out.indexSelect(0, tensor([0, 2, 3], { dtype: 'int32' }))).toBeAllclose(out2, { rtol: 1e-12 });
  });

  it('gradcheck of a masked bidirectional two-layer LSTM, weights included', () => {
    const B = 2;
    const x = randn([3, B, 2], { generator: new Generator(17), ...f64 });
    const m = new LSTM(2, 2, { numLayers: 2, bidirectional: true, generator: new Generator(18), ...f64 });
    const masks = [null, null, tensor([[true], [false]])]; // lengths [3, 2]
    const params = [...m.parameters()].map((p) => p.detach());
    const fn = (xx: Tensor, ...ws: Tensor[]) => {
      const weights = [0, 1, 2, 3].map((k) => ({
        weightIh: ws[4 * k],
        weightHh: ws[4 * k + 1],
        biasIh: ws[4 * k + 2],
        biasHh: ws[4 * k + 3],
      }));
      const xs = [0, 1, 2].map((t) => xx.select(0, t));
      const r = recurrent('lstm', xs, [null, null, null, null], weights, { numLayers: 2, bidirectional: true, masks });
      const [h, c] = r.states[3] as [Tensor, Tensor];
      return cat([r.outputs[1], r.outputs[2], h, c], 1); // (B, 4 + 4 + 2 + 2)
    };
    expect(gradcheck(fn, [x, ...params])).toBe(true);
  });
});

describe('options', () => {
  it('dropout between layers: p = 1 feeds zeros to layer 2 in training, nothing changes in eval', () => {
    const m = new RNN(2, 3, { numLayers: 2, dropout: 1, generator: new Generator(30), ...f64 });
    const x = randn([4, 2, 2], { generator: new Generator(31), ...f64 });
    const top = new RNN(3, 3, f64);
    top.loadStateDict({
      weight_ih_l0: m.weight_ih_l1,
      weight_hh_l0: m.weight_hh_l1,
      bias_ih_l0: m.bias_ih_l1,
      bias_hh_l0: m.bias_hh_l1,
    } as Record<string, Tensor>);
    const [train] = m.forward(x);
    expect(train).toBeAllclose(top.forward(zeros([4, 2, 3], f64))[0], { rtol: 1e-12 });
    const noDrop = new RNN(2, 3, { numLayers: 2, ...f64 });
    noDrop.loadStateDict(m.stateDict());
    expect(m.eval().forward(x)[0]).toBeAllclose(noDrop.forward(x)[0], { rtol: 0, atol: 0 });
  });

  it('h_n is (L·D, B, H) also with batchFirst, and unbatched input gives unbatched results', () => {
    const m = new LSTM(5, 4, { numLayers: 3, bidirectional: true, batchFirst: true });
    const [out, [h, c]] = m.forward(randn([2, 7, 5]));
    expect(out.shape).toEqual([2, 7, 8]);
    expect(h.shape).toEqual([6, 2, 4]);
    expect(c.shape).toEqual([6, 2, 4]);
    const [u, [hu]] = m.forward(randn([7, 5]), [zeros([6, 4]), zeros([6, 4])]);
    expect(u.shape).toEqual([7, 8]);
    expect(hu.shape).toEqual([6, 4]);
  });

  it('inference (one batched input projection) computes what training mode (per-step products) does', () => {
    for (const m of [
      new RNN(3, 4, { numLayers: 2, bidirectional: true, nonlinearity: 'relu', ...f64 }),
      new LSTM(3, 4, { numLayers: 2, bidirectional: true, ...f64 }),
      new GRU(3, 4, { numLayers: 2, bidirectional: true, ...f64 }),
    ]) {
      const x = randn([5, 3, 3], { generator: new Generator(40), ...f64 });
      const [recorded] = m.forward(x, null, { lengths: [5, 2, 4] });
      const [plain] = noGrad(() => m.forward(x, null, { lengths: [5, 2, 4] }));
      expect(recorded.requiresGrad && !plain.requiresGrad).toBe(true);
      expect(plain).toBeAllclose(recorded, { rtol: 1e-12, atol: 1e-14 });
    }
  });

  it('keeps working after Module.to (parameters are looked up by name)', () => {
    const m = new GRU(3, 4, { numLayers: 2 }).to('float64');
    const [out] = m.forward(randn([2, 1, 3], f64));
    expect(out.dtype).toBe('float64');
  });

  it('prints like PyTorch', () => {
    expect(new LSTM(10, 20, { numLayers: 2, batchFirst: true, bidirectional: true }).toString()).toBe(
      'LSTM(10, 20, num_layers=2, batch_first=true, bidirectional=true)',
    );
    expect(new RNN(3, 3, { nonlinearity: 'sigmoid', bias: false }).toString()).toBe(
      'RNN(3, 3, bias=false, nonlinearity=sigmoid)',
    );
  });

  it('draws every parameter from U(-1/√H, 1/√H), reproducibly with a generator', () => {
    const a = new LSTM(3, 16, { generator: new Generator(1) });
    const b = new LSTM(3, 16, { generator: new Generator(1) });
    for (const [[name, p], [, q]] of [...a.namedParameters()].map((e, i) => [e, [...b.namedParameters()][i]])) {
      expect(p.abs().max().item(), name).toBeLessThanOrEqual(0.25);
      expect(p).toBeAllclose(q, { rtol: 0, atol: 0 });
    }
  });
});

describe('errors name the module and the shapes', () => {
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  const cases: [string, () => unknown, RegExp][] = [
    ['rank', () => lstm.forward(zeros([3])), /^LSTM: input must be 3-d \(T, B, I\).*got \(3\)/],
    ['size', () => lstm.forward(zeros([5, 2, 7])), /^LSTM: input \(5,2,7\) must end in inputSize=3/],
    [
      'h_0 shape',
      () => lstm.forward(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])]),
      /^LSTM: expected h_0 of shape \(2,2,4\), got \(1,2,4\)/,
    ],
    ['lengths count', () => lstm.forward(zeros([5, 2, 3]), null, { lengths: [5] }), /expected 2 lengths/],
    ['length range', () => lstm.forward(zeros([5, 2, 3]), null, { lengths: [5, 6] }), /length 6 of sequence 1/],
    [
      'mask shape',
      () => lstm.forward(zeros([5, 2, 3]), null, { mask: zeros([2, 5]) }),
      /^LSTM: mask must have shape \(5,2\)/,
    ],
    ['GRU hx', () => new GRU(3, 4).forward(zeros([5, 2, 3]), zeros([1, 3, 4])), /^GRU: expected hx of shape \(1,2,4\)/],
    ['bad option', () => new RNN(3, 4, { nonlinearity: 'gelu' as never }), /^RNN: unknown nonlinearity "gelu"/],
    ['bad size', () => new LSTM(0, 4), /^LSTM: inputSize must be a positive integer, got 0/],
  ];
  for (const [what, fn, message] of cases) {
    it(what, () => {
      expect(fn).toThrow(TensorError);
      expect(fn).toThrow(message);
    });
  }
});
