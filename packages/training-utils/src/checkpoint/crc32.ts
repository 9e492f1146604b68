/**
 * CRC-32 (IEEE 802.3, the checksum of zip and PNG), used to detect corrupted checkpoints: safetensors itself has no
 * checksum, so a flipped bit in the tensor data would otherwise load as a silently different weight.
 */

/** The 256-entry table of the reflected polynomial 0xEDB88320, built on first use. */
let table: Uint32Array | null = null;

function crcTable(): Uint32Array {
  if (table !== null) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Extends a running CRC-32 with `bytes`. Start with 0; the result of the last call is the checksum.
 *
 * @example
 * ```ts
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 * let c = crc32(part1); c = crc32(part2, c);      // the CRC of part1 followed by part2
 * ```
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = crcTable();
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
