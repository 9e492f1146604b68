import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Tensor } from '@tensorloom/tensor-core';
import {
  crossEntropy,
  DataLoader,
  EarlyStopping,
  // Renamed: biome's noFocusedTests takes a call to `fit` for Jasmine's focused test.
  fit as fitModel,
  type History,
  type Logs,
  loadCheckpoint,
  saveCheckpoint,
  TensorDataset,
} from '@tensorloom/training-utils';
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

/** A run trained by `fit`: the setup, EarlyStopping keeping the best weights, ModelCheckpoint writing to `dir`. */
function fitRun(seed: number, dir: string) {
  const s = makeSetup(seed);
  const data = makeData();
  const val: [Tensor, Tensor][] = [[data.x, data.y]];
  const early = new EarlyStopping({ monitor: 'val_loss', patience: 100, restoreBestWeights: true });
  const ckpt = new ModelCheckpoint({ dirpath: dir, saveLast: true, keepLast: 2, callbacks: [early, s.tracker] });
  const options = {
    // The data pipeline reshuffles every epoch from the run's generator, which the checkpoint saves.
    train: new DataLoader(new TensorDataset(data.x, data.y), { batchSize: 8, shuffle: true, generator: s.generator }),
    val,
    optimizer: s.optimizer,
    scheduler: s.scheduler,
    generator: s.generator,
    loss: crossEntropy,
    callbacks: [s.tracker, early, ckpt],
    progress: 'none' as const,
  };
  return { s, early, ckpt, options };
}

describe('resuming fit() (with a shuffling DataLoader) from a ModelCheckpoint file equals one uninterrupted fit()', () => {
  it('fit 6 epochs = fit 3 epochs, restore last.safetensors into fresh objects, fit with initialEpoch 3', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tensorloom-fit-resume-'));
    try {
      const straight = fitRun(1, join(root, 'straight'));
      const straightHistory: History = await fitModel(straight.s.model, { ...straight.options, epochs: EPOCHS });

      const first = fitRun(1, join(root, 'resumed'));
      await fitModel(first.s.model, { ...first.options, epochs: SPLIT });

      // A new process: everything built anew (other seeds), then restored from the last checkpoint.
      const second = fitRun(42, join(root, 'resumed'));
      const info = await loadCheckpointFile(join(root, 'resumed', 'last.safetensors'), {
        model: second.s.model,
        optimizer: second.s.optimizer,
        scheduler: second.s.scheduler,
        generator: second.s.generator,
        callbacks: [second.s.tracker, second.early, second.ckpt],
      });
      expect(info.epoch).toBe(SPLIT);
      // EarlyStopping's best weights came back from the checkpoint's callback.EarlyStopping.best.* tensors.
      const bytesOf = (w: Map<string, Tensor> | null) => [...(w ?? [])].map(([k, t]) => [k, Array.from(t.data)]);
      expect(bytesOf(second.early.bestWeights()).length).toBe(second.s.model.stateDict().size);
      expect(bytesOf(second.early.bestWeights())).toEqual(bytesOf(first.early.bestWeights()));
      const resumedHistory = await fitModel(second.s.model, {
        ...second.options,
        epochs: EPOCHS,
        initialEpoch: info.epoch,
        globalStep: info.globalStep,
        history: (info.extra as { history: Logs[] }).history,
      });

      // EarlyStopping restored the best epoch's weights at the end of both runs: the same weights, bit for bit.
      expect(finalState(second.s)).toEqual(finalState(straight.s));
      expect(second.early.stateDict()).toEqual(straight.early.stateDict());
      expect(resumedHistory.epochs).toEqual(straightHistory.epochs);
      expect(resumedHistory.epoch).toEqual(straightHistory.epoch);
      expect(resumedHistory.globalStep).toBe(straightHistory.globalStep);
      // ModelCheckpoint carried on too: the same files kept and the same best, in its own directory.
      const names = (state: { kept: string[]; bestPath: string | null; best: number | null }) => ({
        kept: state.kept.map((p) => basename(p)),
        bestPath: state.bestPath === null ? null : basename(state.bestPath),
        best: state.best,
      });
      expect(names(second.ckpt.stateDict())).toEqual(names(straight.ckpt.stateDict()));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
