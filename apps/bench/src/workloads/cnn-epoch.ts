/**
 * `cnn-epoch`: training a small CNN on Fashion-MNIST for (part of) an epoch, through each library's training
 * loop: training-utils' `fit` over a `DataLoader` on Tensorloom, `model.fit` on tfjs. Both take the batches in
 * order (no shuffling), so both see the same images in the same batches.
 *
 * A full epoch of the 10,000 test images would take tfjs-cpu 30–40 minutes here (its conv filter gradient
 * is a plain loop: ~11–15 s per batch of 64), so a run trains on the first
 * `batches` batches only, the same on every system, and the report extrapolates to an epoch.
 */
import * as tl from '@tensorloom/tensor-core';
import { Adam, crossEntropy, DataLoader, fit, TensorDataset } from '@tensorloom/training-utils';
import { tf } from '../tfjs';
import type { Workload } from '../workloads';
import { loadTestSplit, testImages, uniformInit } from './training-inputs';

/** Batches per run in full mode: 640 images, ~2 minutes a run on tfjs-cpu. */
export const CNN_EPOCH_BATCHES = 10;
const EPOCH_IMAGES = 10_000;
const LR = 1e-3;
const EPS = 1e-8; // PyTorch's Adam epsilon, given to tfjs too (its default is 1e-7)

// 28×28 grey images; 3×3 convolutions with padding 1, channels 1 → 16 → 32, each followed by ReLU and 2×2
// max pooling (28 → 14 → 7); a linear layer from the 32·7·7 features to 10 classes.
const [H, C0, C1, C2, K, CLASSES] = [28, 1, 16, 32, 3, 10];
const FEATURES = C2 * (H / 4) * (H / 4);

/** Options of {@link cnnEpoch} (`--quick` and the smoke test run fewer, smaller batches). */
export interface CnnEpochOptions {
  /** Batches per run (default {@link CNN_EPOCH_BATCHES}). */
  batches?: number;
  /** Images per batch (default 64). */
  batchSize?: number;
}

/** Floating-point operations to train on one image: forward, both weight gradients, conv2's and the head's input gradients. */
function trainFlopsPerImage(): number {
  const conv1 = 2 * H * H * C1 * C0 * K * K;
  const conv2 = 2 * (H / 2) * (H / 2) * C2 * C1 * K * K;
  const head = 2 * FEATURES * CLASSES;
  return 2 * conv1 + 3 * conv2 + 3 * head; // conv1 needs no input gradient
}

/** Conv2d(1,16,3,p1) → ReLU → MaxPool2d(2) → Conv2d(16,32,3,p1) → ReLU → MaxPool2d(2) → Flatten → Linear(1568,10), cross-entropy, Adam. */
export function cnnEpoch(options: CnnEpochOptions = {}): Workload {
  const batchSize = options.batchSize ?? 64;
  const batches = options.batches ?? CNN_EPOCH_BATCHES;
  const n = batches * batchSize;
  let cached: ReturnType<typeof makeInputs> | undefined;
  const inputs = () => {
    cached ??= makeInputs(n);
    return cached;
  };
  return {
    name: 'cnn-epoch',
    description:
      `CNN conv ${C0}→${C1}→${C2} 3×3 + ReLU + maxpool 2, linear ${FEATURES}→${CLASSES}, cross-entropy, Adam lr ${LR}: ` +
      `${batches} batches of ${batchSize} (the first ${n} Fashion-MNIST test images, in order) per run, ` +
      `epoch_ms extrapolated to ${EPOCH_IMAGES} images; training-utils fit + DataLoader vs tfjs model.fit`,
    flops: n * trainFlopsPerImage(),
    imagesPerRun: n,
    imagesPerEpoch: EPOCH_IMAGES,
    setup: loadTestSplit,
    tensorloom() {
      const d = inputs();
      const x = tl.tensor(d.images).reshape([n, C0, H, H]);
      const y = tl.tensor(d.labels, { dtype: 'int32' });
      const model = new tl.nn.Sequential(
        new tl.nn.Conv2d(C0, C1, K, { padding: 1 }),
        new tl.nn.ReLU(),
        new tl.nn.MaxPool2d(2),
        new tl.nn.Conv2d(C1, C2, K, { padding: 1 }),
        new tl.nn.ReLU(),
        new tl.nn.MaxPool2d(2),
        new tl.nn.Flatten(),
        new tl.nn.Linear(FEATURES, CLASSES),
      );
      model.loadStateDict({
        '0.weight': tl.tensor(d.w1).reshape([C1, C0, K, K]),
        '0.bias': tl.tensor(d.b1),
        '3.weight': tl.tensor(d.w2).reshape([C2, C1, K, K]),
        '3.bias': tl.tensor(d.b2),
        '7.weight': tl.tensor(d.w3).reshape([CLASSES, FEATURES]),
        '7.bias': tl.tensor(d.b3),
      });
      const optimizer = new Adam(model.parameters(), { lr: LR, eps: EPS });
      const train = new DataLoader(new TensorDataset(x, y), { batchSize }); // in order, last batch kept
      return {
        async runAsync() {
          const history = await fit(model, { train, epochs: 1, optimizer, loss: crossEntropy, progress: 'none' });
          return history.get('loss')[0]; // the epoch's mean training loss
        },
      };
    },
    tfjs() {
      if (!tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
        return `tfjs-${tf.getBackend()} ${tf.version_core} has no Conv2DBackpropFilter kernel (no conv training)`;
      }
      const d = inputs();
      // tfjs's native layout: NHWC images, (kh, kw, in, out) filters, (in, out) dense kernels.
      const x = tf.tidy(() => tf.tensor4d(d.images, [n, C0, H, H]).transpose([0, 2, 3, 1]));
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(d.labels, 'int32'), CLASSES));
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [H, H, C0], filters: C1, kernelSize: K, padding: 'same', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: C2, kernelSize: K, padding: 'same', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: CLASSES }),
        ],
      });
      tf.tidy(() => {
        const hw = H / 4;
        model.setWeights([
          tf.tensor4d(d.w1, [C1, C0, K, K]).transpose([2, 3, 1, 0]),
          tf.tensor1d(d.b1),
          tf.tensor4d(d.w2, [C2, C1, K, K]).transpose([2, 3, 1, 0]),
          tf.tensor1d(d.b2),
          // Flatten reads NCHW as (c, h, w) and NHWC as (h, w, c): reorder the head's inputs to match.
          tf.tensor4d(d.w3, [CLASSES, C2, hw, hw]).transpose([2, 3, 1, 0]).reshape([FEATURES, CLASSES]),
          tf.tensor1d(d.b3),
        ]);
      });
      const optimizer = tf.train.adam(LR, 0.9, 0.999, EPS);
      // The loss on logits, as crossEntropy takes them (Keras's string losses in tfjs expect probabilities).
      model.compile({
        optimizer,
        loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits),
      });
      return {
        async runAsync() {
          const history = await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
          return history.history.loss[0] as number; // the epoch's mean training loss
        },
        dispose: () => {
          model.dispose();
          optimizer.dispose();
          tf.dispose([x, y]);
        },
      };
    },
  };
}

/** The first `n` test images and labels, and initial weights in PyTorch's layouts (PyTorch's default bounds). */
function makeInputs(n: number) {
  const { images, labels } = testImages(n);
  const fanIn1 = C0 * K * K;
  const fanIn2 = C1 * K * K;
  return {
    images,
    labels,
    w1: uniformInit([C1, C0, K, K], 70, fanIn1 ** -0.5),
    b1: uniformInit([C1], 71, fanIn1 ** -0.5),
    w2: uniformInit([C2, C1, K, K], 72, fanIn2 ** -0.5),
    b2: uniformInit([C2], 73, fanIn2 ** -0.5),
    w3: uniformInit([CLASSES, FEATURES], 74, FEATURES ** -0.5),
    b3: uniformInit([CLASSES], 75, FEATURES ** -0.5),
  };
}
