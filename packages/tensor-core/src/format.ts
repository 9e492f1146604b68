import type { Tensor } from './tensor';

const EDGE = 3;
const THRESHOLD = 1000;

/** PyTorch-like printout: 4 decimals for floats, aligned columns, `...` past 1000 elements. */
export function formatTensor(t: Tensor): string {
  const isFloat = t.dtype === 'float32' || t.dtype === 'float64';
  const summarize = t.size > THRESHOLD;
  const d = t.data;
  let allInt = true;
  if (isFloat) {
    for (let i = 0; i < d.length && allInt; i++) if (Number.isFinite(d[i]) && !Number.isInteger(d[i])) allInt = false;
  }
  const fmt = (v: number): string => {
    if (t.dtype === 'bool') return v ? 'true' : 'false';
    if (!isFloat) return String(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return allInt ? `${v}.` : v.toFixed(4);
  };
  const strides: number[] = [];
  let acc = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= t.shape[i];
  }
  // First pass for the column width.
  let width = 0;
  for (let i = 0; i < d.length; i++) width = Math.max(width, fmt(d[i]).length);
  const indent = 'tensor('.length;
  const build = (dim: number, off: number): string => {
    if (dim === t.shape.length) return fmt(d[off]).padStart(width);
    const n = t.shape[dim];
    const parts: string[] = [];
    const skip = summarize && n > 2 * EDGE;
    for (let i = 0; i < n; i++) {
      if (skip && i === EDGE) {
        parts.push('...');
        i = n - EDGE - 1;
        continue;
      }
      parts.push(build(dim + 1, off + i * strides[dim]));
    }
    if (dim === t.shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = `,${'\n'.repeat(t.shape.length - 1 - dim)}${' '.repeat(indent + dim + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  const body = t.size === 0 ? `[]` : build(0, 0);
  const extras: string[] = [];
  if (t.size === 0 && t.shape.length > 1) extras.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype === 'float64' || t.dtype === 'int32') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.prim}>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}
