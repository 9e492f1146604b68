import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Tensor } from '@tensorloom/tensor-core';
import {
  DataFormatError,
  DataLoader,
  decodeFashionMnist,
  fashionMnistClasses,
  fashionMnistFiles,
  TensorDataset,
} from '@tensorloom/training-utils';
import { loadFashionMnist, shippedFashionMnistDir } from '@tensorloom/training-utils/data/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Where the full set may be (Debian's dataset-fashion-mnist); its tests skip when it is absent. */
const DEBIAN_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

/** Byte-for-byte equality of two typed arrays (a deep `toEqual` over 7.8 million floats takes seconds). */
function sameData(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function classCounts(labels: Tensor): number[] {
  const c = new Array(10).fill(0);
  for (const v of labels.data) c[v]++;
  return c;
}

describe('Fashion-MNIST test split shipped with the package', () => {
  let test: Awaited<ReturnType<typeof loadFashionMnist>>;
  beforeAll(async () => {
    test = await loadFashionMnist();
  });

  it('has 10,000 images (N, 1, 28, 28) float32 and int32 labels', () => {
    expect(test.images.shape).toEqual([10000, 1, 28, 28]);
    expect(test.images.dtype).toBe('float32');
    expect(test.labels.shape).toEqual([10000]);
    expect(test.labels.dtype).toBe('int32');
  });

  it('has 1,000 images of each class', () => {
    expect(classCounts(test.labels)).toEqual(new Array(10).fill(1000));
  });

  it('has pixels in [0, 1] using the whole range, with the known mean and std', () => {
    expect(test.images.min().item()).toBe(0);
    expect(test.images.max().item()).toBe(1);
    // Computed independently with Python's gzip module over the same file.
    expect(test.images.mean().item()).toBeCloseTo(0.28685, 4);
    expect(test.images.std(null, { correction: 0 }).item()).toBeCloseTo(0.35244, 3);
  });

  it('matches known answers: the first labels and the first image', () => {
    expect(Array.from(test.labels.data.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(fashionMnistClasses[test.labels.data[0]]).toBe('Ankle boot');
    const first = test.images.select(0, 0);
    expect(first.sum().item() * 255).toBeCloseTo(33456, 1);
    expect(first.flatten().argmax().item()).toBe(577);
  });

  it('decodes the same from the shipped bytes in the browser-safe way', async () => {
    const dir = shippedFashionMnistDir();
    const files = fashionMnistFiles.test;
    const decoded = await decodeFashionMnist(
      new Uint8Array(readFileSync(join(dir, files.images))),
      new Uint8Array(readFileSync(join(dir, files.labels))),
    );
    expect(decoded.labels.toArray()).toEqual(test.labels.toArray());
    expect(sameData(decoded.images.data, test.images.data)).toBe(true);
  });

  it('ships its licence and README next to the data', () => {
    const dir = shippedFashionMnistDir();
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/Zalando SE/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/Ankle boot/);
  });

  it('batches through a DataLoader', () => {
    const loader = new DataLoader(new TensorDataset(test.images, test.labels), { batchSize: 256, dropLast: true });
    expect(loader.length).toBe(39);
    const [xb, yb] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(xb.shape).toEqual([256, 1, 28, 28]);
    expect(yb.shape).toEqual([256]);
  });
});

describe('loadFashionMnist from a directory', () => {
  let dir: string;
  beforeAll(() => {
    // The shipped split, decompressed: a folder of raw IDX files is accepted too.
    dir = mkdtempSync(join(tmpdir(), 'fashion-mnist-'));
    const src = shippedFashionMnistDir();
    for (const f of Object.values(fashionMnistFiles.test).filter((v) => typeof v === 'string')) {
      writeFileSync(join(dir, f.replace(/\.gz$/, '')), gunzipSync(readFileSync(join(src, f))));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads uncompressed IDX files under the usual names', async () => {
    const { images, labels } = await loadFashionMnist({ dir });
    expect(images.shape).toEqual([10000, 1, 28, 28]);
    expect(classCounts(labels)).toEqual(new Array(10).fill(1000));
  });

  it('names the missing files, and asks for dir for the train split', async () => {
    await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(
      /lacks the train split's train-images-idx3-ubyte.gz \(or train-images-idx3-ubyte\) and train-labels-idx1-ubyte.gz/,
    );
    await expect(loadFashionMnist({ split: 'train' })).rejects.toThrow(DataFormatError);
    await expect(loadFashionMnist({ split: 'train' })).rejects.toThrow(/only the test split ships/);
    await expect(loadFashionMnist({ split: 'valid' as never })).rejects.toThrow(/split must be/);
  });
});

describe.skipIf(!existsSync(join(DEBIAN_DIR, fashionMnistFiles.train.images)))(
  "the full set from Debian's dataset-fashion-mnist",
  () => {
    it('train split: 60,000 images, 6,000 per class, pixels in [0, 1]', async () => {
      const train = await loadFashionMnist({ split: 'train', dir: DEBIAN_DIR });
      expect(train.images.shape).toEqual([60000, 1, 28, 28]);
      expect(classCounts(train.labels)).toEqual(new Array(10).fill(6000));
      expect(train.images.min().item()).toBe(0);
      expect(train.images.max().item()).toBe(1);
    });

    it("test split: the same as the package's copy", async () => {
      const fromDebian = await loadFashionMnist({ split: 'test', dir: DEBIAN_DIR });
      const shipped = await loadFashionMnist();
      expect(fromDebian.labels.toArray()).toEqual(shipped.labels.toArray());
      expect(sameData(fromDebian.images.data, shipped.images.data)).toBe(true);
    });
  },
);
