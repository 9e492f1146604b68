import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import { fmtShape, TensorError } from '../errors';
import { checkAllocation, normDim } from '../shape';
import { Tensor } from '../tensor';
import { promotePair } from './elementwise';

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
