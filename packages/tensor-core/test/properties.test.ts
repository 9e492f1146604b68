/**
 * Property tests for the shape logic: broadcasting, movement ops and their inverses, reductions, and matmul
 * against a naive triple loop. Values are small integers in float64, so every comparison is exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  broadcastShapes,
  cat,
  expand,
  Generator,
  grad,
  matmul,
  matmulT,
  mul,
  permute,
  randint,
  reshape,
  split,
  sum,
  type Tensor,
  TensorError,
} from '../src/index';

/** A float64 tensor of small integers drawn from a generator seeded by fast-check. */
function ints(shape: readonly number[], seed: number): Tensor {
  return randint(-4, 5, shape, { dtype: 'float64', generator: new Generator(seed) });
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });
const nonEmptyShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/**
 * Two shapes that broadcast: drawn from one shape (small sizes, so equal sizes are common) by dropping leading
 * dims and setting dims to 1. Pairs like (3,1) and (1,3), equal in rank and size but not in shape, come often.
 */
const compatiblePair = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.nat(2),
    fc.nat(2),
  )
  .map(([base, keepA, keepB, dropA, dropB]) => {
    const derive = (keep: boolean[], drop: number) =>
      base.slice(Math.min(drop, base.length)).map((d, i) => (keep[i] ? d : 1));
    return [derive(keepA, dropA), derive(keepB, dropB)] as const;
  });

/** The broadcasting rule written out independently of the library. */
function referenceBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else return null;
  }
  return out;
}

function tryBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  try {
    return broadcastShapes('add', a, b);
  } catch (e) {
    expect(e).toBeInstanceOf(TensorError);
    return null;
  }
}

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const s = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

describe('broadcasting', () => {
  it('broadcastShapes is commutative and agrees with the reference rule', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          smallShape.chain((a) => fc.tuple(fc.constant(a), smallShape)),
          compatiblePair,
        ),
        ([a, b]) => {
          const ab = tryBroadcast(a, b);
          expect(tryBroadcast(b, a)).toEqual(ab);
          expect(ab).toEqual(referenceBroadcast(a, b));
        },
      ),
    );
  });

  it('an op on broadcast operands equals the op on explicitly expanded ones, values and gradients', () => {
    fc.assert(
      fc.property(compatiblePair, seed, ([sa, sb], s) => {
        const out = broadcastShapes('add', sa, sb);
        for (const op of [add, mul]) {
          const a = ints(sa, s).requiresGrad_();
          const b = ints(sb, s + 1).requiresGrad_();
          const w = ints(out, s + 2);
          const y = op(a, b);
          const z = op(expand(a, out), expand(b, out));
          expect(y.shape).toEqual(out);
          expect(Array.from(y.data)).toEqual(Array.from(z.data));
          const [ga, gb] = grad(y.mul(w).sum(), [a, b]) as Tensor[];
          const [ea, eb] = grad(z.mul(w).sum(), [a, b]) as Tensor[];
          expect(ga.shape).toEqual(sa);
          expect(gb.shape).toEqual(sb);
          expect(Array.from(ga.data)).toEqual(Array.from(ea.data));
          expect(Array.from(gb.data)).toEqual(Array.from(eb.data));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('movement ops', () => {
  const permuted = nonEmptyShape.chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.shuffledSubarray(
        shape.map((_, i) => i),
        { minLength: shape.length, maxLength: shape.length },
      ),
      seed,
    ),
  );

  it('permute moves each element to the permuted index, and the inverse permutation undoes it', () => {
    fc.assert(
      fc.property(permuted, ([shape, perm, s]) => {
        const x = ints(shape, s);
        const y = permute(x, perm);
        expect(y.shape).toEqual(perm.map((p) => shape[p]));
        const xs = strides(shape);
        const ys = strides(y.shape);
        for (let flat = 0; flat < y.size; flat++) {
          let src = 0;
          for (let d = 0; d < perm.length; d++) src += (Math.floor(flat / ys[d]) % y.shape[d]) * xs[perm[d]];
          expect(y.data[flat]).toBe(x.data[src]);
        }
        const inv = perm.map((_, i) => perm.indexOf(i));
        expect(Array.from(permute(y, inv).data)).toEqual(Array.from(x.data));
      }),
    );
  });

  it('reshape there and back is the identity and keeps row-major order', () => {
    const pair = fc.tuple(nonEmptyShape, fc.nat(), seed).map(([shape, k, s]) => {
      // Another shape of the same size: the size's prime factors dealt into a few dims.
      let n = shape.reduce((a, b) => a * b, 1);
      const factors: number[] = [];
      for (let p = 2; n > 1; p++) {
        while (n % p === 0) {
          factors.push(p);
          n /= p;
        }
      }
      const dims = 1 + (k % 3);
      const other = new Array<number>(dims).fill(1);
      factors.forEach((f, i) => {
        other[(i * 7 + k) % dims] *= f;
      });
      return [shape, other, s] as const;
    });
    fc.assert(
      fc.property(pair, ([shape, other, s]) => {
        const x = ints(shape, s);
        const y = reshape(x, other);
        expect(y.shape).toEqual(other);
        expect(Array.from(y.data)).toEqual(Array.from(x.data));
        const back = reshape(y, shape);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(x.data));
      }),
    );
  });

  it('cat undoes split, and split undoes cat', () => {
    const arb = nonEmptyShape.chain((shape) =>
      fc.tuple(fc.constant(shape), fc.nat(shape.length - 1), fc.array(fc.nat(3), { minLength: 1, maxLength: 4 }), seed),
    );
    fc.assert(
      fc.property(arb, ([shape, dim, sizes, s]) => {
        const full = shape.slice();
        full[dim] = sizes.reduce((a, b) => a + b, 0);
        const x = ints(full, s);
        const parts = split(x, sizes, dim);
        expect(parts.map((p) => p.shape[dim])).toEqual(sizes);
        const joined = cat(parts, dim);
        expect(joined.shape).toEqual(full);
        expect(Array.from(joined.data)).toEqual(Array.from(x.data));
        const again = split(joined, sizes, dim);
        again.forEach((p, i) => {
          expect(Array.from(p.data)).toEqual(Array.from(parts[i].data));
        });
      }),
    );
  });
});

describe('reductions', () => {
  it('a sum over several dims equals nested sums over each dim, and the total', () => {
    const arb = fc.tuple(nonEmptyShape, seed).chain(([shape, s]) =>
      fc.tuple(
        fc.constant(shape),
        fc.shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: 1 },
        ),
        fc.boolean(),
        fc.constant(s),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, dims, keepdim, s]) => {
        const x = ints(shape, s);
        const once = sum(x, dims, keepdim);
        // Highest dim first so lower dim numbers stay valid without keepdim.
        let nested = x;
        for (const d of [...dims].sort((a, b) => b - a)) nested = sum(nested, d, keepdim);
        expect(once.shape).toEqual(nested.shape);
        expect(Array.from(once.data)).toEqual(Array.from(nested.data));
        expect(sum(once).item()).toBe(sum(x).item());
      }),
    );
  });
});

describe('matmul', () => {
  /** `op(A)[b]·op(B)[b]` by the definition, over broadcast batch dims. */
  function naive(a: Tensor, b: Tensor, transA: boolean, transB: boolean): { shape: number[]; data: number[] } {
    const ra = a.ndim;
    const rb = b.ndim;
    const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    const nb = batch.reduce((p, q) => p * q, 1);
    const offset = (t: Tensor, bi: number) => {
      const own = t.shape.slice(0, -2);
      const lead = batch.length - own.length;
      let off = 0;
      let rem = bi;
      const bs = strides(batch);
      const os = strides(own);
      const mat = t.shape[t.ndim - 1] * t.shape[t.ndim - 2];
      for (let d = 0; d < batch.length; d++) {
        const i = Math.floor(rem / bs[d]);
        rem -= i * bs[d];
        if (d >= lead && own[d - lead] !== 1) off += i * os[d - lead] * mat;
      }
      return off;
    };
    const data: number[] = [];
    const ca = a.shape[ra - 1];
    const cb = b.shape[rb - 1];
    for (let bi = 0; bi < nb; bi++) {
      const oa = offset(a, bi);
      const ob = offset(b, bi);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            const av = transA ? a.data[oa + p * ca + i] : a.data[oa + i * ca + p];
            const bv = transB ? b.data[ob + j * cb + p] : b.data[ob + p * cb + j];
            s += av * bv;
          }
          data.push(s);
        }
    }
    return { shape: [...batch, m, n], data };
  }

  /** Batch shapes that broadcast, matrix sizes up to 40 so the packed, blocked kernel runs too (and k = 0). */
  const arb = fc.tuple(
    compatiblePair,
    fc.boolean(),
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 0, max: 40 }),
    fc.boolean(),
    fc.boolean(),
    seed,
  );

  it('equals the naive triple loop, with transposed operands and broadcast batch dims', () => {
    fc.assert(
      fc.property(arb, ([[ba, bb], batched, m, n, k, transA, transB, s]) => {
        const batchA = batched ? ba.slice(-2) : [];
        const batchB = batched ? bb.slice(-2) : [];
        const a = ints([...batchA, ...(transA ? [k, m] : [m, k])], s);
        const b = ints([...batchB, ...(transB ? [n, k] : [k, n])], s + 1);
        const want = naive(a, b, transA, transB);
        const got = matmulT(a, b, transA, transB);
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.data)).toEqual(want.data);
        if (!transA && !transB) expect(Array.from(matmul(a, b).data)).toEqual(want.data);
      }),
      { numRuns: 80 },
    );
  });

  it('float32 products agree with the float64 definition to float32 precision', () => {
    fc.assert(
      fc.property(arb, ([, , m, n, k, transA, transB, s]) => {
        const g = new Generator(s);
        const a = ints(transA ? [k, m] : [m, k], s).mul(1 / 3);
        const b = ints(transB ? [n, k] : [k, n], g.nextUint32()).mul(1 / 7);
        const want = naive(a, b, transA, transB);
        const got = matmulT(a.float(), b.float(), transA, transB);
        expect(got.dtype).toBe('float32');
        expect(got.data).toBeAllclose(want.data, { rtol: 1e-5, atol: 1e-5 });
      }),
      { numRuns: 40 },
    );
  });
});
