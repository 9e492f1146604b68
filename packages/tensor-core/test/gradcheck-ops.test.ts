/**
 * A float64 finite-difference check of the gradient of every differentiable public op, and of the second
 * derivative (double backward through `createGraph`) of most of them. Inputs stay away from kinks (relu and abs
 * at 0, ties in max, clamp bounds), where one-sided conventions and finite differences disagree.
 */
import { describe, expect, it } from 'vitest';
import { gradcheck, gradgradcheck } from '../src/autograd/gradcheck';
import {
  abs,
  add,
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
  erf,
  exp,
  expand,
  flatten,
  flip,
  Generator,
  gather,
  gelu,
  indexAdd,
  indexSelect,
  leakyRelu,
  log,
  log1p,
  logSoftmax,
  logsumexp,
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
  neg,
  nn,
  norm,
  outer,
  pad,
  permute,
  pow,
  randn,
  reciprocal,
  relu,
  repeat,
  reshape,
  rsqrt,
  scatterAdd,
  select,
  sigmoid,
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
  type Tensor,
  t,
  tanh,
  tensor,
  topk,
  transpose,
  tril,
  triu,
  unflatten,
  unsqueeze,
  variance,
  where,
} from '../src/index';
import * as C from '../src/ops/conv';
import * as I from '../src/ops/interpolate';

const gen = new Generator(2024);
const f64 = { dtype: 'float64' } as const;
/** Standard normal values. */
const r = (...shape: number[]) => randn(shape, { ...f64, generator: gen });
/** Values in [0.5, 2): away from 0 for log, sqrt, division and pow. */
const pos = (...shape: number[]) =>
  r(...shape)
    .abs()
    .mul(0.5)
    .add(0.5);
/** Values with |x| ≥ 0.2: away from the kinks of relu, abs and friends. */
const away = (...shape: number[]) => {
  const x = r(...shape);
  return x.sign().mul(x.abs().add(0.2));
};
/** Distinct multiples of 0.1 in random order: no ties for max/min/maxPool (offset one side by 0.05 for maximum). */
const distinct = (...shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => (i - Math.floor(n / 2)) * 0.1);
  for (let i = n - 1; i > 0; i--) {
    const j = gen.nextInt(0, i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return tensor(v, f64).reshape(shape);
};
const idx = (v: number[][] | number[]) => tensor(v, { dtype: 'int32' });
const distinctPlanes = distinct(1, 2, 4, 5);

interface Case {
  fn: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  /** Also run gradgradcheck (default true). */
  second?: boolean;
  eps?: number;
  atol?: number;
}

/** Checks every case in a group with gradcheck and (unless turned off) gradgradcheck. */
function group(title: string, cases: Record<string, Case>): void {
  describe(title, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(name, () => {
        const opts = { eps: c.eps, atol: c.atol };
        expect(gradcheck(c.fn, c.inputs, opts)).toBe(true);
        if (c.second !== false) expect(gradgradcheck(c.fn, c.inputs, opts)).toBe(true);
      });
    }
  });
}

group('element-wise unary', {
  neg: { fn: neg, inputs: [r(3, 4)] },
  exp: { fn: exp, inputs: [r(3, 4)] },
  log: { fn: log, inputs: [pos(3, 4)] },
  log1p: { fn: log1p, inputs: [pos(3, 4)] },
  sqrt: { fn: sqrt, inputs: [pos(3, 4)] },
  rsqrt: { fn: rsqrt, inputs: [pos(3, 4)] },
  square: { fn: square, inputs: [r(3, 4)] },
  reciprocal: { fn: reciprocal, inputs: [away(3, 4)] },
  abs: { fn: abs, inputs: [away(3, 4)] },
  sigmoid: { fn: sigmoid, inputs: [r(3, 4).mul(3)] },
  tanh: { fn: tanh, inputs: [r(3, 4).mul(2)] },
  relu: { fn: relu, inputs: [away(3, 4)] },
  erf: { fn: erf, inputs: [r(3, 4)] },
  sin: { fn: sin, inputs: [r(3, 4)] },
  cos: { fn: cos, inputs: [r(3, 4)] },
  silu: { fn: silu, inputs: [r(3, 4)] },
  gelu: { fn: (x) => gelu(x), inputs: [r(3, 4).mul(2)] },
  geluTanh: { fn: (x) => gelu(x, 'tanh'), inputs: [r(3, 4).mul(2)] },
  softplus: { fn: (x) => softplus(x), inputs: [r(3, 4).mul(3)] },
  softplusThreshold: {
    fn: (x) => softplus(x, 2, 5),
    inputs: [tensor([-3, -0.7, 0.3, 1.2, 2, 2.9, 3.2, 6], f64)],
  },
  elu: { fn: (x) => elu(x, 0.7), inputs: [away(3, 4)] },
  leakyRelu: { fn: (x) => leakyRelu(x, 0.2), inputs: [away(3, 4)] },
  clamp: { fn: (x) => clamp(x, -0.5, 1), inputs: [tensor([-2, -0.9, -0.3, 0.1, 0.4, 0.8, 1.3, 2.5], f64)] },
  clone: { fn: clone, inputs: [r(3, 4)] },
  // A float32 round trip loses ~1e-7 relative: a large step keeps the finite differences of this linear map exact.
  castRoundTrip: { fn: (x) => cast(cast(x, 'float32'), 'float64'), inputs: [r(3, 4)], eps: 1e-2, atol: 1e-4 },
});

group('element-wise binary, with broadcasting', {
  add: { fn: add, inputs: [r(3, 1), r(1, 4)] },
  sub: { fn: sub, inputs: [r(2, 3, 4), r(4)] },
  mul: { fn: mul, inputs: [r(3, 4), r(3, 1)] },
  mulScalar: { fn: (x) => mul(x, 2.5), inputs: [r(2, 3)] },
  div: { fn: div, inputs: [r(3, 4), away(4)] },
  divNumberLeft: { fn: (x) => div(1.5, x), inputs: [away(2, 3)] },
  pow: { fn: pow, inputs: [pos(3, 4), r(3, 4)] },
  powBroadcast: { fn: pow, inputs: [pos(3, 1), r(4)] },
  powScalarExponent: { fn: (x) => pow(x, 3), inputs: [r(3, 4)] },
  powScalarBase: { fn: (x) => pow(2, x), inputs: [r(3, 4)] },
  maximum: { fn: maximum, inputs: [distinct(3, 4), distinct(1, 4).add(0.05)] },
  minimum: { fn: minimum, inputs: [distinct(3, 4), distinct(3, 1).add(0.05)] },
  where: {
    fn: (a, b) => where(tensor([[true, false, true, false]], { dtype: 'bool' }), a, b),
    inputs: [r(3, 4), r(3, 1)],
  },
});

group('reductions', {
  sumAll: { fn: (x) => sum(x), inputs: [r(2, 3, 4)] },
  sumDims: { fn: (x) => sum(x, [0, 2], true), inputs: [r(2, 3, 4)] },
  mean: { fn: (x) => mean(x, 1), inputs: [r(2, 3, 4)] },
  maxDim: { fn: (x) => max(x, 1), inputs: [distinct(2, 3, 4)] },
  maxAll: { fn: (x) => max(x), inputs: [distinct(3, 4)] },
  minDims: { fn: (x) => min(x, [0, 2], true), inputs: [distinct(2, 3, 4)] },
  variance: { fn: (x) => variance(x, 1), inputs: [r(2, 3, 4)] },
  varianceAll: { fn: (x) => variance(x, null, { correction: 0 }), inputs: [r(3, 4)] },
  std: { fn: (x) => std(x, [0, 2], { keepdim: true }), inputs: [r(2, 3, 4)] },
  logsumexp: { fn: (x) => logsumexp(x, [0, 2]), inputs: [r(2, 3, 4)] },
  softmax: { fn: (x) => softmax(x, -1), inputs: [r(3, 5)] },
  softmaxDim0: { fn: (x) => softmax(x, 0), inputs: [r(3, 5).mul(3)] },
  logSoftmax: { fn: (x) => logSoftmax(x, 1), inputs: [r(3, 5)] },
});

group('matrix products', {
  matmul1d1d: { fn: matmul, inputs: [r(4), r(4)] },
  matmul1d2d: { fn: matmul, inputs: [r(4), r(4, 3)] },
  matmul2d1d: { fn: matmul, inputs: [r(3, 4), r(4)] },
  matmul2d2d: { fn: matmul, inputs: [r(3, 4), r(4, 2)] },
  matmulBroadcastBatch: { fn: matmul, inputs: [r(2, 1, 3, 4), r(3, 4, 2)] },
  matmul1d3d: { fn: matmul, inputs: [r(4), r(2, 4, 3)] },
  mm: { fn: mm, inputs: [r(3, 4), r(4, 2)] },
  bmm: { fn: bmm, inputs: [r(2, 3, 4), r(2, 4, 2)] },
  matmulTA: { fn: (a, b) => matmulT(a, b, true, false), inputs: [r(4, 3), r(4, 2)] },
  matmulTB: { fn: (a, b) => matmulT(a, b, false, true), inputs: [r(2, 3, 4), r(2, 4)] },
  matmulTAB: { fn: (a, b) => matmulT(a, b, true, true), inputs: [r(2, 4, 3), r(1, 2, 4)] },
});

group('shape', {
  reshape: { fn: (x) => reshape(x, [4, -1]), inputs: [r(2, 3, 4)] },
  flatten: { fn: (x) => flatten(x, 1), inputs: [r(2, 3, 4)] },
  unflatten: { fn: (x) => unflatten(x, 1, [2, 3]), inputs: [r(2, 6)] },
  squeeze: { fn: (x) => squeeze(x, 0), inputs: [r(1, 3, 1)] },
  unsqueeze: { fn: (x) => unsqueeze(x, 1), inputs: [r(3, 2)] },
  permute: { fn: (x) => permute(x, [2, 0, 1]), inputs: [r(2, 3, 4)] },
  transpose: { fn: (x) => transpose(x, 0, 2), inputs: [r(2, 3, 4)] },
  t: { fn: t, inputs: [r(3, 4)] },
  expand: { fn: (x) => expand(x, [2, 3, 4]), inputs: [r(3, 1)] },
  broadcastTo: { fn: (x) => broadcastTo(x, [2, 4]), inputs: [r(4)] },
  sliceStep: { fn: (x) => slice(x, 1, 1, 6, 2), inputs: [r(3, 7)] },
  narrow: { fn: (x) => narrow(x, 0, 1, 2), inputs: [r(4, 3)] },
  select: { fn: (x) => select(x, 1, -1), inputs: [r(3, 4)] },
  cat: { fn: (a, b, c) => cat([a, b, c], 1), inputs: [r(2, 1), r(2, 3), r(2, 2)] },
  stack: { fn: (a, b) => stack([a, b], 2), inputs: [r(2, 3), r(2, 3)] },
  split: { fn: (x) => stack(split(x, [1, 3], 1).map((p, i) => sum(p).mul(i + 2))), inputs: [r(3, 4)] },
  chunk: {
    fn: (x) =>
      cat(
        chunk(x, 3, 1).map((p, i) => p.mul(i + 1)),
        1,
      ),
    inputs: [r(2, 7)],
  },
  pad: { fn: (x) => pad(x, [1, 2, 0, 1]), inputs: [r(2, 3)] },
  padNegativeValue: { fn: (x) => pad(x, [-1, 2, 1, -1], -1.5), inputs: [r(3, 4)] },
  flip: { fn: (x) => flip(x, [0, 2]), inputs: [r(2, 3, 4)] },
  repeat: { fn: (x) => repeat(x, [2, 1, 3]), inputs: [r(2, 3)] },
});

group('indexing', {
  indexSelect: { fn: (x) => indexSelect(x, 1, idx([3, 0, 3, 1])), inputs: [r(3, 4)] },
  gather: {
    fn: (x) =>
      gather(
        x,
        1,
        idx([
          [0, 3, 3],
          [1, 0, 2],
        ]),
      ),
    inputs: [r(3, 4)],
  },
  scatterAdd: {
    fn: (x, s) =>
      scatterAdd(
        x,
        0,
        idx([
          [0, 1, 0],
          [2, 2, 1],
        ]),
        s,
      ),
    inputs: [r(3, 4), r(2, 3)],
  },
  indexAdd: { fn: (x, s) => indexAdd(x, 0, idx([1, 2, 1]), s), inputs: [r(3, 4), r(3, 4)] },
  embedding: {
    fn: (w) =>
      embedding(
        idx([
          [1, 0],
          [3, 3],
        ]),
        w,
      ),
    inputs: [r(4, 3)],
  },
  // embedding with paddingIdx is left out on purpose: the padding row's output depends on it but, by design (as
  // in PyTorch), it gets no gradient. ops-parity checks that zero gradient against PyTorch.
});

group('convolution and pooling', {
  conv1d: {
    fn: (x, w, b) => C.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    inputs: [r(2, 4, 9), r(4, 2, 3), r(4)],
  },
  conv1dSame: { fn: (x, w) => C.conv1d(x, w, null, { padding: 'same' }), inputs: [r(1, 2, 7), r(3, 2, 4)] },
  conv2d: {
    fn: (x, w, b) => C.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2] }),
    inputs: [r(2, 2, 5, 4), r(3, 2, 3, 2), r(3)],
  },
  conv2dGroupsDilation: {
    fn: (x, w) => C.conv2d(x, w, null, { groups: 2, dilation: 2, padding: 1 }),
    inputs: [r(1, 4, 5, 5), r(4, 2, 2, 2)],
  },
  conv2dSameUnbatched: { fn: (x, w) => C.conv2d(x, w, null, { padding: 'same' }), inputs: [r(2, 4, 3), r(2, 2, 2, 3)] },
  convTranspose2d: {
    fn: (x, w, b) => C.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    inputs: [r(1, 4, 3, 2), r(4, 1, 3, 3), r(2)],
  },
  convTranspose2dDilationOutputPadding: {
    fn: (x, w) => C.convTranspose2d(x, w, null, { dilation: 2, outputPadding: 1, padding: 1 }),
    inputs: [r(1, 2, 3, 3), r(2, 1, 2, 2)],
  },
  maxPool2d: { fn: (x) => C.maxPool2d(x, 2), inputs: [distinct(2, 2, 4, 4)] },
  maxPool2dPadding: { fn: (x) => C.maxPool2d(x, 3, { stride: 2, padding: 1 }), inputs: [distinct(1, 2, 5, 5)] },
  maxPool2dDilationCeil: {
    fn: (x) => C.maxPool2d(x, 2, { stride: 2, dilation: 2, ceilMode: true, padding: 1 }),
    inputs: [distinct(1, 1, 6, 5)],
  },
  maxUnpool2d: {
    // Indices from pooling a fixed distinct input (non-overlapping 2×2 windows of a 4×5 plane, output 4×5).
    fn: (x) => C.maxUnpool2d(x, C.maxPool2dWithIndices(distinctPlanes, 2)[1], 2, { outputSize: [4, 5] }),
    inputs: [r(1, 2, 2, 2)],
  },
  avgPool2d: { fn: (x) => C.avgPool2d(x, 3, { stride: 2, padding: 1 }), inputs: [r(1, 2, 5, 5)] },
  avgPool2dCeilExclude: {
    fn: (x) => C.avgPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    inputs: [r(1, 1, 6, 5)],
  },
  avgPool2dDivisor: { fn: (x) => C.avgPool2d(x, 2, { divisorOverride: 3 }), inputs: [r(2, 4, 4)] },
  unfold: { fn: (x) => C.unfold(x, [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }), inputs: [r(1, 2, 4, 5)] },
  fold: {
    fn: (x) => C.fold(x, [4, 5], [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }),
    inputs: [r(1, 12, 9)],
  },
});

const mask34 = tensor(
  [
    [true, false, false, true],
    [false, false, true, false],
    [true, true, false, false],
  ],
  { dtype: 'bool' },
);
/** Distinct magnitudes with mixed signs: no ties in |x| for the Infinity norm, and no entry near 0. */
const distinctAbs = (...shape: number[]) => {
  const x = distinct(...shape).add(10);
  return x.mul(r(...shape).sign());
};

group('masks, scans, sorting and norms', {
  maskedFill: { fn: (x) => maskedFill(x, mask34, -1.5), inputs: [r(3, 4)] },
  maskedFillTensorValue: { fn: (x, v) => maskedFill(x, mask34.select(0, 1), v), inputs: [r(2, 3, 4), r()] },
  tril: { fn: (x) => tril(x, -1), inputs: [r(2, 3, 4)] },
  triu: { fn: (x) => triu(x, 1), inputs: [r(3, 5)] },
  cumsum: { fn: (x) => cumsum(x, 1), inputs: [r(2, 4, 3)] },
  cumsumLast: { fn: (x) => cumsum(x, -1), inputs: [r(3, 5)] },
  // Distinct values: the order does not change within a finite-difference step.
  sort: { fn: (x) => sort(x, 1)[0], inputs: [distinct(3, 5)] },
  sortDescendingDim0: { fn: (x) => sort(x, 0, true)[0], inputs: [distinct(4, 3)] },
  topk: { fn: (x) => topk(x, 2)[0], inputs: [distinct(3, 5)] },
  topkSmallestDim0: { fn: (x) => topk(x, 3, 0, false)[0], inputs: [distinct(5, 2)] },
  norm: { fn: (x) => norm(x), inputs: [r(3, 4)] },
  normDim: { fn: (x) => norm(x, 2, 1), inputs: [r(3, 4)] },
  normP1: { fn: (x) => norm(x, 1, -1, true), inputs: [away(3, 4)] },
  normInf: { fn: (x) => norm(x, Infinity, [0, 2]), inputs: [distinctAbs(2, 3, 2)] },
  normP3: { fn: (x) => norm(x, 3, 0), inputs: [away(3, 4)] },
  normP1_5: { fn: (x) => norm(x, 1.5, 1), inputs: [away(3, 4)] },
  normP0_5: { fn: (x) => norm(x, 0.5, 1), inputs: [away(2, 4)] },
  outer: { fn: outer, inputs: [r(3), r(4)] },
  cosineSimilarity: { fn: (a, b) => nn.functional.cosineSimilarity(a, b, -1), inputs: [r(2, 1, 4), r(3, 4)] },
  normalize: { fn: (x) => nn.functional.normalize(x), inputs: [r(3, 4)] },
  normalizeP1Dim0: { fn: (x) => nn.functional.normalize(x, 1, 0), inputs: [away(3, 4)] },
});

// Appended last so that the cases above keep drawing the same random inputs from `gen`.
group('padding modes, interpolation and adaptive pooling', {
  padReflect2d: { fn: (x) => pad(x, [2, 1, 1, 2], { mode: 'reflect' }), inputs: [r(1, 2, 3, 4)] },
  padReflectNegative: { fn: (x) => pad(x, [-1, 3], { mode: 'reflect' }), inputs: [r(2, 5)] },
  padReplicate3d: { fn: (x) => pad(x, [3, 0, 1, 2, 2, 1], { mode: 'replicate' }), inputs: [r(1, 2, 2, 3)] },
  padCircular: { fn: (x) => pad(x, [3, 2, -1, 2], { mode: 'circular' }), inputs: [r(1, 2, 4, 3)] },
  nearestUp: { fn: (x) => I.interpolate(x, { scaleFactor: [1.7, 2.5] }), inputs: [r(1, 2, 3, 2)] },
  nearestExactDown: { fn: (x) => I.interpolate(x, { size: 3, mode: 'nearest-exact' }), inputs: [r(2, 2, 7)] },
  linearDown: { fn: (x) => I.interpolate(x, { scaleFactor: 0.45, mode: 'linear' }), inputs: [r(1, 2, 11)] },
  bilinearUp: { fn: (x) => I.interpolate(x, { scaleFactor: [1.7, 2], mode: 'bilinear' }), inputs: [r(1, 2, 3, 4)] },
  bilinearAlignCorners: {
    fn: (x) => I.interpolate(x, { size: [5, 3], mode: 'bilinear', alignCorners: true }),
    inputs: [r(2, 1, 3, 7)],
  },
  // The blend weights depend only on the geometry, so bilinear resampling is linear in x: square its output
  // to give the second derivative something to check.
  bilinearSquared: {
    fn: (x) => I.interpolate(x, { size: [4, 6], mode: 'bilinear' }).square(),
    inputs: [r(1, 2, 3, 4)],
  },
  adaptiveAvgPool2d: { fn: (x) => C.adaptiveAvgPool2d(x, [3, 5]), inputs: [r(2, 2, 7, 4)] },
  adaptiveAvgPool2dNone: { fn: (x) => C.adaptiveAvgPool2d(x, [null, 1]).square(), inputs: [r(1, 2, 5, 6)] },
  adaptiveAvgPool1d: { fn: (x) => C.adaptiveAvgPool1d(x, 4), inputs: [r(2, 3, 10)] },
  adaptiveMaxPool2d: { fn: (x) => C.adaptiveMaxPool2d(x, [3, 4]), inputs: [distinct(1, 2, 7, 5)] },
  adaptiveMaxPool2dUp: { fn: (x) => C.adaptiveMaxPool2d(x, [5, 2]).square(), inputs: [distinct(2, 3, 4)] },
});

// Appended last so that the cases above keep drawing the same random inputs from `gen`.
/** Both outputs of the fused LSTM cell in one tensor, `c'` scaled so that a mix-up of the two would show. */
const lstmBoth = (gates: Tensor, c: Tensor | null) => {
  const [h2, c2] = nn.functional.fusedLstmCell(gates, c);
  return cat([h2, c2.mul(1.3)], 1);
};
group('fused LSTM cell', {
  fusedLstmCell: { fn: lstmBoth, inputs: [r(3, 8).mul(1.5), r(3, 2)] },
  fusedLstmCellNoState: { fn: (z) => lstmBoth(z, null), inputs: [r(2, 12).mul(1.5)] },
  fusedLstmCellHOnly: { fn: (z, c) => nn.functional.fusedLstmCell(z, c)[0], inputs: [r(2, 8), r(2, 2)] },
  // Two steps, the second fed the first's state: gradients from both steps meet in the first.
  fusedLstmCellTwoSteps: {
    fn: (z1, z2, c) => {
      const [h1, c1] = nn.functional.fusedLstmCell(z1, c);
      const [h2, c2] = nn.functional.fusedLstmCell(z2.add(cat([h1, h1, h1, h1], 1)), c1);
      return cat([h1, h2, c2], 1);
    },
    inputs: [r(2, 12), r(2, 12), r(2, 3)],
  },
});
