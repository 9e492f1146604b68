import type { TypedArray } from '../../dtype';
import type { BinaryOp, UnaryOp } from '../backend';
import { collapse, forEachRow } from './strided';

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x) to double precision: the Maclaurin series below |x| = 2.5 (terms shrink past n ≈ x², cancellation
 * costs at most ~3 digits there), and a Lentz continued fraction for erfc above.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let i = 1; i < 200; i++) {
    const an = i / 2;
    d = ax + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = ax + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * 1.7724538509055159);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** `out[i] = op(x[i])` over contiguous arrays. */
export function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? 1 : v < 0 ? -1 : v; // keeps NaN and ±0 like torch.sign
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        // Two branches so exp never overflows: σ(v) = 1/(1+e^-v) = e^v/(1+e^v).
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? v : v !== v ? v : 0;
      }
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
    case 'logicalNot':
      for (let i = 0; i < n; i++) out[i] = x[i] ? 0 : 1;
      return;
    case 'isnan':
      for (let i = 0; i < n; i++) out[i] = x[i] !== x[i] ? 1 : 0;
      return;
  }
}

function binaryRow(
  op: BinaryOp,
  a: TypedArray,
  ao: number,
  as: number,
  b: TypedArray,
  bo: number,
  bs: number,
  out: TypedArray,
  oo: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] ** b[bo + i * bs];
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const x = a[ao + i * as];
        const y = b[bo + i * bs];
        out[oo + i] = x > y || x !== x ? x : y; // NaN propagates like torch.maximum
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const x = a[ao + i * as];
        const y = b[bo + i * bs];
        out[oo + i] = x < y || x !== x ? x : y;
      }
      return;
    case 'eq':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] === b[bo + i * bs] ? 1 : 0;
      return;
    case 'ne':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] !== b[bo + i * bs] ? 1 : 0;
      return;
    case 'lt':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] < b[bo + i * bs] ? 1 : 0;
      return;
    case 'le':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] <= b[bo + i * bs] ? 1 : 0;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] > b[bo + i * bs] ? 1 : 0;
      return;
    case 'ge':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] >= b[bo + i * bs] ? 1 : 0;
      return;
    case 'logicalAnd':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] && b[bo + i * bs] ? 1 : 0;
      return;
    case 'logicalOr':
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] || b[bo + i * bs] ? 1 : 0;
      return;
  }
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Broadcasting binary op; see {@link Backend.binary}. */
export function binary(
  op: BinaryOp,
  a: TypedArray,
  aStrides: readonly number[],
  b: TypedArray,
  bStrides: readonly number[],
  out: TypedArray,
  shape: readonly number[],
): void {
  const n = out.length;
  // Fast paths: same-shape contiguous operands, or one side a single value.
  if (a.length === n && b.length === n) {
    binaryRow(op, a, 0, 1, b, 0, 1, out, 0, n);
    return;
  }
  if (b.length === 1 && a.length === n) {
    binaryRow(op, a, 0, 1, b, 0, 0, out, 0, n);
    return;
  }
  if (a.length === 1 && b.length === n) {
    binaryRow(op, a, 0, 0, b, 0, 1, out, 0, n);
    return;
  }
  const [cs, [sa, sb, so]] = collapse(shape, [aStrides, bStrides, contiguousStrides(shape)]);
  forEachRow(cs, [sa, sb, so], [0, 0, 0], (o, len, inner) => {
    binaryRow(op, a, o[0], inner[0], b, o[1], inner[1], out, o[2], len);
  });
}

/** Broadcasting select; see {@link Backend.where}. */
export function where(
  cond: TypedArray,
  cStrides: readonly number[],
  a: TypedArray,
  aStrides: readonly number[],
  b: TypedArray,
  bStrides: readonly number[],
  out: TypedArray,
  shape: readonly number[],
): void {
  const [cs, [sc, sa, sb, so]] = collapse(shape, [cStrides, aStrides, bStrides, contiguousStrides(shape)]);
  forEachRow(cs, [sc, sa, sb, so], [0, 0, 0, 0], (o, len, s) => {
    const [c0, a0, b0, o0] = o;
    const [c1, a1, b1] = s;
    for (let i = 0; i < len; i++) out[o0 + i] = cond[c0 + i * c1] ? a[a0 + i * a1] : b[b0 + i * b1];
  });
}

/** Dtype conversion; float→int truncates toward zero, NaN→0 (Int32Array semantics), bool is x != 0. */
export function cast(x: TypedArray, out: TypedArray): void {
  const n = x.length;
  if (out instanceof Uint8Array) {
    for (let i = 0; i < n; i++) out[i] = x[i] ? 1 : 0;
  } else if (out instanceof Int32Array) {
    for (let i = 0; i < n; i++) out[i] = Math.trunc(x[i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = x[i];
  }
}
