import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator } from '../random';
import type { Backend, UnfoldDesc } from './backend';
import { jsBackend } from './js/index';

/**
 * The contract every backend must meet, checked against plain reference loops. A new backend (WebAssembly,
 * threads) joins the list below and must pass unchanged.
 */
const backends: Backend[] = [jsBackend];

function randArray(n: number, seed: number, f64 = false): Float32Array | Float64Array {
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  new Generator(seed).fillNormal(out);
  return out;
}

function refMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p] * b[tB ? j * k + p : p * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}

describe.each(backends.map((b) => [b.name, b] as const))('backend %s', (_name, be) => {
  it('matmul matches the reference for every transpose combination and ragged sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (m, n, k, tA, tB, f64) => {
          const a = randArray(m * k, m * 7 + k, f64);
          const b = randArray(k * n, n * 13 + k, f64);
          const out = be.alloc(f64 ? 'float64' : 'float32', m * n);
          be.matmul(a, b, out, {
            m,
            n,
            k,
            transA: tA,
            transB: tB,
            batchShape: [],
            aBatchStrides: [],
            bBatchStrides: [],
          });
          expect(out).toBeAllclose(refMatmul(a, b, m, n, k, tA, tB), {
            rtol: f64 ? 1e-12 : 1e-4,
            atol: f64 ? 1e-12 : 1e-4,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matmul broadcasts batch dims through strides (large enough for the packed path)', () => {
    const m = 70;
    const n = 45;
    const k = 130;
    const a = randArray(2 * m * k, 1);
    const b = randArray(k * n, 2);
    const out = be.alloc('float32', 2 * 3 * m * n);
    // a: (2, 1, m, k), b: (k, n) broadcast to batch (2, 3)
    be.matmul(a, b, out, {
      m,
      n,
      k,
      transA: false,
      transB: false,
      batchShape: [2, 3],
      aBatchStrides: [m * k, 0],
      bBatchStrides: [0, 0],
    });
    for (let i = 0; i < 2; i++) {
      const ref = refMatmul(a.subarray(i * m * k), b, m, n, k, false, false);
      for (let j = 0; j < 3; j++)
        expect(out.subarray((i * 3 + j) * m * n, (i * 3 + j + 1) * m * n)).toBeAllclose(ref, {
          rtol: 1e-4,
          atol: 1e-4,
        });
    }
  });

  it('reduces the middle axis of (outer, r, inner) for every op', () => {
    const x = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => ((i * 7) % 11) - 5);
    for (const op of ['sum', 'max', 'min', 'prod'] as const) {
      const out = new Float64Array(8);
      be.reduce(op, x, 2, 3, 4, out);
      const ref = new Float64Array(8);
      for (let o = 0; o < 2; o++) {
        for (let i = 0; i < 4; i++) {
          const vals = [0, 1, 2].map((j) => x[(o * 3 + j) * 4 + i]);
          ref[o * 4 + i] =
            op === 'sum'
              ? vals.reduce((p, v) => p + v)
              : op === 'prod'
                ? vals.reduce((p, v) => p * v)
                : op === 'max'
                  ? Math.max(...vals)
                  : Math.min(...vals);
        }
      }
      expect(out).toBeAllclose(ref);
    }
    const nanRow = new Float32Array([1, Number.NaN, 3]);
    const o = new Float32Array(1);
    be.reduce('max', nanRow, 1, 3, 1, o);
    expect(Number.isNaN(o[0])).toBe(true);
  });

  it('copy walks negative and zero strides (flip, broadcast) and accumulates', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]); // (2, 3)
    const dst = new Float32Array(6);
    be.copy(src, 5, [-3, -1], dst, 0, [3, 1], [2, 3], false); // flip both dims
    expect(Array.from(dst)).toEqual([6, 5, 4, 3, 2, 1]);
    const row = new Float32Array([1, 2, 3]);
    const acc = new Float32Array(6).fill(1);
    be.copy(row, 0, [0, 1], acc, 0, [3, 1], [2, 3], true); // broadcast add
    expect(Array.from(acc)).toEqual([2, 3, 4, 2, 3, 4]);
  });

  it('unfold and fold are adjoint: <unfold(x), y> = <x, fold(y)>', () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 3, max: 9 }),
          w: fc.integer({ min: 3, max: 9 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 3 }),
          p: fc.integer({ min: 0, max: 1 }),
          dl: fc.integer({ min: 1, max: 2 }),
        }),
        ({ c, h, w, kh, kw, s, p, dl }) => {
          const outH = Math.floor((h + 2 * p - dl * (kh - 1) - 1) / s) + 1;
          const outW = Math.floor((w + 2 * p - dl * (kw - 1) - 1) / s) + 1;
          if (outH <= 0 || outW <= 0) return;
          const d: UnfoldDesc = {
            n: 2,
            c,
            h,
            w,
            kh,
            kw,
            strideH: s,
            strideW: s,
            padH: p,
            padW: p,
            dilationH: dl,
            dilationW: dl,
            outH,
            outW,
            padValue: 0,
          };
          const x = randArray(2 * c * h * w, 3, true);
          const y = randArray(2 * c * kh * kw * outH * outW, 4, true);
          const ux = new Float64Array(y.length);
          be.unfold(x, d, ux);
          const fy = new Float64Array(x.length);
          be.fold(y, d, fy);
          let lhs = 0;
          for (let i = 0; i < y.length; i++) lhs += ux[i] * y[i];
          let rhs = 0;
          for (let i = 0; i < x.length; i++) rhs += x[i] * fy[i];
          expect(lhs).toBeCloseTo(rhs, 9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gather and scatterAdd are adjoint along an axis', () => {
    const x = Float64Array.from({ length: 12 }, (_, i) => i); // (3, 4)
    const index = new Int32Array([3, 0, 1, 1, 2, 2]); // (3, 2) along axis 1
    const out = new Float64Array(6);
    be.gather(x, [3, 4], 1, index, [3, 2], out);
    expect(Array.from(out)).toEqual([3, 0, 5, 5, 10, 10]);
    const back = new Float64Array(12);
    be.scatterAdd(back, [3, 4], 1, index, [3, 2], new Float64Array([1, 1, 1, 1, 1, 1]));
    expect(Array.from(back)).toEqual([1, 0, 0, 1, 0, 2, 0, 0, 0, 0, 2, 0]);
  });

  it('computes sigmoid without overflow and erf to double precision', () => {
    const x = new Float64Array([-1000, -20, 0, 20, 1000]);
    const out = new Float64Array(5);
    be.unary('sigmoid', x, out);
    expect(out).toBeAllclose([0, 1 / (1 + Math.exp(20)), 0.5, 1 / (1 + Math.exp(-20)), 1], { rtol: 1e-15, atol: 0 });
    const e = new Float64Array(4);
    be.unary('erf', new Float64Array([0.1, 1, 2.5, 4]), e);
    // Reference values of erf to 16 digits.
    expect(e).toBeAllclose([0.1124629160182849, 0.8427007929497149, 0.999593047982555, 0.9999999845827421], {
      rtol: 1e-14,
      atol: 0,
    });
  });

  it('maxPoolIndices picks the first maximum among the taps inside the image, NaN winning', () => {
    const geoms: [number, number, number, number, number][] = [
      // k, stride, pad, dilation, outSize (PyTorch's, with ceil mode where it adds a window over the edge)
      [2, 2, 0, 1, 4],
      [3, 2, 1, 1, 4],
      [2, 1, 1, 2, 7],
      [3, 3, 1, 2, 3],
    ];
    const h = 7;
    const w = 7;
    const planes = 3;
    // Few distinct values so that ties are common, plus one NaN.
    const x = Float32Array.from({ length: planes * h * w }, (_, i) => ((i * 37) % 5) - 2);
    x[60] = Number.NaN;
    for (const [k, s, p, d, out] of geoms) {
      const got = new Int32Array(planes * out * out);
      be.maxPoolIndices(
        x,
        {
          n: planes,
          c: 1,
          h,
          w,
          kh: k,
          kw: k,
          strideH: s,
          strideW: s,
          padH: p,
          padW: p,
          dilationH: d,
          dilationW: d,
          outH: out,
          outW: out,
          padValue: Number.NEGATIVE_INFINITY,
        },
        got,
      );
      const want: number[] = [];
      for (let pl = 0; pl < planes; pl++)
        for (let oh = 0; oh < out; oh++)
          for (let ow = 0; ow < out; ow++) {
            let best = -1;
            let max = Number.NEGATIVE_INFINITY;
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const ih = oh * s - p + i * d;
                const iw = ow * s - p + j * d;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                const v = x[pl * h * w + ih * w + iw];
                if (best < 0 || v > max || Number.isNaN(v)) {
                  best = ih * w + iw;
                  max = v;
                }
              }
            want.push(best);
          }
      expect(Array.from(got)).toEqual(want);
    }
  });

  it('adaptiveMaxPoolIndices picks the first maximum of each floor/ceil window, NaN winning', () => {
    // (h, w, outH, outW): shrinking, growing (overlapping windows), 1×1 and one dim kept.
    const geoms: [number, number, number, number][] = [
      [7, 9, 3, 4],
      [3, 4, 5, 7],
      [5, 6, 1, 1],
      [6, 5, 4, 5],
      [1, 3, 2, 1],
    ];
    const planes = 3;
    for (const [h, w, outH, outW] of geoms) {
      // Few distinct values so that ties are common, one NaN, and a -∞ that must still be picked when alone.
      const x = Float64Array.from({ length: planes * h * w }, (_, i) => ((i * 37) % 5) - 2);
      x[Math.min(20, x.length - 1)] = Number.NaN;
      x[0] = Number.NEGATIVE_INFINITY;
      const got = new Int32Array(planes * outH * outW);
      be.adaptiveMaxPoolIndices(x, planes, h, w, outH, outW, got);
      // Windows by integer arithmetic: start ⌊i·n/out⌋, end ⌈(i+1)·n/out⌉ (exclusive).
      const lo = (i: number, n: number, out: number) => ((i * n - ((i * n) % out)) / out) | 0;
      const hi = (i: number, n: number, out: number) => lo(i + 1, n, out) + (((i + 1) * n) % out === 0 ? 0 : 1);
      const want: number[] = [];
      for (let pl = 0; pl < planes; pl++)
        for (let i = 0; i < outH; i++)
          for (let j = 0; j < outW; j++) {
            let best = -1;
            let max = Number.NEGATIVE_INFINITY;
            for (let r = lo(i, h, outH); r < hi(i, h, outH); r++)
              for (let c = lo(j, w, outW); c < hi(j, w, outW); c++) {
                const v = x[pl * h * w + r * w + c];
                if (best < 0 || v > max || Number.isNaN(v)) {
                  best = r * w + c;
                  max = v;
                }
              }
            want.push(best);
          }
      expect(Array.from(got), `geometry ${[h, w, outH, outW]}`).toEqual(want);
    }
  });
  it('cumsum matches running sums along the middle axis of (outer, n, inner), empty axes included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        (outer, n, inner, f64) => {
          const x = randArray(outer * n * inner, outer * 31 + n * 7 + inner, f64);
          const out = be.alloc(f64 ? 'float64' : 'float32', x.length);
          be.cumsum(x, outer, n, inner, out);
          const ref = new Float64Array(x.length);
          for (let o = 0; o < outer; o++)
            for (let i = 0; i < inner; i++) {
              let s = 0;
              for (let j = 0; j < n; j++) {
                s += x[(o * n + j) * inner + i];
                ref[(o * n + j) * inner + i] = s;
              }
            }
          expect(out).toBeAllclose(ref, { rtol: f64 ? 1e-14 : 1e-6, atol: f64 ? 1e-14 : 1e-6 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('cumsum accumulates float32 in double precision, like PyTorch on the CPU', () => {
    // In float32 arithmetic 1e8 + 1 rounds to 1e8 and the last sum would be 0; PyTorch gives 1.
    const out = new Float32Array(3);
    be.cumsum(new Float32Array([1e8, 1, -1e8]), 1, 3, 1, out);
    expect(Array.from(out)).toEqual([1e8, 1e8, 1]);
    const ints = new Int32Array(4);
    be.cumsum(new Int32Array([3, -1, 4, -1]), 1, 4, 1, ints);
    expect(Array.from(ints)).toEqual([3, 2, 6, 5]);
  });

  it('argsort is a stable sort with NaN above every number, keeping the first k positions', () => {
    // Reference: insertion sort (stable by construction) with "a before b" = a < b, NaN largest.
    const before = (a: number, b: number, desc: boolean) => {
      if (Number.isNaN(a) || Number.isNaN(b)) return desc ? !Number.isNaN(b) : !Number.isNaN(a);
      return desc ? a > b : a < b;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.nat(),
        fc.nat(),
        (outer, n, inner, desc, kSeed, seed) => {
          const k = n === 0 ? 0 : kSeed % (n + 1);
          // Few distinct values so ties are common, -0 next to 0, and some NaN.
          const pool = [-1, 0, -0, 2, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
          const x = Float32Array.from({ length: outer * n * inner }, (_, i) => pool[(i * 7 + seed) % pool.length]);
          const got = new Int32Array(outer * k * inner);
          be.argsort(x, outer, n, inner, desc, k, got);
          const want = new Int32Array(outer * k * inner);
          for (let o = 0; o < outer; o++)
            for (let i = 0; i < inner; i++) {
              const order: number[] = [];
              for (let j = 0; j < n; j++) {
                const v = x[(o * n + j) * inner + i];
                let at = order.length;
                while (at > 0 && before(v, x[(o * n + order[at - 1]) * inner + i], desc)) at--;
                order.splice(at, 0, j);
              }
              for (let j = 0; j < k; j++) want[(o * k + j) * inner + i] = order[j];
            }
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lstmCell and lstmCellBackward match the pointwise LSTM step and its chain rule, written out', () => {
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.nat(), (batch, hidden, seed) => {
        const bh = batch * hidden;
        const gates = randArray(4 * bh, seed, true);
        const c = randArray(bh, seed + 1, true);
        const grad = randArray(2 * bh, seed + 2, true);
        const out = new Float64Array(2 * bh);
        const saved = new Float64Array(5 * bh);
        be.lstmCell(gates, c, out, saved, batch, hidden);
        const noSave = new Float64Array(2 * bh);
        be.lstmCell(gates, c, noSave, null, batch, hidden);
        const dOut = new Float64Array(5 * bh);
        be.lstmCellBackward(grad, c, saved, dOut, batch, hidden);
        for (let b = 0; b < batch; b++) {
          for (let j = 0; j < hidden; j++) {
            const z = (k: number) => gates[b * 4 * hidden + k * hidden + j];
            const [i, f, g, o] = [sig(z(0)), sig(z(1)), Math.tanh(z(2)), sig(z(3))];
            const c2 = f * c[b * hidden + j] + i * g;
            const h2 = o * Math.tanh(c2);
            expect(out[b * hidden + j]).toBeCloseTo(h2, 12);
            expect(out[bh + b * hidden + j]).toBeCloseTo(c2, 12);
            expect(noSave[b * hidden + j]).toBe(out[b * hidden + j]);
            // The chain rule one factor at a time, as the composed ops' rules would apply it.
            const dh = grad[b * hidden + j];
            const dc2 = grad[bh + b * hidden + j] + dh * o * (1 - Math.tanh(c2) ** 2);
            const want = [
              dc2 * g * sig(z(0)) * (1 - sig(z(0))),
              dc2 * c[b * hidden + j] * f * (1 - f),
              dc2 * i * (1 - g * g),
              dh * Math.tanh(c2) * o * (1 - o),
              dc2 * f,
            ];
            for (let k = 0; k < 5; k++) expect(dOut[b * 5 * hidden + k * hidden + j]).toBeCloseTo(want[k], 12);
          }
        }
      }),
      { numRuns: 50 },
    );
    // Saturated gates: e^-v overflows to ∞ and σ must give 0, not NaN.
    const out = new Float32Array(2);
    be.lstmCell(Float32Array.from([-1000, -1000, 1000, 1000]), Float32Array.from([5]), out, null, 1, 1);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});
