import type { TypedArray } from '../../dtype';
import type { ReduceOp } from '../backend';

/**
 * Reduces the middle axis of `(outer, r, inner)`. The loop order (o, j, i) keeps the innermost loop
 * contiguous in both `x` and `out` whether the reduced axis is last (inner = 1) or not.
 */
export function reduce(op: ReduceOp, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void {
  const init =
    op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * r;
      let acc = init;
      switch (op) {
        case 'sum':
          for (let j = 0; j < r; j++) acc += x[base + j];
          break;
        case 'prod':
          for (let j = 0; j < r; j++) acc *= x[base + j];
          break;
        case 'max':
          for (let j = 0; j < r; j++) {
            const v = x[base + j];
            if (v > acc || v !== v) acc = v;
            if (acc !== acc) break;
          }
          break;
        case 'min':
          for (let j = 0; j < r; j++) {
            const v = x[base + j];
            if (v < acc || v !== v) acc = v;
            if (acc !== acc) break;
          }
          break;
      }
      out[o] = acc;
    }
    return;
  }
  // Accumulate in a double-precision row so float32 sums over long axes stay accurate.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    for (let j = 0; j < r; j++) {
      const base = (o * r + j) * inner;
      switch (op) {
        case 'sum':
          for (let i = 0; i < inner; i++) acc[i] += x[base + i];
          break;
        case 'prod':
          for (let i = 0; i < inner; i++) acc[i] *= x[base + i];
          break;
        case 'max':
          for (let i = 0; i < inner; i++) {
            const v = x[base + i];
            if (v > acc[i] || v !== v) acc[i] = v;
          }
          break;
        case 'min':
          for (let i = 0; i < inner; i++) {
            const v = x[base + i];
            if (v < acc[i] || v !== v) acc[i] = v;
          }
          break;
      }
    }
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
  }
}

/** First index of the max/min along the middle axis; NaN counts as the maximum (and minimum), like PyTorch. */
export function argReduce(
  op: 'argmax' | 'argmin',
  x: TypedArray,
  outer: number,
  r: number,
  inner: number,
  out: Int32Array,
): void {
  const isMax = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * r * inner + i];
      let bi = 0;
      for (let j = 1; j < r && best === best; j++) {
        const v = x[(o * r + j) * inner + i];
        if (v !== v || (isMax ? v > best : v < best)) {
          best = v;
          bi = j;
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

/**
 * Running sums along the middle axis of `(outer, n, inner)`, accumulated in doubles (a JS number, or a float64 row
 * when the axis is not last) so a long float32 scan does not drift, like PyTorch's CPU cumsum.
 */
export function cumsum(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * n;
      let acc = 0;
      for (let j = 0; j < n; j++) {
        acc += x[base + j];
        out[base + j] = acc;
      }
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) {
        acc[i] += x[base + i];
        out[base + i] = acc[i];
      }
    }
  }
}
