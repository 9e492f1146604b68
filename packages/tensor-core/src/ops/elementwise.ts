import { apply } from '../autograd/engine';
import { broadcastBinary, empty } from '../autograd/forward';
import { isGradEnabled } from '../autograd/mode';
import type { BinaryOp, UnaryOp } from '../backend/backend';
import { getBackend } from '../backend/backend';
import type { DType } from '../dtype';
import { isFloating, promoteTypes } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape';
import type { TensorLike } from '../tensor';
import { Tensor } from '../tensor';

/** A 0-d tensor holding `value`. */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const d = getBackend().alloc(dtype, 1);
  d[0] = value;
  return new Tensor(d, [], dtype);
}

function checkTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TensorError(op, `expected ${what} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** The dtype a plain number takes next to a tensor of `other` dtype (PyTorch: scalars do not promote floats). */
function scalarDtype(value: number, other: DType): DType {
  if (isFloating(other)) return other;
  return Number.isInteger(value) ? 'int32' : 'float32';
}

/**
 * Converts two operands to tensors of one dtype (PyTorch promotion; numbers follow the tensor). A cast of a
 * floating tensor is recorded, so gradients flow back in the input's own dtype.
 */
export function promotePair(op: string, a: TensorLike, b: TensorLike, minDtype?: DType): [Tensor, Tensor] {
  if (typeof a === 'number') {
    if (typeof b === 'number') {
      const dt = minDtype ?? (Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32');
      return [scalarTensor(a, dt), scalarTensor(b, dt)];
    }
    checkTensor(op, b, 'other');
    let dt = scalarDtype(a, b.dtype);
    dt = promoteTypes(dt, b.dtype);
    if (minDtype) dt = promoteTypes(dt, minDtype);
    return [scalarTensor(a, dt), cast(b, dt)];
  }
  checkTensor(op, a);
  if (typeof b === 'number') {
    let dt = promoteTypes(scalarDtype(b, a.dtype), a.dtype);
    if (minDtype) dt = promoteTypes(dt, minDtype);
    return [cast(a, dt), scalarTensor(b, dt)];
  }
  checkTensor(op, b, 'other');
  let dt = promoteTypes(a.dtype, b.dtype);
  if (minDtype) dt = promoteTypes(dt, minDtype);
  return [cast(a, dt), cast(b, dt)];
}

/** Returns `x` converted to `dtype` (x itself if it already is). Differentiable between float types. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (isFloating(x.dtype) && isFloating(dtype)) return apply('cast', [x], { dtype });
  const out = empty(x.shape, dtype);
  getBackend().cast(x.data, out.data);
  return out;
}

/** A copy with its own storage; gradients flow through it. */
export function clone(x: Tensor): Tensor {
  if (isFloating(x.dtype)) return apply('cast', [x], { dtype: x.dtype });
  const out = empty(x.shape, x.dtype);
  out.data.set(x.data);
  return out;
}

/** Zeros shaped like `x` (no gradient). */
export function zerosLikeConst(x: Tensor, dtype: DType = x.dtype): Tensor {
  return empty(x.shape, dtype);
}

function floatUnary(
  op: UnaryOp &
    ('neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sigmoid' | 'tanh' | 'relu' | 'erf' | 'sin' | 'cos'),
) {
  const keepsInt = op === 'neg' || op === 'abs' || op === 'relu';
  return (x: Tensor): Tensor => {
    checkTensor(op, x);
    if (!isFloating(x.dtype)) {
      if (keepsInt && x.dtype === 'int32') {
        const out = empty(x.shape, 'int32');
        getBackend().unary(op, x.data, out.data);
        return out;
      }
      x = cast(x, 'float32');
    }
    return apply(op, [x], null);
  };
}

/** `-x`. */
export const neg = floatUnary('neg');
/** `e^x`. */
export const exp = floatUnary('exp');
/** Natural logarithm (`-Infinity` at 0, NaN below, like PyTorch). */
export const log = floatUnary('log');
/** `log(1 + x)`, accurate for small x. */
export const log1p = floatUnary('log1p');
/** Square root. */
export const sqrt = floatUnary('sqrt');
/** Absolute value. */
export const abs = floatUnary('abs');
/** Logistic sigmoid `σ(x) = 1 / (1 + e^{-x})`, computed without overflow. */
export const sigmoid = floatUnary('sigmoid');
/** Hyperbolic tangent. */
export const tanh = floatUnary('tanh');
/** Rectified linear unit `max(x, 0)`. */
export const relu = floatUnary('relu');
/** The error function `erf(x) = 2/√π ∫₀ˣ e^{-t²} dt`. */
export const erf = floatUnary('erf');
/** Sine. */
export const sin = floatUnary('sin');
/** Cosine. */
export const cos = floatUnary('cos');

/** -1, 0 or +1 per element (NaN stays NaN); has no gradient. */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', x);
  const out = empty(x.shape, x.dtype);
  getBackend().unary('sign', x.data, out.data);
  return out;
}

/** `x²`. */
export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** `1 / x`. */
export function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

/** `1 / √x`. */
export function rsqrt(x: Tensor): Tensor {
  return div(1, sqrt(x));
}

function arith(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum') {
  const minDtype: DType | undefined = op === 'div' ? 'float32' : undefined;
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = promotePair(op, a, b, minDtype);
    if (x.dtype === 'bool' && (op === 'add' || op === 'sub' || op === 'mul')) {
      // Arithmetic on bools counts in int32, like PyTorch's int64.
      return apply(op, [cast(x, 'int32'), cast(y, 'int32')], null);
    }
    return apply(op, [x, y], null);
  };
}

/** `a + b` with broadcasting. @example `add(tensor([1, 2]), 10) // [11, 12]` */
export const add = arith('add');
/** `a - b` with broadcasting. */
export const sub = arith('sub');
/** `a * b` with broadcasting. */
export const mul = arith('mul');
/** `a / b` with broadcasting; always floating (integer inputs give float32). */
export const div = arith('div');
const powPrim = arith('pow');

/**
 * `a ** b` with broadcasting. A constant exponent of 2 is computed as `a·a`: one multiply instead of a
 * `Math.pow` per element (the MLP benchmark spent ~10% of a step in `pow(x, 2)` and its gradient).
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (b === 2 && a instanceof Tensor && isFloating(a.dtype)) return apply('mul', [a, a], null);
  return powPrim(a, b);
}
/** Element-wise maximum with broadcasting (NaN propagates). */
export const maximum = arith('maximum');
/** Element-wise minimum with broadcasting (NaN propagates). */
export const minimum = arith('minimum');

function compare(op: BinaryOp) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = promotePair(op, a, b);
    return broadcastBinary(op, x, y, 'bool');
  };
}

/** `a == b` (bool). */
export const eq = compare('eq');
/** `a != b` (bool). */
export const ne = compare('ne');
/** `a < b` (bool). */
export const lt = compare('lt');
/** `a <= b` (bool). */
export const le = compare('le');
/** `a > b` (bool). */
export const gt = compare('gt');
/** `a >= b` (bool). */
export const ge = compare('ge');
/** Element-wise logical and (nonzero is true), bool. */
export const logicalAnd = compare('logicalAnd');
/** Element-wise logical or, bool. */
export const logicalOr = compare('logicalOr');

/** Element-wise logical not, bool. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', x);
  const out = empty(x.shape, 'bool');
  getBackend().unary('logicalNot', x.data, out.data);
  return out;
}

/** True where x is NaN. */
export function isnan(x: Tensor): Tensor {
  checkTensor('isnan', x);
  const out = empty(x.shape, 'bool');
  getBackend().unary('isnan', x.data, out.data);
  return out;
}

/**
 * `cond ? a : b` element-wise with broadcasting over all three. `cond` is any tensor (nonzero is true);
 * gradients flow to `a` where cond holds and to `b` elsewhere.
 *
 * @example
 * ```ts
 * where(x.gt(0), x, x.mul(0.1)) // a leaky ReLU
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', cond, 'condition');
  const [x, y] = promotePair('where', a, b);
  return apply('where', [cond, x, y], null);
}

/** Clamps every element into `[min, max]`; either bound may be null. Gradient is 1 inside, 0 outside. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', x);
  if (min != null && max != null && min > max) throw new TensorError('clamp', `min ${min} is greater than max ${max}`);
  let y = x;
  if (min != null) y = where(lt(y, min), scalarTensor(min, y.dtype), y);
  if (max != null) y = where(gt(y, max), scalarTensor(max, y.dtype), y);
  return y;
}

/** `x` if x > 0 else `negativeSlope · x`. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** `x` if x > 0 else `alpha (e^x - 1)`. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(gt(x, 0), x, mul(sub(exp(minimum(x, 0)), 1), alpha));
}

/**
 * Gaussian error linear unit `x Φ(x) = x/2 (1 + erf(x/√2))`; with `approximate: 'tanh'` the tanh
 * approximation `x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))`, matching PyTorch's `F.gelu`.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** `log(1 + e^{βx}) / β`, reverting to `x` where `βx > threshold` for stability (PyTorch's `F.softplus`). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = mul(x, beta);
  // log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}) never overflows.
  const soft = div(add(relu(bx), log1p(exp(neg(abs(bx))))), beta);
  return where(gt(bx, threshold), x, soft);
}

/** `x σ(x)` (SiLU / swish). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

function checkInPlace(op: string, t: Tensor, other?: TensorLike): void {
  if (isGradEnabled() && (t.requiresGrad || (other instanceof Tensor && other.requiresGrad))) {
    throw new TensorError(
      op,
      t.isLeaf
        ? 'a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad(() => ...)'
        : 'in-place operations on tensors that are part of an autograd graph are not supported; use the out-of-place op',
    );
  }
}

/** @internal `t op= alpha·other` in place, broadcasting `other` to t's shape. */
export function inPlaceBinary<T extends Tensor>(
  t: T,
  op: 'add' | 'sub' | 'mul' | 'div',
  other: TensorLike,
  alpha: number,
): T {
  const name = `${op}_`;
  checkInPlace(name, t, other);
  let o = typeof other === 'number' ? scalarTensor(other * alpha, t.dtype) : other;
  checkTensor(name, o, 'other');
  if (typeof other !== 'number' && alpha !== 1) o = mul(o, alpha);
  if (o.dtype !== t.dtype) {
    if (promoteTypes(o.dtype, t.dtype) !== t.dtype) {
      throw new TensorError(name, `result type ${o.dtype} can't be cast to the desired output type ${t.dtype}`);
    }
    o = cast(o, t.dtype);
  }
  const shape = broadcastShapes(name, t.shape, o.shape);
  if (!shapesEqual(shape, t.shape)) {
    throw new TensorError(
      name,
      `other of shape ${fmtShape(o.shape)} cannot be broadcast to ${fmtShape(t.shape)} in place`,
    );
  }
  if (op === 'div' && !isFloating(t.dtype))
    throw new TensorError(name, `in-place true division of a ${t.dtype} tensor`);
  getBackend().binary(
    op,
    t.data,
    broadcastStrides(t.shape, shape),
    o.data,
    broadcastStrides(o.shape, shape),
    t.data,
    shape,
  );
  t.markModified();
  return t;
}

/** @internal Copies `src` (broadcast, converted) into `t`. */
export function inPlaceCopy<T extends Tensor>(t: T, src: TensorLike): T {
  checkInPlace('copy_', t, src);
  if (typeof src === 'number') {
    t.data.fill(src);
  } else {
    checkTensor('copy_', src, 'src');
    const shape = broadcastShapes('copy_', t.shape, src.shape);
    if (!shapesEqual(shape, t.shape)) {
      throw new TensorError(
        'copy_',
        `source of shape ${fmtShape(src.shape)} cannot be broadcast to ${fmtShape(t.shape)}`,
      );
    }
    const s = src.dtype === t.dtype ? src : cast(src.detach(), t.dtype);
    if (s.size === t.size) t.data.set(s.data);
    else
      getBackend().copy(
        s.data,
        0,
        broadcastStrides(s.shape, shape),
        t.data,
        0,
        broadcastStrides(t.shape, shape),
        shape,
        false,
      );
  }
  t.markModified();
  return t;
}

/** @internal Clamps `t` in place. */
export function inPlaceClamp<T extends Tensor>(t: T, min?: number | null, max?: number | null): T {
  checkInPlace('clamp_', t);
  const d = t.data;
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    // biome-ignore lint/complexity/useMathMinMax: keeps NaN as NaN, like torch.clamp_
    d[i] = v < lo ? lo : v > hi ? hi : v;
  }
  t.markModified();
  return t;
}
