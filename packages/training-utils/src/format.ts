/** A shape as error messages print it, like tensor-core's: `(2,3)`; a scalar is `()`. */
export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}
