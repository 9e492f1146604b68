import { expect } from 'vitest';

/** Anything the matcher can compare: a tensor (has `data` and `shape`), a typed array, nested arrays or a number. */
type Comparable =
  | number
  | ArrayLike<number>
  | readonly unknown[]
  | { data: ArrayLike<number>; shape: readonly number[] };

interface Flat {
  values: ArrayLike<number>;
  shape: readonly number[] | null;
}

function flatten(x: unknown): Flat {
  if (typeof x === 'number') return { values: [x], shape: [] };
  if (x && typeof x === 'object' && 'shape' in x && 'data' in x) {
    const t = x as { data: ArrayLike<number>; shape: readonly number[] };
    return { values: Array.from(t.data, Number), shape: t.shape };
  }
  if (ArrayBuffer.isView(x)) return { values: x as unknown as ArrayLike<number>, shape: null };
  if (Array.isArray(x)) {
    const out: number[] = [];
    const shape: number[] = [];
    const walk = (v: unknown, depth: number) => {
      if (Array.isArray(v)) {
        if (shape.length <= depth) shape.push(v.length);
        for (const e of v) walk(e, depth + 1);
      } else out.push(Number(v));
    };
    walk(x, 0);
    return { values: out, shape };
  }
  throw new Error(`toBeAllclose: cannot compare ${String(x)}`);
}

export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
}

expect.extend({
  /**
   * |actual - expected| <= atol + rtol * |expected| elementwise (NumPy's allclose), shapes equal where
   * both sides have one. NaN matches NaN and infinities must match exactly.
   */
  toBeAllclose(received: Comparable, expected: Comparable, opts: AllcloseOptions = {}) {
    const rtol = opts.rtol ?? 1e-5;
    const atol = opts.atol ?? 1e-6;
    const a = flatten(received);
    const b = flatten(expected);
    if (a.shape && b.shape && b.shape.length > 0 && a.shape.join(',') !== b.shape.join(',')) {
      return {
        pass: false,
        message: () => `shape (${a.shape?.join(',')}) differs from expected (${b.shape?.join(',')})`,
      };
    }
    if (a.values.length !== b.values.length) {
      return { pass: false, message: () => `length ${a.values.length} differs from expected ${b.values.length}` };
    }
    let worst = -1;
    let worstErr = 0;
    let bad = 0;
    for (let i = 0; i < a.values.length; i++) {
      const x = a.values[i];
      const y = b.values[i];
      let ok: boolean;
      if (Number.isNaN(y)) ok = Number.isNaN(x);
      else if (!Number.isFinite(y)) ok = x === y;
      else ok = Math.abs(x - y) <= atol + rtol * Math.abs(y);
      if (!ok) {
        bad++;
        const err = Math.abs(x - y) - rtol * Math.abs(y);
        if (worst < 0 || err > worstErr || Number.isNaN(err)) {
          worst = i;
          worstErr = err;
        }
      }
    }
    return {
      pass: bad === 0,
      message: () =>
        bad === 0
          ? 'expected values not to be allclose'
          : `${bad} of ${a.values.length} elements differ (rtol=${rtol}, atol=${atol}); worst at flat index ${worst}: got ${a.values[worst]}, expected ${b.values[worst]}`,
    };
  },
});

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    toBeAllclose(expected: Comparable, opts?: AllcloseOptions): R;
  }
}
