import { expect, it } from 'vitest';
import { defaults, run } from './index';

it("computes micrograd's neuron: o = tanh(0.8814) = 0.7071 and do/dn = 0.5", () => {
  const r = run(defaults);
  expect(r.output).toBeCloseTo(Math.SQRT1_2, 6);
  expect(r.grads).toEqual({
    x1: expect.closeTo(-1.5, 6),
    w1: expect.closeTo(1, 6),
    x2: expect.closeTo(0.5, 6),
    w2: expect.closeTo(0, 6),
    b: expect.closeTo(0.5, 6),
    x1·w1: expect.closeTo(0.5, 6),
    x2·w2: expect.closeTo(0.5, 6),
    s: expect.closeTo(0.5, 6),
    n: expect.closeTo(0.5, 6),
    o: 1,
  });
});

it('exports the graph with a value and a gradient on every node', () => {
  const { graph } = run(defaults);
  expect(graph.nodes.map((n) => n.label)).toEqual(['x1', 'w1', 'x1·w1', 'x2', 'w2', 'x2·w2', 's', 'b', 'n', 'o']);
  expect(graph.nodes.map((n) => n.op ?? 'leaf')).toEqual([
    'leaf',
    'leaf',
    'mul',
    'leaf',
    'leaf',
    'mul',
    'add',
    'leaf',
    'add',
    'tanh',
  ]);
  for (const n of graph.nodes) {
    expect(n.value, n.label).toHaveLength(1);
    expect(n.grad, n.label).toHaveLength(1);
  }
  expect(graph.edges).toHaveLength(9);
});

it('follows the chain rule for every activation', () => {
  const input = { x1: 0.5, w1: -1.2, x2: 2, w2: 0.3, b: 0.1 };
  const n = input.x1 * input.w1 + input.x2 * input.w2 + input.b;
  const slopes = {
    tanh: 1 - Math.tanh(n) ** 2,
    sigmoid: (1 / (1 + Math.exp(-n))) * (1 - 1 / (1 + Math.exp(-n))),
    relu: n > 0 ? 1 : 0,
  };
  for (const activation of ['tanh', 'sigmoid', 'relu'] as const) {
    const r = run({ ...input, activation });
    const d = slopes[activation];
    expect(r.grads.n, activation).toBeCloseTo(d, 6);
    expect(r.grads.w1, activation).toBeCloseTo(d * input.x1, 6);
    expect(r.grads.x2, activation).toBeCloseTo(d * input.w2, 6);
    expect(r.grads.b, activation).toBeCloseTo(d, 6);
  }
});
