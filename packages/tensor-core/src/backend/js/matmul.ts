import type { TypedArray } from '../../dtype';
import type { MatmulDesc } from '../backend';

// Block sizes: an A block (MC×KC) stays in L2, a 4-wide B panel (KC×4) in L1 while the 4×4 register tile
// sweeps down the A block. Measured here: other KC/MC values gain nothing in JS.
const KC = 256;
const MC = 128;
const NC = 2048;
// Below this many multiply-adds, packing costs more than it saves.
const SMALL = 16 * 16 * 16;
// From this size up (every one of M, N, K), Strassen's algorithm replaces 8 half-size products by 7, once or
// twice (while the blocks stay at least `strassenLeaf` wide). Scalar JS has no fused multiply-add and no
// SIMD, and V8's code for the micro-kernel plateaus at ~5 GFLOP/s on the machines we measured whatever the
// register tile (2×4 to 3×8 all land within 10%), so doing fewer multiply-adds is the one lever left. The
// sums of blocks are formed while packing and each product is added straight into its C blocks by the
// micro-kernel ("Strassen's algorithm reloaded", Huang, Smith & van de Geijn, SC16): no temporary matrices
// and no extra passes over C. The error bound is a small constant factor above the classical product's;
// the packed sums are formed in float64.
let strassenMin = 256;
let strassenLeaf = 128;
const STRASSEN_MAX_LEVELS = 2;

/**
 * Test hook: Strassen's algorithm runs when M, N and K are all at least `min` (Infinity turns it off),
 * recursing while the blocks stay at least `leaf` wide. Returns the old settings.
 */
export function setStrassen(min: number, leaf = 128): { min: number; leaf: number } {
  const old = { min: strassenMin, leaf: strassenLeaf };
  strassenMin = min;
  strassenLeaf = leaf;
  return old;
}

// Packed panels are float64 for every input dtype: the float32→float64 conversion then happens once per
// packed element instead of on every load in the micro-kernel (measured 15% faster at 256³), and the sums
// of Strassen's blocks are formed without an extra float32 rounding.
const packA = new Float64Array(MC * KC);
let packB = new Float64Array(0);

/**
 * One operand of a packed product: `Σ_t signs[t] · src[offs[t] + i·rs + p·cs]` (a single block when there
 * is one term). Rows are rows of op(A), or columns of op(B).
 */
interface Operand {
  src: TypedArray;
  offs: number[];
  signs: number[];
  rs: number;
  cs: number;
}

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
    gemm(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, out, t * m * n, n);
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

/**
 * One 2-D product `C += op(A)·op(B)` into the `(M, N)` block of `c` at `cOff` with row stride `ldc`.
 * Element (i, p) of op(A) is `a[aOff + i·rsA + p·csA]`; element (p, j) of op(B) is `b[bOff + p·rsB + j·csB]`.
 */
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
  ldc: number = N,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  if (M * N * K <= SMALL || M === 1) {
    gemmSmall(M, N, K, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, ldc);
    return;
  }
  if (M >= strassenMin && N >= strassenMin && K >= strassenMin) {
    let levels = 0;
    const least = Math.min(M, N, K);
    while (levels < STRASSEN_MAX_LEVELS && least >> (levels + 1) >= strassenLeaf) levels++;
    if (levels > 0) {
      strassen(M, N, K, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, ldc, levels);
      return;
    }
  }
  const A: Operand = { src: a, offs: [aOff], signs: [1], rs: rsA, cs: csA };
  // B is packed by columns of op(B): its "rows" advance by csB and its "columns" (the k index) by rsB.
  const B: Operand = { src: b, offs: [bOff], signs: [1], rs: csB, cs: rsB };
  packedGemm(M, N, K, A, B, c, [cOff], ONE, ldc);
}

const ONE = [1];

// One level of Strassen's algorithm with A, B, C split into 2×2 blocks (row, column):
//   M1 = (A11+A22)(B11+B22) → C11, C22     M5 = (A11+A12)B22 → C12, −C11
//   M2 = (A21+A22)B11 → C21, −C22          M6 = (A21−A11)(B11+B12) → C22
//   M3 = A11(B12−B22) → C12, C22           M7 = (A12−A22)(B21+B22) → C11
//   M4 = A22(B21−B11) → C11, C21
// Each term is [block row, block column, sign].
type Terms = readonly (readonly [number, number, number])[];
// biome-ignore format: one product per line, as in the table above
const STRASSEN: readonly { a: Terms; b: Terms; c: Terms }[] = [
  { a: [[0, 0, 1], [1, 1, 1]], b: [[0, 0, 1], [1, 1, 1]], c: [[0, 0, 1], [1, 1, 1]] },  // M1
  { a: [[1, 0, 1], [1, 1, 1]], b: [[0, 0, 1]],             c: [[1, 0, 1], [1, 1, -1]] }, // M2
  { a: [[0, 0, 1]],             b: [[0, 1, 1], [1, 1, -1]], c: [[0, 1, 1], [1, 1, 1]] },  // M3
  { a: [[1, 1, 1]],             b: [[1, 0, 1], [0, 0, -1]], c: [[0, 0, 1], [1, 0, 1]] },  // M4
  { a: [[0, 0, 1], [0, 1, 1]], b: [[1, 1, 1]],             c: [[0, 1, 1], [0, 0, -1]] }, // M5
  { a: [[1, 0, 1], [0, 0, -1]], b: [[0, 0, 1], [0, 1, 1]], c: [[1, 1, 1]] },              // M6
  { a: [[0, 1, 1], [1, 1, -1]], b: [[1, 0, 1], [1, 1, 1]], c: [[0, 0, 1]] },              // M7
];

/** Expands `terms` at one level: every (offset, sign) pair times every block term, blocks `rowStep`/`colStep` apart. */
function expand(offs: number[], signs: number[], terms: Terms, rowStep: number, colStep: number): [number[], number[]] {
  const o: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < offs.length; i++) {
    for (const [r, c, sign] of terms) {
      o.push(offs[i] + r * rowStep + c * colStep);
      s.push(signs[i] * sign);
    }
  }
  return [o, s];
}

/**
 * `levels` levels of Strassen's algorithm on the leading `(M', N', K')` part of the product (each dimension
 * rounded down to a multiple of 2^levels), as 7^levels packed products of blocks, then the leftover rows,
 * columns and k-slice (if any) by the classical path.
 */
function strassen(
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
  ldc: number,
  levels: number,
): void {
  const m = M >> levels;
  const n = N >> levels;
  const k = K >> levels;
  const visit = (
    level: number,
    aOffs: number[],
    aSigns: number[],
    bOffs: number[],
    bSigns: number[],
    cOffs: number[],
    cSigns: number[],
  ): void => {
    if (level === levels) {
      const A: Operand = { src: a, offs: aOffs, signs: aSigns, rs: rsA, cs: csA };
      const B: Operand = { src: b, offs: bOffs, signs: bSigns, rs: csB, cs: rsB };
      packedGemm(m, n, k, A, B, c, cOffs, cSigns, ldc);
      return;
    }
    // Blocks at this level are (m, n, k) · 2^(levels − level − 1) wide.
    const sh = levels - level - 1;
    const bm = m << sh;
    const bn = n << sh;
    const bk = k << sh;
    for (const p of STRASSEN) {
      const [ao, as] = expand(aOffs, aSigns, p.a, bm * rsA, bk * csA);
      const [bo, bs] = expand(bOffs, bSigns, p.b, bk * rsB, bn * csB);
      const [co, cs] = expand(cOffs, cSigns, p.c, bm * ldc, bn);
      visit(level + 1, ao, as, bo, bs, co, cs);
    }
  };
  visit(0, [aOff], ONE, [bOff], ONE, [cOff], ONE);
  const m2 = m << levels;
  const n2 = n << levels;
  const k2 = k << levels;
  // C[:m2, :n2] += A[:m2, k2:] · B[k2:, :n2]  (the leftover k-slice)
  if (K > k2) gemm(m2, n2, K - k2, a, aOff + k2 * csA, rsA, csA, b, bOff + k2 * rsB, rsB, csB, c, cOff, ldc);
  // C[:m2, n2:] += A[:m2, :] · B[:, n2:]  (the leftover columns)
  if (N > n2) gemm(m2, N - n2, K, a, aOff, rsA, csA, b, bOff + n2 * csB, rsB, csB, c, cOff + n2, ldc);
  // C[m2:, :] += A[m2:, :] · B  (the leftover rows)
  if (M > m2) gemm(M - m2, N, K, a, aOff + m2 * rsA, rsA, csA, b, bOff, rsB, csB, c, cOff + m2 * ldc, ldc);
}

/**
 * `C += op(A)·op(B)` by packed, cache-blocked 4×4 register tiles, the result added `cSigns[d]` times at
 * every `cOffs[d]` (row stride `ldc`).
 */
function packedGemm(
  M: number,
  N: number,
  K: number,
  A: Operand,
  B: Operand,
  c: TypedArray,
  cOffs: number[],
  cSigns: number[],
  ldc: number,
): void {
  const ncMax = Math.min(NC, roundUp4(N));
  if (packB.length < KC * ncMax) packB = new Float64Array(KC * ncMax);
  const Ap = packA;
  const Bp = packB;
  const dests = cOffs.length;
  const at = new Array<number>(dests);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packPanels(B, jc, pc, nc, kc, Bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanels(A, ic, pc, mc, kc, Ap);
        for (let d = 0; d < dests; d++) at[d] = cOffs[d] + ic * ldc + jc;
        kernelBlock(Ap, Bp, mc, nc, kc, c, at, cSigns, ldc);
      }
    }
  }
}

function roundUp4(x: number): number {
  return (x + 3) & ~3;
}

/**
 * Packs rows `r0…r0+rows` × columns `p0…p0+kc` of an operand into panels of 4 rows, each panel stored
 * column-by-column (`dst[panel·kc·4 + p·4 + r]`), zero-padding the last panel. For A the "rows" are rows of
 * op(A); for B they are columns of op(B), so both panels feed the micro-kernel the same way. An operand
 * with several terms is summed here, term by term.
 */
function packPanels(op: Operand, r0: number, p0: number, rows: number, kc: number, dst: Float64Array): void {
  const { src, rs, cs, offs, signs } = op;
  const terms = offs.length;
  // The first one or two terms are packed in one pass; any further terms are added in one pass each.
  const off = offs[0] + r0 * rs + p0 * cs;
  const s = signs[0];
  const delta = terms > 1 ? offs[1] - offs[0] : 0;
  const s2 = terms > 1 ? signs[1] : 0;
  for (let i0 = 0; i0 < rows; i0 += 4) {
    const base = (i0 >> 2) * kc * 4;
    const live = Math.min(4, rows - i0);
    if (live < 4) {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) {
          const at = off + (i0 + r) * rs + p * cs;
          dst[base + p * 4 + r] = r < live ? s * src[at] + (terms > 1 ? s2 * src[at + delta] : 0) : 0;
        }
      }
      continue;
    }
    const x0 = off + i0 * rs;
    const x1 = x0 + rs;
    const x2 = x1 + rs;
    const x3 = x2 + rs;
    if (terms === 1) {
      for (let p = 0, q = base; p < kc; p++, q += 4) {
        const o = p * cs;
        dst[q] = s * src[x0 + o];
        dst[q + 1] = s * src[x1 + o];
        dst[q + 2] = s * src[x2 + o];
        dst[q + 3] = s * src[x3 + o];
      }
    } else {
      const y0 = x0 + delta;
      const y1 = x1 + delta;
      const y2 = x2 + delta;
      const y3 = x3 + delta;
      for (let p = 0, q = base; p < kc; p++, q += 4) {
        const o = p * cs;
        dst[q] = s * src[x0 + o] + s2 * src[y0 + o];
        dst[q + 1] = s * src[x1 + o] + s2 * src[y1 + o];
        dst[q + 2] = s * src[x2 + o] + s2 * src[y2 + o];
        dst[q + 3] = s * src[x3 + o] + s2 * src[y3 + o];
      }
    }
  }
  for (let t = 2; t < terms; t++) {
    const offT = offs[t] + r0 * rs + p0 * cs;
    const sT = signs[t];
    for (let i0 = 0; i0 < rows; i0 += 4) {
      const base = (i0 >> 2) * kc * 4;
      const live = Math.min(4, rows - i0);
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < live; r++) dst[base + p * 4 + r] += sT * src[offT + (i0 + r) * rs + p * cs];
      }
    }
  }
}

/**
 * The 4×4 register-tiled micro-kernel over one packed A block and one packed B block, adding the result
 * `signs[d]` times at every `offs[d]`.
 */
function kernelBlock(
  Ap: Float64Array,
  Bp: Float64Array,
  mc: number,
  nc: number,
  kc: number,
  c: TypedArray,
  offs: number[],
  signs: number[],
  ldc: number,
): void {
  const dests = offs.length;
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
      const at = ip * ldc + jp;
      if (mLive === 4 && nLive === 4) {
        for (let d = 0; d < dests; d++) {
          const s = signs[d];
          let o = offs[d] + at;
          c[o] += s * c00;
          c[o + 1] += s * c01;
          c[o + 2] += s * c02;
          c[o + 3] += s * c03;
          o += ldc;
          c[o] += s * c10;
          c[o + 1] += s * c11;
          c[o + 2] += s * c12;
          c[o + 3] += s * c13;
          o += ldc;
          c[o] += s * c20;
          c[o + 1] += s * c21;
          c[o + 2] += s * c22;
          c[o + 3] += s * c23;
          o += ldc;
          c[o] += s * c30;
          c[o + 1] += s * c31;
          c[o + 2] += s * c32;
          c[o + 3] += s * c33;
        }
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let d = 0; d < dests; d++) {
          const o = offs[d] + at;
          const s = signs[d];
          for (let r = 0; r < mLive; r++) {
            for (let q = 0; q < nLive; q++) c[o + r * ldc + q] += s * tile[r * 4 + q];
          }
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
  ldc: number,
): void {
  if (csB === 1) {
    for (let i = 0; i < M; i++) {
      const cRow = cOff + i * ldc;
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
      c[cOff + i * ldc + j] += s;
    }
  }
}
