import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, readCheckpointMetadata } from '@tensorloom/training-utils';
import { loadCheckpointFile, ModelCheckpoint } from '@tensorloom/training-utils/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeContext, makeData, makeSetup, modelBytes, trainEpoch } from './helpers/checkpoint-setup';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensorloom-model-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the callback's epoch ends with the given validation losses, without training (the weights do not matter). */
async function drive(ckpt: ModelCheckpoint, valLosses: readonly number[], firstEpoch = 0): Promise<void> {
  const setup = makeSetup(1);
  const ctx = makeContext(setup);
  for (const [i, v] of valLosses.entries()) {
    const epoch = firstEpoch + i;
    ctx.epoch = epoch;
    ctx.globalStep = (epoch + 1) * 5;
    await ckpt.onEpochEnd(epoch, { loss: v + 0.1, val_loss: v }, ctx);
  }
}

async function files(): Promise<string[]> {
  return (await readdir(dir)).sort();
}

const LOSSES = [0.5, 0.4, 0.45, 0.3, 0.35];

describe('ModelCheckpoint', () => {
  it('saves every epoch under the template and tracks the best by val_loss', async () => {
    const ckpt = new ModelCheckpoint({ filepath: join(dir, 'ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors') });
    await drive(ckpt, LOSSES);
    expect(await files()).toEqual([
      'ckpt-epoch01-0.5000.safetensors',
      'ckpt-epoch02-0.4000.safetensors',
      'ckpt-epoch03-0.4500.safetensors',
      'ckpt-epoch04-0.3000.safetensors',
      'ckpt-epoch05-0.3500.safetensors',
    ]);
    expect(ckpt.best).toBe(0.3);
    expect(ckpt.bestPath).toBe(join(dir, 'ckpt-epoch04-0.3000.safetensors'));
    expect(ckpt.key).toBe('ModelCheckpoint');
    // {epoch} is the number of epochs completed, which is also the checkpoint's epoch.
    const meta = readCheckpointMetadata(readFileSync(join(dir, 'ckpt-epoch04-0.3000.safetensors')));
    expect(meta.epoch).toBe(4);
    expect(meta.globalStep).toBe(20);
    expect(meta.extra).toEqual({ logs: { loss: 0.4, val_loss: 0.3 }, history: [] });
    expect(meta.callbacks.ModelCheckpoint).toMatchObject({ best: 0.3 });
  });

  it('saveBestOnly saves only improvements; with keepLast 1 only the best file is left', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: 'e{epoch}.safetensors', saveBestOnly: true });
    await drive(ckpt, LOSSES);
    expect(await files()).toEqual(['e1.safetensors', 'e2.safetensors', 'e4.safetensors']);
    expect(ckpt.bestPath).toBe(join(dir, 'e4.safetensors'));

    await rm(dir, { recursive: true });
    const one = new ModelCheckpoint({
      dirpath: dir,
      filename: 'e{epoch}.safetensors',
      saveBestOnly: true,
      keepLast: 1,
    });
    await drive(one, LOSSES);
    expect(await files()).toEqual(['e4.safetensors']);
    expect(one.kept).toEqual([join(dir, 'e4.safetensors')]);
  });

  it('mode max (auto for an accuracy) keeps the highest value', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: 'e{epoch}.safetensors', monitor: 'val_accuracy' });
    expect(ckpt.mode).toBe('max');
    const ctx = makeContext(makeSetup(1));
    for (const [epoch, acc] of [0.6, 0.8, 0.7].entries()) await ckpt.onEpochEnd(epoch, { val_accuracy: acc }, ctx);
    expect(ckpt.bestPath).toBe(join(dir, 'e2.safetensors'));
    expect(new ModelCheckpoint({ dirpath: dir, monitor: 'val_accuracy', mode: 'min' }).mode).toBe('min');
    expect(new ModelCheckpoint({ dirpath: dir }).mode).toBe('min');
  });

  it('keepLast deletes older checkpoints but never the best', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: 'e{epoch}.safetensors', keepLast: 2 });
    await drive(ckpt, [0.5, 0.2, 0.45, 0.3, 0.35]);
    expect(await files()).toEqual(['e2.safetensors', 'e4.safetensors', 'e5.safetensors']);
    expect(ckpt.kept).toEqual(['e2', 'e4', 'e5'].map((n) => join(dir, `${n}.safetensors`)));
    expect(ckpt.bestPath).toBe(join(dir, 'e2.safetensors'));
  });

  it('everyNEpochs saves every n-th epoch only; saveLast writes last.safetensors every epoch', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, everyNEpochs: 2, saveLast: true });
    await drive(ckpt, LOSSES);
    expect(await files()).toEqual(['ckpt-epoch02.safetensors', 'ckpt-epoch04.safetensors', 'last.safetensors']);
    expect(readCheckpointMetadata(readFileSync(join(dir, 'last.safetensors'))).epoch).toBe(5);
    // Epoch 4 (val_loss 0.3) is the best among the epochs that were candidates.
    expect(ckpt.bestPath).toBe(join(dir, 'ckpt-epoch04.safetensors'));
    expect(ckpt.lastCheckpointPath).toBe(join(dir, 'last.safetensors'));
  });

  it('saveLast takes a file name', async () => {
    const ckpt = new ModelCheckpoint({
      filepath: join(dir, 'sub', 'e{epoch}.safetensors'),
      saveLast: 'resume.safetensors',
    });
    await drive(ckpt, [0.5]);
    expect(await readdir(join(dir, 'sub'))).toEqual(['e1.safetensors', 'resume.safetensors'].sort());
  });

  it('writes full checkpoints from the training context that resume a run, or weights only', async () => {
    const setup = makeSetup(1);
    const data = makeData();
    const ctx = makeContext(setup);
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: 'e{epoch}.safetensors', callbacks: [setup.tracker] });
    const weights = new ModelCheckpoint({
      dirpath: join(dir, 'w'),
      filename: 'e{epoch}.safetensors',
      saveWeightsOnly: true,
    });
    for (let epoch = 0; epoch < 2; epoch++) {
      const loss = trainEpoch(setup, data, epoch);
      ctx.globalStep += 5;
      await ckpt.onEpochEnd(epoch, { loss, val_loss: loss }, ctx);
      await weights.onEpochEnd(epoch, { loss, val_loss: loss }, ctx);
    }
    const fresh = makeSetup(7);
    const freshCkpt = new ModelCheckpoint({ dirpath: dir });
    const info = await loadCheckpointFile(join(dir, 'e2.safetensors'), {
      model: fresh.model,
      optimizer: fresh.optimizer,
      scheduler: fresh.scheduler,
      generator: fresh.generator,
      callbacks: [fresh.tracker, freshCkpt],
    });
    expect(info.epoch).toBe(2);
    expect(info.globalStep).toBe(10);
    expect(modelBytes(fresh.model)).toEqual(modelBytes(setup.model));
    expect(fresh.generator.getState()).toEqual(setup.generator.getState());
    expect(fresh.tracker.history).toEqual(setup.tracker.history);
    expect(freshCkpt.stateDict()).toEqual(ckpt.stateDict());

    const bytes = readFileSync(join(dir, 'w', 'e2.safetensors'));
    expect(readCheckpointMetadata(bytes)).toMatchObject({
      optimizer: null,
      scheduler: null,
      generator: null,
      epoch: 2,
    });
    const other = makeSetup(8);
    loadCheckpoint(bytes, { model: other.model });
    expect(modelBytes(other.model)).toEqual(modelBytes(setup.model));
  });

  it('state round trip: a restored callback carries on as an uninterrupted one would', async () => {
    const options = { dirpath: dir, filename: 'e{epoch}.safetensors', keepLast: 2 } as const;
    const straight = new ModelCheckpoint(options);
    await drive(straight, [0.5, 0.2, 0.45, 0.3, 0.35, 0.1, 0.6]);
    const straightFiles = await files();
    const straightState = straight.stateDict();
    await rm(dir, { recursive: true });

    const first = new ModelCheckpoint(options);
    await drive(first, [0.5, 0.2, 0.45]);
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    const second = new ModelCheckpoint(options);
    second.loadStateDict(saved);
    await drive(second, [0.3, 0.35, 0.1, 0.6], 3);
    expect(await files()).toEqual(straightFiles);
    expect(second.stateDict()).toEqual(straightState);
    expect(straightState).toEqual({
      best: 0.1,
      bestPath: join(dir, 'e6.safetensors'),
      lastPath: join(dir, 'e7.safetensors'),
      kept: ['e6', 'e7'].map((n) => join(dir, `${n}.safetensors`)),
    });
    expect(() => second.loadStateDict({ best: 'x' })).toThrow(/expected a state returned by stateDict/);
  });

  it('skips saveBestOnly epochs whose logs lack the monitored value', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, saveBestOnly: true });
    await ckpt.onEpochEnd(0, { loss: 1 }, makeContext(makeSetup(1)));
    expect(await files()).toEqual([]);
    expect(ckpt.best).toBeNull();
  });

  it('a template reusing the best name for a worse epoch forgets bestPath rather than pointing at it', async () => {
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: 'model.safetensors' });
    await drive(ckpt, [0.3, 0.5]);
    expect(ckpt.best).toBe(0.3);
    expect(ckpt.bestPath).toBeNull();
    expect(await files()).toEqual(['model.safetensors']);
  });

  it('rejects bad options when built, and a template field missing from the logs when saving', async () => {
    expect(() => new ModelCheckpoint({})).toThrow(/either `filepath`.*or `dirpath`/);
    expect(() => new ModelCheckpoint({ filepath: 'a', dirpath: 'b' })).toThrow(/either/);
    expect(() => new ModelCheckpoint({ dirpath: dir, filename: 'e{epoch' })).toThrow(/unmatched "\{"/);
    expect(() => new ModelCheckpoint({ dirpath: dir, everyNEpochs: 0 })).toThrow(/everyNEpochs must be a positive/);
    expect(() => new ModelCheckpoint({ dirpath: dir, keepLast: 0 })).toThrow(/keepLast must be a positive/);
    expect(() => new ModelCheckpoint({ dirpath: dir, mode: 'up' as 'min' })).toThrow(/mode must be/);
    expect(() => new ModelCheckpoint({ filepath: join(dir, '{epoch}', 'm.safetensors'), saveLast: true })).toThrow(
      /directory part of `filepath`/,
    );
    const ckpt = new ModelCheckpoint({ dirpath: dir, filename: '{val_acc:.2f}.safetensors' });
    await expect(ckpt.onEpochEnd(0, { loss: 1 }, makeContext(makeSetup(1)))).rejects.toThrow(/uses \{val_acc\}/);
  });

  it('treats braces in dirpath as literal text', async () => {
    const odd = join(dir, 'run{1}');
    const ckpt = new ModelCheckpoint({ dirpath: odd, filename: 'e{epoch}.safetensors' });
    await drive(ckpt, [0.5]);
    expect(await readdir(odd)).toEqual(['e1.safetensors']);
  });
});
