/** A number as the textbook prints it: at most `digits` decimals, no trailing zeros, -0 as 0. */
export function fmt(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const r = Number(v.toFixed(digits));
  return String(Object.is(r, -0) ? 0 : r);
}
