import type { BinaryOp, UnaryOp } from '../backend/backend';
import { getBackend } from '../backend/backend';
import type { DType } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { broadcastShapes, broadcastStrides, checkAllocation, shapeSize, shapesEqual, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { isGradEnabled } from './mode';
import type { Primitive, PrimitiveParams, UnfoldParams } from './primitives';

type Forward = { [P in Primitive]: (inputs: Tensor[], params: PrimitiveParams[P]) => Tensor };

/** A fresh zero-filled tensor from the active backend. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(getBackend().alloc(dtype, shapeSize(shape)), shape, dtype);
}

function unaryFwd(op: UnaryOp) {
  return ([x]: Tensor[]): Tensor => {
    const out = empty(x.shape, x.dtype);
    getBackend().unary(op, x.data, out.data);
    return out;
  };
}

/**
 * Runs a broadcasting binary kernel into a fresh tensor of `outDtype` (the operands' dtype for arithmetic,
 * bool for comparisons).
 */
export function broadcastBinary(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType): Tensor {
  // Equal shapes need no broadcasting; equal rank and size is not enough ((3,1) + (1,3) is (3,3)).
  let shape = a.shape;
  if (!shapesEqual(a.shape, b.shape)) {
    shape = broadcastShapes(op, a.shape, b.shape);
    checkAllocation(op, shape);
  }
  const out = empty(shape, outDtype);
  const be = getBackend();
  be.binary(op, a.data, broadcastStrides(a.shape, shape), b.data, broadcastStrides(b.shape, shape), out.data, shape);
  return out;
}

function binaryFwd(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum') {
  return ([a, b]: Tensor[]): Tensor => broadcastBinary(op, a, b, a.dtype);
}

function reduceFwd(op: 'sum' | 'max' | 'min') {
  return ([x]: Tensor[], { axes, keepdim }: { axes: number[]; keepdim: boolean }): Tensor => {
    if (op !== 'sum') {
      for (const a of axes) {
        if (x.shape[a] === 0) {
          throw new TensorError(
            op,
            `cannot reduce over dim ${a} of size 0 in a tensor of shape ${fmtShape(x.shape)}: there is no identity for ${op}`,
          );
        }
      }
    }
    return reduceAxes(op, x, axes, keepdim);
  };
}

/**
 * Reduces `axes` by viewing x as (outer, r, inner) blocks: adjacent reduced axes merge into one `r`;
 * separated groups are reduced one after another, last group first so earlier axis numbers stay valid.
 */
export function reduceAxes(op: 'sum' | 'max' | 'min', x: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const be = getBackend();
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  let cur = x.data;
  let curShape = x.shape.slice();
  // Groups of consecutive axes, processed from the last.
  const groups: [number, number][] = [];
  for (const a of axes) {
    const g = groups[groups.length - 1];
    if (g && g[1] === a - 1) g[1] = a;
    else groups.push([a, a]);
  }
  if (groups.length === 0) {
    const out = empty(keepdim ? outShape : x.shape.slice(), x.dtype);
    out.data.set(x.data);
    return out;
  }
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const [lo, hi] = groups[gi];
    let outer = 1;
    for (let d = 0; d < lo; d++) outer *= curShape[d];
    let r = 1;
    for (let d = lo; d <= hi; d++) r *= curShape[d];
    let inner = 1;
    for (let d = hi + 1; d < curShape.length; d++) inner *= curShape[d];
    const next = be.alloc(x.dtype, outer * inner);
    be.reduce(op, cur, outer, r, inner, next);
    cur = next;
    curShape = curShape.map((d, i) => (i >= lo && i <= hi ? 1 : d));
  }
  const shape = keepdim ? outShape : x.shape.filter((_, i) => !axes.includes(i));
  return new Tensor(cur, shape, x.dtype);
}

function unfoldGeometry(op: string, shape: readonly number[], p: UnfoldParams) {
  const [n, c, h, w] = shape;
  const [kh, kw] = p.kernelSize;
  const outH = Math.floor((h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) / p.stride[0]) + 1;
  const outW = Math.floor((w + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) / p.stride[1]) + 1;
  if (outH <= 0 || outW <= 0) {
    throw new TensorError(
      op,
      `input of shape ${fmtShape(shape)} is too small for kernel (${kh},${kw}) with padding (${p.padding}) and dilation (${p.dilation}): the output would be ${outH}x${outW}`,
    );
  }
  return {
    n,
    c,
    h,
    w,
    kh,
    kw,
    strideH: p.stride[0],
    strideW: p.stride[1],
    padH: p.padding[0],
    padW: p.padding[1],
    dilationH: p.dilation[0],
    dilationW: p.dilation[1],
    outH,
    outW,
    padValue: p.padValue,
  };
}

/** The forward implementation of every primitive. Inputs were validated by the public op. */
export const forward: Forward = {
  neg: unaryFwd('neg'),
  exp: unaryFwd('exp'),
  log: unaryFwd('log'),
  log1p: unaryFwd('log1p'),
  sqrt: unaryFwd('sqrt'),
  abs: unaryFwd('abs'),
  sigmoid: unaryFwd('sigmoid'),
  tanh: unaryFwd('tanh'),
  relu: unaryFwd('relu'),
  erf: unaryFwd('erf'),
  sin: unaryFwd('sin'),
  cos: unaryFwd('cos'),
  add: binaryFwd('add'),
  sub: binaryFwd('sub'),
  mul: binaryFwd('mul'),
  div: binaryFwd('div'),
  pow: binaryFwd('pow'),
  maximum: binaryFwd('maximum'),
  minimum: binaryFwd('minimum'),
  where([c, a, b]) {
    const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
    checkAllocation('where', shape);
    const out = empty(shape, a.dtype);
    getBackend().where(
      c.data,
      broadcastStrides(c.shape, shape),
      a.data,
      broadcastStrides(a.shape, shape),
      b.data,
      broadcastStrides(b.shape, shape),
      out.data,
      shape,
    );
    return out;
  },
  cast([x], { dtype }) {
    const out = empty(x.shape, dtype);
    getBackend().cast(x.data, out.data);
    return out;
  },
  sum: reduceFwd('sum'),
  max: reduceFwd('max'),
  min: reduceFwd('min'),
  cumsum([x], { axis }) {
    const out = empty(x.shape, x.dtype);
    const [outer, inner] = outerInner(x.shape, axis);
    getBackend().cumsum(x.data, outer, x.shape[axis], inner, out.data);
    return out;
  },
  matmul([a, b], { transA, transB }) {
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kb) {
      throw new TensorError(
        'matmul',
        `${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: inner dimensions ${k} and ${kb} differ`,
      );
    }
    const aBatch = a.shape.slice(0, ra - 2);
    const bBatch = b.shape.slice(0, rb - 2);
    const batchShape = broadcastShapes('matmul', aBatch, bBatch);
    const outShape = [...batchShape, m, n];
    checkAllocation('matmul', outShape);
    const out = empty(outShape, a.dtype);
    // Batch strides in elements: each matrix is m·k (resp. k·n) elements; broadcast batch dims get 0.
    const aStr = broadcastStrides(aBatch, batchShape).map((s) => s * m * k);
    const bStr = broadcastStrides(bBatch, batchShape).map((s) => s * k * n);
    getBackend().matmul(a.data, b.data, out.data, {
      m,
      n,
      k,
      transA,
      transB,
      batchShape,
      aBatchStrides: aStr,
      bBatchStrides: bStr,
    });
    return out;
  },
  reshape([x], { shape }) {
    // Contiguous storage makes every reshape a view: share data and version counter.
    return new Tensor(x.data, shape, x.dtype, false, x._version);
  },
  permute([x], { perm }) {
    const shape = perm.map((p) => x.shape[p]);
    const out = empty(shape, x.dtype);
    const st = stridesOf(x.shape);
    getBackend().copy(
      x.data,
      0,
      perm.map((p) => st[p]),
      out.data,
      0,
      stridesOf(shape),
      shape,
      false,
    );
    return out;
  },
  expand([x], { shape }) {
    checkAllocation('expand', shape);
    const out = empty(shape, x.dtype);
    getBackend().copy(x.data, 0, broadcastStrides(x.shape, shape), out.data, 0, stridesOf(shape), shape, false);
    return out;
  },
  slice([x], { starts, steps, shape }) {
    const out = empty(shape, x.dtype);
    const st = stridesOf(x.shape);
    let off = 0;
    for (let d = 0; d < st.length; d++) off += starts[d] * st[d];
    getBackend().copy(
      x.data,
      off,
      st.map((s, d) => s * steps[d]),
      out.data,
      0,
      stridesOf(shape),
      shape,
      false,
    );
    return out;
  },
  unslice([x], { starts, steps, shape }) {
    const out = empty(shape, x.dtype);
    const st = stridesOf(shape);
    let off = 0;
    for (let d = 0; d < st.length; d++) off += starts[d] * st[d];
    getBackend().copy(
      x.data,
      0,
      stridesOf(x.shape),
      out.data,
      off,
      st.map((s, d) => s * steps[d]),
      x.shape,
      false,
    );
    return out;
  },
  flip([x], { axes }) {
    const out = empty(x.shape, x.dtype);
    const st = stridesOf(x.shape);
    let off = 0;
    const src = st.map((s, d) => {
      if (!axes.includes(d)) return s;
      off += (x.shape[d] - 1) * s;
      return -s;
    });
    getBackend().copy(x.data, off, src, out.data, 0, st, x.shape, false);
    return out;
  },
  cat(xs, { axis }) {
    const shape = xs[0].shape.slice();
    let total = 0;
    for (const x of xs) total += x.shape[axis];
    shape[axis] = total;
    checkAllocation('cat', shape);
    const out = empty(shape, xs[0].dtype);
    const st = stridesOf(shape);
    let at = 0;
    for (const x of xs) {
      getBackend().copy(x.data, 0, stridesOf(x.shape), out.data, at * st[axis], st, x.shape, false);
      at += x.shape[axis];
    }
    return out;
  },
  indexSelect([x, index], { axis }) {
    const shape = x.shape.slice();
    shape[axis] = index.size;
    checkAllocation('indexSelect', shape);
    const out = empty(shape, x.dtype);
    const [outer, inner] = outerInner(x.shape, axis);
    getBackend().indexSelect(x.data, outer, x.shape[axis], inner, index.data as Int32Array, out.data);
    return out;
  },
  indexAdd([x, index, src], { axis }) {
    const out = empty(x.shape, x.dtype);
    out.data.set(x.data);
    const [outer, inner] = outerInner(x.shape, axis);
    getBackend().indexAdd(out.data, outer, x.shape[axis], inner, index.data as Int32Array, src.data);
    return out;
  },
  gather([x, index], { axis }) {
    const out = empty(index.shape, x.dtype);
    getBackend().gather(x.data, x.shape, axis, index.data as Int32Array, index.shape, out.data);
    return out;
  },
  scatterAdd([x, index, src], { axis }) {
    const out = empty(x.shape, x.dtype);
    out.data.set(x.data);
    getBackend().scatterAdd(out.data, x.shape, axis, index.data as Int32Array, index.shape, src.data);
    return out;
  },
  unfold([x], p) {
    const g = unfoldGeometry('unfold', x.shape, p);
    const shape = [g.n, g.c * g.kh * g.kw, g.outH * g.outW];
    checkAllocation('unfold', shape);
    const out = empty(shape, x.dtype);
    getBackend().unfold(x.data, g, out.data);
    return out;
  },
  fold([cols], p) {
    const [n, ckk] = cols.shape;
    const c = ckk / (p.kernelSize[0] * p.kernelSize[1]);
    const shape = [n, c, p.outputSize[0], p.outputSize[1]];
    const g = unfoldGeometry('fold', shape, p);
    const out = empty(shape, cols.dtype);
    getBackend().fold(cols.data, g, out.data);
    return out;
  },
  lstmCell([gates, c], params) {
    const [batch, hidden] = c.shape;
    const out = empty([2, batch, hidden], gates.dtype);
    // Saved only when apply() will record the call (the same test), so inference allocates no more.
    const record = isGradEnabled() && (gates.requiresGrad || c.requiresGrad);
    params.saved = record ? empty([batch, 5 * hidden], gates.dtype) : null;
    getBackend().lstmCell(gates.data, c.data, out.data, params.saved?.data ?? null, batch, hidden);
    return out;
  },
  lstmCellBackward([g, , c, saved]) {
    const [batch, hidden] = c.shape;
    const out = empty([batch, 5 * hidden], c.dtype);
    getBackend().lstmCellBackward(g.data, c.data, saved.data, out.data, batch, hidden);
    return out;
  },
};

function outerInner(shape: readonly number[], axis: number): [number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, inner];
}
