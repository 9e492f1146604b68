import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType } from '../dtype';
import { TensorError } from '../errors';
import {
  decodeTensorData,
  encodeTensorData,
  parseSafetensors,
  type RawTensor,
  type SafetensorsDType,
  SafetensorsError,
  serializeSafetensors,
} from './format';

const utf8 = new TextEncoder();

/** A file with exactly this header text (no padding added) followed by `buffer`. */
function fileWith(header: string | Uint8Array, buffer: ArrayLike<number> = []): Uint8Array {
  const json = typeof header === 'string' ? utf8.encode(header) : header;
  const out = new Uint8Array(8 + json.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

/** The header text of a file, padding included. */
function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

/** Parses `bytes` expecting a SafetensorsError, and returns its message. */
function rejection(bytes: Uint8Array): string {
  try {
    parseSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as SafetensorsError).message;
  }
  throw new Error('expected parseSafetensors to throw');
}

/** Calls `f` expecting a SafetensorsError, and returns its message. */
function thrownBy(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as SafetensorsError).message;
  }
  throw new Error('expected a SafetensorsError');
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function raw(dtype: SafetensorsDType, shape: number[], data: ArrayLike<number>): RawTensor {
  return { dtype, shape, data: Uint8Array.from(data) };
}

/** One-entry header for a tensor `t`, with `fields` spliced into the entry. */
function entry(fields: string): string {
  return `{"t":{${fields}}}`;
}

describe('SafetensorsError', () => {
  it('is a TensorError of op "safetensors"', () => {
    const e = new SafetensorsError('bad', { cause: 1 });
    expect(e).toBeInstanceOf(TensorError);
    expect(e.op).toBe('safetensors');
    expect(e.message).toBe('safetensors: bad');
    expect(e.name).toBe('SafetensorsError');
    expect(e.cause).toBe(1);
  });
});

describe('serializeSafetensors: known answers', () => {
  it('writes one F32 tensor byte for byte (header needing no padding)', () => {
    const data = f32Bytes([0, 1, 2, 3, 4, 5]);
    const out = serializeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data } });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(Array.from(out)).toEqual([
      ...[64, 0, 0, 0, 0, 0, 0, 0],
      ...utf8.encode(header),
      ...[0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64],
    ]);
  });

  it('pads the header with spaces to a multiple of 8 so that the data is aligned', () => {
    const out = serializeSafetensors({
      attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: f32Bytes([0, 1, 2, 3, 4, 5]) },
    });
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(65);
    expect(Array.from(out.subarray(0, 8))).toEqual([72, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerOf(out)).toBe(`${header}       `);
    expect(out.length).toBe(8 + 72 + 24);
  });

  it('writes an empty file as {} and six spaces', () => {
    expect(Array.from(serializeSafetensors(new Map()))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
  });

  it('writes __metadata__ first with sorted keys, and leaves it out when empty', () => {
    expect(headerOf(serializeSafetensors({}, { framework: 'pt' }))).toBe('{"__metadata__":{"framework":"pt"}}     ');
    expect(headerOf(serializeSafetensors({}, { b: '2', a: '1', '10': 'x' }))).toBe(
      '{"__metadata__":{"10":"x","a":"1","b":"2"}}     ',
    );
    expect(headerOf(serializeSafetensors({}, {}))).toBe('{}      ');
  });

  it('orders tensors by dtype alignment (descending, as the reference writer) and then by name', () => {
    const tensors: Record<string, RawTensor> = {
      mask: raw('BOOL', [1], [1]),
      b8: raw('U8', [1], [7]),
      c8: raw('I8', [1], [255]),
      s: raw('I16', [1], [1, 0]),
      h: raw('F16', [1], [0, 60]),
      bf: raw('BF16', [1], [128, 63]),
      i: raw('I32', [1], [1, 0, 0, 0]),
      zb: raw('F32', [1], [0, 0, 128, 63]),
      za: raw('F32', [0], []),
      d: raw('F64', [1], [0, 0, 0, 0, 0, 0, 240, 63]),
      idx: raw('I64', [1], [5, 0, 0, 0, 0, 0, 0, 0]),
    };
    const parsed = parseSafetensors(serializeSafetensors(tensors));
    expect([...parsed.tensors.keys()]).toEqual(['idx', 'd', 'za', 'zb', 'i', 'bf', 'h', 's', 'c8', 'b8', 'mask']);
    expect(headerOf(serializeSafetensors(tensors))).toMatch(
      /^\{"idx":\{"dtype":"I64","shape":\[1\],"data_offsets":\[0,8\]\},"d":/,
    );
  });

  it('orders names by code point (UTF-8 byte order, as Rust does), not by UTF-16 unit', () => {
    // '\u{1F600}' is the surrogate pair D83D DE00, which sorts below U+FFFD in UTF-16 but above it by code point.
    const t = raw('U8', [1], [0]);
    const names = [
      ...parseSafetensors(serializeSafetensors({ '\u{1F600}': t, '\uFFFD': t, '9': t, '10': t, b: t })).tensors.keys(),
    ];
    expect(names).toEqual(['10', '9', 'b', '\uFFFD', '\u{1F600}']);
  });

  it('writes little-endian data contiguously in header order', () => {
    const out = serializeSafetensors({ a: raw('I16', [2], [1, 0, 2, 0]), b: raw('I32', [1], [3, 0, 0, 0]) });
    expect(headerOf(out).trimEnd()).toBe(
      '{"b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"I16","shape":[2],"data_offsets":[4,8]}}',
    );
    expect(Array.from(out.subarray(out.length - 8))).toEqual([3, 0, 0, 0, 1, 0, 2, 0]);
  });

  it('rejects what it cannot write faithfully', () => {
    const t = raw('U8', [1], [0]);
    expect(thrownBy(() => serializeSafetensors({ __metadata__: t }))).toMatch(/"__metadata__" is reserved/);
    expect(thrownBy(() => serializeSafetensors({ a: raw('F32', [2], [0, 0, 0, 0]) }))).toMatch(
      /tensor "a": data has 4 bytes but shape \(2\) of F32 needs 8/,
    );
    expect(thrownBy(() => serializeSafetensors({ a: { ...t, dtype: 'U16' as SafetensorsDType } }))).toMatch(
      /tensor "a": unsupported dtype "U16"/,
    );
    expect(thrownBy(() => serializeSafetensors({ a: { ...t, shape: [-1] } }))).toMatch(/tensor "a": shape must be/);
    expect(thrownBy(() => serializeSafetensors({ '\uD800': t }))).toMatch(/not a valid Unicode string/);
    const badMetadata = { n: 1 } as unknown as Record<string, string>;
    expect(thrownBy(() => serializeSafetensors({}, badMetadata))).toMatch(/metadata value of "n" must be a string/);
  });
});

describe('parseSafetensors', () => {
  it('reads a hand-built file, returning views into the input', () => {
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    const bytes = fileWith(header, f32Bytes([0, 1, 2, 3, 4, 5]));
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({});
    expect([...tensors.keys()]).toEqual(['attn.0']);
    const t = tensors.get('attn.0')!;
    expect(t.dtype).toBe('F32');
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.data.buffer).toBe(bytes.buffer);
    expect(t.data.byteOffset).toBe(8 + 64);
    expect(Array.from(new Float32Array(t.data.slice().buffer))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('accepts headers from other writers: any key order, whitespace, metadata anywhere', () => {
    const header = `{ "b" : {"shape": [2], "data_offsets": [2, 4], "dtype": "U8"},
      "__metadata__": {"format": "pt"}, "a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]} }  `;
    const { tensors, metadata } = parseSafetensors(fileWith(header, [1, 2, 3, 4]));
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['a', 'b']); // offset order
    expect(Array.from(tensors.get('b')!.data)).toEqual([3, 4]);
  });

  it('accepts empty files and zero-size tensors, several at one offset', () => {
    expect(parseSafetensors(fileWith('{}')).tensors.size).toBe(0);
    const header =
      '{"z1":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},' +
      '"z2":{"dtype":"F64","shape":[4,0],"data_offsets":[1,1]},"z3":{"dtype":"I8","shape":[0],"data_offsets":[1,1]}}';
    const { tensors } = parseSafetensors(fileWith(header, [9]));
    expect([...tensors.keys()]).toEqual(['z1', 'x', 'z2', 'z3']);
    expect(tensors.get('z2')).toEqual({ dtype: 'F64', shape: [4, 0], data: new Uint8Array(0) });
  });

  it('hands out plain Uint8Array views when given a Node Buffer', () => {
    const bytes = Buffer.from(serializeSafetensors({ a: raw('U8', [2], [1, 2]) }));
    const data = parseSafetensors(bytes).tensors.get('a')!.data;
    expect(Object.getPrototypeOf(data)).toBe(Uint8Array.prototype);
    expect(Array.from(data)).toEqual([1, 2]);
  });

  describe('rejects, with a message naming the problem', () => {
    const ok = '"dtype":"U8","shape":[2],"data_offsets":[0,2]';

    it('input shorter than the 8-byte length', () => {
      expect(rejection(new Uint8Array(0))).toBe(
        'safetensors: file is 0 bytes long, shorter than the 8-byte header length',
      );
      expect(rejection(new Uint8Array(7))).toMatch(/file is 7 bytes long/);
      expect(thrownBy(() => parseSafetensors('abc' as unknown as Uint8Array))).toMatch(
        /expected a Uint8Array, got string/,
      );
    });

    it('a header length beyond the input or absurdly large', () => {
      const bytes = fileWith('{}');
      new DataView(bytes.buffer).setBigUint64(0, 3n, true);
      expect(rejection(fileWith('{}').subarray(0, 9))).toMatch(/header length 2 exceeds the 1 bytes that follow/);
      new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
      expect(rejection(bytes)).toMatch(/header length 100000001 exceeds the limit of 100000000 bytes/);
      new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
      expect(rejection(bytes)).toMatch(/header length 18446744073709551615 exceeds the limit/);
    });

    it('a header that is not UTF-8, not JSON, or not an object', () => {
      expect(rejection(fileWith(Uint8Array.of(0x7b, 0xff, 0x7d)))).toBe('safetensors: header is not valid UTF-8');
      expect(rejection(fileWith('{"t":'))).toMatch(/header is not valid JSON/);
      expect(rejection(fileWith('{} x'))).toMatch(/header is not valid JSON/);
      expect(rejection(fileWith('[]'))).toMatch(/header must be a JSON object starting with '\{', got "\[\]"/);
      expect(rejection(fileWith(' {}'))).toMatch(/starting with '\{'/);
      expect(rejection(fileWith(''))).toMatch(/starting with '\{'/);
      expect(rejection(fileWith(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)))).toMatch(/starting with '\{'/); // BOM
    });

    it('entries that are not objects, or have missing or extra fields', () => {
      expect(rejection(fileWith('{"t":[1]}'))).toMatch(/tensor "t": entry must be an object .* got an array/);
      expect(rejection(fileWith('{"t":null}'))).toMatch(/tensor "t": entry must be an object .* got null/);
      expect(rejection(fileWith(entry('"dtype":"U8","shape":[2]'), [1, 2]))).toMatch(
        /tensor "t": missing field "data_offsets"/,
      );
      expect(rejection(fileWith(entry(`${ok},"offset":3`), [1, 2]))).toMatch(/tensor "t": unexpected field "offset"/);
    });

    it('unknown or unsupported dtypes', () => {
      const bad = (dtype: string) =>
        rejection(fileWith(entry(`"dtype":${dtype},"shape":[2],"data_offsets":[0,2]`), [1, 2]));
      expect(bad('"U16"')).toMatch(/tensor "t": unsupported dtype "U16" \(supported: BOOL, U8, I8, I16, F16, BF16/);
      expect(bad('"f32"')).toMatch(/unsupported dtype "f32"/);
      expect(bad('"toString"')).toMatch(/unsupported dtype "toString"/);
      expect(bad('4')).toMatch(/unsupported dtype 4/);
    });

    it('shapes that are not arrays of non-negative safe integers', () => {
      const bad = (shape: string) =>
        rejection(fileWith(entry(`"dtype":"U8","shape":${shape},"data_offsets":[0,2]`), [1, 2]));
      for (const shape of ['2', '[-2]', '[2.5]', '["2"]', '[[2]]', 'null', '[9007199254740992]']) {
        expect(bad(shape)).toMatch(/tensor "t": shape must be an array of non-negative integers/);
      }
    });

    it('integers written as 1.0, 1e0 or -0 (JSON.parse would hide them)', () => {
      expect(rejection(fileWith(entry('"dtype":"U8","shape":[2.0],"data_offsets":[0,2]'), [1, 2]))).toMatch(
        /tensor "t": integer written as 2.0; write it as plain digits/,
      );
      expect(rejection(fileWith(entry('"dtype":"U8","shape":[2],"data_offsets":[-0,2e0]'), [1, 2]))).toMatch(
        /integer written as -0/,
      );
    });

    it('a shape whose size does not match the byte range, without overflowing', () => {
      expect(rejection(fileWith(entry('"dtype":"F32","shape":[2,3],"data_offsets":[0,12]'), new Uint8Array(12)))).toBe(
        'safetensors: tensor "t": data_offsets [0, 12] span 12 bytes but shape (2,3) of F32 needs 24',
      );
      // 2^26 * 2^27 * 4 = 2^55: a product that silently rounds in doubles; 2^53 elements * 8 bytes as well.
      expect(rejection(fileWith(entry('"dtype":"F32","shape":[67108864,134217728],"data_offsets":[0,0]')))).toMatch(
        /shape \(67108864,134217728\) of F32 needs more than 2\^53/,
      );
      expect(rejection(fileWith(entry('"dtype":"I64","shape":[4503599627370496,2],"data_offsets":[0,0]')))).toMatch(
        /needs more than 2\^53/,
      );
      // Huge dimensions times a zero are a valid empty tensor.
      expect(
        parseSafetensors(fileWith(entry('"dtype":"F32","shape":[9007199254740991,0],"data_offsets":[0,0]'))).tensors
          .size,
      ).toBe(1);
    });

    it('a hostile shape with a million dimensions quickly, with a short message', () => {
      const shape = `[${new Array(1_000_000).fill(2).join(',')}]`;
      const message = rejection(fileWith(entry(`"dtype":"U8","shape":${shape},"data_offsets":[0,2]`), [1, 2]));
      expect(message).toMatch(/needs more than 2\^53/);
      expect(message.length).toBeLessThan(300);
    });

    it('offsets that are not two ordered integers inside the buffer', () => {
      const bad = (offsets: string, buffer: number[] = [1, 2]) =>
        rejection(fileWith(entry(`"dtype":"U8","shape":[2],"data_offsets":${offsets}`), buffer));
      for (const offsets of ['[0]', '[0,2,4]', '[0,"2"]', '[0.5,2]', '{"begin":0}', '[-1,2]']) {
        expect(bad(offsets)).toMatch(/tensor "t": data_offsets must be two non-negative integers/);
      }
      expect(bad('[2,0]')).toBe('safetensors: tensor "t": data_offsets [2, 0] end before they begin');
      expect(bad('[0,2]', [1])).toMatch(/tensor "t": data_offsets \[0, 2\] reach past the end of the 1-byte buffer/);
    });

    it('overlapping ranges, gaps, and unused trailing bytes', () => {
      const two = (a: string, b: string, buffer: number[]) =>
        rejection(
          fileWith(
            `{"a":{"dtype":"U8","shape":[2],"data_offsets":${a}},"b":{"dtype":"U8","shape":[2],"data_offsets":${b}}}`,
            buffer,
          ),
        );
      expect(two('[0,2]', '[1,3]', [1, 2, 3])).toBe(
        'safetensors: tensor "b": data_offsets [1, 3] overlap tensor "a" at [0, 2]',
      );
      expect(two('[0,2]', '[0,2]', [1, 2])).toMatch(/tensor "b": data_offsets \[0, 2\] overlap tensor "a"/);
      expect(two('[0,2]', '[3,5]', [1, 2, 3, 4, 5])).toMatch(
        /tensor "b": data_offsets \[3, 5\] leave bytes 2..3 of the buffer unused/,
      );
      expect(two('[1,3]', '[3,5]', [1, 2, 3, 4, 5])).toMatch(/tensor "a": .* leave bytes 0..1 of the buffer unused/);
      expect(two('[0,2]', '[2,4]', [1, 2, 3, 4, 5])).toBe(
        'safetensors: bytes 4..5 of the 5-byte buffer belong to no tensor (trailing data)',
      );
      expect(rejection(fileWith('{}', [0]))).toMatch(/bytes 0..1 of the 1-byte buffer belong to no tensor/);
    });

    it('__metadata__ that is not a string to string map', () => {
      expect(rejection(fileWith('{"__metadata__":["pt"]}'))).toMatch(
        /__metadata__ must be an object mapping strings to strings, got an array/,
      );
      expect(rejection(fileWith('{"__metadata__":null}'))).toMatch(/got null/);
      expect(rejection(fileWith('{"__metadata__":{"epoch":3}}'))).toBe(
        'safetensors: __metadata__: value of "epoch" must be a string, got number 3',
      );
    });

    it('duplicate keys, at every level and however they are escaped', () => {
      expect(rejection(fileWith(`{"t":{${ok}},"t":{${ok}}}`, [1, 2]))).toBe('safetensors: duplicate tensor name "t"');
      expect(rejection(fileWith(`{"t":{${ok}},"\\u0074":{${ok}}}`, [1, 2]))).toBe(
        'safetensors: duplicate tensor name "t"',
      );
      expect(rejection(fileWith(entry(`${ok},"dtype":"U8"`), [1, 2]))).toBe(
        'safetensors: tensor "t": duplicate key "dtype"',
      );
      expect(rejection(fileWith('{"__metadata__":{"a":"1","a":"2"}}'))).toBe(
        'safetensors: __metadata__: duplicate key "a"',
      );
      expect(rejection(fileWith('{"__metadata__":{},"__metadata__":{}}'))).toBe(
        'safetensors: duplicate key "__metadata__"',
      );
      // Equal strings in value position or in different objects are not duplicates.
      expect(
        parseSafetensors(
          fileWith('{"__metadata__":{"a":"a","b":"a"},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}'),
        ).metadata,
      ).toEqual({ a: 'a', b: 'a' });
    });

    it('escapes of unpaired surrogates, which are not valid Unicode', () => {
      expect(rejection(fileWith(`{"\\ud800":{${ok}}}`, [1, 2]))).toMatch(
        /string "\\\\ud800" escapes an unpaired surrogate/,
      );
      expect(rejection(fileWith('{"__metadata__":{"a":"x\\udc00"}}'))).toMatch(
        /__metadata__: string .* unpaired surrogate/,
      );
      // A properly escaped pair is fine.
      expect(parseSafetensors(fileWith('{"__metadata__":{"a":"\\ud83d\\ude00"}}')).metadata).toEqual({
        a: '\u{1F600}',
      });
    });

    it('a tensor named __proto__ or toString like any other name', () => {
      const { tensors } = parseSafetensors(fileWith(`{"__proto__":{${ok}},"__metadata__":{"__proto__":"x"}}`, [1, 2]));
      expect([...tensors.keys()]).toEqual(['__proto__']);
    });
  });
});

describe('decodeTensorData', () => {
  const decode = (dtype: SafetensorsDType, shape: number[], bytes: ArrayLike<number>) =>
    decodeTensorData(raw(dtype, shape, bytes));

  it('copies F32, F64 and I32 from little-endian bytes', () => {
    const f32 = decode('F32', [2], [0, 0, 128, 63, 0, 0, 0, 192]);
    expect(f32.dtype).toBe('float32');
    expect(f32.data).toEqual(new Float32Array([1, -2]));
    const f64 = decode('F64', [1], [0, 0, 0, 0, 0, 0, 240, 63]);
    expect(f64).toEqual({ dtype: 'float64', data: new Float64Array([1]) });
    expect(decode('I32', [2], [255, 255, 255, 255, 0, 1, 0, 0])).toEqual({
      dtype: 'int32',
      data: new Int32Array([-1, 256]),
    });
  });

  it('never returns a view of the input', () => {
    const r = raw('F32', [1], [0, 0, 128, 63]);
    const { data } = decodeTensorData(r);
    r.data[3] = 0;
    expect(data[0]).toBe(1);
  });

  it('reads misaligned input (views at odd offsets, as other writers may produce)', () => {
    const bytes = new Uint8Array(9);
    bytes.set([0, 0, 128, 63, 0, 0, 0, 64], 1);
    expect(decodeTensorData({ dtype: 'F32', shape: [2], data: bytes.subarray(1) }).data).toEqual(
      new Float32Array([1, 2]),
    );
  });

  it('widens I16, I8 and U8 to int32 with the right signs', () => {
    expect(decode('I16', [3], [1, 0, 255, 255, 0, 128])).toEqual({
      dtype: 'int32',
      data: new Int32Array([1, -1, -32768]),
    });
    expect(decode('I8', [3], [1, 255, 128])).toEqual({ dtype: 'int32', data: new Int32Array([1, -1, -128]) });
    expect(decode('U8', [3], [1, 255, 128])).toEqual({ dtype: 'int32', data: new Int32Array([1, 255, 128]) });
  });

  it('narrows I64 to int32 at the edges of the range and refuses values outside it', () => {
    const i64 = (values: bigint[]) => {
      const bytes = new Uint8Array(8 * values.length);
      const view = new DataView(bytes.buffer);
      values.forEach((v, i) => {
        view.setBigInt64(8 * i, v, true);
      });
      return { dtype: 'I64' as const, shape: [values.length], data: bytes };
    };
    expect(decodeTensorData(i64([0n, -1n, 2147483647n, -2147483648n])).data).toEqual(
      new Int32Array([0, -1, 2147483647, -2147483648]),
    );
    expect(thrownBy(() => decodeTensorData(i64([0n, 2147483648n]), 'ids'))).toBe(
      'safetensors: tensor "ids": I64 element 1 is 2147483648, outside the int32 range [-2147483648, 2147483647]',
    );
    expect(thrownBy(() => decodeTensorData(i64([-2147483649n])))).toMatch(/I64 element 0 is -2147483649/);
    expect(thrownBy(() => decodeTensorData(i64([2n ** 32n])))).toMatch(/is 4294967296/);
    expect(thrownBy(() => decodeTensorData(i64([-(2n ** 63n)])))).toMatch(/is -9223372036854775808/);
  });

  it('reads BOOL as 0/1 bytes and refuses anything else', () => {
    expect(decode('BOOL', [3], [0, 1, 1])).toEqual({ dtype: 'bool', data: new Uint8Array([0, 1, 1]) });
    expect(thrownBy(() => decodeTensorData(raw('BOOL', [2], [1, 2]), 'mask'))).toBe(
      'safetensors: tensor "mask": bool element 1 is 2; bools must be 0 or 1',
    );
  });

  it('decodes F16 known values: normals, subnormals, ±0, ±inf, NaN', () => {
    const halves = [
      0x3c00, 0xc000, 0x7bff, 0x3555, 0x0400, 0x03ff, 0x0001, 0x8001, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7c01,
    ];
    const expected = [
      1,
      -2,
      65504,
      0.333251953125,
      2 ** -14,
      1023 * 2 ** -24,
      2 ** -24,
      -(2 ** -24),
      0,
      -0,
      Infinity,
      -Infinity,
      Number.NaN,
      Number.NaN,
    ];
    const { dtype, data } = decodeTensorData({
      dtype: 'F16',
      shape: [halves.length],
      data: new Uint8Array(new Uint16Array(halves).buffer),
    });
    expect(dtype).toBe('float32');
    expect(Array.from(data)).toEqual(expected); // toEqual tells -0 from 0 and matches NaN with NaN
  });

  it('decodes all 65536 F16 values exactly (checked against a bit-level conversion)', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const { data } = decodeTensorData({ dtype: 'F16', shape: [65536], data: new Uint8Array(all.buffer) });
    const expected = new Float32Array(new Uint32Array(Array.from(all, f16ToF32Bits)).buffer);
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(expected[h])) expect(data[h]).toBeNaN();
      else if (!Object.is(data[h], expected[h]))
        expect.fail(`F16 0x${h.toString(16)}: got ${data[h]}, expected ${expected[h]}`);
    }
  });

  it('decodes BF16 known values and all 65536 exactly (checked against arithmetic)', () => {
    const known = [0x3f80, 0xc040, 0x4049, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0];
    const { dtype, data } = decodeTensorData({
      dtype: 'BF16',
      shape: [8],
      data: new Uint8Array(new Uint16Array(known).buffer),
    });
    expect(dtype).toBe('float32');
    expect(Array.from(data)).toEqual([1, -3, 3.140625, 2 ** -133, -0, Infinity, -Infinity, Number.NaN]);

    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeTensorData({ dtype: 'BF16', shape: [65536], data: new Uint8Array(all.buffer) }).data;
    for (let h = 0; h < 65536; h++) {
      const want = bf16Arithmetic(h);
      if (Number.isNaN(want)) expect(decoded[h]).toBeNaN();
      else if (!Object.is(decoded[h], want))
        expect.fail(`BF16 0x${h.toString(16)}: got ${decoded[h]}, expected ${want}`);
    }
  });

  it('refuses raw tensors whose parts disagree', () => {
    expect(thrownBy(() => decodeTensorData(raw('F32', [2], [0, 0, 0, 0]), 'w'))).toBe(
      'safetensors: tensor "w": data has 4 bytes but shape (2) of F32 needs 8',
    );
    expect(
      thrownBy(() => decodeTensorData({ dtype: 'F8_E4M3' as SafetensorsDType, shape: [1], data: new Uint8Array(1) })),
    ).toMatch(/unsupported dtype "F8_E4M3"/);
    expect(thrownBy(() => decodeTensorData({ dtype: 'U8', shape: [1], data: [1] as unknown as Uint8Array }))).toMatch(
      /data must be a Uint8Array, got an array/,
    );
  });
});

describe('encodeTensorData', () => {
  it('stores each dtype as its natural file dtype, little-endian', () => {
    expect(encodeTensorData('float32', [2], new Float32Array([1, -2]))).toEqual(
      raw('F32', [2], [0, 0, 128, 63, 0, 0, 0, 192]),
    );
    expect(encodeTensorData('float64', [], new Float64Array([1]))).toEqual(raw('F64', [], [0, 0, 0, 0, 0, 0, 240, 63]));
    expect(encodeTensorData('int32', [1, 1], new Int32Array([-2]))).toEqual(raw('I32', [1, 1], [254, 255, 255, 255]));
    expect(encodeTensorData('bool', [2], new Uint8Array([1, 0]))).toEqual(raw('BOOL', [2], [1, 0]));
  });

  it('views a subarray correctly (its own bytes only)', () => {
    const whole = new Float32Array([1, 2, 3]);
    expect(Array.from(encodeTensorData('float32', [1], whole.subarray(1, 2)).data)).toEqual([0, 0, 0, 64]);
  });

  it('stores int32 as sign-extended I64 on request', () => {
    const r = encodeTensorData('int32', [3], new Int32Array([1, -1, -2147483648]), 'I64');
    expect(r.dtype).toBe('I64');
    expect(Array.from(r.data)).toEqual([
      ...[1, 0, 0, 0, 0, 0, 0, 0],
      ...[255, 255, 255, 255, 255, 255, 255, 255],
      ...[0, 0, 0, 128, 255, 255, 255, 255],
    ]);
  });

  it('refuses inconsistent input and unsupported targets', () => {
    expect(thrownBy(() => encodeTensorData('float32', [3], new Float32Array(2)))).toBe(
      'safetensors: shape (3) has 3 elements but data has 2',
    );
    expect(thrownBy(() => encodeTensorData('float32', [2], new Float64Array(2)))).toBe(
      'safetensors: float32 data must be a Float32Array, got a Float64Array',
    );
    expect(thrownBy(() => encodeTensorData('int32', [-1], new Int32Array(0)))).toMatch(/shape must be an array/);
    expect(thrownBy(() => encodeTensorData('bool', [2], new Uint8Array([1, 3])))).toMatch(/bool element 1 is 3/);
    expect(thrownBy(() => encodeTensorData('float32', [1], new Float32Array(1), 'F16'))).toBe(
      'safetensors: cannot store float32 data as "F16"; supported: F32',
    );
    expect(thrownBy(() => encodeTensorData('int32', [1], new Int32Array(1), 'F32'))).toMatch(/supported: I32 or I64/);
    expect(thrownBy(() => encodeTensorData('toString' as DType, [1], new Int32Array(1)))).toBe(
      'safetensors: unknown dtype "toString"',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------------------------

const DTYPE_LIST: SafetensorsDType[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];
const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

const rawTensorArb: fc.Arbitrary<RawTensor> = fc
  .tuple(fc.constantFrom(...DTYPE_LIST), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }))
  .chain(([dtype, shape]) => {
    const length = shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[dtype];
    return fc.uint8Array({ minLength: length, maxLength: length }).map((data) => ({ dtype, shape, data }));
  });

const nameArb = fc.string({ unit: 'binary', maxLength: 8 }).filter((name) => name !== '__metadata__');

const tensorMapArb = fc
  .uniqueArray(fc.tuple(nameArb, rawTensorArb), { selector: ([name]) => name, maxLength: 6 })
  .map((entries) => new Map(entries));

const metadataArb = fc.option(
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 10 }), {
    maxKeys: 4,
    noNullPrototype: true,
  }),
  { nil: undefined },
);

const validFileArb = fc
  .tuple(tensorMapArb, metadataArb)
  .map(([tensors, metadata]) => serializeSafetensors(tensors, metadata));

/** Runs `f`, failing the property if it throws anything but a SafetensorsError. */
function onlySafetensorsErrors(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
  }
}

/** Whatever parses must survive decoding, re-serialising and parsing again unchanged. */
function checkParsedIsConsistent(bytes: Uint8Array): void {
  const parsed = parseSafetensors(bytes);
  for (const [name, t] of parsed.tensors) onlySafetensorsErrors(() => decodeTensorData(t, name));
  const again = parseSafetensors(serializeSafetensors(parsed.tensors, parsed.metadata));
  expect(again.metadata).toEqual(parsed.metadata);
  expect(again.tensors).toEqual(parsed.tensors);
}

describe('properties', () => {
  it('serialize → parse gives back the tensors and metadata, and re-serialising gives identical bytes', () => {
    fc.assert(
      fc.property(tensorMapArb, metadataArb, (tensors, metadata) => {
        const bytes = serializeSafetensors(tensors, metadata);
        expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n); // so the data starts 8-byte aligned
        const parsed = parseSafetensors(bytes);
        expect(parsed.metadata).toEqual(metadata ?? {});
        expect(parsed.tensors.size).toBe(tensors.size);
        for (const [name, t] of tensors) expect(parsed.tensors.get(name)).toEqual(t);
        expect(serializeSafetensors(parsed.tensors, parsed.metadata)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('every tensor starts at an offset aligned to its element size', () => {
    fc.assert(
      fc.property(tensorMapArb, (tensors) => {
        const bytes = serializeSafetensors(tensors);
        for (const t of parseSafetensors(bytes).tensors.values()) {
          expect(t.data.byteOffset % ITEM_SIZE[t.dtype]).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('encode → decode is the identity for every in-memory dtype (and int32 through I64)', () => {
    const bytesOf = (a: Float32Array | Float64Array | Int32Array | Uint8Array) =>
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const cases = fc.oneof(
      fc.float32Array({ maxLength: 16 }).map((data) => ({ dtype: 'float32' as const, data, file: undefined })),
      fc.float64Array({ maxLength: 16 }).map((data) => ({ dtype: 'float64' as const, data, file: undefined })),
      fc.int32Array({ maxLength: 16 }).map((data) => ({ dtype: 'int32' as const, data, file: undefined })),
      fc.int32Array({ maxLength: 16 }).map((data) => ({ dtype: 'int32' as const, data, file: 'I64' as const })),
      fc.uint8Array({ max: 1, maxLength: 16 }).map((data) => ({ dtype: 'bool' as const, data, file: undefined })),
    );
    fc.assert(
      fc.property(cases, ({ dtype, data, file }) => {
        const decoded = decodeTensorData(encodeTensorData(dtype, [data.length], data, file));
        expect(decoded.dtype).toBe(dtype);
        expect(bytesOf(decoded.data)).toEqual(bytesOf(data)); // bytes, so NaN payloads and -0 count
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes only ever raise SafetensorsError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.option(fc.nat(64)), (bytes, headerLength) => {
        // Half the time with a plausible header length, or nearly every input stops at the first check.
        if (headerLength !== null && bytes.length >= 8)
          new DataView(bytes.buffer).setBigUint64(0, BigInt(headerLength), true);
        onlySafetensorsErrors(() => checkParsedIsConsistent(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('random JSON headers only ever raise SafetensorsError', () => {
    // Entries built from plausible parts reach the deeper checks (sizes, overlaps, gaps) far more often than
    // arbitrary JSON would.
    const small = fc.integer({ min: 0, max: 12 });
    const part = fc.oneof(fc.jsonValue({ maxDepth: 2 }), small, fc.array(small, { maxLength: 3 }));
    const entryArb = fc.oneof(
      fc.record({
        dtype: fc.oneof(fc.constantFrom(...DTYPE_LIST), part),
        shape: fc.oneof(fc.array(small, { maxLength: 2 }), part),
        data_offsets: fc.oneof(fc.tuple(small, small), part),
      }),
      fc.dictionary(fc.constantFrom('dtype', 'shape', 'data_offsets', 'x'), part),
      part,
    );
    const headerArb = fc.dictionary(
      fc.oneof(fc.constantFrom('a', 'b', '__metadata__'), fc.string({ maxLength: 3 })),
      entryArb,
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 24 }), (header, buffer) =>
        onlySafetensorsErrors(() => checkParsedIsConsistent(fileWith(JSON.stringify(header), buffer))),
      ),
      { numRuns: 1000 },
    );
  });

  it('mutated valid files (flipped, truncated, extended, edited header) only ever raise SafetensorsError', () => {
    type Mutation =
      | { kind: 'set'; at: number; value: number }
      | { kind: 'truncate'; at: number }
      | { kind: 'extend'; bytes: Uint8Array }
      | { kind: 'length'; value: bigint }
      | { kind: 'edit'; key: number; field: string; value: unknown };
    const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
      fc.record({
        kind: fc.constant('length' as const),
        value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 300n })),
      }),
      fc.record({
        kind: fc.constant('edit' as const),
        key: fc.nat(),
        field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra', 'delete-dtype', 'entry'),
        value: fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.integer({ min: -1, max: 40 }),
          fc.constantFrom(...DTYPE_LIST),
          fc.tuple(fc.nat(40), fc.nat(40)),
        ),
      }),
    );
    const mutate = (input: Uint8Array, m: Mutation): Uint8Array => {
      const bytes = input.slice();
      switch (m.kind) {
        case 'set':
          if (bytes.length > 0) bytes[m.at % bytes.length] = m.value;
          return bytes;
        case 'truncate':
          return bytes.subarray(0, m.at % (bytes.length + 1));
        case 'extend': {
          const out = new Uint8Array(bytes.length + m.bytes.length);
          out.set(bytes);
          out.set(m.bytes, bytes.length);
          return out;
        }
        case 'length':
          if (bytes.length >= 8) new DataView(bytes.buffer).setBigUint64(0, m.value, true);
          return bytes;
        case 'edit': {
          let header: Record<string, Record<string, unknown>>;
          try {
            header = JSON.parse(headerOf(bytes));
          } catch {
            return bytes; // an earlier mutation broke the header; nothing to edit
          }
          const keys = Object.keys(header);
          if (keys.length === 0 || typeof header[keys[m.key % keys.length]] !== 'object') return bytes;
          const key = keys[m.key % keys.length];
          if (m.field === 'entry') (header as Record<string, unknown>)[key] = m.value;
          else if (m.field === 'delete-dtype') delete header[key].dtype;
          else header[key][m.field] = m.value;
          const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
          return fileWith(JSON.stringify(header), bytes.subarray(8 + n));
        }
      }
    };
    fc.assert(
      fc.property(validFileArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (file, mutations) => {
        const bytes = mutations.reduce(mutate, file);
        onlySafetensorsErrors(() => checkParsedIsConsistent(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

/** Half → float32 bits by shifting fields into place (an independent check on the arithmetic decoder). */
function f16ToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal: shift the mantissa up until its leading 1 reaches the implicit-bit position, lowering the exponent.
  let shifts = 0;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    shifts++;
  }
  return (sign | ((113 - shifts) << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** bfloat16 by arithmetic on its fields (an independent check on the bit-shifting decoder). */
function bf16Arithmetic(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 7) & 0xff;
  const mantissa = h & 0x7f;
  if (exponent === 0xff) return mantissa === 0 ? sign * Infinity : Number.NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -133;
  return sign * (128 + mantissa) * 2 ** (exponent - 134);
}
