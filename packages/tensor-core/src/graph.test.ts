import { describe, expect, it } from 'vitest';
import { traceGraph } from './graph';
import { matmul, randn, sigmoid, tensor, zeros } from './index';

describe('traceGraph', () => {
  it('exports every recorded op with shapes, inputs first', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    a.label = 'a';
    const b = a.mul(3).sum();
    const g = traceGraph(b);
    expect(g.nodes.map((n) => n.op ?? n.label ?? 'leaf')).toEqual(['a', 'leaf', 'mul', 'sum']);
    expect(g.nodes[3].shape).toEqual([]);
    expect(g.edges).toEqual([
      { from: 't0', to: 't2', inputIndex: 0 },
      { from: 't1', to: 't2', inputIndex: 1 },
      { from: 't2', to: 't3', inputIndex: 0 },
    ]);
  });

  it('draws the course RNN unfolded for t = 1..3 when collapsed to labelled tensors', () => {
    // h_t = σ(W h_{t-1} + U x_t), h_0 = 0 (exercise 6-1)
    const d = 3;
    const W = randn([d, d], { requiresGrad: true });
    W.label = 'W';
    const U = randn([d, d], { requiresGrad: true });
    U.label = 'U';
    let h = zeros([d]);
    h.label = 'h_0';
    const hs = [];
    for (let t = 1; t <= 3; t++) {
      const x = randn([d]);
      x.label = `x_${t}`;
      h = sigmoid(matmul(W, h).add(matmul(U, x)));
      h.label = `h_${t}`;
      hs.push(h);
    }
    const g = traceGraph(h, { collapse: true });
    const label = (id: string) => g.nodes.find((n) => n.id === id)?.label;
    const labels = g.nodes.map((n) => n.label).sort();
    expect(labels).toEqual(['U', 'W', 'h_0', 'h_1', 'h_2', 'h_3', 'x_1', 'x_2', 'x_3'].sort());
    const pairs = g.edges.map((e) => `${label(e.from)}->${label(e.to)}`).sort();
    expect(pairs).toEqual(
      [
        'W->h_1',
        'h_0->h_1',
        'U->h_1',
        'x_1->h_1',
        'W->h_2',
        'h_1->h_2',
        'U->h_2',
        'x_2->h_2',
        'W->h_3',
        'h_2->h_3',
        'U->h_3',
        'x_3->h_3',
      ].sort(),
    );
    const wToH1 = g.edges.find((e) => label(e.from) === 'W' && label(e.to) === 'h_1');
    expect(wToH1?.via).toEqual(['matmul', 'reshape', 'add']);
    expect(g.nodes.find((n) => n.label === 'h_1')?.op).toBe('sigmoid');
  });

  it('includes values and gradients of small tensors on request', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x);
    y.retainGrad();
    y.sum().backward();
    const g = traceGraph(y, { includeValues: true });
    expect(g.nodes.find((n) => n.kind === 'leaf')?.grad).toEqual([4]);
    expect(g.nodes.find((n) => n.op === 'mul')?.value).toEqual([4]);
  });
});
