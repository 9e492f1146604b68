import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError, IdxError } from './errors';
import { decodeFashionMnist, fashionMnistClasses, fashionMnistFiles, parseFashionMnist } from './fashion-mnist';

/** An IDX file of unsigned bytes. */
function idxU8(shape: number[], values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length);
  const v = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d, false);
  });
  out.set(Array.from(values), 4 + 4 * shape.length);
  return out;
}

/** Three 28×28 images whose pixels are (image + position) % 256, labels 0, 5, 9. */
const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => (Math.floor(i / 784) + i) % 256);
const images = idxU8([3, 28, 28], pixels);
const labels = idxU8([3], [0, 5, 9]);

describe('parseFashionMnist', () => {
  it('gives (N, 1, 28, 28) float32 pixels / 255 and (N) int32 labels', () => {
    const d = parseFashionMnist(images, labels);
    expect(d.images.shape).toEqual([3, 1, 28, 28]);
    expect(d.images.dtype).toBe('float32');
    expect(d.images.data).toEqual(Float32Array.from(pixels, (p) => p / 255));
    expect(d.labels.dtype).toBe('int32');
    expect(d.labels.toArray()).toEqual([0, 5, 9]);
  });

  it('rejects gzipped input with a pointer to decodeFashionMnist', () => {
    expect(() => parseFashionMnist(gzipSync(images), labels)).toThrow(/images are gzipped.*decodeFashionMnist/);
  });

  it('rejects files of the wrong type or shape, count mismatches and labels above 9', () => {
    const reject = (img: Uint8Array, lab: Uint8Array, message: RegExp) => {
      expect(() => parseFashionMnist(img, lab)).toThrow(DataFormatError);
      expect(() => parseFashionMnist(img, lab)).toThrow(message);
    };
    reject(
      idxU8([3, 28, 27], new Uint8Array(3 * 28 * 27)),
      labels,
      /images as uint8 of shape \(N,28,28\).*\(3,28,27\)/,
    );
    reject(images, idxU8([3, 1], [0, 1, 2]), /labels as uint8 of shape \(N\)/);
    reject(images, idxU8([2], [0, 1]), /3 images but 2 labels/);
    reject(images, idxU8([3], [0, 10, 1]), /label 1 is 10, outside the classes 0..9/);
    expect(() => parseFashionMnist(images.subarray(0, 100), labels)).toThrow(IdxError);
  });
});

describe('decodeFashionMnist', () => {
  it('accepts gzipped and raw files alike', async () => {
    const a = await decodeFashionMnist(gzipSync(images), gzipSync(labels));
    const b = await decodeFashionMnist(images, labels);
    expect(a.images.toArray()).toEqual(b.images.toArray());
    expect(a.labels.toArray()).toEqual([0, 5, 9]);
  });

  it('rejects corrupted gzip with DataFormatError', async () => {
    const gz = gzipSync(images);
    await expect(decodeFashionMnist(gz.subarray(0, gz.length - 10), labels)).rejects.toThrow(/truncated gzip/);
  });
});

describe('fashionMnistClasses and fashionMnistFiles', () => {
  it("name Zalando's ten classes and files", () => {
    expect(fashionMnistClasses).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(fashionMnistFiles.test.images).toBe('t10k-images-idx3-ubyte.gz');
    expect(fashionMnistFiles.train.labels).toBe('train-labels-idx1-ubyte.gz');
  });
});
