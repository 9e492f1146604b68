import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@tensorloom/training-utils';
import { loadCheckpointFile, ModelCheckpoint } from '@tensorloom/training-utils/node';
import { describe, expect, it } from 'vitest';
import {
  makeContext,
  makeData,
  makeSetup,
  modelBytes,
  optimizerBytes,
  type Setup,
  trainEpoch,
} from './helpers/checkpoint-setup';

const EPOCHS = 6;
const SPLIT = 3;

function intoOf(s: Setup) {
  return {
    model: s.model,
    optimizer: s.optimizer,
    scheduler: s.scheduler,
    generator: s.generator,
    callbacks: [s.tracker],
  };
}

/** Everything that must be identical after the same training, tensors as raw bytes. */
function finalState(s: Setup) {
  return {
    model: modelBytes(s.model),
    optimizer: optimizerBytes(s.optimizer),
    lr: s.optimizer.paramGroups.map((g) => g.lr),
    scheduler: s.scheduler.stateDict(),
    generator: s.generator.getState(),
    tracker: s.tracker.stateDict(),
  };
}

function uninterrupted(): Setup {
  const s = makeSetup(1);
  const data = makeData();
  for (let epoch = 0; epoch < EPOCHS; epoch++) trainEpoch(s, data, epoch);
  return s;
}

describe('resuming from a checkpoint equals training without interruption', () => {
  it('6 epochs straight = 3 epochs, save, load into fresh objects, 3 more epochs (bit for bit)', () => {
    const straight = uninterrupted();

    const data = makeData();
    const first = makeSetup(1);
    for (let epoch = 0; epoch < SPLIT; epoch++) trainEpoch(first, data, epoch);
    const bytes = saveCheckpoint({ ...intoOf(first), epoch: SPLIT, globalStep: SPLIT * 5 });

    // Fresh objects: other initial weights, another generator seed, no optimizer state, scheduler at epoch 0.
    const second = makeSetup(42);
    const { epoch: start } = loadCheckpoint(bytes, intoOf(second));
    expect(start).toBe(SPLIT);
    for (let epoch = start; epoch < EPOCHS; epoch++) trainEpoch(second, data, epoch);

    expect(finalState(second)).toEqual(finalState(straight));
  });

  it('the generator state matters: resuming without it gives other weights (so the test above has teeth)', () => {
    const straight = uninterrupted();
    const data = makeData();
    const first = makeSetup(1);
    for (let epoch = 0; epoch < SPLIT; epoch++) trainEpoch(first, data, epoch);
    const bytes = saveCheckpoint({ ...intoOf(first), epoch: SPLIT });
    const second = makeSetup(42);
    loadCheckpoint(bytes, { ...intoOf(second), generator: null });
    for (let epoch = SPLIT; epoch < EPOCHS; epoch++) trainEpoch(second, data, epoch);
    expect(modelBytes(second.model)).not.toEqual(modelBytes(straight.model));
  });

  it('resumes the same way from the last.safetensors file ModelCheckpoint wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tensorloom-resume-'));
    try {
      const straight = uninterrupted();
      const data = makeData();
      const first = makeSetup(1);
      const ctx = makeContext(first);
      const ckpt = new ModelCheckpoint({ dirpath: dir, saveLast: true, callbacks: [first.tracker], keepLast: 1 });
      for (let epoch = 0; epoch < SPLIT; epoch++) {
        ctx.epoch = epoch;
        const loss = trainEpoch(first, data, epoch);
        ctx.globalStep += 5;
        await ckpt.onEpochEnd(epoch, { loss, val_loss: loss }, ctx);
      }
      // "Crash": everything in memory is lost; build the run again and resume from the file.
      const second = makeSetup(42);
      const ckpt2 = new ModelCheckpoint({ dirpath: dir, saveLast: true, callbacks: [second.tracker], keepLast: 1 });
      const info = await loadCheckpointFile(join(dir, 'last.safetensors'), {
        ...intoOf(second),
        callbacks: [second.tracker, ckpt2],
      });
      expect(info).toMatchObject({ epoch: SPLIT, globalStep: SPLIT * 5 });
      expect(ckpt2.stateDict()).toEqual(ckpt.stateDict());
      for (let epoch = info.epoch; epoch < EPOCHS; epoch++) trainEpoch(second, data, epoch);
      expect(finalState(second)).toEqual(finalState(straight));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
