import type { TypedArray } from '../../dtype';

/** `out[o, i, k] = x[o, index[i], k]`; indices were range-checked by the op. */
export function indexSelect(
  x: TypedArray,
  outer: number,
  n: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const src = (o * n + index[i]) * inner;
      const dst = (o * m + i) * inner;
      if (inner === 1) out[dst] = x[src];
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
}

/** `out[o, index[i], k] += src[o, i, k]`. */
export function indexAdd(
  out: TypedArray,
  outer: number,
  n: number,
  inner: number,
  index: Int32Array,
  src: TypedArray,
): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const d = (o * n + index[i]) * inner;
      const s = (o * m + i) * inner;
      for (let k = 0; k < inner; k++) out[d + k] += src[s + k];
    }
  }
}

function dims(shape: readonly number[], axis: number): [number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, inner];
}

/**
 * torch.gather. The op guarantees index.shape[d] <= x.shape[d] for d != axis, so index positions map into x
 * by the same coordinates; only the axis coordinate comes from the index value.
 */
export function gather(
  x: TypedArray,
  xShape: readonly number[],
  axis: number,
  index: Int32Array,
  indexShape: readonly number[],
  out: TypedArray,
): void {
  gatherScatter(x, xShape, axis, index, indexShape, out, false);
}

/** torch.scatter_add_ into `out` (shape `outShape`), reading `src` laid out like `index`. */
export function scatterAdd(
  out: TypedArray,
  outShape: readonly number[],
  axis: number,
  index: Int32Array,
  indexShape: readonly number[],
  src: TypedArray,
): void {
  gatherScatter(out, outShape, axis, index, indexShape, src, true);
}

function gatherScatter(
  big: TypedArray,
  bigShape: readonly number[],
  axis: number,
  index: Int32Array,
  indexShape: readonly number[],
  small: TypedArray,
  scatter: boolean,
): void {
  const nd = indexShape.length;
  const [, innerBig] = dims(bigShape, axis);
  const total = index.length;
  if (total === 0) return;
  // Walk index positions in row-major order, tracking the matching offset into `big` minus the axis term.
  const coord = new Array<number>(nd).fill(0);
  const bigStrides = new Array<number>(nd);
  let acc = 1;
  for (let d = nd - 1; d >= 0; d--) {
    bigStrides[d] = acc;
    acc *= bigShape[d];
  }
  let base = 0;
  for (let p = 0; p < total; p++) {
    const off = base + index[p] * innerBig;
    if (scatter) big[off] += small[p];
    else small[p] = big[off];
    // advance coordinates
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== axis) base += bigStrides[d];
      if (coord[d] < indexShape[d]) break;
      if (d !== axis) base -= bigStrides[d] * indexShape[d];
      coord[d] = 0;
    }
  }
}
