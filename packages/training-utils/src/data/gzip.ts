import { DataFormatError } from './errors';

/** Options of {@link gunzip}. */
export interface GunzipOptions {
  /**
   * Most bytes the decompressed data may have; past it decompression stops and throws. Default: 100 times the
   * input's size, and at least 1 MiB. Real data compresses far less than 100:1 (Fashion-MNIST's images about
   * 1.8:1), while a "gzip bomb" expands a few kilobytes into gigabytes.
   */
  maxBytes?: number;
}

/** The default cap of {@link gunzip}: 100 × the input, at least 1 MiB; `defaultMaxGunzipBytes(10)` is 1048576. */
export function defaultMaxGunzipBytes(inputLength: number): number {
  return Math.max(100 * inputLength, 1 << 20);
}

/**
 * True if `bytes` start with gzip's magic number `1f 8b`.
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Explains a failure of `DecompressionStream`, whose own messages (Node's zlib codes) are often empty. */
function describe(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error && e.message ? e.message : String(e);
  if (code === 'Z_BUF_ERROR') return 'truncated gzip data: the input ended before the end of the compressed stream';
  if (code === 'ERR_TRAILING_JUNK_AFTER_STREAM_END' || /junk|trailing/i.test(message)) {
    return 'corrupted gzip data: unexpected bytes after the end of the compressed stream';
  }
  return `corrupted gzip data (${code ? `${String(code)}: ` : ''}${message || 'no details'})`;
}

/**
 * Decompresses gzip data with the standard `DecompressionStream('gzip')`, available in browsers and in
 * Node ≥ 18, so the same code runs in both. Concatenated gzip members are decompressed one after the other,
 * as `gunzip` does.
 *
 * Decompression stops and throws as soon as the output passes `maxBytes` (default: 100 × the input, at least
 * 1 MiB), so a small malicious file cannot exhaust memory. Truncated or corrupted input, a failed checksum and
 * bytes after the end of the stream are rejected.
 *
 * @param bytes - the gzip file's contents.
 * @returns the decompressed bytes.
 * @throws {@link DataFormatError} (`op` `"gunzip"`) for corrupted, truncated or oversized data.
 *
 * @example
 * ```ts
 * const raw = await gunzip(new Uint8Array(await (await fetch('t10k-labels-idx1-ubyte.gz')).arrayBuffer()));
 * ```
 */
export async function gunzip(bytes: Uint8Array, options: GunzipOptions = {}): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw new DataFormatError('gunzip', 'expected the input as a Uint8Array');
  const maxBytes = options.maxBytes ?? defaultMaxGunzipBytes(bytes.length);
  if (!(maxBytes >= 0)) throw new DataFormatError('gunzip', `maxBytes must be a non-negative number, got ${maxBytes}`);
  if (typeof DecompressionStream === 'undefined') {
    throw new DataFormatError('gunzip', 'DecompressionStream is not available in this environment (Node ≥ 18 has it)');
  }
  if (!isGzip(bytes)) {
    throw new DataFormatError('gunzip', 'not gzip data: the first two bytes must be 0x1f 0x8b (the gzip magic number)');
  }
  // Copy so that the stream (which may transfer its chunks) never detaches the caller's buffer.
  const input = bytes.slice();
  const source = new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(input);
      controller.close();
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (e) {
      throw new DataFormatError('gunzip', describe(e));
    }
    if (result.done) break;
    total += result.value.length;
    if (total > maxBytes) {
      // Stop the decompressor; what it may still report after cancelling no longer matters.
      reader.cancel().catch(() => {});
      throw new DataFormatError(
        'gunzip',
        `decompressed data exceeds ${maxBytes} bytes (from ${bytes.length} compressed bytes); pass a larger maxBytes if this file is genuine`,
      );
    }
    chunks.push(result.value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
