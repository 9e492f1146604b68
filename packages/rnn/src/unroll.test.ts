import { Generator, randn, type Tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { LSTMCell, RNNCell } from './cells';
import { unroll } from './unroll';

describe('unroll (exercise 6-1a: the unfolded RNN for t = 1..3)', () => {
  const cell = () => new RNNCell(2, 2, { nonlinearity: 'sigmoid', bias: false, generator: new Generator(1) });

  it('exposes every state h_0..h_3, each σ(W h_{t-1} + U x_t), h_0 = 0', () => {
    const c = cell();
    const x = randn([3, 2], { generator: new Generator(2) });
    const u = unroll(c, x);
    expect(u.hidden.map((h) => h.label)).toEqual(['h_0', 'h_1', 'h_2', 'h_3']);
    expect(u.inputs.map((t) => t.label)).toEqual(['x_1', 'x_2', 'x_3']);
    expect(u.hidden[0].toArray()).toEqual([0, 0]);
    for (let t = 1; t <= 3; t++) {
      const expected = c.weight_hh
        .matmul(u.hidden[t - 1])
        .add(c.weight_ih.matmul(u.inputs[t - 1]))
        .sigmoid();
      expect(u.hidden[t]).toBeAllclose(expected, { rtol: 1e-6 });
    }
  });

  it('its collapsed graph has exactly the nodes x_1..x_3, h_0..h_3, W, U and the recurrence edges', () => {
    const u = unroll(cell(), randn([3, 2], { generator: new Generator(3) }));
    const g = u.graph();
    const labels = g.nodes.map((n) => n.label);
    expect(new Set(labels)).toEqual(new Set(['x_1', 'x_2', 'x_3', 'h_0', 'h_1', 'h_2', 'h_3', 'W', 'U']));
    expect(labels.length).toBe(9);
    const byId = new Map(g.nodes.map((n) => [n.id, n.label]));
    const edges = g.edges.map((e) => `${byId.get(e.from)}→${byId.get(e.to)}`).sort();
    const expected: string[] = [];
    for (let t = 1; t <= 3; t++) expected.push(`W→h_${t}`, `U→h_${t}`, `x_${t}→h_${t}`, `h_${t - 1}→h_${t}`);
    expect(edges).toEqual(expected.sort());
    // Every edge passes through the product, the sum and the sigmoid.
    for (const e of g.edges) {
      expect(e.via).toContain('matmul');
      expect(e.via?.at(-1)).toBe('sigmoid');
    }
  });

  it('batched inputs, a given h_0, and an LSTM cell with c_t', () => {
    const lstm = new LSTMCell(2, 3, { bias: false });
    const h0 = randn([4, 3]);
    const u = unroll(lstm, randn([3, 4, 2]), { h0 });
    expect(u.hidden.map((h) => h.shape)).toEqual([
      [4, 3],
      [4, 3],
      [4, 3],
      [4, 3],
    ]);
    expect(u.hidden[0]).toBe(h0);
    expect(u.cell?.map((c) => c.label)).toEqual(['c_0', 'c_1', 'c_2', 'c_3']);
    const labels = new Set(u.graph().nodes.map((n) => n.label));
    for (const l of ['x_1', 'x_3', 'h_0', 'h_3', 'c_0', 'c_3', 'W', 'U']) expect(labels.has(l)).toBe(true);
  });

  it('labels: false leaves every tensor unnamed', () => {
    const c = new RNNCell(2, 2);
    const u = unroll(c, [randn([2]), randn([2])], { labels: false });
    expect(u.hidden.every((h: Tensor) => h.label === undefined)).toBe(true);
    expect(c.weight_hh.label).toBeUndefined();
  });
});
