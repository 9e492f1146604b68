import { Generator, gradcheck, noGrad, randn, type Tensor, TensorError, zeros } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from './cells';
import { gruCell, lstmCell, recurrentLayer, rnnCell } from './functional';

const f64 = { dtype: 'float64' as const };

function inputs(gates: number, seed: number, B = 2, I = 3, H = 2): Tensor[] {
  const g = new Generator(seed);
  return [
    randn([B, I], { generator: g, ...f64 }),
    randn([B, H], { generator: g, ...f64 }),
    randn([gates * H, I], { generator: g, ...f64 }).mul(0.7),
    randn([gates * H, H], { generator: g, ...f64 }).mul(0.7),
    randn([gates * H], { generator: g, ...f64 }),
    randn([gates * H], { generator: g, ...f64 }),
  ];
}

describe('float64 gradchecks of the cells (every input: x, h, weights, biases)', () => {
  for (const nl of ['tanh', 'sigmoid', 'relu'] as const) {
    it(`rnnCell ${nl}`, () => {
      // relu: inputs away from the kink at 0 (seed chosen so no pre-activation is near it).
      expect(gradcheck((x, h, wi, wh, bi, bh) => rnnCell(x, h, wi, wh, bi, bh, nl), inputs(1, 1))).toBe(true);
    });
  }
  it('lstmCell (h and c)', () => {
    const [x, h, wi, wh, bi, bh] = inputs(4, 2);
    const c = randn([2, 2], { generator: new Generator(3), ...f64 });
    const fn = (xx: Tensor, hh: Tensor, cc: Tensor, a: Tensor, b: Tensor, d: Tensor, e: Tensor) => {
      const [h2, c2] = lstmCell(xx, [hh, cc], a, b, d, e);
      return h2.mul(2).add(c2); // both outputs, weighted differently
    };
    expect(gradcheck(fn, [x, h, c, wi, wh, bi, bh])).toBe(true);
  });
  it('gruCell', () => {
    expect(gradcheck((x, h, wi, wh, bi, bh) => gruCell(x, h, wi, wh, bi, bh), inputs(3, 4))).toBe(true);
  });
  it('gruCell without a state and without bias_hh (the skipped recurrent part)', () => {
    const [x, , wi, wh, bi] = inputs(3, 5);
    expect(gradcheck((xx, a, b) => gruCell(xx, null, a, wh, b, null), [x, wi, bi])).toBe(true);
  });
});

describe('cells as modules', () => {
  it('the course recurrence: RNNCell(d, d, sigmoid, no bias) is σ(W h + U x)', () => {
    const cell = new RNNCell(3, 3, { nonlinearity: 'sigmoid', bias: false, generator: new Generator(1), ...f64 });
    const x = randn([3], { generator: new Generator(2), ...f64 });
    const h = randn([3], { generator: new Generator(3), ...f64 });
    const expected = cell.weight_hh.matmul(h).add(cell.weight_ih.matmul(x)).sigmoid(); // W h + U x
    expect(cell.forward(x, h)).toBeAllclose(expected, { rtol: 1e-14 });
    expect([...cell.stateDict().keys()]).toEqual(['weight_ih', 'weight_hh']);
    expect(cell.toString()).toBe('RNNCell(3, 3, bias=false, nonlinearity=sigmoid)');
  });

  it('a missing state is zeros, computed with so weight_hh gets a zero gradient like in PyTorch', () => {
    const cell = new LSTMCell(3, 2, f64);
    const x = randn([4, 3], f64);
    const [h1] = cell.forward(x);
    const [h2] = cell.forward(x, [zeros([4, 2], f64), zeros([4, 2], f64)]);
    expect(h1).toBeAllclose(h2, { rtol: 0, atol: 0 });
    h1.sum().backward();
    expect(cell.weight_hh.grad?.abs().max().item()).toBe(0);
  });

  it('errors name the cell and the shapes', () => {
    const gru = new GRUCell(3, 4);
    expect(() => gru.forward(zeros([2, 5]))).toThrow(TensorError);
    expect(() => gru.forward(zeros([2, 5]))).toThrow(
      /^GRUCell: input must be \(B, 3\) or unbatched \(3\), got \(2,5\)/,
    );
    expect(() => gru.forward(zeros([2, 3]), zeros([3, 4]))).toThrow(
      /^GRUCell: hx must have shape \(2,4\) for input \(2,3\), got \(3,4\)/,
    );
    expect(() => rnnCell(zeros([2, 3]), null, zeros([4, 2]), zeros([4, 4]))).toThrow(
      /^rnnCell: input must be \(B, 2\) to match weight_ih \(4,2\), got \(2,3\)/,
    );
  });
});

describe('recurrentLayer', () => {
  it('projects all steps with one product when nothing is recorded, and agrees with the per-step path', () => {
    const g = new Generator(7);
    const xs = Array.from({ length: 5 }, () => randn([2, 3], { generator: g, ...f64 }));
    const cell = new LSTMCell(3, 4, { generator: g, ...f64 });
    const w = { weightIh: cell.weight_ih, weightHh: cell.weight_hh, biasIh: cell.bias_ih, biasHh: cell.bias_hh };
    const recorded = recurrentLayer('lstm', xs, null, w, { reverse: true });
    const plain = noGrad(() => recurrentLayer('lstm', xs, null, w, { reverse: true }));
    expect(plain.outputs[0].requiresGrad).toBe(false);
    recorded.outputs.forEach((o, t) => {
      expect(plain.outputs[t]).toBeAllclose(o, { rtol: 1e-12, atol: 1e-14 });
    });
    // The reverse direction's final state is the one after the first step: cell(x_0, state after x_1).
    let state: [Tensor, Tensor] | null = null;
    for (let t = 4; t >= 0; t--) state = cell.forward(xs[t], state);
    expect((plain.state as Tensor[])[0]).toBeAllclose((state as Tensor[])[0], { rtol: 1e-12 });
  });

  it('rejects an empty sequence', () => {
    const cell = new RNNCell(3, 4);
    const w = { weightIh: cell.weight_ih, weightHh: cell.weight_hh, biasIh: null, biasHh: null };
    expect(() => recurrentLayer('rnn', [], null, w)).toThrow(/recurrentLayer: the sequence has no steps/);
  });
});
