/**
 * Exercise 6-3: a small CNN on Fashion-MNIST, extended with early stopping and saving/loading its
 * parameters. Trains with a validation split, stops when the validation loss stops improving and restores
 * the best weights, keeps the best checkpoint on disk, then loads that file into a fresh model and checks
 * that it predicts exactly what the trained model predicts.
 *
 * Run with `pnpm --filter @tensorloom/examples fashion-mnist` (add `-- --full` to train on the 60,000-image
 * train split from Debian's dataset-fashion-mnist, if installed).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, manualSeed, nn, noGrad, type Tensor } from '@tensorloom/tensor-core';
import {
  Adam,
  accuracy,
  crossEntropy,
  DataLoader,
  type Dataset,
  EarlyStopping,
  fashionMnistClasses,
  fit,
  randomSplit,
  Subset,
  TensorDataset,
} from '@tensorloom/training-utils';
import { loadFashionMnist } from '@tensorloom/training-utils/data/node';
import { loadCheckpointFile, ModelCheckpoint } from '@tensorloom/training-utils/node';

/** Conv(1→16) → pool → Conv(16→32) → pool → Linear(32·7·7 → 10): about 21k parameters. */
export function makeCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), // (N, 16, 28, 28)
    new nn.ReLU(),
    new nn.MaxPool2d(2), // (N, 16, 14, 14)
    new nn.Conv2d(16, 32, 3, { padding: 1 }), // (N, 32, 14, 14)
    new nn.ReLU(),
    new nn.MaxPool2d(2), // (N, 32, 7, 7)
    new nn.Flatten(), // (N, 1568)
    new nn.Linear(32 * 7 * 7, 10), // (N, 10) class scores
  );
}

/** What {@link run} takes: sizes default to the whole shipped 10k split. */
export interface RunOptions {
  /** Images for training, validation and the final test; taken from the shipped 10k test split unless `full`. */
  train?: number;
  val?: number;
  test?: number;
  /** Use Debian's 60k train split for training and validation (needs dataset-fashion-mnist). */
  full?: boolean;
  epochs?: number;
  patience?: number;
  seed?: number;
  /** Where checkpoints go (default: a fresh temporary folder). */
  dir?: string;
  progress?: 'bar' | 'lines' | 'none';
  log?: (line: string) => void;
}

export interface RunResult {
  testAccuracy: number;
  stopReason: string | null;
  epochsRun: number;
  bestPath: string | null;
  /** True when the reloaded model's test predictions equal the trained model's, logit for logit. */
  identical: boolean;
  seconds: number;
}

function rows(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** Trains, early-stops, checkpoints, reloads and compares; see the file comment. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const seed = options.seed ?? 0;
  manualSeed(seed);
  const generator = new Generator(seed);

  const shipped = await loadFashionMnist({ split: 'test' });
  const shippedSet = new TensorDataset(shipped.images, shipped.labels);
  const nTest = options.test ?? 2000;
  // The last nTest shipped images are the test set; training data comes from the rest (or the full train split).
  const testSet = new Subset(shippedSet, rows(nTest, shipped.labels.shape[0] - nTest));
  let pool: Dataset<[Tensor, Tensor]> = new Subset(shippedSet, rows(shipped.labels.shape[0] - nTest));
  if (options.full) {
    const full = await loadFashionMnist({ split: 'train', dir: '/usr/share/datasets/fashion-mnist' });
    pool = new TensorDataset(full.images, full.labels);
  }
  const nVal = options.val ?? Math.round(pool.length * 0.15);
  const nTrain = options.train ?? pool.length - nVal;
  const [trainSet, valSet] = randomSplit(pool, [nTrain, nVal, pool.length - nTrain - nVal], { generator });
  log(`Fashion-MNIST: ${trainSet.length} training, ${valSet.length} validation, ${testSet.length} test images`);

  const model = makeCnn();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'tensorloom-fmnist-')));
  const early = new EarlyStopping({ monitor: 'val_loss', patience: options.patience ?? 2, restoreBestWeights: true });
  const checkpoint = new ModelCheckpoint({
    dirpath: dir,
    filename: 'cnn-epoch{epoch:02d}-{val_loss:.4f}.safetensors',
    monitor: 'val_loss',
    saveBestOnly: true,
  });
  const history = await fit(model, {
    train: new DataLoader(trainSet, { batchSize: 64, shuffle: true, generator }),
    val: new DataLoader(valSet, { batchSize: 500 }),
    epochs: options.epochs ?? 15,
    optimizer: new Adam(model.parameters(), { lr: 2e-3 }),
    loss: crossEntropy,
    metrics: { accuracy },
    callbacks: [early, checkpoint],
    generator,
    progress: options.progress ?? 'bar',
  });
  log(history.stopMessage ?? `ran all ${history.epochs.length} epochs`);
  log(`best checkpoint: ${checkpoint.bestPath}`);

  // The trained model (best weights restored by EarlyStopping) against a fresh model loaded from the file.
  const test = new DataLoader(testSet, { batchSize: 1000 });
  const predict = (m: nn.Module): Tensor[] =>
    noGrad(() => {
      m.eval();
      return [...test].map(([x]) => (m as nn.Sequential).forward(x) as Tensor);
    });
  const trained = predict(model);
  const fresh = makeCnn();
  if (checkpoint.bestPath === null) throw new Error('no checkpoint was saved');
  await loadCheckpointFile(checkpoint.bestPath, { model: fresh });
  const reloaded = predict(fresh);
  const identical = trained.every((t, i) => t.data.every((v, j) => Object.is(v, reloaded[i].data[j])));
  let correct = 0;
  [...test].forEach(([, y], i) => {
    correct += accuracy(trained[i], y) * y.shape[0];
  });
  const testAccuracy = correct / testSet.length;
  const first = trained[0].argmax(1).data;
  log(`first test predictions: ${Array.from(first.slice(0, 6), (c) => fashionMnistClasses[c]).join(', ')}`);
  log(`reloaded model predicts identically: ${identical ? 'yes, every logit' : 'NO'}`);
  return {
    testAccuracy,
    stopReason: history.stopMessage,
    epochsRun: history.epochs.length,
    bestPath: checkpoint.bestPath,
    identical,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const full = process.argv.includes('--full');
  console.log('Exercise 6-3: a CNN on Fashion-MNIST with early stopping and checkpoints\n');
  const r = await run({ full, log: (line) => console.log(line) });
  console.log(
    `\ntest accuracy ${(100 * r.testAccuracy).toFixed(1)}% after ${r.epochsRun} epochs, ${r.seconds.toFixed(1)} s in all`,
  );
}
