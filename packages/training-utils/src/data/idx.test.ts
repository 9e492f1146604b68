import { gzipSync } from 'node:zlib';
import { TensorError } from '@tensorloom/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError, IdxError } from './errors';
import { loadIdx, parseIdx, readIdxHeader } from './idx';

type Code = 0x08 | 0x09 | 0x0b | 0x0c | 0x0d | 0x0e;
const ITEM_SIZE: Record<Code, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

/** A minimal IDX writer, for tests only: header, then the values big-endian. */
function writeIdx(code: Code, shape: readonly number[], values: readonly number[]): Uint8Array {
  const size = ITEM_SIZE[code];
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const v = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d, false);
  });
  const off = 4 + 4 * shape.length;
  values.forEach((x, i) => {
    const p = off + size * i;
    if (code === 0x08) v.setUint8(p, x);
    else if (code === 0x09) v.setInt8(p, x);
    else if (code === 0x0b) v.setInt16(p, x, false);
    else if (code === 0x0c) v.setInt32(p, x, false);
    else if (code === 0x0d) v.setFloat32(p, x, false);
    else v.setFloat64(p, x, false);
  });
  return out;
}

const bytes = (...b: number[]) => new Uint8Array(b);

describe('parseIdx: known answers', () => {
  it('0x08 uint8 → int32, values kept exactly', () => {
    const t = parseIdx(bytes(0, 0, 0x08, 1, 0, 0, 0, 3, 0, 127, 255));
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3]);
    expect(Array.from(t.data)).toEqual([0, 127, 255]);
  });

  it('0x09 int8 → int32, sign extended', () => {
    const t = parseIdx(bytes(0, 0, 0x09, 1, 0, 0, 0, 3, 0x80, 0xff, 0x7f));
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.data)).toEqual([-128, -1, 127]);
  });

  it('0x0B int16 → int32, big-endian', () => {
    const t = parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x80, 0x00, 0x01, 0x02));
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.data)).toEqual([-32768, 0x0102]);
  });

  it('0x0C int32, big-endian', () => {
    const t = parseIdx(bytes(0, 0, 0x0c, 1, 0, 0, 0, 2, 0x80, 0, 0, 0, 0, 0, 1, 0));
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.data)).toEqual([-2147483648, 256]);
  });

  it('0x0D float32, big-endian', () => {
    const t = parseIdx(bytes(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0x49, 0x0f, 0xdb));
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, Math.fround(-Math.PI)]);
  });

  it('0x0E float64, big-endian', () => {
    const t = parseIdx(bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18));
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([Math.PI]);
  });

  it('reads several dimensions in row-major order', () => {
    const t = parseIdx(bytes(0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6));
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('accepts a zero-size dimension with no data', () => {
    const t = parseIdx(bytes(0, 0, 0x0c, 2, 0, 0, 0, 0, 0, 0, 0, 5));
    expect(t.shape).toEqual([0, 5]);
    expect(t.size).toBe(0);
  });

  it('reads from a view into a larger buffer (non-zero byteOffset)', () => {
    const file = writeIdx(0x0b, [2], [-2, 300]);
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    expect(Array.from(parseIdx(big.subarray(3)).data)).toEqual([-2, 300]);
  });

  it('readIdxHeader describes the file without decoding it', () => {
    expect(readIdxHeader(writeIdx(0x0d, [2, 1], [1, 2]))).toEqual({
      type: 'float32',
      typeCode: 0x0d,
      itemSize: 4,
      dtype: 'float32',
      shape: [2, 1],
      dataOffset: 12,
    });
  });
});

describe('parseIdx: rejections', () => {
  const reject = (b: Uint8Array, message: RegExp) => {
    let error: unknown;
    try {
      parseIdx(b);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdxError);
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error).toBeInstanceOf(TensorError);
    expect((error as IdxError).op).toBe('parseIdx');
    expect((error as Error).message).toMatch(/^parseIdx: /);
    expect((error as Error).message).toMatch(message);
  };

  it('files shorter than the magic number', () => {
    reject(bytes(), /truncated file: 0 bytes/);
    reject(bytes(0, 0, 8), /truncated file: 3 bytes/);
  });

  it('a magic number whose first two bytes are not zero', () => {
    reject(bytes(1, 0, 8, 1, 0, 0, 0, 0), /bad magic number.*0x01 0x00/);
    reject(bytes(0, 2, 8, 1, 0, 0, 0, 0), /bad magic number.*0x00 0x02/);
  });

  it('gzip data, with a hint', () => {
    reject(gzipSync(writeIdx(0x08, [1], [1])), /bad magic number.*gzip data: use loadIdx/);
  });

  it('unknown element type codes', () => {
    for (const code of [0x00, 0x07, 0x0a, 0x0f, 0xff])
      reject(bytes(0, 0, code, 1, 0, 0, 0, 0), /unknown element type code/);
  });

  it('zero dimensions', () => {
    reject(bytes(0, 0, 8, 0), /number of dimensions must be at least 1, got 0/);
  });

  it('a header shorter than its dimensions', () => {
    reject(bytes(0, 0, 8, 3, 0, 0, 0, 1), /truncated header: 3 dimensions need 16 header bytes, but the file has 8/);
    reject(bytes(0, 0, 8, 255), /truncated header: 255 dimensions need 1024/);
  });

  it('data shorter than dims × item size', () => {
    reject(
      bytes(0, 0, 8, 1, 0, 0, 0, 3, 1, 2),
      /truncated file: shape \(3\) of uint8 needs 3 bytes of data, but only 2/,
    );
    reject(writeIdx(0x0e, [2], [1, 2]).subarray(0, 20), /truncated file: shape \(2\) of float64 needs 16 bytes/);
  });

  it('huge dimensions without allocating them', () => {
    reject(
      bytes(0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3),
      /truncated file: shape \(4294967295,4294967295,4294967295\) of uint8 needs 79228162458924105385300197375 bytes/,
    );
    // 255 sizes of 2^32 - 1 overflow a double; the check must not be fooled by Infinity or NaN.
    const header = new Uint8Array(4 + 4 * 255).fill(0xff);
    header.set([0, 0, 0x0e, 255]);
    reject(header, /truncated file/);
  });

  it('trailing garbage after the data', () => {
    reject(bytes(0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3, 4), /1 bytes of trailing garbage after the 3 bytes of data/);
    reject(bytes(0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0), /2 bytes of trailing garbage/);
    // A zero size makes the product 0 whatever the other sizes are.
    reject(bytes(0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 7), /1 bytes of trailing garbage after the 0 bytes/);
  });

  it('input that is not a Uint8Array', () => {
    reject(new ArrayBuffer(8) as unknown as Uint8Array, /expected the file contents as a Uint8Array/);
  });
});

/** An IDX type code with matching values: a generator of well-formed files and what they hold. */
const idxFile = fc
  .record({
    code: fc.constantFrom<Code>(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ code, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const value: fc.Arbitrary<number> = {
      8: fc.integer({ min: 0, max: 255 }),
      9: fc.integer({ min: -128, max: 127 }),
      11: fc.integer({ min: -32768, max: 32767 }),
      12: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      13: fc.float(),
      14: fc.double(),
    }[code];
    return fc.record({
      code: fc.constant(code),
      shape: fc.constant(shape),
      values: fc.array(value, { minLength: n, maxLength: n }),
    });
  });

/** What any input may do: decode into a tensor no larger than its bytes allow, or throw the typed error. */
function parsesOrThrowsIdxError(b: Uint8Array): void {
  try {
    const t = parseIdx(b);
    expect(t.size * (t.dtype === 'float64' ? 8 : 1)).toBeLessThanOrEqual(b.length);
  } catch (e) {
    if (!(e instanceof IdxError)) throw e;
  }
}

describe('parseIdx: properties', () => {
  it('write → parse round-trips shape, dtype and values of every type', () => {
    fc.assert(
      fc.property(idxFile, ({ code, shape, values }) => {
        const t = parseIdx(writeIdx(code, shape, values));
        expect(t.shape).toEqual(shape);
        expect(t.dtype).toBe(code === 0x0d ? 'float32' : code === 0x0e ? 'float64' : 'int32');
        expect(Array.from(t.data)).toEqual(values);
      }),
    );
  });

  it('random bytes only ever parse or throw IdxError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), parsesOrThrowsIdxError), { numRuns: 2000 });
    // Random bodies behind a valid-looking start reach the size checks more often.
    const start = fc.tuple(fc.constantFrom(8, 9, 11, 12, 13, 14), fc.integer({ min: 0, max: 6 }));
    fc.assert(
      fc.property(start, fc.uint8Array({ maxLength: 64 }), ([code, ndim], body) => {
        parsesOrThrowsIdxError(new Uint8Array([0, 0, code, ndim, ...body]));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated, truncated and extended files only ever parse or throw IdxError', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(idxFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, mutations) => {
        let b = writeIdx(file.code, file.shape, file.values);
        for (const m of mutations) {
          if (m.kind === 'flip' && b.length > 0) b[m.at % b.length] = m.value;
          else if (m.kind === 'cut') b = b.subarray(0, m.at % (b.length + 1));
          else if (m.kind === 'append') b = new Uint8Array([...b, ...m.extra]);
        }
        parsesOrThrowsIdxError(b);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('loadIdx', () => {
  it('decompresses gzip data and passes raw IDX through', async () => {
    const file = writeIdx(0x0b, [2, 2], [1, -2, 3, -4]);
    const fromGz = await loadIdx(gzipSync(file));
    const fromRaw = await loadIdx(file);
    expect(fromGz.toArray()).toEqual([
      [1, -2],
      [3, -4],
    ]);
    expect(fromRaw.toArray()).toEqual(fromGz.toArray());
  });

  it('passes maxBytes on to gunzip', async () => {
    const file = writeIdx(0x08, [1000], new Array(1000).fill(0));
    await expect(loadIdx(gzipSync(file), { maxBytes: 100 })).rejects.toThrow(/exceeds 100 bytes/);
  });

  it('gzipped random or mutated bytes only ever reject with DataFormatError', async () => {
    const good = gzipSync(writeIdx(0x0c, [3], [1, 2, 3]));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((b) => new Uint8Array([0x1f, 0x8b, ...b])),
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
            const b = good.slice();
            b[at % b.length] = v;
            return b;
          }),
          fc.nat().map((at) => good.subarray(0, at % good.length)),
        ),
        async (b) => {
          try {
            const t = await loadIdx(b);
            expect(t.shape).toEqual([3]);
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
