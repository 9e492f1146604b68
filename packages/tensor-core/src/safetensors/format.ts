/**
 * The safetensors file format (https://github.com/huggingface/safetensors) at the byte level: parse a file into
 * raw little-endian tensors, write raw tensors into a file, and convert raw tensors to and from our in-memory
 * dtypes. Pure and browser-safe: no Node imports, no dependence on the Tensor class.
 *
 * Layout of a file:
 *
 *     [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header] [byte buffer]
 *
 * Each header key except `__metadata__` names a tensor and maps to `{dtype, shape, data_offsets: [begin, end]}`,
 * offsets relative to the start of the byte buffer. `__metadata__`, if present, maps strings to strings.
 */
import type { DType, TypedArray } from '../dtype';
import { fmtShape, TensorError } from '../errors';

/** The element types a safetensors file may declare that we can read (a subset of the format's list). */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/**
 * One tensor as stored in a file: its declared dtype and shape, and its elements as little-endian bytes in
 * row-major order.
 *
 * @example
 * ```ts
 * const raw: RawTensor = { dtype: 'F32', shape: [2], data: new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64]) }; // [1, 2]
 * ```
 */
export interface RawTensor {
  /** The file's element type. */
  dtype: SafetensorsDType;
  /** Dimensions, outermost first; `[]` is a scalar. */
  shape: number[];
  /** `product(shape) * itemSize(dtype)` little-endian bytes; a view into the parsed input where possible. */
  data: Uint8Array;
}

/**
 * Everything a safetensors file holds.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = parseSafetensors(bytes);
 * console.log([...tensors.keys()], metadata.format);
 * ```
 */
export interface SafetensorsContents {
  /** Tensors by name, in the order of their bytes in the file. */
  tensors: Map<string, RawTensor>;
  /** The `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
}

/**
 * Thrown for every malformed file and every value that cannot be written or converted. The message names the
 * tensor where there is one, e.g. `safetensors: tensor "fc.weight": data_offsets [0, 12] span 12 bytes but
 * shape (2,3) of F32 needs 24`.
 *
 * @example
 * ```ts
 * try { parseSafetensors(bytes); } catch (e) { if (e instanceof SafetensorsError) console.error(e.message); }
 * ```
 */
export class SafetensorsError extends TensorError {
  /**
   * @param message - what was wrong, without the `safetensors:` prefix (the base class adds it).
   * @param options - `cause`: the underlying error, when this one wraps another.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('safetensors', message);
    this.name = 'SafetensorsError';
    if (options !== undefined && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * Per dtype: bytes per element, and its position in the reference implementation's `Dtype` enum. That enum is
 * declared in increasing alignment order and its writer sorts tensors by it, descending, so that every tensor
 * starts aligned to its element size; `rank` is what we sort by to write the same byte order.
 */
const DTYPES: Record<SafetensorsDType, { itemSize: number; rank: number }> = {
  BOOL: { itemSize: 1, rank: 0 },
  U8: { itemSize: 1, rank: 1 },
  I8: { itemSize: 1, rank: 2 },
  I16: { itemSize: 2, rank: 5 },
  F16: { itemSize: 2, rank: 7 },
  BF16: { itemSize: 2, rank: 8 },
  I32: { itemSize: 4, rank: 9 },
  F32: { itemSize: 4, rank: 11 },
  F64: { itemSize: 8, rank: 12 },
  I64: { itemSize: 8, rank: 13 },
};

const DTYPE_NAMES = Object.keys(DTYPES).join(', ');

/** The file dtype each in-memory dtype is written as by default. */
const NATURAL_FILE_DTYPE: Record<DType, SafetensorsDType> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

/** The reference reader refuses larger headers, so we neither read nor write them. */
const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'] as const;

/** Typed arrays use host byte order; the file is little-endian, so on such hosts bytes can be copied as they are. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parses a complete safetensors file. Validation is as strict as the reference reader's, and stricter where
 * JSON.parse would otherwise hide a problem (duplicate keys, `1.0` for an integer): the byte ranges must tile the
 * byte buffer exactly, each range must be exactly `product(shape) * itemSize` bytes, and unknown fields, dtypes and
 * trailing bytes are errors. Memory use is O(`bytes.length`) whatever the header claims; tensor data is not copied.
 *
 * @param bytes - the whole file.
 * @returns the tensors, each `data` a view into `bytes` (so `bytes` must not be modified while they are in use),
 *   and the `__metadata__` map.
 * @throws SafetensorsError - for any malformed input, and never any other error.
 *
 * @example
 * ```ts
 * const { tensors } = parseSafetensors(new Uint8Array(await (await fetch('model.safetensors')).arrayBuffer()));
 * const w = tensors.get('fc.weight'); // { dtype: 'F32', shape: [10, 784], data: Uint8Array(31360) }
 * ```
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsContents {
  try {
    return parseUnchecked(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    // Every known failure is reported above; this keeps the promise that callers only need one catch clause.
    throw new SafetensorsError(`unexpected failure while parsing: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function parseUnchecked(input: Uint8Array): SafetensorsContents {
  if (!(input instanceof Uint8Array)) throw new SafetensorsError(`expected a Uint8Array, got ${describe(input)}`);
  // A plain Uint8Array view, so that the tensor views we hand out are plain too even when given a Node Buffer.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 8) {
    throw new SafetensorsError(`file is ${bytes.length} bytes long, shorter than the 8-byte header length`);
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`header length ${declared} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const headerLength = Number(declared);
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsError(
      `header length ${headerLength} exceeds the ${bytes.length - 8} bytes that follow the 8-byte header length`,
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength));

  const bufferStart = 8 + headerLength;
  const bufferLength = bytes.length - bufferStart;
  const entries: Entry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value, bufferLength));
  }
  checkCoverage(entries, bufferLength);

  const tensors = new Map<string, RawTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, { dtype, shape, data: bytes.subarray(bufferStart + begin, bufferStart + end) });
  }
  return { tensors, metadata };
}

/** Decodes and parses the JSON header; afterwards it is known to be an object without duplicate keys. */
function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so that it is rejected below like the reference does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (e) {
    throw new SafetensorsError('header is not valid UTF-8', { cause: e });
  }
  // Like the reference: the header is an object, with no leading whitespace (trailing spaces are the padding).
  if (!text.startsWith('{')) {
    throw new SafetensorsError(`header must be a JSON object starting with '{', got ${preview(text)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`header is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!isObject(parsed)) throw new SafetensorsError(`header must be a JSON object, got ${describe(parsed)}`);
  scanHeaderText(text);
  return parsed;
}

/** A JSON object or array still open while scanning the header text. */
interface Frame {
  /** Keys seen so far, for objects; `undefined` for arrays. */
  keys: Set<string> | undefined;
  /** The last key read in this object: the name of whatever is nested inside it now. */
  key: string | undefined;
  /** True right after `{` or `,` in an object, where the next string is a key. */
  expectingKey: boolean;
}

/**
 * Checks, on header text that is already known to be valid JSON, what JSON.parse cannot tell us: duplicate keys
 * (it silently keeps the last), integers written as `1.0`, `1e0` or `-0` (it returns plain integers for them, where
 * the reference reader refuses them), and `\uD800`-style escapes of unpaired surrogates (not valid Unicode, refused
 * by the reference reader; raw UTF-8 cannot contain them). One linear pass with an explicit stack, so deep nesting
 * cannot overflow the call stack.
 */
function scanHeaderText(text: string): void {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '{') stack.push({ keys: new Set(), key: undefined, expectingKey: true });
    else if (c === '[') stack.push({ keys: undefined, key: undefined, expectingKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.expectingKey = true;
    else if (c === ':' && top) top.expectingKey = false;
    else if (c === '"') {
      const end = closingQuote(text, i);
      const inner = text.slice(i + 1, end);
      const hasEscape = inner.includes('\\');
      const value = hasEscape ? (JSON.parse(text.slice(i, end + 1)) as string) : inner;
      if (hasEscape && !isWellFormed(value)) {
        throw new SafetensorsError(`${location(stack)}string ${preview(inner)} escapes an unpaired surrogate`);
      }
      if (top?.keys && top.expectingKey) {
        if (top.keys.has(value)) throw new SafetensorsError(duplicateKeyMessage(stack, value));
        top.keys.add(value);
        top.key = value;
      }
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && /[0-9eE.+-]/.test(text[end])) end++;
      const token = text.slice(i, end);
      const value = Number(token);
      // Other numbers (1.5, -1, 1e300) are left to the field checks, whose messages say more.
      if (!/^(0|[1-9][0-9]*)$/.test(token) && isSize(value)) {
        throw new SafetensorsError(`${location(stack)}integer written as ${token}; write it as plain digits`);
      }
      i = end - 1;
    }
  }
}

/** Index of the `"` that closes the JSON string opening at `start`. */
function closingQuote(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

/** `tensor "name": ` or `__metadata__: ` for whatever the scanner is inside of, or `` at the top level. */
function location(stack: Frame[]): string {
  if (stack.length < 2) return '';
  const entry = stack[0].key ?? '';
  return entry === METADATA_KEY ? `${METADATA_KEY}: ` : `tensor ${JSON.stringify(entry)}: `;
}

function duplicateKeyMessage(stack: Frame[], key: string): string {
  const quoted = JSON.stringify(key);
  if (stack.length === 1) return key === METADATA_KEY ? `duplicate key ${quoted}` : `duplicate tensor name ${quoted}`;
  return `${location(stack)}duplicate key ${quoted}`;
}

function checkMetadata(value: unknown): Record<string, string> {
  if (!isObject(value)) {
    throw new SafetensorsError(`${METADATA_KEY} must be an object mapping strings to strings, got ${describe(value)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        `${METADATA_KEY}: value of ${JSON.stringify(key)} must be a string, got ${describe(v)}`,
      );
    }
  }
  return value as Record<string, string>;
}

/** Validates one tensor's header entry on its own; how the entries fit together is `checkCoverage`'s job. */
function checkEntry(name: string, value: unknown, bufferLength: number): Entry {
  const at = `tensor ${JSON.stringify(name)}: `;
  if (!isObject(value)) {
    throw new SafetensorsError(
      `${at}entry must be an object with dtype, shape and data_offsets, got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) {
      throw new SafetensorsError(`${at}unexpected field ${JSON.stringify(key)} (allowed: ${ENTRY_FIELDS.join(', ')})`);
    }
  }
  for (const key of ENTRY_FIELDS) {
    if (!Object.hasOwn(value, key)) throw new SafetensorsError(`${at}missing field "${key}"`);
  }

  const dtype = value.dtype;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(`${at}unsupported dtype ${preview(dtype)} (supported: ${DTYPE_NAMES})`);
  }
  const shape = value.shape;
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new SafetensorsError(`${at}shape must be an array of non-negative integers, got ${preview(shape)}`);
  }
  const offsets = value.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    throw new SafetensorsError(
      `${at}data_offsets must be two non-negative integers [begin, end], got ${preview(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new SafetensorsError(`${at}data_offsets [${begin}, ${end}] end before they begin`);
  if (end > bufferLength) {
    throw new SafetensorsError(
      `${at}data_offsets [${begin}, ${end}] reach past the end of the ${bufferLength}-byte buffer`,
    );
  }
  const needed = byteSize(shape, DTYPES[dtype].itemSize);
  if (needed !== end - begin) {
    const what = needed === undefined ? 'more than 2^53' : String(needed);
    throw new SafetensorsError(
      `${at}data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${showShape(shape)} of ${dtype} needs ${what}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * The byte ranges must tile the buffer: in offset order each begins where the previous ended, the first at 0 and
 * the last at the buffer's end. This rules out overlaps (two names for the same bytes), gaps and trailing garbage,
 * as the reference reader does. Sorts `entries` in place into offset order.
 */
function checkCoverage(entries: Entry[], bufferLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    const at = `tensor ${JSON.stringify(entry.name)}: `;
    const range = `data_offsets [${entry.begin}, ${entry.end}]`;
    if (entry.begin < cursor && previous) {
      throw new SafetensorsError(
        `${at}${range} overlap tensor ${JSON.stringify(previous.name)} at [${previous.begin}, ${previous.end}]`,
      );
    }
    if (entry.begin > cursor) {
      throw new SafetensorsError(`${at}${range} leave bytes ${cursor}..${entry.begin} of the buffer unused`);
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== bufferLength) {
    throw new SafetensorsError(
      `bytes ${cursor}..${bufferLength} of the ${bufferLength}-byte buffer belong to no tensor (trailing data)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

/**
 * Writes tensors and metadata as a safetensors file, byte for byte as the reference writer would: tensors sorted
 * by dtype alignment (largest first) then by name (in UTF-8 byte order), data contiguous in that order, the compact
 * JSON header padded with spaces to a multiple of 8 bytes so that every tensor starts aligned. Metadata keys are
 * written sorted, and `__metadata__` is left out when empty, so the output depends only on the contents: parsing
 * and re-serialising gives back identical bytes.
 *
 * @param tensors - raw tensors by name (`encodeTensorData` makes them from in-memory data).
 * @param metadata - optional string → string map stored as `__metadata__`, e.g. `{ format: 'pt' }`.
 * @returns the whole file.
 * @throws SafetensorsError - if a name is `__metadata__` or not valid Unicode, a tensor's byte length does not match
 *   its shape and dtype, or a metadata value is not a string.
 *
 * @example
 * ```ts
 * const bytes = serializeSafetensors({ bias: encodeTensorData('float32', [2], new Float32Array([1, 2])) });
 * // bytes: 8-byte length, then {"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} padded, then 8 data bytes
 * ```
 */
export function serializeSafetensors(
  tensors: Map<string, RawTensor> | Record<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, raw] of entries) {
    if (typeof name !== 'string' || !isWellFormed(name)) {
      throw new SafetensorsError(`tensor name ${preview(name)} is not a valid Unicode string`);
    }
    if (name === METADATA_KEY) throw new SafetensorsError(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    checkRawTensor(raw, `tensor ${JSON.stringify(name)}: `);
  }
  entries.sort(
    ([nameA, a], [nameB, b]) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareCodePoints(nameA, nameB),
  );

  const fields: string[] = [];
  const metadataFields = metadataJson(metadata);
  if (metadataFields.length > 0) fields.push(`"${METADATA_KEY}":{${metadataFields.join(',')}}`);
  let offset = 0;
  for (const [name, raw] of entries) {
    const end = offset + raw.data.byteLength;
    // Built by hand rather than with JSON.stringify(object): objects put integer-like keys ("0", "1") first.
    fields.push(
      `${JSON.stringify(name)}:{"dtype":"${raw.dtype}","shape":[${raw.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`header would be ${headerLength} bytes, over the limit of ${MAX_HEADER_BYTES}`);
  }

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces: JSON whitespace, so the header stays valid JSON
  let at = 8 + headerLength;
  for (const [, raw] of entries) {
    out.set(raw.data, at);
    at += raw.data.byteLength;
  }
  return out;
}

/** `"key":"value"` pairs of the metadata, sorted by key so that the output does not depend on insertion order. */
function metadataJson(metadata: Record<string, string> | undefined): string[] {
  if (metadata === undefined) return [];
  if (!isObject(metadata)) throw new SafetensorsError(`metadata must be an object, got ${describe(metadata)}`);
  const keys = Object.keys(metadata).sort(compareCodePoints);
  return keys.map((key) => {
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorsError(`metadata value of ${JSON.stringify(key)} must be a string, got ${describe(value)}`);
    }
    if (!isWellFormed(key) || !isWellFormed(value)) {
      throw new SafetensorsError(`metadata entry ${JSON.stringify(key)} is not a valid Unicode string`);
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Converting between file dtypes and in-memory dtypes
// ---------------------------------------------------------------------------------------------------------------

/**
 * Converts a file tensor's bytes into our in-memory representation, exactly wherever the target can hold the
 * value: F32 → float32, F64 → float64, F16 and BF16 → float32 (exact, including subnormals, ±0, ±inf and NaN),
 * I32 → int32, I64 → int32 (an error if any value is outside the int32 range), I16, I8 and U8 → int32,
 * BOOL → bool (a `Uint8Array` of 0 and 1; any other byte is an error).
 *
 * @param raw - the tensor as stored; its byte length must match its shape and dtype.
 * @param name - the tensor's name, only used in error messages.
 * @returns the dtype and a freshly allocated array of `product(raw.shape)` elements (never a view of `raw.data`).
 * @throws SafetensorsError - if `raw` is inconsistent, an I64 value does not fit int32, or a BOOL byte is not 0/1.
 *
 * @example
 * ```ts
 * const raw = parseSafetensors(bytes).tensors.get('fc.weight')!; // { dtype: 'BF16', shape: [10, 784], ... }
 * const { dtype, data } = decodeTensorData(raw, 'fc.weight');   // 'float32', Float32Array(7840)
 * ```
 */
export function decodeTensorData(raw: RawTensor, name?: string): { dtype: DType; data: TypedArray } {
  const at = name === undefined ? '' : `tensor ${JSON.stringify(name)}: `;
  checkRawTensor(raw, at);
  const bytes = raw.data;
  switch (raw.dtype) {
    case 'F32':
      return { dtype: 'float32', data: fromLittleEndian(bytes, Float32Array, (v, i) => v.getFloat32(4 * i, true)) };
    case 'F64':
      return { dtype: 'float64', data: fromLittleEndian(bytes, Float64Array, (v, i) => v.getFloat64(8 * i, true)) };
    case 'I32':
      return { dtype: 'int32', data: fromLittleEndian(bytes, Int32Array, (v, i) => v.getInt32(4 * i, true)) };
    case 'F16':
      return { dtype: 'float32', data: decodeF16(bytes) };
    case 'BF16':
      return { dtype: 'float32', data: decodeBF16(bytes) };
    case 'I64':
      return { dtype: 'int32', data: narrowI64(bytes, at) };
    case 'I16': {
      const view = dataView(bytes);
      return {
        dtype: 'int32',
        data: Int32Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(2 * i, true)),
      };
    }
    case 'I8':
      return { dtype: 'int32', data: Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length)) };
    case 'U8':
      return { dtype: 'int32', data: Int32Array.from(bytes) };
    case 'BOOL':
      checkBoolBytes(bytes, at);
      return { dtype: 'bool', data: new Uint8Array(bytes) };
  }
}

/**
 * Converts in-memory data into a file tensor. By default each dtype is stored as itself (float32 → F32,
 * float64 → F64, int32 → I32, bool → BOOL); int32 may also be stored as I64 (sign-extended), which is what
 * PyTorch uses for indices.
 *
 * @param dtype - the in-memory dtype of `data`.
 * @param shape - dimensions; their product must equal `data.length`.
 * @param data - the elements in row-major order, a `Float32Array`, `Float64Array`, `Int32Array` or (bool) `Uint8Array`.
 * @param fileDtype - the dtype to store; defaults to `dtype`'s own.
 * @returns the raw tensor. On little-endian hosts (all common ones) its `data` is a view of `data`'s memory, not a
 *   copy, so serialise it before changing `data`.
 * @throws SafetensorsError - if `data` is not `dtype`'s array type, its length does not match `shape`, a bool
 *   value is not 0 or 1, or `fileDtype` is not a supported target for `dtype`.
 *
 * @example
 * ```ts
 * const raw = encodeTensorData('int32', [3], new Int32Array([1, -1, 2]), 'I64');
 * // raw.data: 24 bytes, [1,0,0,0,0,0,0,0, 255,255,255,255,255,255,255,255, 2,0,0,0,0,0,0,0]
 * ```
 */
export function encodeTensorData(
  dtype: DType,
  shape: readonly number[],
  data: TypedArray,
  fileDtype?: SafetensorsDType,
): RawTensor {
  // hasOwn, not a lookup: 'toString' would find Object.prototype's.
  if (!Object.hasOwn(NATURAL_FILE_DTYPE, dtype)) throw new SafetensorsError(`unknown dtype ${preview(dtype)}`);
  const natural = NATURAL_FILE_DTYPE[dtype];
  if (!hasArrayTypeOf(dtype, data)) {
    throw new SafetensorsError(`${dtype} data must be a ${ARRAY_TYPE_NAMES[dtype]}, got ${describe(data)}`);
  }
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new SafetensorsError(`shape must be an array of non-negative integers, got ${preview(shape)}`);
  }
  const count = byteSize(shape, 1);
  if (count !== data.length) {
    throw new SafetensorsError(
      `shape ${showShape(shape)} has ${count ?? 'over 2^53'} elements but data has ${data.length}`,
    );
  }
  const target = fileDtype ?? natural;
  if (target === natural) {
    if (dtype === 'bool') checkBoolBytes(data as Uint8Array, '');
    return { dtype: target, shape: [...shape], data: toLittleEndian(data) };
  }
  if (dtype === 'int32' && target === 'I64') {
    return { dtype: target, shape: [...shape], data: widenToI64(data as Int32Array) };
  }
  const allowed = dtype === 'int32' ? `${natural} or I64` : natural;
  throw new SafetensorsError(`cannot store ${dtype} data as ${preview(target)}; supported: ${allowed}`);
}

const ARRAY_TYPE_NAMES: Record<DType, string> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  bool: 'Uint8Array',
};

function hasArrayTypeOf(dtype: DType, data: unknown): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'bool':
      return data instanceof Uint8Array;
  }
}

/** Element-wise reader used when the host is big-endian; `i` is the element index. */
type ReadElement = (view: DataView, i: number) => number;

/** A fresh typed array holding the little-endian elements in `bytes` (whose length is a multiple of the size). */
function fromLittleEndian<A extends Float32Array | Float64Array | Int32Array>(
  bytes: Uint8Array,
  ctor: { new (buffer: ArrayBuffer): A; new (length: number): A; BYTES_PER_ELEMENT: number },
  read: ReadElement,
): A {
  // new Uint8Array(bytes) copies into a fresh, aligned ArrayBuffer of exactly the right size.
  if (HOST_IS_LITTLE_ENDIAN) return new ctor(new Uint8Array(bytes).buffer);
  const out = new ctor(bytes.length / ctor.BYTES_PER_ELEMENT);
  const view = dataView(bytes);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i);
  return out;
}

/** The little-endian bytes of `data`: a view on little-endian hosts, a byte-swapped copy otherwise. */
function toLittleEndian(data: TypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k];
  }
  return out;
}

/**
 * IEEE 754 half precision → float32, exactly: every half value is representable in float32.
 * value = (-1)^sign * 2^(exponent-15) * 1.mantissa, or 2^-14 * 0.mantissa for exponent 0 (subnormals),
 * and exponent 31 is ±inf (mantissa 0) or NaN.
 */
function decodeF16(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const h = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[i] = mantissa === 0 ? sign * Infinity : Number.NaN;
    else out[i] = sign * (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return out;
}

/** bfloat16 is the upper half of a float32's bits, so shifting the bits into place is exact (NaN payloads too). */
function decodeBF16(bytes: Uint8Array): Float32Array {
  const bits = new Uint32Array(bytes.length / 2);
  for (let i = 0; i < bits.length; i++) bits[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
  return new Float32Array(bits.buffer);
}

/** I64 → int32, refusing values that do not fit rather than silently wrapping them. */
function narrowI64(bytes: Uint8Array, at: string): Int32Array {
  const view = dataView(bytes);
  const out = new Int32Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) {
    const low = view.getInt32(8 * i, true);
    const high = view.getInt32(8 * i + 4, true);
    // It fits exactly when the high word is the sign extension of the low one.
    if (high !== low >> 31) {
      throw new SafetensorsError(
        `${at}I64 element ${i} is ${view.getBigInt64(8 * i, true)}, outside the int32 range [-2147483648, 2147483647]`,
      );
    }
    out[i] = low;
  }
  return out;
}

function widenToI64(data: Int32Array): Uint8Array {
  const out = new Uint8Array(data.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    view.setInt32(8 * i, data[i], true);
    view.setInt32(8 * i + 4, data[i] < 0 ? -1 : 0, true);
  }
  return out;
}

function checkBoolBytes(bytes: Uint8Array, at: string): void {
  const bad = bytes.findIndex((b) => b > 1);
  if (bad >= 0) throw new SafetensorsError(`${at}bool element ${bad} is ${bytes[bad]}; bools must be 0 or 1`);
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

/** Checks a RawTensor built by hand (dtype, shape and byte length agree), since TypeScript cannot. */
function checkRawTensor(raw: RawTensor, at: string): void {
  if (!isObject(raw)) throw new SafetensorsError(`${at}expected a raw tensor object, got ${describe(raw)}`);
  if (!isSafetensorsDType(raw.dtype)) {
    throw new SafetensorsError(`${at}unsupported dtype ${preview(raw.dtype)} (supported: ${DTYPE_NAMES})`);
  }
  if (!Array.isArray(raw.shape) || !raw.shape.every(isSize)) {
    throw new SafetensorsError(`${at}shape must be an array of non-negative integers, got ${preview(raw.shape)}`);
  }
  if (!(raw.data instanceof Uint8Array))
    throw new SafetensorsError(`${at}data must be a Uint8Array, got ${describe(raw.data)}`);
  const needed = byteSize(raw.shape, DTYPES[raw.dtype].itemSize);
  if (needed !== raw.data.byteLength) {
    throw new SafetensorsError(
      `${at}data has ${raw.data.byteLength} bytes but shape ${showShape(raw.shape)} of ${raw.dtype} needs ${needed ?? 'more than 2^53'}`,
    );
  }
}

/**
 * `itemSize * product(shape)`, or `undefined` if that exceeds 2^53 - 1. Overflow-safe without BigInt (whose
 * cost would grow with a hostile shape's length): while the running product stays a safe integer it is exact,
 * and once the true product passes 2^53 the rounded one cannot fall back below it, so `isSafeInteger` catches it.
 * A zero dimension makes the size 0 however large the others are.
 */
function byteSize(shape: readonly number[], itemSize: number): number | undefined {
  if (shape.includes(0)) return 0;
  let size = itemSize;
  for (const dim of shape) {
    size *= dim;
    if (!Number.isSafeInteger(size)) return undefined;
  }
  return size;
}

function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value);
}

/** A dimension or offset: a non-negative integer that a double holds exactly. */
function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * UTF-16 order differs from UTF-8 byte order (which Rust's `String` ordering and so the reference writer use)
 * only where a surrogate (half of a character above U+FFFF) meets a unit in U+E000..U+FFFF; moving the surrogates
 * above that range makes the first differing code unit decide as the code points would.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrderKey(x) - codePointOrderKey(y);
  }
  return a.length - b.length;
}

function codePointOrderKey(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** False for strings with unpaired surrogates, which have no UTF-8 encoding. */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `(2,3)`, shortened for hostile shapes with millions of dimensions. */
function showShape(shape: readonly number[]): string {
  return shape.length <= 16 ? fmtShape(shape) : `${fmtShape(shape.slice(0, 16)).slice(0, -1)},… ${shape.length} dims)`;
}

/** A value as JSON for an error message, cut short so that a huge header cannot make a huge message. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${preview(value)}`;
}
