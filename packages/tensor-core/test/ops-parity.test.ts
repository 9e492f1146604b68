/**
 * Every public op against PyTorch: the fixtures (see `fixtures/generate_ops.py`) hold inputs, PyTorch's outputs
 * and its gradients of `sum(out · w)`; each case runs the same op here and compares both.
 */
import { describe, expect, it } from 'vitest';
import type { TensorLike } from '../src/index';
import {
  abs,
  add,
  arange,
  argmax,
  argmin,
  bmm,
  broadcastTo,
  cast,
  cat,
  chunk,
  clamp,
  clone,
  cos,
  cumsum,
  div,
  elu,
  embedding,
  eq,
  erf,
  exp,
  expand,
  eye,
  flatten,
  flip,
  gather,
  ge,
  gelu,
  grad,
  gt,
  indexAdd,
  indexSelect,
  isnan,
  le,
  leakyRelu,
  linspace,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  logSoftmax,
  logsumexp,
  lt,
  maskedFill,
  matmul,
  matmulT,
  max,
  maximum,
  mean,
  min,
  minimum,
  mm,
  mul,
  narrow,
  ne,
  neg,
  nn,
  norm,
  oneHot,
  outer,
  pad,
  permute,
  pow,
  reciprocal,
  relu,
  repeat,
  reshape,
  rsqrt,
  scatterAdd,
  select,
  sigmoid,
  sign,
  silu,
  sin,
  slice,
  softmax,
  softplus,
  sort,
  split,
  sqrt,
  square,
  squeeze,
  stack,
  std,
  sub,
  sum,
  Tensor,
  t,
  tanh,
  topk,
  transpose,
  tril,
  triu,
  unflatten,
  unsqueeze,
  variance,
  where,
} from '../src/index';
import * as conv from '../src/ops/conv';
import * as elementwise from '../src/ops/elementwise';
import * as indexing from '../src/ops/indexing';
import * as sampling from '../src/ops/interpolate';
import * as linalg from '../src/ops/linalg';
import * as reduce from '../src/ops/reduce';
import * as shape from '../src/ops/shape';
import * as sorting from '../src/ops/sort';
import { type FixtureArgs, type FixtureCase, loadFixtures } from './load-fixtures';

type Op = (inputs: Tensor[], args: FixtureArgs) => Tensor | Tensor[];

const unary =
  (f: (x: Tensor) => Tensor): Op =>
  ([x]) =>
    f(x);

/** A binary op on two tensors, or on a tensor and the plain number `args.scalar` (on the left if `args.left`). */
const binary =
  (f: (a: TensorLike, b: TensorLike) => Tensor): Op =>
  ([x, y], a) => {
    if (a.scalar === undefined) return f(x, y);
    return a.left ? f(a.scalar, x) : f(x, a.scalar);
  };

/** JSON has no infinities: the generator writes them as strings. */
const num = (v: number | string | undefined) => (typeof v === 'string' ? Number(v) : v);

/** The Tensorloom call for each op name the fixtures use. */
const OPS: Record<string, Op> = {
  neg: unary(neg),
  exp: unary(exp),
  log: unary(log),
  log1p: unary(log1p),
  sqrt: unary(sqrt),
  rsqrt: unary(rsqrt),
  square: unary(square),
  reciprocal: unary(reciprocal),
  abs: unary(abs),
  sign: unary(sign),
  sigmoid: unary(sigmoid),
  tanh: unary(tanh),
  relu: unary(relu),
  erf: unary(erf),
  sin: unary(sin),
  cos: unary(cos),
  silu: unary(silu),
  clone: unary(clone),
  isnan: unary(isnan),
  logicalNot: unary(logicalNot),
  gelu: ([x], a) => gelu(x, a.approximate),
  softplus: ([x], a) => softplus(x, a.beta, a.threshold),
  elu: ([x], a) => elu(x, a.alpha),
  leakyRelu: ([x], a) => leakyRelu(x, a.negativeSlope),
  clamp: ([x], a) => clamp(x, a.min, a.max),
  cast: ([x], a) => cast(x, a.dtype),
  add: binary(add),
  sub: binary(sub),
  mul: binary(mul),
  div: binary(div),
  pow: binary(pow),
  maximum: binary(maximum),
  minimum: binary(minimum),
  eq: binary(eq),
  ne: binary(ne),
  lt: binary(lt),
  le: binary(le),
  gt: binary(gt),
  ge: binary(ge),
  logicalAnd: binary(logicalAnd),
  logicalOr: binary(logicalOr),
  where: ([c, x, y], a) => where(c, x, a.scalar ?? y),
  sum: ([x], a) => sum(x, a.dim, a.keepdim),
  mean: ([x], a) => mean(x, a.dim, a.keepdim),
  max: ([x], a) => max(x, a.dim, a.keepdim),
  min: ([x], a) => min(x, a.dim, a.keepdim),
  var: ([x], a) => variance(x, a.dim, { correction: a.correction, keepdim: a.keepdim }),
  std: ([x], a) => std(x, a.dim, { correction: a.correction, keepdim: a.keepdim }),
  logsumexp: ([x], a) => logsumexp(x, a.dim, a.keepdim),
  softmax: ([x], a) => softmax(x, a.dim),
  logSoftmax: ([x], a) => logSoftmax(x, a.dim),
  argmax: ([x], a) => argmax(x, a.dim, a.keepdim),
  argmin: ([x], a) => argmin(x, a.dim, a.keepdim),
  matmul: ([x, y]) => matmul(x, y),
  mm: ([x, y]) => mm(x, y),
  bmm: ([x, y]) => bmm(x, y),
  matmulT: ([x, y], a) => matmulT(x, y, a.transA, a.transB),
  reshape: ([x], a) => reshape(x, a.shape),
  permute: ([x], a) => permute(x, a.dims),
  transpose: ([x], a) => transpose(x, a.dim0, a.dim1),
  t: unary(t),
  expand: ([x], a) => expand(x, a.shape),
  broadcastTo: ([x], a) => broadcastTo(x, a.shape),
  squeeze: ([x], a) => squeeze(x, a.dim),
  unsqueeze: ([x], a) => unsqueeze(x, a.dim),
  flatten: ([x], a) => flatten(x, a.startDim, a.endDim),
  unflatten: ([x], a) => unflatten(x, a.dim, a.sizes),
  slice: ([x], a) => slice(x, a.dim, a.start, a.end, a.step),
  narrow: ([x], a) => narrow(x, a.dim, a.start, a.length),
  select: ([x], a) => select(x, a.dim, a.index),
  cat: (xs, a) => cat(xs, a.dim),
  stack: (xs, a) => stack(xs, a.dim),
  split: ([x], a) => split(x, a.splitSize, a.dim),
  chunk: ([x], a) => chunk(x, a.chunks, a.dim),
  pad: ([x], a) => pad(x, a.pads, a.mode === undefined ? num(a.value) : { mode: a.mode }),
  flip: ([x], a) => flip(x, a.dims),
  repeat: ([x], a) => repeat(x, a.repeats),
  indexSelect: ([x, i], a) => indexSelect(x, a.dim, i),
  gather: ([x, i], a) => gather(x, a.dim, i),
  scatterAdd: ([x, i, s], a) => scatterAdd(x, a.dim, i, s),
  indexAdd: ([x, i, s], a) => indexAdd(x, a.dim, i, s),
  embedding: ([i, w], a) => embedding(i, w, a.paddingIdx),
  oneHot: ([i], a) => oneHot(i, a.numClasses),
  arange: (_, a) => arange(a.start, a.end, a.step, { dtype: 'float64' }),
  linspace: (_, a) => linspace(a.start, a.end, a.steps, { dtype: 'float64' }),
  eye: (_, a) => eye(a.n, a.m, { dtype: 'float64' }),
  conv1d: ([x, w, b], a) => conv.conv1d(x, w, b, a),
  conv2d: ([x, w, b], a) => conv.conv2d(x, w, b, a),
  convTranspose2d: ([x, w, b], a) => conv.convTranspose2d(x, w, b, a),
  maxPool2d: ([x], a) => conv.maxPool2d(x, a.kernelSize, a),
  maxPool2dWithIndices: ([x], a) => conv.maxPool2dWithIndices(x, a.kernelSize, a),
  maxUnpool2d: ([x, i], a) => conv.maxUnpool2d(x, i, a.kernelSize, a),
  avgPool2d: ([x], a) => conv.avgPool2d(x, a.kernelSize, a),
  unfold: ([x], a) => conv.unfold(x, a.kernelSize, a),
  fold: ([x], a) => conv.fold(x, a.outputSize, a.kernelSize, a),
  adaptiveAvgPool1d: ([x], a) => conv.adaptiveAvgPool1d(x, a.outputSize),
  adaptiveAvgPool2d: ([x], a) => conv.adaptiveAvgPool2d(x, a.outputSize),
  adaptiveMaxPool2d: ([x], a) => conv.adaptiveMaxPool2d(x, a.outputSize),
  adaptiveMaxPool2dWithIndices: ([x], a) => conv.adaptiveMaxPool2dWithIndices(x, a.outputSize),
  interpolate: ([x], a) => sampling.interpolate(x, a),
  maskedFill: ([x, m, v], a) => maskedFill(x, m, v ?? num(a.value)),
  tril: ([x], a) => tril(x, a.diagonal),
  triu: ([x], a) => triu(x, a.diagonal),
  cumsum: ([x], a) => cumsum(x, a.dim),
  sort: ([x], a) => sort(x, a.dim, a.descending),
  topk: ([x], a) => topk(x, a.k, a.dim, a.largest),
  norm: ([x], a) => norm(x, num(a.p), a.dim, a.keepdim),
  outer: ([x, y]) => outer(x, y),
  cosineSimilarity: ([x, y], a) => nn.functional.cosineSimilarity(x, y, a.dim, a.eps),
  normalize: ([x], a) => nn.functional.normalize(x, num(a.p), a.dim, a.eps),
};

/** Tolerances by dtype: float64 results differ from PyTorch's only by summation order. */
function tolerance(dtype: Tensor['dtype']) {
  return dtype === 'float32' ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-10, atol: 1e-12 };
}

/** A fresh leaf with the same values, so each case differentiates its own inputs. */
function leaf(x: Tensor): Tensor {
  return new Tensor(x.data.slice(), x.shape.slice(), x.dtype, true);
}

function runCase(c: FixtureCase): void {
  const op = OPS[c.op];
  expect(op, `no Tensorloom call for op ${c.op}`).toBeDefined();
  const inputs = c.inputs.map((x, i) => (c.grads.has(i) ? leaf(x) : x));
  const result = op(inputs, c.args);
  const outs = Array.isArray(result) ? result : [result];
  expect(Array.isArray(result)).toBe(c.isList);
  expect(outs.length).toBe(c.outputs.length);
  outs.forEach((o, k) => {
    const want = c.outputs[k];
    expect(o.shape, `output ${k} shape`).toEqual(want.shape);
    expect(o.dtype, `output ${k} dtype`).toBe(want.dtype);
    expect(o).toBeAllclose(want, tolerance(want.dtype));
  });
  if (c.grads.size === 0) return;
  const idx = [...c.grads.keys()];
  let loss: Tensor | null = null;
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    const term = o.mul(c.weights[k]).sum();
    loss = loss === null ? term : loss.add(term);
  });
  const got: (Tensor | null)[] =
    loss === null
      ? idx.map(() => null)
      : grad(
          loss,
          idx.map((i) => inputs[i]),
          { allowUnused: true },
        );
  idx.forEach((i, j) => {
    const want = c.grads.get(i) as Tensor;
    const g = got[j];
    // No recorded path (sign, a detached padding row) means a zero gradient, as PyTorch reports it.
    if (g === null) expect(Array.from(want.data).every((v) => v === 0)).toBe(true);
    else {
      expect(g.shape, `grad ${i} shape`).toEqual(want.shape);
      expect(g.dtype, `grad ${i} dtype`).toBe(inputs[i].dtype);
      expect(g).toBeAllclose(want, tolerance(want.dtype));
    }
  });
}

const files = {
  'ops.safetensors': loadFixtures('ops.safetensors'),
  'conv.safetensors': loadFixtures('conv.safetensors'),
};

for (const [file, cases] of Object.entries(files)) {
  describe(`PyTorch parity: ${file}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => runCase(c));
  });
}

describe('fixture coverage', () => {
  it('exercises every public function of the op modules, or says why not', () => {
    const covered = new Set(Object.values(files).flatMap((cases) => cases.map((c) => c.op)));
    // Internal helpers exported for other modules, and ops whose only difference from a covered one is a check.
    const notOps = new Set([
      'scalarTensor',
      'promotePair',
      'zerosLikeConst',
      'inPlaceBinary',
      'inPlaceCopy',
      'inPlaceClamp',
      'shapeArg',
    ]);
    const modules = { elementwise, reduce, linalg, shape, indexing, conv, sorting, sampling };
    const missing: string[] = [];
    for (const [mod, exports] of Object.entries(modules)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || notOps.has(name)) continue;
        const opName = name === 'variance' ? 'var' : name;
        if (!covered.has(opName)) missing.push(`${mod}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
