import type { TypedArray } from '../../dtype';
import type { MatmulDesc } from '../backend';

// Block sizes: an A block (MC×KC) stays in L2, a 4-wide B panel (KC×4) in L1 while the 4×4 register tile
// sweeps down the A block. Measured on this machine's Xeon: larger KC gains nothing in JS.
const KC = 256;
const MC = 128;
const NC = 2048;
// Below this many multiply-adds, packing costs more than it saves.
const SMALL = 16 * 16 * 16;

const packA32 = new Float32Array(MC * KC);
let packB32 = new Float32Array(KC * NC);
let packA64 = new Float64Array(0);
let packB64 = new Float64Array(0);

/** Batched `C = op(A)·op(B)`; see {@link MatmulDesc}. `out` is zero-filled by the caller. */
export function matmul(a: TypedArray, b: TypedArray, out: TypedArray, d: MatmulDesc): void {
  const { m, n, k, transA, transB, batchShape } = d;
  // Element (i, p) of op(A) lives at i·rsA + p·csA; likewise for B.
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  const nb = batchShape.length;
  let batches = 1;
  for (let i = 0; i < nb; i++) batches *= batchShape[i];
  const idx = new Array<number>(nb).fill(0);
  let aOff = 0;
  let bOff = 0;
  for (let t = 0; t < batches; t++) {
    gemm(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, out, t * m * n);
    for (let dd = nb - 1; dd >= 0; dd--) {
      idx[dd]++;
      aOff += d.aBatchStrides[dd];
      bOff += d.bBatchStrides[dd];
      if (idx[dd] < batchShape[dd]) break;
      aOff -= d.aBatchStrides[dd] * batchShape[dd];
      bOff -= d.bBatchStrides[dd] * batchShape[dd];
      idx[dd] = 0;
    }
  }
}

/** One 2-D product into the contiguous `(M, N)` block of `c` at `cOff` (accumulating). */
export function gemm(
  M: number,
  N: number,
  K: number,
  a: TypedArray,
  aOff: number,
  rsA: number,
  csA: number,
  b: TypedArray,
  bOff: number,
  rsB: number,
  csB: number,
  c: TypedArray,
  cOff: number,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  if (M * N * K <= SMALL || M === 1) {
    gemmSmall(M, N, K, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff);
    return;
  }
  const f64 = c instanceof Float64Array;
  let Ap: Float32Array | Float64Array;
  let Bp: Float32Array | Float64Array;
  const ncMax = Math.min(NC, roundUp4(N));
  if (f64) {
    if (packA64.length < MC * KC) packA64 = new Float64Array(MC * KC);
    if (packB64.length < KC * ncMax) packB64 = new Float64Array(KC * ncMax);
    Ap = packA64;
    Bp = packB64;
  } else {
    if (packB32.length < KC * ncMax) packB32 = new Float32Array(KC * ncMax);
    Ap = packA32;
    Bp = packB32;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packPanels(b, bOff + pc * rsB + jc * csB, csB, rsB, nc, kc, Bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanels(a, aOff + ic * rsA + pc * csA, rsA, csA, mc, kc, Ap);
        kernelBlock(Ap, Bp, mc, nc, kc, c, cOff + ic * N + jc, N);
      }
    }
  }
}

function roundUp4(x: number): number {
  return (x + 3) & ~3;
}

/**
 * Packs `rows` rows × `kc` columns of a strided matrix into panels of 4 rows, each panel stored
 * column-by-column (`dst[panel·kc·4 + p·4 + r]`), zero-padding the last panel. For A the "rows" are rows of
 * op(A); for B they are columns of op(B), so both panels feed the micro-kernel the same way.
 */
function packPanels(
  src: TypedArray,
  off: number,
  rowStride: number,
  colStride: number,
  rows: number,
  kc: number,
  dst: Float32Array | Float64Array,
): void {
  for (let r0 = 0; r0 < rows; r0 += 4) {
    const base = (r0 >> 2) * kc * 4;
    const live = Math.min(4, rows - r0);
    if (live === 4) {
      const s0 = off + r0 * rowStride;
      const s1 = s0 + rowStride;
      const s2 = s1 + rowStride;
      const s3 = s2 + rowStride;
      for (let p = 0, q = base; p < kc; p++, q += 4) {
        const o = p * colStride;
        dst[q] = src[s0 + o];
        dst[q + 1] = src[s1 + o];
        dst[q + 2] = src[s2 + o];
        dst[q + 3] = src[s3 + o];
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++)
          dst[base + p * 4 + r] = r < live ? src[off + (r0 + r) * rowStride + p * colStride] : 0;
      }
    }
  }
}

/** The 4×4 register-tiled micro-kernel over one packed A block and one packed B block. */
function kernelBlock(
  Ap: Float32Array | Float64Array,
  Bp: Float32Array | Float64Array,
  mc: number,
  nc: number,
  kc: number,
  c: TypedArray,
  cOff: number,
  ldc: number,
): void {
  for (let jp = 0; jp < nc; jp += 4) {
    const bBase = (jp >> 2) * kc * 4;
    const nLive = Math.min(4, nc - jp);
    for (let ip = 0; ip < mc; ip += 4) {
      let ai = (ip >> 2) * kc * 4;
      let bi = bBase;
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      for (let p = 0; p < kc; p++) {
        const a0 = Ap[ai];
        const a1 = Ap[ai + 1];
        const a2 = Ap[ai + 2];
        const a3 = Ap[ai + 3];
        const b0 = Bp[bi];
        const b1 = Bp[bi + 1];
        const b2 = Bp[bi + 2];
        const b3 = Bp[bi + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        ai += 4;
        bi += 4;
      }
      const mLive = Math.min(4, mc - ip);
      let o = cOff + ip * ldc + jp;
      if (mLive === 4 && nLive === 4) {
        c[o] += c00;
        c[o + 1] += c01;
        c[o + 2] += c02;
        c[o + 3] += c03;
        o += ldc;
        c[o] += c10;
        c[o + 1] += c11;
        c[o + 2] += c12;
        c[o + 3] += c13;
        o += ldc;
        c[o] += c20;
        c[o + 1] += c21;
        c[o + 2] += c22;
        c[o + 3] += c23;
        o += ldc;
        c[o] += c30;
        c[o + 1] += c31;
        c[o + 2] += c32;
        c[o + 3] += c33;
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < mLive; r++) {
          for (let q = 0; q < nLive; q++) c[o + r * ldc + q] += tile[r * 4 + q];
        }
      }
    }
  }
}

/** Unpacked i-p-j loops for small or single-row products, where packing would dominate. */
function gemmSmall(
  M: number,
  N: number,
  K: number,
  a: TypedArray,
  aOff: number,
  rsA: number,
  csA: number,
  b: TypedArray,
  bOff: number,
  rsB: number,
  csB: number,
  c: TypedArray,
  cOff: number,
): void {
  if (csB === 1) {
    for (let i = 0; i < M; i++) {
      const cRow = cOff + i * N;
      for (let p = 0; p < K; p++) {
        const av = a[aOff + i * rsA + p * csA];
        const bRow = bOff + p * rsB;
        for (let j = 0; j < N; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
    return;
  }
  // op(B) is a transposed row-major matrix: column j of op(B) is contiguous, so take dot products.
  for (let i = 0; i < M; i++) {
    const aRow = aOff + i * rsA;
    for (let j = 0; j < N; j++) {
      const bCol = bOff + j * csB;
      let s = 0;
      for (let p = 0; p < K; p++) s += a[aRow + p * csA] * b[bCol + p * rsB];
      c[cOff + i * N + j] += s;
    }
  }
}
