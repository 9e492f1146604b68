/**
 * Checkpoint file-name templates in the syntax Keras's `ModelCheckpoint` uses (Python's `str.format`):
 * `'ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors'` → `'ckpt-epoch07-0.3512.safetensors'`.
 */
import { TensorError } from '@tensorloom/tensor-core';

/** One piece of a parsed template: literal text, or a field with its format spec. */
type Piece = { text: string } | { field: string; spec: FormatSpec };

/** The supported part of Python's format-spec mini-language: `[0][width][.precision][type]`. */
interface FormatSpec {
  zeroPad: boolean;
  width: number;
  precision: number | null;
  type: 'd' | 'f' | 'e' | 'g' | '%' | null;
}

const SPEC = /^(0)?(\d+)?(?:\.(\d+))?([dfeg%])?$/;

function parseSpec(template: string, field: string, spec: string): FormatSpec {
  const m = SPEC.exec(spec);
  if (m === null) {
    throw new TensorError(
      'ModelCheckpoint',
      `unsupported format spec "${spec}" for {${field}} in "${template}" (supported: [0][width][.precision][d|f|e|g|%], e.g. {epoch:02d}, {val_loss:.4f})`,
    );
  }
  return {
    zeroPad: m[1] !== undefined,
    width: m[2] === undefined ? 0 : Number(m[2]),
    precision: m[3] === undefined ? null : Number(m[3]),
    type: (m[4] as FormatSpec['type']) ?? null,
  };
}

/**
 * Splits a template into literal text and `{name}` / `{name:spec}` fields; `{{` and `}}` are literal braces.
 * Throws on unbalanced braces or an unsupported spec, so a bad template fails when the callback is built.
 */
export function parseTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i += 2;
      continue;
    }
    if (c === '}') throw new TensorError('ModelCheckpoint', `unmatched "}" in template "${template}"`);
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    const end = template.indexOf('}', i);
    if (end === -1) throw new TensorError('ModelCheckpoint', `unmatched "{" in template "${template}"`);
    const body = template.slice(i + 1, end);
    const colon = body.indexOf(':');
    const field = colon === -1 ? body : body.slice(0, colon);
    if (field === '' || field.includes('{')) {
      throw new TensorError('ModelCheckpoint', `empty or malformed field "{${body}}" in template "${template}"`);
    }
    if (text !== '') pieces.push({ text });
    text = '';
    const spec = colon === -1 ? '' : body.slice(colon + 1);
    pieces.push({ field, spec: parseSpec(template, field, spec) });
    i = end + 1;
  }
  if (text !== '') pieces.push({ text });
  return pieces;
}

/** The field names a template uses, in order (`['epoch', 'val_loss']`). */
export function templateFields(template: string): string[] {
  return parseTemplate(template).flatMap((p) => ('field' in p ? [p.field] : []));
}

/** Python writes exponents with at least two digits: `1.5e-03`, where JavaScript writes `1.5e-3`. */
function pythonExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatG(x: number, precision: number): string {
  const p = precision === 0 ? 1 : precision;
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  if (exp >= -4 && exp < p) {
    const fixed = x.toFixed(p - 1 - exp);
    return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  }
  const [mantissa, e] = x.toExponential(p - 1).split('e');
  const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return pythonExponent(`${m}e${e}`);
}

function formatNumber(field: string, x: number, spec: FormatSpec): string {
  let body: string;
  if (Number.isNaN(x)) body = 'nan';
  else if (!Number.isFinite(x)) body = x > 0 ? 'inf' : '-inf';
  else {
    switch (spec.type) {
      case 'd':
        if (!Number.isInteger(x)) {
          throw new TensorError('ModelCheckpoint', `{${field}:d} needs an integer, got ${x}`);
        }
        body = String(x);
        break;
      case 'f':
        body = x.toFixed(spec.precision ?? 6);
        break;
      case 'e':
        body = pythonExponent(x.toExponential(spec.precision ?? 6));
        break;
      case 'g':
        body = formatG(x, spec.precision ?? 6);
        break;
      case '%':
        body = `${(x * 100).toFixed(spec.precision ?? 6)}%`;
        break;
      default:
        body = spec.precision === null ? String(x) : formatG(x, spec.precision);
    }
  }
  if (body.length >= spec.width) return body;
  if (!spec.zeroPad || !/^-?[0-9]/.test(body)) return body.padStart(spec.width, ' ');
  const sign = body.startsWith('-') ? '-' : '';
  return sign + body.slice(sign.length).padStart(spec.width - sign.length, '0');
}

/**
 * Fills a file-name template with numbers, as Python's `str.format` would for the supported specs
 * (`[0][width][.precision][d|f|e|g|%]`).
 *
 * @param template - e.g. `'ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors'`
 * @param values - the numbers by field name (`epoch`, `step` and the epoch's logs, for `ModelCheckpoint`)
 * @returns the filled-in name
 * @throws TensorError - if a field has no value (naming the fields that do) or a spec is not supported
 *
 * @example
 * ```ts
 * formatCheckpointName('ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors', { epoch: 7, val_loss: 0.35119 });
 * // 'ckpt-epoch07-0.3512.safetensors'
 * ```
 */
export function formatCheckpointName(template: string, values: Readonly<Record<string, number>>): string {
  return parseTemplate(template)
    .map((piece) => {
      if ('text' in piece) return piece.text;
      const x = values[piece.field];
      if (typeof x !== 'number' || !Object.hasOwn(values, piece.field)) {
        throw new TensorError(
          'ModelCheckpoint',
          `the template "${template}" uses {${piece.field}}, which is not among the values this epoch (${Object.keys(values).join(', ')})`,
        );
      }
      return formatNumber(piece.field, x, piece.spec);
    })
    .join('');
}
