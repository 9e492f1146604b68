import { expect, it } from 'vitest';
import { defaults, run } from '../examples/neuron-graph/index';
import { fmt } from './format';
import { layoutGraph, nodeLines } from './graph-layout';

it('lays the graph out left to right with no overlapping boxes', () => {
  const { graph } = run(defaults);
  const layout = layoutGraph(graph);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  expect(layout.nodes).toHaveLength(graph.nodes.length);
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    expect(from && to && from.x < to.x, `${e.from} → ${e.to}`).toBe(true);
  }
  for (const a of layout.nodes) {
    expect(a.x - a.width / 2).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width / 2).toBeLessThanOrEqual(layout.width);
    for (const b of layout.nodes) {
      if (a === b) continue;
      const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
      expect(apart, `${a.lines[0]} / ${b.lines[0]}`).toBe(true);
    }
  }
  for (const e of layout.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
});

it("writes each node's name, op, value and gradient", () => {
  const { graph } = run(defaults);
  const o = graph.nodes.find((n) => n.label === 'o');
  expect(o && nodeLines(o)).toEqual(['o  (tanh)', 'value 0.7071', 'grad 1']);
  const x1 = graph.nodes.find((n) => n.label === 'x1');
  expect(x1 && nodeLines(x1)).toEqual(['x1', 'value 2', 'grad -1.5']);
});

it('labels the edges of a collapsed graph with the ops they hide', () => {
  const layout = layoutGraph({
    nodes: [
      { id: 'a', kind: 'leaf', shape: [2], dtype: 'float32', requiresGrad: true, label: 'W' },
      { id: 'b', kind: 'op', op: 'sigmoid', shape: [2], dtype: 'float32', requiresGrad: true, label: 'h_1' },
    ],
    edges: [{ from: 'a', to: 'b', inputIndex: 0, via: ['matmul', 'add'] }],
  });
  expect(layout.edges[0].label).toBe('matmul → add');
});

it('prints numbers with at most 4 decimals', () => {
  expect(fmt(0.017668420448)).toBe('0.0177');
  expect(fmt(-0.00001)).toBe('0');
  expect(fmt(2)).toBe('2');
  expect(fmt(403.4287934927351, 3)).toBe('403.429');
  expect(fmt(Number.POSITIVE_INFINITY)).toBe('∞');
});

it('prints small matrices one row per line and can leave out the ops of collapsed nodes', () => {
  const node = {
    id: 't0',
    kind: 'op' as const,
    op: 'reshape' as const,
    shape: [2, 2],
    dtype: 'float32' as const,
    requiresGrad: true,
    label: 'W',
    value: [1, 2, 3, 4],
    grad: [0.5, 0, 0, -0.25],
  };
  expect(nodeLines(node)).toEqual(['W  (reshape)', 'value [1, 2]', '[3, 4]', 'grad [0.5, 0]', '[0, -0.25]']);
  expect(nodeLines(node, { showOps: false })[0]).toBe('W');
});
