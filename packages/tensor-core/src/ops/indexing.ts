import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { broadcastShapes, checkAllocation, normDim } from '../shape';
import { Tensor } from '../tensor';
import { arange } from './creation';
import { cast, ge, le, promotePair, scalarTensor, sub, where } from './elementwise';

/** Checks an index tensor: int32, and every value in `[0, n)` (negative values count from the end and are rewritten). */
function checkIndex(op: string, index: Tensor, n: number, what: string): Tensor {
  if (!(index instanceof Tensor)) throw new TensorError(op, 'index must be a Tensor');
  if (index.dtype !== 'int32') throw new TensorError(op, `index must be an int32 tensor, got ${index.dtype}`);
  const d = index.data as Int32Array;
  let fixed: Int32Array | null = null;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < -n || v >= n) throw new TensorError(op, `index ${v} is out of bounds for ${what} of size ${n}`);
    if (v < 0) {
      fixed ??= d.slice();
      fixed[i] = v + n;
    }
  }
  return fixed ? new Tensor(fixed, index.shape, 'int32') : index;
}

/**
 * The entries of `x` along `dim` at the positions in `index` (1-d int32), like `torch.index_select`.
 *
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0], { dtype: 'int32' })) // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim('indexSelect', dim, x.ndim);
  if (index.ndim > 1)
    throw new TensorError('indexSelect', `index must be 0-d or 1-d, got shape ${fmtShape(index.shape)}`);
  const idx = checkIndex('indexSelect', index, x.shape[d], `dim ${dim}`);
  return apply('indexSelect', [x, idx.ndim === 0 ? apply('reshape', [idx], { shape: [1] }) : idx], { axis: d });
}

/** A copy of `x` with `src` added at `index` along `dim` (`torch.index_add`). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim('indexAdd', dim, x.ndim);
  const idx = checkIndex('indexAdd', index, x.shape[d], `dim ${dim}`);
  const want = x.shape.map((s, i) => (i === d ? idx.size : s));
  if (src.ndim !== x.ndim || src.shape.some((s, i) => s !== want[i])) {
    throw new TensorError('indexAdd', `src must have shape ${fmtShape(want)}, got ${fmtShape(src.shape)}`);
  }
  const [a, b] = promotePair('indexAdd', x, src);
  return apply('indexAdd', [a, idx, b], { axis: d });
}

function checkGatherShapes(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.ndim !== x.ndim) {
    throw new TensorError(
      op,
      `index ${fmtShape(index.shape)} must have as many dims as the input ${fmtShape(x.shape)}`,
    );
  }
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && index.shape[i] > x.shape[i]) {
      throw new TensorError(
        op,
        `index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} at dim ${i}`,
      );
    }
  }
}

/** `out[i][j] = x[i][index[i][j]]` along `dim` (`torch.gather`); the output has index's shape. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim('gather', dim, x.ndim);
  const idx = checkIndex('gather', index, x.shape[d], `dim ${dim}`);
  checkGatherShapes('gather', x, d, idx);
  return apply('gather', [x, idx], { axis: d });
}

/** A copy of `x` with `src[i][j]` added at `[i][index[i][j]]` along `dim` (`torch.scatter_add`). src has index's shape. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim('scatterAdd', dim, x.ndim);
  const idx = checkIndex('scatterAdd', index, x.shape[d], `dim ${dim}`);
  checkGatherShapes('scatterAdd', x, d, idx);
  if (src.ndim !== idx.ndim || src.shape.some((s, i) => s !== idx.shape[i])) {
    throw new TensorError(
      'scatterAdd',
      `src ${fmtShape(src.shape)} must have the index's shape ${fmtShape(idx.shape)}`,
    );
  }
  const [a, b] = promotePair('scatterAdd', x, src);
  return apply('scatterAdd', [a, idx, b], { axis: d });
}

/**
 * One-hot encoding of int32 class indices: shape `(..., numClasses)`, int32 (like PyTorch's int64).
 * `numClasses` defaults to max index + 1.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (indices.dtype !== 'int32')
    throw new TensorError('oneHot', `expects an int32 tensor of class indices, got ${indices.dtype}`);
  const d = indices.data as Int32Array;
  let n = numClasses;
  if (n < 0) {
    n = 0;
    for (let i = 0; i < d.length; i++) n = Math.max(n, d[i] + 1);
  }
  const shape = [...indices.shape, n];
  checkAllocation('oneHot', shape);
  const out = empty(shape, 'int32');
  const o = out.data;
  for (let i = 0; i < d.length; i++) {
    const c = d[i];
    if (c < 0 || c >= n) throw new TensorError('oneHot', `class index ${c} is out of range for ${n} classes`);
    o[i * n + c] = 1;
  }
  return out;
}

/**
 * Rows of `weight` `(numEmbeddings, dim)` picked by int32 `indices` of any shape → `(...indices.shape, dim)`.
 * With `paddingIdx`, that row gets no gradient (like `F.embedding`).
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (weight.ndim !== 2)
    throw new TensorError('embedding', `weight must be 2-d (numEmbeddings, dim), got ${fmtShape(weight.shape)}`);
  const rowsCount = weight.shape[0];
  if (paddingIdx != null && (!Number.isInteger(paddingIdx) || paddingIdx < -rowsCount || paddingIdx >= rowsCount)) {
    // Unchecked, an out-of-range paddingIdx silently protected no row.
    throw new TensorError('embedding', `paddingIdx ${paddingIdx} is out of range for ${rowsCount} embeddings`);
  }
  const flat = apply('reshape', [checkIndex('embedding', indices, weight.shape[0], 'the embedding table')], {
    shape: [indices.size],
  });
  let rows = apply('indexSelect', [weight, flat], { axis: 0 }); // (n, dim)
  if (paddingIdx != null && weight.requiresGrad) {
    // The padding row keeps its value but must receive no gradient: route it through a detached copy.
    const keep = new Float32Array(indices.size);
    const fd = flat.data as Int32Array;
    const p = paddingIdx < 0 ? paddingIdx + weight.shape[0] : paddingIdx;
    for (let i = 0; i < fd.length; i++) keep[i] = fd[i] === p ? 0 : 1;
    const m = new Tensor(keep, [indices.size, 1], 'float32');
    rows = rows.mul(m).add(rows.detach().mul(m.neg().add(1)));
  }
  return apply('reshape', [rows], { shape: [...indices.shape, weight.shape[1]] });
}

/**
 * `x` with `value` wherever `mask` is true, like `torch.masked_fill`: `where(mask, value, x)` in x's dtype.
 * `mask` broadcasts with `x` (the result has their broadcast shape, as in PyTorch). The gradient is zero at the
 * filled positions; a tensor `value` receives the sum of the gradient there.
 *
 * @param x - any shape.
 * @param mask - bool, broadcastable with x.
 * @param value - a number (`-Infinity` for attention masks; a finite one for int32 and bool tensors) or a 0-d tensor.
 * @returns the broadcast shape of x and mask, x's dtype.
 *
 * @example
 * ```ts
 * const scores = randn([4, 4]); // (T, T)
 * const future = triu(ones([4, 4], { dtype: 'bool' }), 1); // true above the diagonal
 * softmax(maskedFill(scores, future, -Infinity), -1); // causal attention weights
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TensorError('maskedFill', 'input must be a Tensor');
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') {
    const got = mask instanceof Tensor ? `a ${mask.dtype} tensor of shape ${fmtShape(mask.shape)}` : typeof mask;
    throw new TensorError('maskedFill', `mask must be a bool tensor, got ${got}`);
  }
  checkAllocation('maskedFill', broadcastShapes('maskedFill', mask.shape, x.shape));
  let v: Tensor;
  if (typeof value === 'number') {
    if (!isFloating(x.dtype) && !Number.isFinite(value)) {
      throw new TensorError('maskedFill', `the input's dtype ${x.dtype} cannot hold the value ${value}`);
    }
    v = scalarTensor(x.dtype === 'bool' ? Number(value !== 0) : value, x.dtype);
  } else if (value instanceof Tensor && value.ndim === 0) {
    v = cast(value, x.dtype);
  } else {
    const got = value instanceof Tensor ? `a tensor of shape ${fmtShape(value.shape)}` : typeof value;
    throw new TensorError('maskedFill', `value must be a number or a 0-d tensor, got ${got}`);
  }
  return where(mask, v, x);
}

/** Zeros the entries of the last two dims on the wrong side of `diagonal`: below it (triu) or above it (tril). */
function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, 'input must be a Tensor');
  if (x.ndim < 2) {
    throw new TensorError(op, `input must have at least 2 dims (..., rows, cols), got shape ${fmtShape(x.shape)}`);
  }
  if (!Number.isInteger(diagonal)) throw new TensorError(op, `diagonal must be an integer, got ${diagonal}`);
  const rows = x.shape[x.ndim - 2];
  const cols = x.shape[x.ndim - 1];
  // Entry (i, j) is on diagonal j - i: 0 the main one, > 0 above it, < 0 below it.
  const offset = sub(arange(cols).reshape([1, cols]), arange(rows).reshape([rows, 1])); // (1, C) - (R, 1) → (R, C)
  const keep = op === 'tril' ? le(offset, diagonal) : ge(offset, diagonal); // (R, C), broadcast over the batch
  return where(keep, x, scalarTensor(0, x.dtype));
}

/**
 * The lower triangle of the last two dims, like `torch.tril`: entries `(i, j)` with `j - i ≤ diagonal` are kept,
 * the others set to 0. `diagonal = 0` keeps the main diagonal, `1` one more diagonal above it, `-1` drops the main
 * one. Leading dims are a batch.
 *
 * @param x - `(*, rows, cols)`, any dtype.
 * @param diagonal - which diagonal bounds the triangle (default 0).
 * @returns x's shape and dtype.
 *
 * @example
 * ```ts
 * tril(ones([3, 3])) // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of the last two dims, like `torch.triu`: entries `(i, j)` with `j - i ≥ diagonal` are kept,
 * the others set to 0. Leading dims are a batch.
 *
 * @param x - `(*, rows, cols)`, any dtype.
 * @param diagonal - which diagonal bounds the triangle (default 0; `1` leaves out the main diagonal).
 * @returns x's shape and dtype.
 *
 * @example
 * ```ts
 * triu(ones([3, 3], { dtype: 'bool' }), 1) // true strictly above the diagonal: a causal mask's "future"
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
