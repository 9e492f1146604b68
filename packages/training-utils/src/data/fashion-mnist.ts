import { fmtShape, Tensor } from '@tensorloom/tensor-core';
import { DataFormatError } from './errors';
import type { GunzipOptions } from './gzip';
import { isGzip } from './gzip';
import { maybeGunzip, readIdxHeader } from './idx';

/**
 * Fashion-MNIST's ten class names, indexed by label: `fashionMnistClasses[9]` is `'Ankle boot'`.
 *
 * @example
 * ```ts
 * const name = fashionMnistClasses[labels.data[0]]; // e.g. 'Ankle boot'
 * ```
 */
export const fashionMnistClasses = [
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
] as const;

/**
 * The gzipped IDX file names of each split, as Zalando (and Debian's `dataset-fashion-mnist`) publish them,
 * and the number of images in each. Only `test` ships with this package (in `data/fashion-mnist/`).
 *
 * @example
 * ```ts
 * const url = new URL(fashionMnistFiles.test.images, 'https://example.org/data/fashion-mnist/');
 * ```
 */
export const fashionMnistFiles = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz', count: 60000 },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz', count: 10000 },
} as const;

/** Images and labels of Fashion-MNIST (or any MNIST-format set of 28×28 grey images). */
export interface FashionMnist {
  /** `(N, 1, 28, 28)` float32, pixel values / 255, in [0, 1] (0 is the black background). */
  images: Tensor;
  /** `(N)` int32 class indices in 0..9; see {@link fashionMnistClasses}. */
  labels: Tensor;
}

/**
 * Decodes Fashion-MNIST from the contents of its two uncompressed IDX files (`*-images-idx3-ubyte`,
 * `*-labels-idx1-ubyte`). Browser-safe; for the gzipped files use {@link decodeFashionMnist}, and in Node
 * `loadFashionMnist` from `@tensorloom/training-utils/data/node`. Works for MNIST too (same format).
 *
 * Shapes: images `(N, 1, 28, 28)` float32 in [0, 1]; labels `(N)` int32 in 0..9.
 *
 * @throws {@link IdxError} for a malformed IDX file; {@link DataFormatError} (`op` `"parseFashionMnist"`)
 * when the files are not uint8 `(N, 28, 28)` images and `(N)` labels below 10.
 *
 * @example
 * ```ts
 * const { images, labels } = parseFashionMnist(imageBytes, labelBytes); // (10000,1,28,28), (10000)
 * ```
 */
export function parseFashionMnist(imagesBytes: Uint8Array, labelsBytes: Uint8Array): FashionMnist {
  const op = 'parseFashionMnist';
  for (const [what, b] of [
    ['images', imagesBytes],
    ['labels', labelsBytes],
  ] as const) {
    if (b instanceof Uint8Array && isGzip(b)) {
      throw new DataFormatError(op, `the ${what} are gzipped: decompress them first, or use decodeFashionMnist`);
    }
  }
  const ih = readIdxHeader(imagesBytes);
  const lh = readIdxHeader(labelsBytes);
  if (ih.type !== 'uint8' || ih.shape.length !== 3 || ih.shape[1] !== 28 || ih.shape[2] !== 28) {
    throw new DataFormatError(
      op,
      `expected images as uint8 of shape (N,28,28), got ${ih.type} of shape ${fmtShape(ih.shape)}`,
    );
  }
  if (lh.type !== 'uint8' || lh.shape.length !== 1) {
    throw new DataFormatError(
      op,
      `expected labels as uint8 of shape (N), got ${lh.type} of shape ${fmtShape(lh.shape)}`,
    );
  }
  const n = ih.shape[0];
  if (lh.shape[0] !== n) throw new DataFormatError(op, `${n} images but ${lh.shape[0]} labels`);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labelsBytes[lh.dataOffset + i];
    if (c > 9) throw new DataFormatError(op, `label ${i} is ${c}, outside the classes 0..9`);
    labels[i] = c;
  }
  // Straight from bytes to float32: no int32 copy of the (N, 28, 28) pixels in between.
  const pixels = imagesBytes.subarray(ih.dataOffset);
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  return {
    images: new Tensor(images, [n, 1, 28, 28], 'float32'),
    labels: new Tensor(labels, [n], 'int32'),
  };
}

/**
 * {@link parseFashionMnist} for files that may be gzipped, as shipped (`*.gz`): each is decompressed with
 * `gunzip` when it starts with gzip's magic bytes. Browser-safe: fetch the two files and pass their bytes.
 *
 * @param options - passed to `gunzip` (`maxBytes` caps each decompressed file).
 *
 * @example
 * ```ts
 * const base = 'https://example.org/fashion-mnist/'; // where data/fashion-mnist/ is served
 * const bytes = (f: string) => fetch(base + f).then(async (r) => new Uint8Array(await r.arrayBuffer()));
 * const files = fashionMnistFiles.test;
 * const { images, labels } = await decodeFashionMnist(await bytes(files.images), await bytes(files.labels));
 * ```
 */
export async function decodeFashionMnist(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  options: GunzipOptions = {},
): Promise<FashionMnist> {
  const [images, labels] = await Promise.all([maybeGunzip(imagesBytes, options), maybeGunzip(labelsBytes, options)]);
  return parseFashionMnist(images, labels);
}
