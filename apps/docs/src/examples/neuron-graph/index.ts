/**
 * One neuron, o = act(x1·w1 + x2·w2 + b), built from scalar tensors. backward() fills in the gradient of
 * o with respect to every node, and traceGraph exports the computation graph with values and gradients.
 */
import { type Graph, type Tensor, tensor, traceGraph } from '@tensorloom/tensor-core';

export interface NeuronInput {
  x1: number;
  w1: number;
  x2: number;
  w2: number;
  b: number;
  activation: 'tanh' | 'sigmoid' | 'relu';
}

export interface NeuronResult {
  /** The neuron's output o. */
  output: number;
  /** do/d(node) for every labelled node. */
  grads: Record<string, number>;
  /** The computation graph, inputs first, with each node's value and gradient. */
  graph: Graph;
}

/** A scalar leaf that autograd tracks, named for the graph. */
function leaf(value: number, label: string): Tensor {
  const t = tensor(value, { dtype: 'float64', requiresGrad: true }); // float64: gradients print as -1.5, not -1.5000004
  t.label = label;
  return t;
}

/** Names an intermediate result and asks backward() to keep its gradient (by default only leaves keep one). */
function named(t: Tensor, label: string): Tensor {
  t.label = label;
  return t.retainGrad();
}

export function run({ x1, w1, x2, w2, b, activation }: NeuronInput): NeuronResult {
  const nodes = [leaf(x1, 'x1'), leaf(w1, 'w1'), leaf(x2, 'x2'), leaf(w2, 'w2'), leaf(b, 'b')];
  const [x1t, w1t, x2t, w2t, bt] = nodes;

  const x1w1 = named(x1t.mul(w1t), 'x1·w1');
  const x2w2 = named(x2t.mul(w2t), 'x2·w2');
  const s = named(x1w1.add(x2w2), 's');
  const n = named(s.add(bt), 'n');
  const o = named(n[activation](), 'o');

  o.backward(); // do/do = 1, then the chain rule backwards through every op

  const grads: Record<string, number> = {};
  for (const t of [...nodes, x1w1, x2w2, s, n, o]) grads[t.label as string] = t.grad?.item() ?? 0;
  return { output: o.item(), grads, graph: traceGraph(o, { includeValues: true }) };
}

/** The values from micrograd's neuron example: n ≈ 0.8814, so o = tanh(n) ≈ 0.7071 and do/dn = 1 - o² ≈ 0.5. */
export const defaults: NeuronInput = { x1: 2, w1: -3, x2: 0, w2: 1, b: 6.8813735870195432, activation: 'tanh' };
