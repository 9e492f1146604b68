import { apply } from '../autograd/engine';
import { fmtShape, TensorError } from '../errors';
import { Tensor } from '../tensor';
import { logicalAnd, mul, promotePair } from './elementwise';

/**
 * Matrix product with NumPy/PyTorch semantics:
 * - 1-d · 1-d: dot product (a scalar);
 * - 2-d · 2-d: `(m, k) @ (k, n) → (m, n)`;
 * - 1-d operands are treated as a row (left) or column (right) vector and that dim is removed again;
 * - higher ranks: a batch of matrices; batch dims broadcast, e.g. `(B, 1, m, k) @ (H, k, n) → (B, H, m, n)`.
 *
 * The JS kernels accumulate in float64. Products whose m, n and k are all ≥ 256 use Strassen's algorithm
 * (7 half-size products instead of 8, one or two levels): equal to the classical product up to float32
 * rounding, not bit for bit.
 *
 * @example
 * ```ts
 * matmul(ones([2, 3]), ones([3, 4])).shape // [2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TensorError('matmul', 'expected two tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new TensorError(
      'matmul',
      `${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: both arguments need at least one dimension`,
    );
  }
  const [x, y] = promotePair('matmul', a, b, 'float32');
  const xa = x.ndim === 1 ? asMatrix(x, [1, x.shape[0]]) : x; // (k) → (1, k)
  const yb = y.ndim === 1 ? asMatrix(y, [y.shape[0], 1]) : y; // (k) → (k, 1)
  const ka = xa.shape[xa.ndim - 1];
  const kb = yb.shape[yb.ndim - 2];
  if (ka !== kb) {
    throw new TensorError(
      'matmul',
      `${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: inner dimensions ${ka} and ${kb} differ`,
    );
  }
  let out = apply('matmul', [xa, yb], { transA: false, transB: false });
  if (a.ndim === 1 || b.ndim === 1) {
    const shape = out.shape.slice();
    if (b.ndim === 1) shape.pop(); // drop the column dim we added
    if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1); // drop the row dim
    out = apply('reshape', [out], { shape });
  }
  return out;
}

/** A vector viewed as a matrix. An untracked vector stays a graph leaf, so it keeps its label for `traceGraph`. */
function asMatrix(v: Tensor, shape: number[]): Tensor {
  const m = apply('reshape', [v], { shape });
  if (m.gradFn === null) m.label = v.label;
  return m;
}

/**
 * `op(a) @ op(b)` where `op` transposes the last two dims when asked, without copying: the kernels read the
 * transposed layout directly. `linear` uses it as `x @ Wᵀ`.
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new TensorError(
      'matmul',
      `${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: transposed products need matrices (rank ≥ 2)`,
    );
  }
  const [x, y] = promotePair('matmul', a, b, 'float32');
  return apply('matmul', [x, y], { transA, transB });
}

/** 2-d matrix product `(n, m) @ (m, p) → (n, p)` (PyTorch's `mm`; no broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new TensorError('mm', `expected two matrices, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Batched product `(B, n, m) @ (B, m, p) → (B, n, p)` (PyTorch's `bmm`; no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new TensorError(
      'bmm',
      `expected (B,n,m) and (B,m,p) with equal B, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return matmul(a, b);
}

/**
 * Outer product of two vectors, like `torch.outer`: `out[i][j] = a[i] · b[j]`. Computed as a broadcast product
 * (a matmul with an inner dimension of 1 would do the same work with more overhead). dtypes promote; two bool
 * vectors give bool.
 *
 * @param a - `(n)`.
 * @param b - `(m)`.
 * @returns `(n, m)`.
 *
 * @example
 * ```ts
 * outer(tensor([1, 2]), tensor([1, 10, 100])) // [[1, 10, 100], [2, 20, 200]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.ndim !== 1 || b.ndim !== 1) {
    const fmt = (v: unknown) => (v instanceof Tensor ? fmtShape(v.shape) : typeof v);
    throw new TensorError('outer', `expected two 1-d vectors, got ${fmt(a)} and ${fmt(b)}`);
  }
  const column = a.reshape([a.shape[0], 1]); // (n) → (n, 1)
  const row = b.reshape([1, b.shape[0]]); // (m) → (1, m)
  return a.dtype === 'bool' && b.dtype === 'bool' ? logicalAnd(column, row) : mul(column, row); // (n, m)
}
