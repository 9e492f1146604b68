// biome-ignore-all lint/suspicious/noFocusedTests: `fit` here is the training loop, not Jasmine's focused test
import { readdirSync, readFileSync } from 'node:fs';
import { Generator, nn, randn, type Tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { mseLoss } from '../losses/regression';
import { SGD } from '../optim/sgd';
import { EarlyStopping } from './early-stopping';
import { type Batch, type FitOptions, fit } from './fit';
import {
  defaultProgress,
  formatDuration,
  formatEpochLine,
  formatLogs,
  formatValue,
  type ProgressEvent,
} from './progress';

function data(n: number, batchSize: number, seed: number): [Tensor, Tensor][] {
  const gen = new Generator(seed);
  const x = randn([n, 3], { generator: gen }); // (N, 3)
  const y = x.sum(1, true); // (N, 1)
  const out: [Tensor, Tensor][] = [];
  for (let i = 0; i < n; i += batchSize) out.push([x.narrow(0, i, batchSize), y.narrow(0, i, batchSize)]);
  return out;
}

/** Trains a small linear model for 3 epochs of 4 batches (validation: 2 batches), with `extra` options. */
async function run(extra: Partial<FitOptions>) {
  const model = new nn.Linear(3, 1, { generator: new Generator(0) });
  return fit(model, {
    train: data(32, 8, 1),
    val: data(16, 8, 2),
    epochs: 3,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    loss: mseLoss,
    ...extra,
  });
}

describe("progress: 'lines'", () => {
  it('writes one line per epoch with the train and validation logs', async () => {
    const out: string[] = [];
    const history = await run({ progress: 'lines', progressWrite: (s) => void out.push(s) });
    const text = out.join('');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/3 - 4/4 batches - \\S+ - \\d+ samples/s - loss: `));
      expect(line).toContain(`loss: ${formatValue(history.epochs[i].loss)}`);
      expect(line).toContain(`val_loss: ${formatValue(history.epochs[i].val_loss)}`);
      expect(line).toContain('lr: 0.0500');
    });
  });

  it('adds a line saying why training stopped early', async () => {
    const out: string[] = [];
    await run({
      epochs: 10,
      progress: 'lines',
      progressWrite: (s) => void out.push(s),
      callbacks: [{ onEpochEnd: (epoch, _logs, ctx) => (epoch === 1 ? ctx.stop('custom reason') : undefined) }],
    });
    const lines = out.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('Stopped in epoch 2/10: custom reason');
  });
});

describe('progress: events', () => {
  it('emits batch, epoch and end events with consistent numbers', async () => {
    const events: ProgressEvent[] = [];
    const history = await run({ progress: (e) => void events.push(structuredClone(e)) });
    const batches = events.filter((e) => e.type === 'batch');
    const epochs = events.filter((e) => e.type === 'epoch');
    const ends = events.filter((e) => e.type === 'end');
    expect(batches).toHaveLength(12);
    expect(epochs).toHaveLength(3);
    expect(ends).toHaveLength(1);
    expect(events[events.length - 1].type).toBe('end');

    batches.forEach((e, i) => {
      expect(e.epoch).toBe(Math.floor(i / 4));
      expect(e.epochs).toBe(3);
      expect(e.batch).toBe(i % 4);
      expect(e.batches).toBe(4);
      expect(e.samples).toBe(8 * ((i % 4) + 1));
      expect(Object.keys(e.logs)).toEqual(['loss']);
      expect(e.samplesPerSecond).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(e.samplesPerSecond)).toBe(true);
      expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
    });
    // The last batch of an epoch has nothing left; its running mean is the epoch's loss.
    for (let epoch = 0; epoch < 3; epoch++) {
      const last = batches[epoch * 4 + 3];
      expect(last.etaSeconds).toBe(0);
      expect(last.logs.loss).toBeCloseTo(history.epochs[epoch].loss, 12);
    }
    epochs.forEach((e, i) => {
      expect(e.epoch).toBe(i);
      expect(e.batch).toBe(3);
      expect(e.samples).toBe(32);
      expect(e.logs).toEqual(history.epochs[i]);
      expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
    });
    expect(epochs[2].etaSeconds).toBe(0);
    expect(ends[0]).toMatchObject({ epoch: 2, samples: 96, stopReason: 'completed', stopMessage: null, etaSeconds: 0 });
    expect(ends[0].logs).toEqual(history.epochs[2]);
  });

  it('reports an unknown batch count as null until an epoch has finished', async () => {
    const batches = data(16, 8, 1);
    const source: AsyncIterable<Batch> = {
      async *[Symbol.asyncIterator]() {
        yield* batches;
      },
    };
    const events: ProgressEvent[] = [];
    await run({ train: source, val: undefined, epochs: 2, progress: (e) => void events.push(e) });
    const counts = events.filter((e) => e.type === 'batch').map((e) => [e.batches, e.etaSeconds === null]);
    expect(counts).toEqual([
      [null, true],
      [null, true],
      [2, false],
      [2, false],
    ]);
  });

  it('tells the end event that training stopped', async () => {
    const events: ProgressEvent[] = [];
    await run({
      epochs: 50,
      progress: (e) => void events.push(e),
      callbacks: [new EarlyStopping({ monitor: 'loss', mode: 'max', patience: 0 })],
    });
    const end = events[events.length - 1];
    expect(end.type).toBe('end');
    expect(end.stopReason).toBe('stopped');
    expect(end.stopMessage).toMatch(/^EarlyStopping: loss did not improve/);
  });
});

describe("progress: 'bar'", () => {
  it('draws a cli-progress bar per epoch and a summary line at each epoch end', async () => {
    const out: string[] = [];
    const history = await run({ epochs: 2, progress: 'bar', progressWrite: (s) => void out.push(s) });
    const text = out.join('');
    expect(text).toMatch(/Epoch 1\/2 [█░]+ \d\/4 \| loss: /);
    expect(text).toMatch(/samples\/s \| ETA /);
    // The summary lines are the same as in 'lines' mode, one per epoch.
    const summaries = text.split('\n').filter((l) => /Epoch \d\/2 - 4\/4 batches/.test(l));
    expect(summaries).toHaveLength(2);
    expect(summaries[1]).toContain(`val_loss: ${formatValue(history.epochs[1].val_loss)}`);
  });
});

describe('progress: environment', () => {
  it('defaults to lines in a non-TTY Node process (as under the test runner)', () => {
    expect(defaultProgress()).toBe(process.stdout.isTTY ? 'bar' : 'lines');
  });

  it('imports neither cli-progress nor Node built-ins statically, so browser bundles stay clean', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources).toContain('progress.ts');
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const valueImports = text.match(/^import (?!type )[^;]*?from '[^']+';/gms) ?? [];
      for (const imp of valueImports)
        expect(imp, file).not.toMatch(/from '(node:[^']*|cli-progress|readline|events|fs)'/);
      expect(text, file).not.toMatch(/require\(/);
    }
  });
});

describe('progress: formatting', () => {
  it('formats values, durations and logs', () => {
    expect(formatValue(0.287412)).toBe('0.2874');
    expect(formatValue(3e-5)).toBe('3.000e-5');
    expect(formatValue(123456)).toBe('1.235e+5');
    expect(formatValue(0)).toBe('0.0000');
    expect(formatValue(Number.NaN)).toBe('nan');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-inf');
    expect(formatDuration(0.4213)).toBe('0.42s');
    expect(formatDuration(42.19)).toBe('42.2s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatLogs({ loss: 0.5, acc: 0.25 })).toBe('loss: 0.5000 - acc: 0.2500');
  });

  it('formats an epoch line', () => {
    const line = formatEpochLine({
      type: 'epoch',
      epoch: 2,
      epochs: 10,
      batch: 11,
      batches: 12,
      samples: 96,
      logs: { loss: 0.2874, val_loss: 0.3011, lr: 0.01 },
      samplesPerSecond: 820.4,
      elapsedSeconds: 1.2,
      etaSeconds: 8.4,
    });
    expect(line).toBe(
      'Epoch 3/10 - 12/12 batches - 1.20s - 820 samples/s - loss: 0.2874 - val_loss: 0.3011 - lr: 0.0100',
    );
  });
});
