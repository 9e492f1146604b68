import { gzipSync } from 'node:zlib';
import { TensorError } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors';
import { defaultMaxGunzipBytes, gunzip, isGzip } from './gzip';

/** Bytes that compress poorly enough to span several output chunks. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataFormatError);
  expect(e).toBeInstanceOf(TensorError);
  expect((e as DataFormatError).op).toBe('gunzip');
  return e as DataFormatError;
}

describe('gunzip', () => {
  it('round-trips small and multi-chunk data', async () => {
    for (const n of [0, 1, 1000, 300_000]) {
      const data = pattern(n);
      expect(await gunzip(gzipSync(data))).toEqual(data);
    }
  });

  it('decompresses concatenated gzip members one after the other', async () => {
    const a = pattern(1000);
    const b = pattern(77);
    const gz = new Uint8Array([...gzipSync(a), ...gzipSync(b)]);
    expect(await gunzip(gz)).toEqual(new Uint8Array([...a, ...b]));
  });

  it("leaves the caller's buffer intact", async () => {
    const gz = gzipSync(pattern(5000));
    const copy = gz.slice();
    await gunzip(gz);
    expect(gz.length).toBe(copy.length);
    expect(gz).toEqual(copy);
  });

  it('rejects a gzip bomb: 20 MB of zeros from about 20 kB', async () => {
    const bomb = gzipSync(new Uint8Array(20_000_000), { level: 9 });
    expect(bomb.length).toBeLessThan(40_000);
    const e = await rejection(gunzip(bomb));
    expect(e.message).toMatch(`exceeds ${defaultMaxGunzipBytes(bomb.length)} bytes`);
    expect(e.message).toMatch(/pass a larger maxBytes/);
  });

  it('honours an explicit maxBytes exactly', async () => {
    const gz = gzipSync(pattern(1000));
    expect((await gunzip(gz, { maxBytes: 1000 })).length).toBe(1000);
    expect((await rejection(gunzip(gz, { maxBytes: 999 }))).message).toMatch(/exceeds 999 bytes/);
    await rejection(gunzip(gz, { maxBytes: -1 }));
  });

  it('the default cap is 100 × the input, at least 1 MiB', () => {
    expect(defaultMaxGunzipBytes(10)).toBe(1 << 20);
    expect(defaultMaxGunzipBytes(100_000)).toBe(10_000_000);
  });

  it('rejects truncated data wherever it is cut', async () => {
    const gz = gzipSync(pattern(50_000));
    for (const cut of [2, 5, 10, 11, 100, gz.length >> 1, gz.length - 8, gz.length - 4, gz.length - 1]) {
      const e = await rejection(gunzip(gz.subarray(0, cut)));
      expect(e.message).toMatch(/truncated gzip data/);
    }
  });

  it('rejects corrupted data and a bad checksum', async () => {
    const gz = gzipSync(pattern(50_000));
    const body = gz.slice();
    for (let i = 20; i < 60; i++) body[i] ^= 0x5a;
    expect((await rejection(gunzip(body))).message).toMatch(/corrupted gzip data/);
    const crc = gz.slice();
    crc[crc.length - 6] ^= 1; // inside the CRC-32 of the trailer
    expect((await rejection(gunzip(crc))).message).toMatch(/corrupted gzip data/);
  });

  it('rejects bytes after the end of the stream', async () => {
    const gz = gzipSync(pattern(100));
    for (const junk of [
      [0, 0, 0],
      [1, 2, 3],
    ]) {
      await rejection(gunzip(new Uint8Array([...gz, ...junk])));
    }
  });

  it('rejects data that is not gzip', async () => {
    expect((await rejection(gunzip(new Uint8Array([0, 0, 8, 1])))).message).toMatch(/not gzip data/);
    await rejection(gunzip(new Uint8Array(0)));
  });

  it('isGzip looks at the magic bytes only', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(new Uint8Array([0, 0, 8, 1]))).toBe(false);
  });
});
