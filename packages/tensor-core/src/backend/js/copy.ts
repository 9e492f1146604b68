import type { TypedArray } from '../../dtype';
import { collapse, forEachRow } from './strided';

/** Strided copy or accumulate; see {@link Backend.copy}. */
export function copy(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
  accumulate: boolean,
): void {
  const [cs, [ss, ds]] = collapse(shape, [srcStrides, dstStrides]);
  forEachRow(cs, [ss, ds], [srcOffset, dstOffset], (o, n, s) => {
    const s0 = o[0];
    const d0 = o[1];
    const s1 = s[0];
    const d1 = s[1];
    if (accumulate) {
      for (let i = 0; i < n; i++) dst[d0 + i * d1] += src[s0 + i * s1];
    } else if (s1 === 1 && d1 === 1) {
      // Same element type: TypedArray.set is a memcpy; across types it converts element by element.
      if (src.constructor === dst.constructor) dst.set(src.subarray(s0, s0 + n), d0);
      else for (let i = 0; i < n; i++) dst[d0 + i] = src[s0 + i];
    } else {
      for (let i = 0; i < n; i++) dst[d0 + i * d1] = src[s0 + i * s1];
    }
  });
}
