import * as E from '../ops/elementwise';
import * as I from '../ops/indexing';
import * as R from '../ops/reduce';
import type { Tensor } from '../tensor';
import type { Node } from './engine';
import { apply } from './engine';
import type { Primitive } from './primitives';

/**
 * A vector-Jacobian product: given the gradient `g` of the output, the gradient of each input (null where an
 * input gets none). Rules are written with differentiable ops, so with `createGraph` the backward pass is
 * itself recorded and can be differentiated again. Rules return gradients in the *output's* broadcast
 * shape and dtype; the engine sums them back to each input's shape (`sumToShape`) and casts, in one place.
 */
type Rule<P extends Primitive> = (g: Tensor, node: Node<P>) => (Tensor | null)[];

/** Sums `g` over the dims that broadcasting expanded, giving a tensor of `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.shape.length; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  }
  const s = axes.length > 0 ? apply('sum', [g], { axes, keepdim: true }) : g;
  return apply('reshape', [s], { shape: shape.slice() });
}

/** A 0/1 (or 0.5 on ties) float mask, used as a constant in rules. */
function mask(t: Tensor, dtype: Tensor['dtype']): Tensor {
  return E.cast(t, dtype);
}

/** `g` reshaped to the input's rank with size-1 reduced dims, ready to broadcast back over them. */
function keepDims(g: Tensor, inShape: readonly number[], axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return g;
  return apply('reshape', [g], { shape: inShape.map((d, i) => (axes.includes(i) ? 1 : d)) });
}

function extremumRule(g: Tensor, node: Node<'max'> | Node<'min'>): (Tensor | null)[] {
  // In the forward pass y = max over axes; the gradient goes to the entries equal to y, split evenly on ties.
  const x = node.input(0);
  const { axes, keepdim } = node.params;
  const y = keepDims(node.out(), x.shape, axes, keepdim);
  const m = mask(E.eq(x, y.detach()), x.dtype);
  const count = R.sum(m, axes, true);
  return [E.div(E.mul(keepDims(g, x.shape, axes, keepdim), m), count)];
}

/** The gradient table: one rule per primitive, enforced by the type. */
export const rules: { [P in Primitive]: Rule<P> } = {
  // d(-x) = -dy
  neg: (g) => [E.neg(g)],
  // d e^x = e^x dy
  exp: (g, n) => [E.mul(g, n.out())],
  // d log x = dy / x
  log: (g, n) => [E.div(g, n.input(0))],
  // d log(1+x) = dy / (1+x)
  log1p: (g, n) => [E.div(g, E.add(n.input(0), 1))],
  // d √x = dy / (2√x)
  sqrt: (g, n) => [E.div(g, E.mul(n.out(), 2))],
  // d|x| = sign(x) dy
  abs: (g, n) => [E.mul(g, E.sign(n.input(0)))],
  // d σ(x) = σ(1-σ) dy
  sigmoid: (g, n) => {
    const y = n.out();
    return [E.mul(g, E.mul(y, E.sub(1, y)))];
  },
  // d tanh(x) = (1 - y²) dy
  tanh: (g, n) => {
    const y = n.out();
    return [E.mul(g, E.sub(1, E.mul(y, y)))];
  },
  // d relu(x) = [x > 0] dy
  relu: (g, n) => [E.where(E.gt(n.input(0), 0), g, 0)],
  // d erf(x) = 2/√π e^{-x²} dy
  erf: (g, n) => {
    const x = n.input(0);
    return [E.mul(g, E.mul(E.exp(E.neg(E.mul(x, x))), 2 / Math.sqrt(Math.PI)))];
  },
  // d sin x = cos x dy
  sin: (g, n) => [E.mul(g, E.cos(n.input(0)))],
  // d cos x = -sin x dy
  cos: (g, n) => [E.neg(E.mul(g, E.sin(n.input(0))))],
  // d(a+b) = (da + db) dy
  add: (g) => [g, g],
  // d(a-b) = da - db
  sub: (g, n) => [g, n.inputs[1].requiresGrad ? E.neg(g) : null],
  // d(ab) = b da + a db
  mul: (g, n) => [
    n.inputs[0].requiresGrad ? E.mul(g, n.input(1)) : null,
    n.inputs[1].requiresGrad ? E.mul(g, n.input(0)) : null,
  ],
  // d(a/b) = da / b - (a/b²) db = da / b - y/b db
  div: (g, n) => {
    const b = n.input(1);
    return [
      n.inputs[0].requiresGrad ? E.div(g, b) : null,
      n.inputs[1].requiresGrad ? E.neg(E.div(E.mul(g, n.out()), b)) : null,
    ];
  },
  // d a^b = b a^(b-1) da + a^b log(a) db; PyTorch's conventions at b = 0 and at a = 0 (b ≥ 0) give 0.
  pow: (g, n) => {
    const a = n.input(0);
    const b = n.input(1);
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = E.mul(g, E.mul(b, E.pow(a, E.sub(b, 1))));
      if (b.data.includes(0)) da = E.where(E.eq(b, 0), E.zerosLikeConst(da), da);
    }
    if (b.requiresGrad) {
      const full = E.mul(g, E.mul(n.out(), E.log(a)));
      db = E.where(E.logicalAnd(E.eq(a, 0), E.ge(b, 0)), E.zerosLikeConst(full), full);
    }
    return [da, db];
  },
  // d max(a,b) = [a>b] da + [b>a] db, ties split in half (as torch.maximum)
  maximum: (g, n) => {
    const a = n.input(0);
    const b = n.input(1);
    const ma = E.add(mask(E.gt(a, b), g.dtype), E.mul(mask(E.eq(a, b), g.dtype), 0.5));
    return [E.mul(g, ma), E.mul(g, E.sub(1, ma))];
  },
  minimum: (g, n) => {
    const a = n.input(0);
    const b = n.input(1);
    const ma = E.add(mask(E.lt(a, b), g.dtype), E.mul(mask(E.eq(a, b), g.dtype), 0.5));
    return [E.mul(g, ma), E.mul(g, E.sub(1, ma))];
  },
  // where(c, a, b): the gradient follows the branch that was taken
  where: (g, n) => {
    const c = n.input(0);
    const zero = E.zerosLikeConst(g);
    return [
      null,
      n.inputs[1].requiresGrad ? E.where(c, g, zero) : null,
      n.inputs[2].requiresGrad ? E.where(c, zero, g) : null,
    ];
  },
  // the engine casts the gradient back to the input dtype
  cast: (g) => [g],
  // d sum = dy broadcast over the reduced axes
  sum: (g, n) => {
    const x = n.inputs[0];
    return [apply('expand', [keepDims(g, x.shape, n.params.axes, n.params.keepdim)], { shape: x.shape.slice() })];
  },
  max: extremumRule,
  min: extremumRule,
  // y_j = Σ_{t≤j} x_t, so dx_t = Σ_{j≥t} dy_j: a running sum from the far end, flip(cumsum(flip(dy)))
  cumsum: (g, n) => {
    const axes = [n.params.axis];
    const reversed = apply('flip', [g], { axes });
    return [apply('flip', [apply('cumsum', [reversed], n.params)], { axes })];
  },
  // C = op(A)·op(B): d op(A) = G·op(B)ᵀ, d op(B) = op(A)ᵀ·G; flags fold the transposes in, no copies.
  matmul: (g, n) => {
    const { transA, transB } = n.params;
    const [A, B] = n.inputs;
    let dA: Tensor | null = null;
    let dB: Tensor | null = null;
    if (A.requiresGrad) {
      const b = n.input(1);
      dA = transA
        ? apply('matmul', [b, g], { transA: transB, transB: true }) // dA = op(B)·Gᵀ
        : apply('matmul', [g, b], { transA: false, transB: !transB }); // dA = G·op(B)ᵀ
    }
    if (B.requiresGrad) {
      const a = n.input(0);
      dB = transB
        ? apply('matmul', [g, a], { transA: true, transB: transA }) // dB = Gᵀ·op(A)
        : apply('matmul', [a, g], { transA: !transA, transB: false }); // dB = op(A)ᵀ·G
    }
    return [dA, dB];
  },
  reshape: (g, n) => [apply('reshape', [g], { shape: n.inputs[0].shape.slice() })],
  permute: (g, n) => {
    const inv = new Array<number>(n.params.perm.length);
    n.params.perm.forEach((p, i) => {
      inv[p] = i;
    });
    return [apply('permute', [g], { perm: inv })];
  },
  // summing back over broadcast dims is the engine's job
  expand: (g) => [g],
  slice: (g, n) => [
    apply('unslice', [g], { starts: n.params.starts, steps: n.params.steps, shape: n.inputs[0].shape.slice() }),
  ],
  unslice: (g, n) => [
    apply('slice', [g], { starts: n.params.starts, steps: n.params.steps, shape: n.inputs[0].shape.slice() }),
  ],
  flip: (g, n) => [apply('flip', [g], n.params)],
  cat: (g, n) => {
    const axis = n.params.axis;
    let at = 0;
    return n.inputs.map((x) => {
      const starts = g.shape.map((_, d) => (d === axis ? at : 0));
      at += x.shape[axis];
      return x.requiresGrad
        ? apply('slice', [g], { starts, steps: g.shape.map(() => 1), shape: x.shape.slice() })
        : null;
    });
  },
  indexSelect: (g, n) => {
    const x = n.inputs[0];
    return [apply('indexAdd', [E.zerosLikeConst(x, g.dtype), n.input(1), g], { axis: n.params.axis }), null];
  },
  indexAdd: (g, n) => [g, null, n.inputs[2].requiresGrad ? I.indexSelect(g, n.params.axis, n.input(1)) : null],
  gather: (g, n) => {
    const x = n.inputs[0];
    return [apply('scatterAdd', [E.zerosLikeConst(x, g.dtype), n.input(1), g], { axis: n.params.axis }), null];
  },
  scatterAdd: (g, n) => [
    g,
    null,
    n.inputs[2].requiresGrad ? apply('gather', [g, n.input(1)], { axis: n.params.axis }) : null,
  ],
  // unfold and fold are adjoint linear maps: each one's gradient is the other
  unfold: (g, n) => {
    const x = n.inputs[0];
    return [apply('fold', [g], { ...n.params, outputSize: [x.shape[2], x.shape[3]] })];
  },
  // The adjoint reads zeros outside the image whatever value the forward unfold padded with: a fold recorded
  // in the backward pass of a max pool carries its padValue of -∞, which must not reach the gradient.
  fold: (g, n) => {
    const { outputSize: _, ...p } = n.params;
    return [apply('unfold', [g], { ...p, padValue: 0 })];
  },
};
