/**
 * Lays out a computation graph exported by tensor-core's `traceGraph` for drawing: dagre's layered
 * (Sugiyama) layout, left to right from inputs to output, with the text each node box shows.
 */
import dagre from '@dagrejs/dagre';
import type { Graph, GraphNode } from '@tensorloom/tensor-core';
import { fmt } from './format';

export interface LaidOutNode {
  id: string;
  /** The box's centre and size, in SVG user units. */
  x: number;
  y: number;
  width: number;
  height: number;
  kind: GraphNode['kind'];
  /** Text lines: the name (label, or the op), then `value`, then `grad` where known. */
  lines: string[];
  /** The op that produced the node (`undefined` for leaves). */
  op?: string;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  /** Polyline through dagre's bend points, from the input's box to the result's. */
  points: { x: number; y: number }[];
  /** For collapsed graphs, the hidden ops the edge passes through (`matmul → add`). */
  label?: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

/**
 * Formats a value or gradient array as text lines: a scalar as a number, a short vector in brackets, a small
 * matrix one row per line, anything larger as its shape.
 */
function fmtArray(a: number[], shape: number[]): string[] {
  const row = (r: number[]) => `[${r.map((v) => fmt(v, 3)).join(', ')}]`;
  if (shape.length === 0) return [fmt(a[0])];
  if (shape.length === 1 && a.length <= 4) return [row(a)];
  if (shape.length === 2 && shape[0] <= 4 && shape[1] <= 4) {
    return Array.from({ length: shape[0] }, (_, i) => row(a.slice(i * shape[1], (i + 1) * shape[1])));
  }
  return [`(${shape.join('×')} values)`];
}

/** Prefixes the first line with `label ` (the lines are drawn centred, so the rest need no indent). */
function labelled(label: string, lines: string[]): string[] {
  return lines.map((l, i) => (i === 0 ? `${label} ${l}` : l));
}

/** Options of {@link nodeLines} and {@link layoutGraph}. */
export interface NodeTextOptions {
  /**
   * Name the op that produced a labelled node (default true). Turn it off for collapsed graphs, where a
   * labelled node's own op is only the last of the ops its edges hide (often a reshape).
   */
  showOps?: boolean;
}

/** The text lines of one node's box. */
export function nodeLines(n: GraphNode, options: NodeTextOptions = {}): string[] {
  const name = n.label ?? n.op ?? 'const';
  const head = n.label && n.op && options.showOps !== false ? `${name}  (${n.op})` : name;
  const lines = [head];
  if (n.value) lines.push(...labelled('value', fmtArray(n.value, n.shape)));
  if (n.grad) lines.push(...labelled('grad', fmtArray(n.grad, n.shape)));
  else if (n.value && n.requiresGrad) lines.push('grad —');
  return lines;
}

const CHAR_WIDTH = 7.4; // a generous average advance of the 12.5px text the SVG uses
const LINE_HEIGHT = 17;

/** Options of {@link layoutGraph}. */
export interface LayoutOptions extends NodeTextOptions {
  /** Left to right (default) or top to bottom. */
  rankdir?: 'LR' | 'TB';
  /** Write the hidden ops of a collapsed graph on its edges (default true). */
  edgeLabels?: boolean;
}

/** Lays out `graph` left to right (inputs on the left), sizing each box to its text. */
export function layoutGraph(graph: Graph, options: LayoutOptions = {}): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: options.rankdir ?? 'LR', nodesep: 18, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));

  const texts = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const lines = nodeLines(n, options);
    texts.set(n.id, lines);
    const longest = Math.max(...lines.map((l) => l.length));
    g.setNode(n.id, {
      width: Math.max(72, Math.ceil(longest * CHAR_WIDTH) + 20),
      height: lines.length * LINE_HEIGHT + 14,
    });
  }
  const edgeLabel = (e: Graph['edges'][number]) => (options.edgeLabels === false ? undefined : e.via?.join(' → '));
  // A weight used many times (W in an RNN) feeds many nodes; keeping the other edges short and straight
  // (h_0 → h_1 → h_2, x_t → h_t) matters more for reading the picture than keeping its edges short.
  const fanOut = new Map<string, number>();
  for (const e of graph.edges) fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  graph.edges.forEach((e, i) => {
    const label = edgeLabel(e);
    const size = label ? { width: label.length * CHAR_WIDTH * 0.85, height: 14, labelpos: 'c' as const } : {};
    g.setEdge(e.from, e.to, { ...size, weight: (fanOut.get(e.from) ?? 1) > 2 ? 1 : 4 }, `e${i}`);
  });

  dagre.layout(g);

  const nodes: LaidOutNode[] = graph.nodes.map((n) => {
    const box = g.node(n.id);
    return {
      id: n.id,
      x: box.x ?? 0,
      y: box.y ?? 0,
      width: box.width,
      height: box.height,
      kind: n.kind,
      lines: texts.get(n.id) ?? [],
      op: n.op,
    };
  });
  const edges: LaidOutEdge[] = graph.edges.map((e, i) => {
    const label = edgeLabel(e);
    const points = (g.edge({ v: e.from, w: e.to, name: `e${i}` }).points ?? []).map((p: { x: number; y: number }) => ({
      x: p.x,
      y: p.y,
    }));
    return label ? { from: e.from, to: e.to, points, label } : { from: e.from, to: e.to, points };
  });
  const { width = 0, height = 0 } = g.graph();
  return { width, height, nodes, edges };
}
