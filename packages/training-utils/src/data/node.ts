/**
 * The `@tensorloom/training-utils/data/node` entry point: dataset loaders that read files with Node's file
 * system, kept out of the main entry so that it stays browser-safe.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError } from './errors';
import { decodeFashionMnist, type FashionMnist, fashionMnistFiles } from './fashion-mnist';
import type { GunzipOptions } from './gzip';

const PACKAGE_NAME = '@tensorloom/training-utils';

/**
 * The folder holding the Fashion-MNIST test split shipped with this package (`data/fashion-mnist/` at the
 * package root), found from this module's own location so that it works from `src/` and from `dist/`.
 *
 * @example
 * ```ts
 * shippedFashionMnistDir(); // '/…/node_modules/@tensorloom/training-utils/data/fashion-mnist'
 * ```
 */
export function shippedFashionMnistDir(): string {
  // Walk up to our package.json: the bundler may move this code between dist/ and dist/data/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return join(dir, 'data', 'fashion-mnist');
    } catch {
      // no (readable) package.json here: keep going up
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DataFormatError('shippedFashionMnistDir', `cannot find the ${PACKAGE_NAME} package folder`);
    }
    dir = parent;
  }
}

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions extends GunzipOptions {
  /** Which split (default `'test'`, 10,000 images). Only the test split ships with the package. */
  split?: 'test' | 'train';
  /**
   * A folder holding the split's IDX files under their usual names (`t10k-images-idx3-ubyte.gz`, …, gzipped
   * or not), e.g. `/usr/share/datasets/fashion-mnist` from Debian's `dataset-fashion-mnist` package.
   * Default: the test split shipped in this package's `data/fashion-mnist/`.
   */
  dir?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The path of `name` in `dir`, or of the same name without `.gz` when only the uncompressed file is there. */
async function findSplitFile(dir: string, name: string): Promise<string | null> {
  for (const path of [join(dir, name), join(dir, name.replace(/\.gz$/, ''))]) {
    if (await exists(path)) return path;
  }
  return null;
}

/**
 * Loads a Fashion-MNIST split in Node: by default the 10,000-image test split shipped with the package,
 * else the split's files from `dir` (such as `/usr/share/datasets/fashion-mnist` from Debian's
 * `dataset-fashion-mnist`, which has both splits).
 *
 * Shapes: images `(N, 1, 28, 28)` float32 in [0, 1]; labels `(N)` int32 in 0..9 (N = 10,000 for test,
 * 60,000 for train). Class names: `fashionMnistClasses`.
 *
 * @throws {@link DataFormatError} when the train split is asked for without `dir`, a file is missing, or a
 * file is corrupt.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from '@tensorloom/training-utils/data/node';
 * const test = await loadFashionMnist(); // shipped test split
 * const train = await loadFashionMnist({ split: 'train', dir: '/usr/share/datasets/fashion-mnist' });
 * const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: 64, shuffle: true });
 * ```
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  const split = options.split ?? 'test';
  if (split !== 'test' && split !== 'train') {
    throw new DataFormatError('loadFashionMnist', `split must be 'test' or 'train', got ${String(split)}`);
  }
  if (split === 'train' && options.dir === undefined) {
    throw new DataFormatError(
      'loadFashionMnist',
      "only the test split ships with the package: pass dir with the train files (e.g. '/usr/share/datasets/fashion-mnist' from Debian's dataset-fashion-mnist)",
    );
  }
  const dir = options.dir ?? shippedFashionMnistDir();
  const files = fashionMnistFiles[split];
  const names = [files.images, files.labels];
  const paths = await Promise.all(names.map((name) => findSplitFile(dir, name)));
  const missing = names.filter((_, i) => paths[i] === null);
  if (missing.length > 0) {
    throw new DataFormatError(
      'loadFashionMnist',
      `${dir} lacks the ${split} split's ${missing.map((m) => `${m} (or ${m.replace(/\.gz$/, '')})`).join(' and ')}`,
    );
  }
  const [images, labels] = await Promise.all(paths.map(async (p) => new Uint8Array(await readFile(p as string))));
  return decodeFashionMnist(images, labels, options);
}
