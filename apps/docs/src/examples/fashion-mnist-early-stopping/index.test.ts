import { readCheckpointMetadata } from '@tensorloom/training-utils';
import { loadFashionMnist } from '@tensorloom/training-utils/data/node';
import { expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

it("fits the contract the page's training worker loads examples by", () => {
  const contract: TrainingExampleModule<example.FashionMnistParams> = example; // checked by the compiler
  expect(contract.defaults.seed).toBeTypeOf('number');
});

/** The shipped test split, read from disk once (the page fetches the same files). */
const data = loadFashionMnist();
const load = () => data;

/** A reduced run: fewer images and epochs than the page uses. */
const small = { ...example.defaults, train: 200, val: 100, test: 50, batchSize: 50, lr: 5e-3, maxEpochs: 4 };

async function train(params: example.FashionMnistParams) {
  const trainer = await example.setup(params, load);
  const steps = [];
  for (;;) {
    const s = trainer.step();
    steps.push(s);
    if (s.done) break;
  }
  return { trainer, steps, last: steps[steps.length - 1] };
}

it('lowers the training and validation loss, reporting both at the end of each epoch', async () => {
  const { steps, last } = await train(small);
  expect(steps).toHaveLength(4 * 4); // 200 images in batches of 50, for 4 epochs
  const epochEnds = steps.filter((s) => 'val_loss' in s.metrics);
  expect(epochEnds).toHaveLength(4);
  expect(epochEnds.every((s) => 'train_loss' in s.metrics)).toBe(true);
  expect(steps.at(-1)?.metrics.loss).toBeLessThan(0.8 * steps[0].metrics.loss);
  expect(epochEnds[3].metrics.val_loss).toBeLessThan(epochEnds[0].metrics.val_loss);
  expect(last.summary).toMatch(/ran all 4 epochs; restored the weights of epoch \d/);
}, 60_000);

it('stops early and restores the best weights when the validation loss stops improving', async () => {
  // minDelta 10: no epoch improves on the first by that much, so with patience 1 it stops after epoch 2.
  const { trainer, steps, last } = await train({ ...small, maxEpochs: 10, patience: 1, minDelta: 10 });
  expect(steps).toHaveLength(2 * 4);
  expect(trainer.early.stoppedEpoch).toBe(1);
  expect(trainer.early.bestEpoch).toBe(0);
  expect(last.summary).toMatch(/early stopping fired after epoch 2; restored the weights of epoch 1/);
}, 60_000);

it('saves a checkpoint that a fresh model loads with identical predictions', async () => {
  const { last } = await train({ ...small, maxEpochs: 2 });
  if (!last.outputs) throw new Error('the last step has no outputs');
  const { checkpoint, testImages, testLogits } = last.outputs;
  expect(readCheckpointMetadata(checkpoint).epoch).toBe(2);
  expect(readCheckpointMetadata(checkpoint).optimizer).not.toBeNull(); // model and optimizer state
  const { Tensor } = await import('@tensorloom/tensor-core');
  const x = new Tensor(testImages, [small.test, 1, 28, 28], 'float32');
  expect(example.compareCheckpoint(checkpoint, x, testLogits)).toEqual({ same: 50, total: 50, maxDiff: 0, epoch: 2 });

  // A model trained differently does not pass the comparison.
  const other = await train({ ...small, maxEpochs: 1, seed: 5 });
  const r = example.compareCheckpoint(other.last.outputs?.checkpoint as Uint8Array, x, testLogits);
  expect(r.maxDiff).toBeGreaterThan(0);
}, 60_000);

it('is reproducible for one seed and differs for another', async () => {
  const losses = async (seed: number) => {
    const t = await example.setup({ ...small, seed }, load);
    return [t.step(), t.step()].map((s) => s.metrics.loss);
  };
  expect(await losses(1)).toEqual(await losses(1));
  expect(await losses(2)).not.toEqual(await losses(1));
}, 60_000);
