/**
 * `autoencoder-step`: one Adam training step of an MLP autoencoder, written the way a user of each library
 * would: Tensorloom's `nn.Sequential` with training-utils' `Adam` and `mseLoss`; tfjs's `tf.sequential` of
 * dense layers, compiled with `tf.train.adam` and trained with `trainOnBatch`. `mlp-step` is the same network
 * with raw tensors and plain SGD; this one adds the module and optimizer layers on both sides.
 */
import * as tl from '@tensorloom/tensor-core';
import { Adam, mseLoss } from '@tensorloom/training-utils';
import { tf } from '../tfjs';
import type { Workload } from '../workloads';
import { loadTestSplit, testImages, uniformInit } from './training-inputs';

const SIZES = [784, 256, 32, 256, 784];
const LR = 1e-3;
// PyTorch's Adam epsilon; tfjs's default is its backend's float epsilon (1e-7), so both are given it.
const EPS = 1e-8;

/** Options of {@link autoencoderStep} (the smoke test runs it smaller). */
export interface AutoencoderStepOptions {
  /** Images per batch (default 128). */
  batch?: number;
}

/**
 * 784-256-32-256-784 with ReLU after the hidden layers and a sigmoid output, MSE against the input, on the
 * first `batch` Fashion-MNIST test images flattened; one `zeroGrad`, forward, loss, backward, Adam step per run.
 */
export function autoencoderStep(options: AutoencoderStepOptions = {}): Workload {
  const batch = options.batch ?? 128;
  const layers = SIZES.length - 1;
  let forwardFlops = 0;
  for (let i = 0; i < layers; i++) forwardFlops += 2 * batch * SIZES[i] * SIZES[i + 1];
  let cached: { x: Float32Array; w: Float32Array[]; b: Float32Array[] } | undefined;
  const inputs = () => {
    // Weights in PyTorch's layout (out, in), drawn as PyTorch's default Linear init bounds them.
    cached ??= {
      x: testImages(batch).images, // (batch, 1, 28, 28) read as (batch, 784)
      w: Array.from({ length: layers }, (_, i) => uniformInit([SIZES[i + 1], SIZES[i]], 50 + i, SIZES[i] ** -0.5)),
      b: Array.from({ length: layers }, (_, i) => uniformInit([SIZES[i + 1]], 60 + i, SIZES[i] ** -0.5)),
    };
    return cached;
  };
  return {
    name: 'autoencoder-step',
    description:
      `MLP autoencoder ${SIZES.join('-')}, batch ${batch} Fashion-MNIST images, ReLU/sigmoid, MSE, Adam lr ${LR}: ` +
      'nn.Sequential + Adam (zeroGrad, forward, backward, step) vs tf.sequential + trainOnBatch',
    // Backward costs two products per forward product (dX and dW): ≈ 3 × forward.
    flops: 3 * forwardFlops,
    setup: loadTestSplit,
    tensorloom() {
      const d = inputs();
      const x = tl.tensor(d.x).reshape([batch, SIZES[0]]);
      const modules: tl.nn.TensorModule[] = [];
      const state: Record<string, tl.Tensor> = {};
      for (let i = 0; i < layers; i++) {
        state[`${modules.length}.weight`] = tl.tensor(d.w[i]).reshape([SIZES[i + 1], SIZES[i]]);
        state[`${modules.length}.bias`] = tl.tensor(d.b[i]);
        modules.push(new tl.nn.Linear(SIZES[i], SIZES[i + 1]));
        modules.push(i < layers - 1 ? new tl.nn.ReLU() : new tl.nn.Sigmoid());
      }
      const model = new tl.nn.Sequential(...modules);
      model.loadStateDict(state);
      const opt = new Adam(model.parameters(), { lr: LR, eps: EPS });
      return {
        run() {
          opt.zeroGrad();
          const loss = mseLoss(model.forward(x), x); // (batch, 784) vs (batch, 784)
          loss.backward();
          opt.step();
          return loss.item();
        },
      };
    },
    tfjs() {
      const d = inputs();
      const x = tf.tensor2d(d.x, [batch, SIZES[0]]);
      const model = tf.sequential({
        layers: SIZES.slice(1).map((units, i) =>
          tf.layers.dense({
            units,
            activation: i < layers - 1 ? 'relu' : 'sigmoid',
            inputShape: i === 0 ? [SIZES[0]] : undefined,
          }),
        ),
      });
      // Keras keeps dense kernels as (in, out): the transposes of PyTorch's (out, in) weights.
      tf.tidy(() => {
        model.setWeights(
          d.w.flatMap((w, i) => [tf.tensor2d(w, [SIZES[i + 1], SIZES[i]]).transpose(), tf.tensor1d(d.b[i])]),
        );
      });
      const opt = tf.train.adam(LR, 0.9, 0.999, EPS);
      model.compile({ optimizer: opt, loss: 'meanSquaredError' });
      return {
        async runAsync() {
          return (await model.trainOnBatch(x, x)) as number;
        },
        dispose: () => {
          model.dispose();
          opt.dispose();
          x.dispose();
        },
      };
    },
  };
}
