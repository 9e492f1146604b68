/**
 * JSON for checkpoint metadata that keeps every number: plain `JSON.stringify` turns `Infinity`, `-Infinity` and
 * `NaN` into `null` and `-0` into `0`, yet a scheduler's state holds `best: Infinity` before its first step
 * (ReduceLROnPlateau) and a callback's may hold NaN. Those four values are written as `{"$number": "Infinity"}`
 * (or `"-Infinity"`, `"NaN"`, `"-0"`) and read back as numbers; every other value is plain JSON.
 */
import { Tensor, TensorError } from '@tensorloom/tensor-core';

/** The key of the one-entry object that stands for a number JSON cannot write. */
const NUMBER_TAG = '$number';

const SPECIAL: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: Number.NaN, '-0': -0 };

/**
 * `value` as JSON text, non-finite numbers and `-0` tagged. `what` names the value in errors, e.g.
 * `saving checkpoint: callback "EarlyStopping" state: contains a Tensor at .best; ...`.
 */
export function stringifyExact(value: unknown, what: string): string {
  return JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
    if (typeof v === 'number') {
      if (Object.is(v, -0)) return { [NUMBER_TAG]: '-0' };
      if (!Number.isFinite(v)) return { [NUMBER_TAG]: String(v) };
      return v;
    }
    // A tensor or typed array would silently become `{}` or an index-keyed object: say so instead.
    if (v instanceof Tensor || ArrayBuffer.isView(v)) {
      throw new TensorError(
        'saving checkpoint',
        `${what} contains a ${v instanceof Tensor ? 'Tensor' : 'typed array'}${key === '' ? '' : ` at "${key}"`}; only JSON-safe data (numbers, strings, booleans, null, arrays, plain objects) can be saved there`,
      );
    }
    if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
      throw new TensorError('saving checkpoint', `${what} contains a ${typeof v}; only JSON-safe data can be saved`);
    }
    return v;
  });
}

/** Parses what {@link stringifyExact} wrote, restoring the tagged numbers. Throws `SyntaxError` on bad JSON. */
export function parseExact(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const tag = (v as Record<string, unknown>)[NUMBER_TAG];
      if (keys.length === 1 && typeof tag === 'string' && Object.hasOwn(SPECIAL, tag)) return SPECIAL[tag];
    }
    return v;
  });
}
