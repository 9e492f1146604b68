import { TensorError } from '@tensorloom/tensor-core';

/**
 * Bytes that do not decode: a corrupt, truncated or oversized gzip stream, or a file that is not what the
 * reader expects. A {@link TensorError}, so `e.op` names the function that rejected the input
 * (`"gunzip"`, `"parseFashionMnist"`, …).
 *
 * @example
 * ```ts
 * try { await loadIdx(bytes); } catch (e) { if (e instanceof DataFormatError) console.log(e.op, e.message); }
 * ```
 */
export class DataFormatError extends TensorError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'DataFormatError';
  }
}

/**
 * An IDX file that breaks the format: a bad magic number, an unknown element type, a header or body shorter
 * or longer than its dimensions say. Thrown by {@link parseIdx} and {@link readIdxHeader} (`e.op` is
 * `"parseIdx"`).
 *
 * @example
 * ```ts
 * parseIdx(new Uint8Array([1, 2, 3, 4]));
 * // IdxError: parseIdx: bad magic number: the first two bytes must be 0, got 0x01 0x02
 * ```
 */
export class IdxError extends DataFormatError {
  constructor(message: string) {
    super('parseIdx', message);
    this.name = 'IdxError';
  }
}
