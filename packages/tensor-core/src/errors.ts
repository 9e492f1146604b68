/**
 * The one error type of Tensorloom. Its message names the op, the shapes involved and the rule that was
 * broken, e.g. `matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ`.
 *
 * @example
 * ```ts
 * try { matmul(zeros([2, 3]), zeros([4, 5])); } catch (e) { if (e instanceof TensorError) console.log(e.op); }
 * ```
 */
export class TensorError extends Error {
  /** The op (function) that rejected its input, e.g. `"matmul"`. */
  readonly op: string;

  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'TensorError';
    this.op = op;
  }
}

/** Formats a shape the way error messages print it: `(2,3)`; a scalar is `()`. */
export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}
