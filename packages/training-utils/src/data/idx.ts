import { type DType, Tensor } from '@tensorloom/tensor-core';
import { IdxError } from './errors';
import { type GunzipOptions, gunzip, isGzip } from './gzip';

/** The element types of the IDX format, by the name of their C type. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Each IDX type code: its name, bytes per element and the tensor dtype it is read into. */
const TYPES: Record<number, { type: IdxType; size: number; dtype: DType }> = {
  8: { type: 'uint8', size: 1, dtype: 'int32' },
  9: { type: 'int8', size: 1, dtype: 'int32' },
  11: { type: 'int16', size: 2, dtype: 'int32' },
  12: { type: 'int32', size: 4, dtype: 'int32' },
  13: { type: 'float32', size: 4, dtype: 'float32' },
  14: { type: 'float64', size: 8, dtype: 'float64' },
};

/** What the header of an IDX file says; see {@link readIdxHeader}. */
export interface IdxHeader {
  /** The element type (the third byte of the magic number). */
  readonly type: IdxType;
  /** The type code itself: 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E. */
  readonly typeCode: number;
  /** Bytes per element. */
  readonly itemSize: number;
  /** The dtype {@link parseIdx} reads the elements into. */
  readonly dtype: DType;
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** Where the elements start: 4 + 4 × the number of dimensions. */
  readonly dataOffset: number;
}

/** Largest element count of a tensor (a typed array's practical limit, as in tensor-core). */
const MAX_ELEMENTS = 2 ** 31 - 1;

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Reads and checks the header of an IDX file (the format of MNIST and its relatives): everything
 * {@link parseIdx} checks, without decoding the elements. Useful to look at a large file's shape first, or
 * to decode the elements some other way (as `parseFashionMnist` does, straight into float32).
 *
 * The layout, all integers big-endian: two zero bytes; the type code; the number of dimensions `d`; `d`
 * unsigned 32-bit sizes; then the elements in row-major order, exactly `product(sizes) × itemSize` bytes.
 *
 * @throws {@link IdxError} when any of that does not hold (the body's length included).
 *
 * @example
 * ```ts
 * readIdxHeader(bytes);
 * // { type: 'uint8', typeCode: 8, itemSize: 1, dtype: 'int32', shape: [10000, 28, 28], dataOffset: 16 }
 * ```
 */
export function readIdxHeader(bytes: Uint8Array): IdxHeader {
  if (!(bytes instanceof Uint8Array)) throw new IdxError('expected the file contents as a Uint8Array');
  if (bytes.length < 4) {
    throw new IdxError(`truncated file: ${bytes.length} bytes, fewer than the 4 of the magic number`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = isGzip(bytes) ? ' (this is gzip data: use loadIdx, or gunzip it first)' : '';
    throw new IdxError(`bad magic number: the first two bytes must be 0, got ${hex(bytes[0])} ${hex(bytes[1])}${gz}`);
  }
  const typeCode = bytes[2];
  const t = TYPES[typeCode];
  if (t === undefined) {
    throw new IdxError(
      `unknown element type code ${hex(typeCode)} (expected 0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)`,
    );
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new IdxError('the number of dimensions must be at least 1, got 0');
  const dataOffset = 4 + 4 * ndim;
  if (bytes.length < dataOffset) {
    throw new IdxError(
      `truncated header: ${ndim} dimensions need ${dataOffset} header bytes, but the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const available = bytes.length - dataOffset;
  // Stop multiplying once the product passes what the file holds: 255 sizes below 2^32 can overflow even a
  // double, and the exact figure (a bigint) is only needed for the message.
  let expected = shape.includes(0) ? 0 : t.size;
  for (const d of shape) {
    if (expected > available) break;
    expected *= d;
  }
  if (expected > available) {
    const needed = shape.reduce((a, d) => a * BigInt(d), BigInt(t.size));
    throw new IdxError(
      `truncated file: shape (${shape.join(',')}) of ${t.type} needs ${needed} bytes of data, but only ${available} follow the header`,
    );
  }
  if (expected / t.size > MAX_ELEMENTS) {
    throw new IdxError(
      `shape (${shape.join(',')}) has more than ${MAX_ELEMENTS} elements, more than a tensor can hold`,
    );
  }
  if (available > expected) {
    throw new IdxError(
      `${available - expected} bytes of trailing garbage after the ${expected} bytes of data for shape (${shape.join(',')}) of ${t.type}`,
    );
  }
  return { type: t.type, typeCode, itemSize: t.size, dtype: t.dtype, shape, dataOffset };
}

/**
 * Parses an (uncompressed) IDX file into a tensor of the shape its header gives.
 *
 * Element types and the dtype each is read into:
 *
 * | code | IDX type | tensor dtype |
 * | ---- | -------- | ------------ |
 * | 0x08 | uint8    | int32        |
 * | 0x09 | int8     | int32        |
 * | 0x0B | int16    | int32        |
 * | 0x0C | int32    | int32        |
 * | 0x0D | float32  | float32      |
 * | 0x0E | float64  | float64      |
 *
 * uint8 becomes int32, not float32: the values stay exact, and labels (MNIST's idx1 files are uint8) come out
 * as the int32 class indices that `crossEntropy` takes. Images usually want `x.div(255)`, float32 in [0, 1].
 *
 * The file is checked strictly (see {@link readIdxHeader}); the output is never larger than the input's data
 * bytes (× 4 for 8-bit types), whatever the header claims.
 *
 * @throws {@link IdxError} naming the problem: bad magic number, unknown type code, no dimensions, truncated
 * header or data, trailing garbage.
 *
 * @example
 * ```ts
 * const labels = parseIdx(bytes); // Tensor (10000) int32
 * const images = parseIdx(imageBytes).div(255); // Tensor (10000, 28, 28) float32
 * ```
 */
export function parseIdx(bytes: Uint8Array): Tensor {
  const h = readIdxHeader(bytes);
  const n = (bytes.length - h.dataOffset) / h.itemSize;
  const off = h.dataOffset;
  if (h.typeCode === 0x08) {
    return new Tensor(Int32Array.from(bytes.subarray(off)), h.shape, 'int32');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + off, n * h.itemSize);
  switch (h.typeCode) {
    case 0x09: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      return new Tensor(out, h.shape, 'int32');
    }
    case 0x0b: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, false);
      return new Tensor(out, h.shape, 'int32');
    }
    case 0x0c: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, false);
      return new Tensor(out, h.shape, 'int32');
    }
    case 0x0d: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, false);
      return new Tensor(out, h.shape, 'float32');
    }
    default: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, false);
      return new Tensor(out, h.shape, 'float64');
    }
  }
}

/**
 * Parses an IDX file that may be gzipped (as MNIST-style datasets are distributed, `*-ubyte.gz`): gzip is
 * recognised by its magic bytes `1f 8b` and decompressed with {@link gunzip} first.
 *
 * @param options - passed to {@link gunzip} (`maxBytes` caps the decompressed size).
 * @throws {@link IdxError} for a malformed IDX file, {@link DataFormatError} for broken gzip data.
 *
 * @example
 * ```ts
 * const labels = await loadIdx(new Uint8Array(await (await fetch('t10k-labels-idx1-ubyte.gz')).arrayBuffer()));
 * ```
 */
export async function loadIdx(bytes: Uint8Array, options: GunzipOptions = {}): Promise<Tensor> {
  return parseIdx(await maybeGunzip(bytes, options));
}

/** `bytes` decompressed with {@link gunzip} if they are gzip data, else unchanged: `await maybeGunzip(fileBytes)`. */
export async function maybeGunzip(bytes: Uint8Array, options: GunzipOptions = {}): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, options) : bytes;
}
