import type { TypedArray } from '../../dtype';

/**
 * A stable argsort of each lane along the middle axis of `(outer, n, inner)`, keeping the first `k` positions.
 * Each lane is copied into a float64 scratch row and its indices sorted with a comparator that orders NaN above
 * every number and breaks ties by index, so the result is stable whatever algorithm the engine's sort uses.
 * A full sort also serves topk: O(n log n) per lane instead of a selection's O(n), simpler and fast enough for
 * the dims topk sees in practice (vocabularies, attention rows).
 */
export function argsort(
  x: TypedArray,
  outer: number,
  n: number,
  inner: number,
  descending: boolean,
  k: number,
  out: Int32Array,
): void {
  const vals = new Float64Array(n);
  const idx = new Int32Array(n);
  // Ascending: smaller first, NaN last. Descending: larger first, NaN first. Ties: lower index first.
  const cmp = descending
    ? (a: number, b: number): number => {
        const va = vals[a];
        const vb = vals[b];
        if (va > vb) return -1;
        if (va < vb) return 1;
        const na = va !== va;
        if (na !== (vb !== vb)) return na ? -1 : 1;
        return a - b;
      }
    : (a: number, b: number): number => {
        const va = vals[a];
        const vb = vals[b];
        if (va < vb) return -1;
        if (va > vb) return 1;
        const na = va !== va;
        if (na !== (vb !== vb)) return na ? 1 : -1;
        return a - b;
      };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const src = o * n * inner + i;
      for (let j = 0; j < n; j++) {
        vals[j] = x[src + j * inner];
        idx[j] = j;
      }
      idx.sort(cmp);
      const dst = o * k * inner + i;
      for (let j = 0; j < k; j++) out[dst + j * inner] = idx[j];
    }
  }
}
