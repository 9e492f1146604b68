import type { Primitive } from './autograd/primitives';
import type { DType } from './dtype';
import type { Tensor } from './tensor';

/** One tensor in an exported autograd graph. */
export interface GraphNode {
  /** Unique within one export, e.g. `"t3"`. */
  id: string;
  /** `leaf`: created by the user (input or parameter); `op`: produced by a recorded primitive. */
  kind: 'leaf' | 'op';
  /** The primitive that produced an `op` node. */
  op?: Primitive;
  shape: number[];
  dtype: DType;
  /** The tensor's `label`, if it has one (e.g. `"h_2"`, `"W"`). */
  label?: string;
  requiresGrad: boolean;
  /** The values (when `includeValues` is set and the tensor is small). */
  value?: number[];
  /** The gradient held in `.grad` (leaves, or tensors that called `retainGrad()`), under the same conditions. */
  grad?: number[];
}

/** An edge from an input tensor to the tensor computed from it. */
export interface GraphEdge {
  from: string;
  to: string;
  /** Which input of the op this edge feeds (0 for the first operand). */
  inputIndex: number;
  /** With `collapse`, the primitives of the hidden intermediate nodes this edge passes through, in order. */
  via?: Primitive[];
}

/** A computation graph as plain data, ready to draw or serialise. Nodes come inputs-first. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Options of {@link traceGraph}. */
export interface TraceOptions {
  /**
   * Hide unlabelled intermediate tensors and connect their inputs straight to their consumers, keeping the
   * hidden ops in `edge.via`. Leaves and the traced outputs are always kept. Use it to draw the graph at the
   * level of named quantities (x_t, h_t, W, U) rather than every add and matmul.
   */
  collapse?: boolean;
  /** Include `value` and `grad` arrays for tensors of at most `maxValueSize` elements. */
  includeValues?: boolean;
  /** Size limit for `includeValues` (default 64). */
  maxValueSize?: number;
}

/**
 * Exports the autograd graph that produced `outputs` as plain data (nodes with op name, shape and label;
 * edges from inputs to results), so documentation can draw computation graphs such as an unfolded RNN.
 * Only tensors that require grad are recorded on the tape: constants used by an op appear as leaves.
 *
 * @example
 * ```ts
 * const W = randn([3, 3], { requiresGrad: true }); W.label = 'W';
 * const h = sigmoid(matmul(W, x)); h.label = 'h_1';
 * const g = traceGraph(h, { collapse: true }); // nodes W, x, h_1; edges W→h_1, x→h_1 via matmul, sigmoid
 * ```
 */
export function traceGraph(outputs: Tensor | readonly Tensor[], options: TraceOptions = {}): Graph {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const maxValue = options.maxValueSize ?? 64;
  const ids = new Map<Tensor, string>();
  const nodes: GraphNode[] = [];
  let edges: GraphEdge[] = [];

  // Iterative post-order walk so inputs are listed before the tensors computed from them.
  const visit = (root: Tensor) => {
    const stack: [Tensor, number][] = [[root, 0]];
    const onStack = new Set<Tensor>([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      const inputs = t.gradFn?.inputs ?? [];
      if (i < inputs.length) {
        top[1]++;
        const child = inputs[i];
        if (!ids.has(child) && !onStack.has(child)) {
          onStack.add(child);
          stack.push([child, 0]);
        }
        continue;
      }
      stack.pop();
      const id = `t${ids.size}`;
      ids.set(t, id);
      const node: GraphNode = {
        id,
        kind: t.gradFn ? 'op' : 'leaf',
        shape: t.shape.slice(),
        dtype: t.dtype,
        requiresGrad: t.requiresGrad,
      };
      if (t.gradFn) node.op = t.gradFn.prim;
      if (t.label !== undefined) node.label = t.label;
      if (options.includeValues && t.size <= maxValue) {
        node.value = Array.from(t.data, Number);
        if (t.grad) node.grad = Array.from(t.grad.data, Number);
      }
      nodes.push(node);
      inputs.forEach((x, k) => {
        edges.push({ from: ids.get(x) as string, to: id, inputIndex: k });
      });
    }
  };
  for (const o of outs) if (!ids.has(o)) visit(o);

  if (!options.collapse) return { nodes, edges };

  const keep = new Set<string>(outs.map((o) => ids.get(o) as string));
  for (const n of nodes) if (n.kind === 'leaf' || n.label !== undefined) keep.add(n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Nodes are in topological order, so removing them in order threads every path through once.
  for (const n of nodes) {
    if (keep.has(n.id)) continue;
    const incoming = edges.filter((e) => e.to === n.id);
    const outgoing = edges.filter((e) => e.from === n.id);
    edges = edges.filter((e) => e.to !== n.id && e.from !== n.id);
    for (const a of incoming) {
      for (const b of outgoing) {
        const via = [...(a.via ?? []), byId.get(n.id)?.op as Primitive, ...(b.via ?? [])];
        edges.push({ from: a.from, to: b.to, inputIndex: b.inputIndex, via });
      }
    }
  }
  // Parallel paths between the same pair (e.g. x used twice) collapse into one edge.
  const seen = new Set<string>();
  edges = edges.filter((e) => {
    const key = `${e.from}>${e.to}>${(e.via ?? []).join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { nodes: nodes.filter((n) => keep.has(n.id)), edges };
}
