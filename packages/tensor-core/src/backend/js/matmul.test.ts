import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Generator } from '../../random';
import { gemm, setStrassen } from './matmul';

function rand(n: number, seed: number, f64: boolean): Float32Array | Float64Array {
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  new Generator(seed).fillNormal(out);
  return out;
}

/** `C += op(A)·op(B)` in float64 with plain loops, on the same strided layout as `gemm`. */
function reference(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  tA: boolean,
  b: ArrayLike<number>,
  tB: boolean,
) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p] * b[tB ? j * k + p : p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

function run(m: number, n: number, k: number, tA: boolean, tB: boolean, f64: boolean, seed: number) {
  const a = rand(m * k, seed, f64);
  const b = rand(k * n, seed + 1, f64);
  const c = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
  gemm(m, n, k, a, 0, tA ? 1 : k, tA ? m : 1, b, 0, tB ? 1 : n, tB ? k : 1, c, 0);
  return { c, ref: reference(m, n, k, a, tA, b, tB) };
}

describe("gemm with Strassen's algorithm", () => {
  let saved: { min: number; leaf: number } | undefined;
  afterEach(() => {
    if (saved) setStrassen(saved.min, saved.leaf);
  });

  it('one and two levels on ragged shapes (odd rows, columns and k) match plain loops, every transpose', () => {
    saved = setStrassen(8, 4); // blocks ≥ 4 wide: 8…15 → one level, 16+ → two
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 45 }),
        fc.integer({ min: 8, max: 45 }),
        fc.integer({ min: 8, max: 45 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (m, n, k, tA, tB, f64) => {
          const { c, ref } = run(m, n, k, tA, tB, f64, m * 1000 + n * 10 + k);
          expect(c).toBeAllclose(ref, { rtol: f64 ? 1e-12 : 1e-4, atol: f64 ? 1e-12 : 1e-4 });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('accumulates into a block of a wider C (ldc > N) and leaves the rest alone', () => {
    saved = setStrassen(8, 4);
    const m = 21;
    const n = 18;
    const k = 17;
    const ldc = 25;
    const a = rand(m * k, 1, true);
    const b = rand(k * n, 2, true);
    const c = new Float64Array(m * ldc).fill(1);
    gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 3, ldc);
    const ref = reference(m, n, k, a, false, b, false);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < ldc; j++) {
        const inside = j >= 3 && j < 3 + n;
        expect(c[i * ldc + j]).toBeCloseTo(inside ? 1 + ref[i * n + j - 3] : 1, 10);
      }
  });

  it('the default path at 256–300 (where Strassen starts) stays within float32 rounding of plain loops', () => {
    for (const [m, n, k] of [
      [256, 256, 256],
      [300, 257, 263],
    ] as const) {
      const { c, ref } = run(m, n, k, false, false, false, m + n + k);
      // |C| reaches ~4√k ≈ 65. Accumulating in float64, the classical product is off by about one float32
      // rounding of C (~4e-6 here); Strassen's block sums add a few times that (measured ≤ 1e-5).
      let worst = 0;
      for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - ref[i]));
      expect(worst).toBeLessThan(5e-5);
      expect(worst).toBeGreaterThan(0); // float32 arithmetic really ran
    }
  });
});
