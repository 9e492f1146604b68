/**
 * Exercise 6-3: a small CNN learns Fashion-MNIST while we watch the training and validation losses.
 * EarlyStopping watches the validation loss after every epoch, stops when it has not improved for `patience`
 * epochs and puts the best epoch's weights back. The trained model is then saved as a safetensors checkpoint,
 * which the page loads into a fresh model to check that it predicts exactly the same.
 *
 * One step is one mini-batch; at the end of each epoch the step also reports the epoch's mean training loss
 * and the validation loss.
 */

import { Generator, manualSeed, nn, noGrad, Tensor } from '@tensorloom/tensor-core';
import {
  Adam,
  accuracy,
  crossEntropy,
  decodeFashionMnist,
  EarlyStopping,
  type FashionMnist,
  loadCheckpoint,
  saveCheckpoint,
  type TrainingContext,
} from '@tensorloom/training-utils';
import imagesUrl from '@tensorloom/training-utils/data/fashion-mnist/t10k-images-idx3-ubyte.gz?url';
import labelsUrl from '@tensorloom/training-utils/data/fashion-mnist/t10k-labels-idx1-ubyte.gz?url';

export interface FashionMnistParams {
  seed: number;
  /** Images to train on, to validate on (after each epoch) and to test the saved checkpoint with. */
  train: number;
  val: number;
  test: number;
  batchSize: number;
  /** Adam's learning rate. */
  lr: number;
  /** Epochs to run at most, if early stopping does not fire first. */
  maxEpochs: number;
  /** EarlyStopping: epochs without improvement of the validation loss before stopping. */
  patience: number;
  /** EarlyStopping: how much the validation loss must fall to count as an improvement. */
  minDelta: number;
}

export const defaults: FashionMnistParams = {
  seed: 1,
  train: 800,
  val: 500,
  test: 500,
  batchSize: 50,
  lr: 5e-3,
  maxEpochs: 30,
  patience: 2,
  minDelta: 0,
};

/** Conv(1→8) → pool → Conv(8→16) → pool → Linear(16·7·7 → 10): about 9k parameters. */
export function makeCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }), // (N, 8, 28, 28)
    new nn.ReLU(),
    new nn.MaxPool2d(2), // (N, 8, 14, 14)
    new nn.Conv2d(8, 16, 3, { padding: 1 }), // (N, 16, 14, 14)
    new nn.ReLU(),
    new nn.MaxPool2d(2), // (N, 16, 7, 7)
    new nn.Flatten(), // (N, 784)
    new nn.Linear(16 * 7 * 7, 10), // (N, 10) class scores
  );
}

/** The 10,000 test images shipped with training-utils, fetched by the page (Node tests pass their own loader). */
export async function fetchFashionMnist(): Promise<FashionMnist> {
  const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const [images, labels] = await Promise.all([bytes(imagesUrl), bytes(labelsUrl)]);
  return decodeFashionMnist(images, labels);
}

/** The rows `rows` of images (N, 1, 28, 28) and labels (N), copied into new tensors. */
function pick(data: FashionMnist, rows: number[]): { x: Tensor; y: Tensor } {
  const pixels = data.images.data as Float32Array;
  const labels = data.labels.data as Int32Array;
  const x = new Float32Array(rows.length * 784);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(pixels.subarray(r * 784, (r + 1) * 784), i * 784);
    y[i] = labels[r];
  });
  return { x: new Tensor(x, [rows.length, 1, 28, 28], 'float32'), y: new Tensor(y, [rows.length], 'int32') };
}

/** Fisher–Yates with the seeded generator: the same seed gives the same subsets and batches. */
function shuffle(n: number, g: Generator): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The model's class scores for `x` (N, 1, 28, 28) → (N, 10), in evaluation mode and without a graph. */
export function predict(model: nn.Sequential, x: Tensor): Tensor {
  return noGrad(() => {
    model.eval();
    const logits = model.forward(x);
    model.train();
    return logits;
  });
}

/**
 * Loads a checkpoint into a FRESH model and compares its predictions on `x` with `expected` (the trained
 * model's logits, row-major (N, 10)): how many predicted classes agree, and the largest logit difference.
 */
export function compareCheckpoint(bytes: Uint8Array, x: Tensor, expected: Float32Array) {
  const fresh = makeCnn();
  const { epoch } = loadCheckpoint(bytes, { model: fresh });
  const logits = predict(fresh, x).data as Float32Array; // (N, 10)
  const n = x.shape[0];
  let same = 0;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    const row = (a: Float32Array) => a.subarray(i * 10, i * 10 + 10);
    const argmax = (r: Float32Array) => r.indexOf(Math.max(...r));
    if (argmax(row(logits)) === argmax(row(expected))) same++;
    for (let j = 0; j < 10; j++) maxDiff = Math.max(maxDiff, Math.abs(logits[i * 10 + j] - expected[i * 10 + j]));
  }
  return { same, total: n, maxDiff, epoch };
}

export async function setup(params: FashionMnistParams, load: () => Promise<FashionMnist> = fetchFashionMnist) {
  const { seed, train, val, test, batchSize, lr, maxEpochs } = params;
  manualSeed(seed); // the weights' initialisation
  const g = new Generator(seed);
  const data = await load();
  const rows = shuffle(data.labels.shape[0], g);
  const trainSet = pick(data, rows.slice(0, train));
  const valSet = pick(data, rows.slice(train, train + val));
  const testSet = pick(data, rows.slice(train + val, train + val + test));

  const model = makeCnn();
  const optimizer = new Adam(model.parameters(), { lr });
  const early = new EarlyStopping({
    monitor: 'val_loss',
    patience: params.patience,
    minDelta: params.minDelta,
    restoreBestWeights: true,
  });
  // EarlyStopping is a callback of `fit`; here we call its hooks ourselves, one epoch at a time.
  const ctx: TrainingContext = {
    model,
    optimizer,
    scheduler: null,
    generator: g,
    epoch: 0,
    globalStep: 0,
    history: [],
    callbacks: [early],
    stopTraining: false,
    stopReason: null,
    stop(reason) {
      this.stopTraining = true;
      this.stopReason = reason;
    },
  };
  early.onTrainBegin();

  const batchesPerEpoch = Math.ceil(train / batchSize);
  let order = shuffle(train, g);
  let batch = 0;
  let lossSum = 0;
  let correct = 0;

  function finish() {
    early.onTrainEnd(ctx); // restores the best epoch's weights
    const logits = predict(model, testSet.x); // (test, 10)
    const testAcc = accuracy(logits, testSet.y);
    const checkpoint = saveCheckpoint({ model, optimizer, epoch: ctx.epoch + 1, globalStep: ctx.globalStep });
    const best = (early.bestEpoch ?? 0) + 1;
    const why = ctx.stopReason ? `early stopping fired after epoch ${ctx.epoch + 1}` : `ran all ${maxEpochs} epochs`;
    return {
      summary: `${why}; restored the weights of epoch ${best} (val_loss ${early.best.toFixed(4)}); test accuracy ${(100 * testAcc).toFixed(1)}%`,
      outputs: {
        checkpoint,
        testImages: testSet.x.data as Float32Array,
        testLogits: logits.data as Float32Array,
      },
    };
  }

  return {
    /** The callback itself, so that tests and the page can read `bestEpoch`, `stoppedEpoch`, `best`. */
    early,
    step() {
      const idx = order.slice(batch * batchSize, (batch + 1) * batchSize);
      const { x, y } = pick({ images: trainSet.x, labels: trainSet.y }, idx);
      const logits = model.forward(x); // (B, 10)
      const loss = crossEntropy(logits, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      ctx.globalStep++;
      batch++;
      lossSum += loss.item() * idx.length;
      correct += noGrad(() => accuracy(logits, y)) * idx.length;
      const metrics: Record<string, number> = { loss: loss.item() };
      if (batch < batchesPerEpoch) return { metrics };

      // End of an epoch: the epoch's mean training loss, then the validation loss, then early stopping.
      const valLogits = predict(model, valSet.x);
      const logs = {
        train_loss: lossSum / train,
        accuracy: correct / train,
        val_loss: noGrad(() => crossEntropy(valLogits, valSet.y).item()),
        val_accuracy: accuracy(valLogits, valSet.y),
      };
      ctx.history.push(logs);
      early.onEpochEnd(ctx.epoch, logs, ctx);
      metrics.train_loss = logs.train_loss;
      metrics.val_loss = logs.val_loss;
      const epochLine = `epoch ${ctx.epoch + 1}: train accuracy ${(100 * logs.accuracy).toFixed(1)}%, validation accuracy ${(100 * logs.val_accuracy).toFixed(1)}%, ${early.wait} epoch(s) without improvement`;
      if (ctx.stopTraining || ctx.epoch + 1 >= maxEpochs) {
        const { summary, outputs } = finish();
        return { metrics, summary: `${epochLine} · ${summary}`, done: true, outputs };
      }
      ctx.epoch++;
      batch = 0;
      lossSum = 0;
      correct = 0;
      order = shuffle(train, g);
      return { metrics, summary: epochLine };
    },
  };
}
