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

/** Columns `start .. start + width` of a 2-D `x`. */
function cols(x: Tensor, start: number, width: number): Tensor {
  return apply('slice', [x], { starts: [0, start], steps: [1, 1], shape: [x.shape[0], width] });
}

/** Entry `k` of the leading dim of a `(2, B, H)` tensor, as `(B, H)`. */
function half(x: Tensor, k: number): Tensor {
  const [, b, h] = x.shape;
  const s = apply('slice', [x], { starts: [k, 0, 0], steps: [1, 1, 1], shape: [1, b, h] });
  return apply('reshape', [s], { shape: [b, h] });
}

/**
 * The gradient of lstmCellBackward, i.e. the second derivative of the LSTM cell, in composed ops (so it is
 * itself differentiable). In the forward pass, with `i, f, o = σ(z_·)`, `u = tanh(z_g)`, `t = tanh(c')`,
 * `c' = f·c + i·u`, the backward kernel computed from `(dh, dc')` the total `d = dc' + dh·o·(1-t²)` and
 * `[d·u·i(1-i), d·c·f(1-f), d·i·(1-u²), dh·t·o(1-o), d·f]`. Paired with the upstream gradient
 * `G = [Gi, Gf, Gg, Go, Gc]` that is `L = A·d + Go·dh·t·o(1-o)` with `A = Gi·u·i(1-i) + Gf·c·f(1-f) +
 * Gg·i(1-u²) + Gc·f`; each input's gradient below is ∂L/∂input, with `P = ∂L/∂c'` collecting the paths
 * through `t`.
 */
function lstmCellBackwardRule(G: Tensor, n: Node<'lstmCellBackward'>): (Tensor | null)[] {
  const [gIn, gatesIn, cIn] = n.inputs;
  const gates = n.input(1);
  const c = n.input(2);
  const grad = n.input(0);
  const h = c.shape[1];
  const i = E.sigmoid(cols(gates, 0, h));
  const f = E.sigmoid(cols(gates, h, h));
  const u = E.tanh(cols(gates, 2 * h, h));
  const o = E.sigmoid(cols(gates, 3 * h, h));
  const t = E.tanh(E.add(E.mul(f, c), E.mul(i, u)));
  const dh = half(grad, 0);
  const [Gi, Gf, Gg, Go, Gc] = [0, 1, 2, 3, 4].map((k) => cols(G, k * h, h));
  const si = E.mul(i, E.sub(1, i)); // σ' = σ(1-σ)
  const sf = E.mul(f, E.sub(1, f));
  const so = E.mul(o, E.sub(1, o));
  const su = E.sub(1, E.mul(u, u)); // tanh' = 1 - tanh²
  const st = E.sub(1, E.mul(t, t));
  const d = E.add(half(grad, 1), E.mul(E.mul(dh, o), st));
  const A = E.add(
    E.add(E.mul(E.mul(Gi, u), si), E.mul(E.mul(Gf, c), sf)),
    E.add(E.mul(E.mul(Gg, i), su), E.mul(Gc, f)),
  );
  // ∂L/∂t = -2·A·dh·o·t + Go·dh·o(1-o), and t = tanh(c')
  const P = E.mul(E.mul(dh, E.sub(E.mul(Go, so), E.mul(E.mul(A, o), E.mul(t, 2)))), st);
  let dGrad: Tensor | null = null;
  if (gIn.requiresGrad) {
    const ddh = E.add(E.mul(E.mul(A, o), st), E.mul(E.mul(Go, t), so));
    dGrad = apply(
      'cat',
      [apply('reshape', [ddh], { shape: [1, ...ddh.shape] }), apply('reshape', [A], { shape: [1, ...A.shape] })],
      { axis: 0 },
    );
  }
  let dGates: Tensor | null = null;
  if (gatesIn.requiresGrad) {
    const dzi = E.mul(
      E.add(E.mul(d, E.add(E.mul(E.mul(Gi, u), E.sub(1, E.mul(i, 2))), E.mul(Gg, su))), E.mul(P, u)),
      si,
    );
    const dzf = E.mul(E.add(E.mul(d, E.add(E.mul(E.mul(Gf, c), E.sub(1, E.mul(f, 2))), Gc)), E.mul(P, c)), sf);
    const dzg = E.mul(E.add(E.mul(d, E.sub(E.mul(Gi, si), E.mul(E.mul(Gg, i), E.mul(u, 2)))), E.mul(P, i)), su);
    const dzo = E.mul(E.add(E.mul(E.mul(A, dh), st), E.mul(E.mul(E.mul(Go, dh), t), E.sub(1, E.mul(o, 2)))), so);
    dGates = apply('cat', [dzi, dzf, dzg, dzo], { axis: 1 });
  }
  const dc = cIn.requiresGrad ? E.add(E.mul(E.mul(d, Gf), sf), E.mul(P, f)) : null;
  return [dGrad, dGates, dc, null];
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
  // One kernel gives [dz_i | dz_f | dz_g | dz_o | dc] per row; the columns are split back into the two inputs.
  lstmCell: (g, n) => {
    const [gatesIn, cIn] = n.inputs;
    const h = cIn.shape[1];
    const gates = n.input(0);
    const saved = n.params.saved as Tensor; // set by the forward pass whenever it is recorded
    const both = apply('lstmCellBackward', [E.cast(g, gates.dtype), gates, n.input(1), saved], null); // (B, 5H)
    return [gatesIn.requiresGrad ? cols(both, 0, 4 * h) : null, cIn.requiresGrad ? cols(both, 4 * h, h) : null];
  },
  lstmCellBackward: lstmCellBackwardRule,
};
