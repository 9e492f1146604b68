/**
 * Merges adjacent dims that are contiguous with each other in every operand, so an n-d strided loop
 * becomes as few nested loops as possible (a contiguous tensor of any rank becomes one flat loop).
 * Returns the collapsed shape and one collapsed stride list per operand. Size-1 dims are dropped.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let k = 0; k < strides.length; k++) {
        if (outStrides[k][last] !== strides[k][d] * n) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      outShape[last] *= n;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(n);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return [outShape, outStrides];
}

/**
 * Calls `row(offsets..., count)` once for every run of the innermost dim, with each operand's start offset.
 * The callback is invoked once per row (not per element), so its cost is amortised over `shape[last]`
 * elements; the caller's inner loop is monomorphic.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  row: (offsets: Int32Array | number[], n: number, innerStrides: readonly number[]) => void,
): void {
  const nd = shape.length;
  const k = strides.length;
  const offs = starts.slice();
  if (nd === 0) {
    row(
      offs,
      1,
      strides.map(() => 0),
    );
    return;
  }
  const inner = shape[nd - 1];
  const innerStrides = strides.map((s) => s[nd - 1]);
  if (inner === 0) return;
  for (let d = 0; d < nd; d++) if (shape[d] === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  for (;;) {
    row(offs, inner, innerStrides);
    let d = nd - 2;
    while (d >= 0) {
      idx[d]++;
      for (let j = 0; j < k; j++) offs[j] += strides[j][d];
      if (idx[d] < shape[d]) break;
      for (let j = 0; j < k; j++) offs[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
