/**
 * Sorting along a dim. The order is not differentiable, so it is computed by the backend's stable `argsort` as
 * int32 positions, and the values are read with the `gather` primitive: gradients flow to the entries that were
 * picked (scattered back by gather's rule), and the ops are differentiable as often as gather is.
 */
import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import { getBackend } from '../backend/backend';
import { fmtShape, TensorError } from '../errors';
import { normDim } from '../shape';
import { Tensor } from '../tensor';

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TensorError(op, `expected the input to be a Tensor, got ${typeof x}`);
}

/** The first `k` entries of a stable sort of `x` along `axis` (x has rank ≥ 1), and their positions. */
function sortedPrefix(x: Tensor, axis: number, descending: boolean, k: number): [Tensor, Tensor] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d];
  let inner = 1;
  for (let d = axis + 1; d < x.ndim; d++) inner *= x.shape[d];
  const index = empty(
    x.shape.map((s, d) => (d === axis ? k : s)),
    'int32',
  );
  getBackend().argsort(x.data, outer, x.shape[axis], inner, descending, k, index.data as Int32Array);
  // The positions are in range by construction, so the gather primitive is applied without gather's checks.
  const values = apply('gather', [x, index], { axis });
  return [values, index];
}

/** A 0-d tensor sorts as its one element: viewed as (1), sorted, viewed back. */
function sortScalar(x: Tensor): [Tensor, Tensor] {
  const [values, index] = sortedPrefix(apply('reshape', [x], { shape: [1] }), 0, false, 1);
  return [apply('reshape', [values], { shape: [] }), apply('reshape', [index], { shape: [] })];
}

/**
 * Sorts the entries of `x` along `dim`, like `torch.sort(x, dim, descending, stable=True)`: equal entries keep
 * their order, and NaN sorts above every number (last in ascending order, first in descending order).
 *
 * The values are gathered from `x` at the returned positions, so the gradient of each value goes to the entry it
 * came from.
 *
 * @param x - any shape; a 0-d tensor is its own sort.
 * @param dim - the dim to sort along (default -1, the last).
 * @param descending - largest first (default false).
 * @returns `[values, indices]`, both of x's shape; `indices` is int32, the position of each value along `dim`.
 *
 * @example
 * ```ts
 * const [v, i] = sort(tensor([3, 1, 2, 1]));
 * v.toArray(); // [1, 1, 2, 3]
 * i.toArray(); // [1, 3, 2, 0]  (the tied 1s keep their order)
 * ```
 */
export function sort(x: Tensor, dim = -1, descending = false): [Tensor, Tensor] {
  checkInput('sort', x);
  const d = normDim('sort', dim, Math.max(1, x.ndim));
  if (x.ndim === 0) return sortScalar(x);
  return sortedPrefix(x, d, descending, x.shape[d]);
}

/**
 * The `k` largest (or smallest) entries of `x` along `dim` and their positions, like `torch.topk`.
 *
 * They are the first `k` entries of {@link sort} (descending when `largest`): among equal entries the one at the
 * lower position is taken first, and NaN counts as the largest value. PyTorch's CPU topk breaks such ties in an
 * order that depends on its selection algorithm; the values always agree with it, the positions of tied values
 * may not.
 *
 * @param x - any shape; a 0-d tensor has one entry (k ≤ 1).
 * @param k - how many entries to keep, `0 ≤ k ≤ x.shape[dim]`.
 * @param dim - the dim to select along (default -1, the last).
 * @param largest - the largest entries (default), or the smallest.
 * @param sorted - PyTorch's flag: with `false` the order of the k entries is unspecified. Here they always come
 *   sorted, which is one such order.
 * @returns `[values, indices]`, x's shape with `dim` of size k; `indices` is int32.
 *
 * @example
 * ```ts
 * const [v, i] = topk(tensor([[1, 9, 3, 7]]), 2);
 * v.toArray(); // [[9, 7]]
 * i.toArray(); // [[1, 3]]
 * ```
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
  void sorted; // the result is always sorted, a valid order for either value of the flag
  checkInput('topk', x);
  const d = normDim('topk', dim, Math.max(1, x.ndim));
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0) throw new TensorError('topk', `k must be a non-negative integer, got ${k}`);
  if (k > n) throw new TensorError('topk', `k = ${k} is larger than dim ${d} of size ${n} in ${fmtShape(x.shape)}`);
  // PyTorch returns the element itself for a 0-d input, for k = 0 as well.
  if (x.ndim === 0) return sortScalar(x);
  return sortedPrefix(x, d, largest, k);
}
