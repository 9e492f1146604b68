import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import { getBackend } from '../backend/backend';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { normDim, normDims } from '../shape';
import type { Tensor } from '../tensor';
import { abs, add, cast, clone, eq, exp, log, mul, pow, sqrt, sub, where } from './elementwise';

type Dims = number | readonly number[] | null | undefined;

/**
 * Sum over `dim` (one dim, several, or all when omitted), keeping reduced dims as size 1 if `keepdim`.
 * bool and int32 inputs sum in int32.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 * ```
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('sum', dim, x.ndim);
  const t = x.dtype === 'bool' ? cast(x, 'int32') : x;
  return apply('sum', [t], { axes, keepdim });
}

/** Mean over `dim` (all dims if omitted). Integer inputs give float32. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normDims('mean', dim, x.ndim);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  const t = isFloating(x.dtype) ? x : cast(x, 'float32');
  return mul(apply('sum', [t], { axes, keepdim }), 1 / count);
}

/** Maximum over `dim` (all dims if omitted); the gradient is shared evenly among tied maxima (like `amax`). */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply('max', [x], { axes: normDims('max', dim, x.ndim), keepdim });
}

/** Minimum over `dim` (all dims if omitted). */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply('min', [x], { axes: normDims('min', dim, x.ndim), keepdim });
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  if (x.size === 0) throw new TensorError(op, `cannot take ${op} of an empty tensor of shape ${fmtShape(x.shape)}`);
  if (dim === null || dim === undefined) {
    const out = empty(keepdim ? x.shape.map(() => 1) : [], 'int32');
    getBackend().argReduce(op, x.data, 1, x.size, 1, out.data as Int32Array);
    return out;
  }
  const d = normDim(op, dim, x.ndim);
  if (x.shape[d] === 0) throw new TensorError(op, `dim ${dim} has size 0`);
  let outer = 1;
  for (let i = 0; i < d; i++) outer *= x.shape[i];
  let inner = 1;
  for (let i = d + 1; i < x.ndim; i++) inner *= x.shape[i];
  const shape = keepdim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d);
  const out = empty(shape, 'int32');
  getBackend().argReduce(op, x.data, outer, x.shape[d], inner, out.data as Int32Array);
  return out;
}

/** Index (int32) of the maximum along `dim`, or in the flattened tensor if `dim` is omitted; first on ties. */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce('argmax', x, dim, keepdim);
}

/** Index (int32) of the minimum along `dim`, or in the flattened tensor. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce('argmin', x, dim, keepdim);
}

/** Options of {@link variance} and {@link std}. */
export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is the unbiased estimate, 0 the population variance. */
  correction?: number;
  keepdim?: boolean;
}

/** Variance `Σ(x - mean)² / (N - correction)` over `dim` (PyTorch's `var`). */
export function variance(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  const axes = normDims('var', dim, x.ndim);
  const correction = options.correction ?? 1;
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  const t = isFloating(x.dtype) ? x : cast(x, 'float32');
  const centered = sub(t, mean(t, axes, true));
  const ss = apply('sum', [mul(centered, centered)], { axes, keepdim: options.keepdim ?? false });
  return mul(ss, 1 / Math.max(0, count - correction));
}

/** Standard deviation, the square root of {@link variance}. */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  return variance(x, dim, options).sqrt();
}

/** `log Σ exp(x)` over `dim`, stable for large inputs (the max is subtracted first). */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const axes = normDims('logsumexp', dim, x.ndim);
  // m is a constant shift: log Σ e^x = m + log Σ e^{x-m}, and its gradient terms cancel, so detach it.
  // An empty reduced dim has no max (and a sum of 0, so the result is -inf): shift by 0 there.
  const m = axes.some((a) => x.shape[a] === 0)
    ? empty(
        x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        x.dtype,
      )
    : apply('max', [x.detach()], { axes, keepdim: true });
  // An all -inf slice would give -inf - -inf = NaN; shift by 0 there instead.
  const md = m.data;
  for (let i = 0; i < md.length; i++) if (!Number.isFinite(md[i])) md[i] = 0;
  const s = log(apply('sum', [exp(sub(x, m))], { axes, keepdim: true }));
  let out = add(s, m);
  if (!keepdim) out = apply('reshape', [out], { shape: x.shape.filter((_, i) => !axes.includes(i)) });
  return out;
}

/**
 * Softmax over `dim`: `e^{x_i} / Σ_j e^{x_j}`, computed as `exp(x - logsumexp(x))` so it never overflows.
 *
 * @example
 * ```ts
 * softmax(tensor([2, 2, 6]), 0) // [0.0177, 0.0177, 0.9647]
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return exp(logSoftmax(x, normDim('softmax', dim, x.ndim)));
}

/** `x - logsumexp(x)` over `dim`. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normDim('logSoftmax', dim, x.ndim);
  const t = isFloating(x.dtype) ? x : cast(x, 'float32');
  return sub(t, logsumexp(t, d, true));
}

/**
 * Running sum along `dim`: `y_j = Σ_{t ≤ j} x_t` (`torch.cumsum`). bool and int32 inputs sum in int32; the sums
 * are accumulated in double precision whatever the dtype. The gradient is the running sum of the output's gradient
 * taken from the far end.
 *
 * @param x - any shape; a 0-d tensor (one element along dim 0 or -1) is returned as a copy.
 * @param dim - the dim to sum along; negative counts from the end.
 * @returns x's shape.
 *
 * @example
 * ```ts
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1) // [[1, 3, 6], [4, 9, 15]]
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normDim('cumsum', dim, Math.max(1, x.ndim));
  const t = x.dtype === 'bool' ? cast(x, 'int32') : x;
  if (x.ndim === 0) return clone(t);
  return apply('cumsum', [t], { axis: d });
}

/**
 * `f(s)` for `s ≥ 0` where `f(0) = 0` but `f'(0)` is infinite (a root, or a power below 1), with gradient 0 at
 * `s = 0`: PyTorch's subgradient of a norm there. Left alone, `0 · ∞` would send NaN to every input. Where s is 0,
 * f is evaluated at 1 instead and the result replaced by 0, so both branches of the selects stay finite.
 */
function zeroAtZero(s: Tensor, f: (t: Tensor) => Tensor): Tensor {
  const zero = eq(s, 0);
  if (!zero.data.includes(1)) return f(s);
  return where(zero, 0, f(where(zero, 1, s)));
}

/**
 * The vector p-norm over `dim` (all dims when omitted), like `torch.linalg.vector_norm`:
 * `‖x‖_p = (Σ |x_i|^p)^{1/p}` for `p > 0`, and `max |x_i|` for `p = Infinity`. Integer and bool inputs give
 * float32.
 *
 * Where the norm is not differentiable the gradient follows PyTorch: 0 for a slice that is all zeros (for p = 2
 * the subgradient 0 instead of 0/0 = NaN), 0 at a zero entry (`sign(0) = 0` for p = 1), and for p = Infinity the
 * gradient split evenly among tied maxima.
 *
 * @param x - any shape.
 * @param p - the order: any number > 0, or `Infinity` (default 2).
 * @param dim - the dim or dims to reduce (all when omitted or null).
 * @param keepdim - keep reduced dims with size 1 (default false).
 * @returns x's shape without the reduced dims (or with them as 1 when `keepdim`).
 *
 * @example
 * ```ts
 * norm(tensor([[3, 4], [6, 8]]), 2, 1) // [5, 10]
 * norm(tensor([-3, 1]), Infinity)      // 3
 * ```
 */
export function norm(x: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  if (typeof p !== 'number' || !(p > 0)) {
    throw new TensorError('norm', `p = ${p} is not supported: expected a number > 0, or Infinity`);
  }
  // A 0-d tensor has one element: dim may be 0 or -1, and there is nothing to reduce.
  const checked = normDims('norm', dim, Math.max(1, x.ndim));
  const axes = x.ndim === 0 ? [] : checked;
  const t = isFloating(x.dtype) ? x : cast(x, 'float32');
  if (p === Number.POSITIVE_INFINITY) {
    for (const a of axes) {
      if (x.shape[a] === 0) {
        throw new TensorError(
          'norm',
          `cannot take the Infinity norm over dim ${a} of size 0 in ${fmtShape(x.shape)}: max has no identity`,
        );
      }
    }
    return apply('max', [abs(t)], { axes, keepdim });
  }
  if (p === 1) return apply('sum', [abs(t)], { axes, keepdim });
  if (p === 2) return zeroAtZero(apply('sum', [mul(t, t)], { axes, keepdim }), sqrt);
  // |x|^p has an infinite derivative at x = 0 for p < 1, and s^{1/p} one at s = 0 for p > 1.
  const s = apply('sum', [zeroAtZero(abs(t), (a) => pow(a, p))], { axes, keepdim });
  return zeroAtZero(s, (v) => pow(v, 1 / p));
}
