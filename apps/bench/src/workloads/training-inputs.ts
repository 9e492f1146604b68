/**
 * Inputs of the training workloads (`autoencoder-step`, `cnn-epoch`): the Fashion-MNIST test split that ships
 * with `@tensorloom/training-utils` (10,000 images), loaded once per process, and seeded initial weights.
 */
import * as tl from '@tensorloom/tensor-core';
import type { FashionMnist } from '@tensorloom/training-utils';
import { loadFashionMnist } from '@tensorloom/training-utils/data/node';

let loading: Promise<FashionMnist> | undefined;
let loaded: FashionMnist | undefined;

/** Loads the shipped test split (gunzip and decode, about a second), once; a workload's `setup`. */
export async function loadTestSplit(): Promise<void> {
  loading ??= loadFashionMnist({ split: 'test' }).then((d) => {
    loaded = d;
    return d;
  });
  await loading;
}

/** The first `n` images of the test split, `(n, 1, 28, 28)` in [0, 1], and their labels `(n)` int32, as copies. */
export function testImages(n: number): { images: Float32Array; labels: Int32Array } {
  if (loaded === undefined) throw new Error('the Fashion-MNIST test split is not loaded: await loadTestSplit() first');
  const total = loaded.images.shape[0];
  if (!(Number.isInteger(n) && n > 0 && n <= total)) {
    throw new Error(`asked for ${n} Fashion-MNIST test images, the split has ${total}`);
  }
  return {
    images: Float32Array.from(loaded.images.narrow(0, 0, n).data as Float32Array),
    labels: Int32Array.from(loaded.labels.narrow(0, 0, n).data as Int32Array),
  };
}

/** Values uniform in [-bound, bound) from a generator seeded with `seed`: PyTorch's default `Linear` and `Conv2d` bounds. */
export function uniformInit(shape: readonly number[], seed: number, bound: number): Float32Array {
  const g = new tl.Generator(seed);
  return tl
    .rand(shape, { generator: g })
    .mul(2 * bound)
    .sub(bound).data as Float32Array;
}
