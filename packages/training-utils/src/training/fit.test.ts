// biome-ignore-all lint/suspicious/noFocusedTests: `fit` here is the training loop, not Jasmine's focused test
import { Generator, nn, randn, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it, vi } from 'vitest';
import { MSELoss } from '../losses/modules';
import { l1Loss, mseLoss } from '../losses/regression';
import { ReduceLROnPlateau, StepLR } from '../optim/lr-scheduler';
import { SGD } from '../optim/sgd';
import type { Logs, SchedulerLike, TrainingContext } from './callback';
import { EarlyStopping } from './early-stopping';
import { type Batch, evaluate, type FitOptions, fit, NonFiniteLossError, Trainer } from './fit';
import { LambdaCallback } from './lambda-callback';

const W_TRUE = [2, -3];
const B_TRUE = 0.5;

/** `y = 2·x0 - 3·x1 + 0.5` on `n` random points, cut into batches of `batchSize` (the last may be smaller). */
function regressionData(n: number, batchSize: number, seed: number): [Tensor, Tensor][] {
  const gen = new Generator(seed);
  const x = randn([n, 2], { generator: gen }); // (N, 2)
  const y = x.matmul(tensor([[W_TRUE[0]], [W_TRUE[1]]])).add(B_TRUE); // (N, 1)
  const out: [Tensor, Tensor][] = [];
  for (let i = 0; i < n; i += batchSize) {
    const len = Math.min(batchSize, n - i);
    out.push([x.narrow(0, i, len), y.narrow(0, i, len)]);
  }
  return out;
}

function setup(seed = 0) {
  const model = new nn.Linear(2, 1, { generator: new Generator(seed) });
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  return { model, optimizer };
}

const mae = (out: Tensor, y: Tensor) => l1Loss(out, y).item();

/** Options every test shares: silent progress, MSE loss. */
function base(optimizer: SGD, extra: Partial<FitOptions> & { train: FitOptions['train']; epochs: number }): FitOptions {
  return { optimizer, loss: mseLoss, progress: 'none', ...extra };
}

describe('fit: training', () => {
  it('fits a linear regression with SGD', async () => {
    const { model, optimizer } = setup();
    const train = regressionData(64, 8, 1);
    const history = await fit(model, base(optimizer, { train, epochs: 40 }));
    const losses = history.get('loss');
    expect(losses).toHaveLength(40);
    expect(losses[39]).toBeLessThan(1e-4);
    expect(losses[39]).toBeLessThan(losses[0]);
    expect(Array.from(model.weight.data)).toEqual([expect.closeTo(W_TRUE[0], 2), expect.closeTo(W_TRUE[1], 2)]);
    expect(model.bias!.data[0]).toBeCloseTo(B_TRUE, 2);
    expect(history.stopReason).toBe('completed');
    expect(history.stoppedEpoch).toBe(39);
    expect(history.epoch).toEqual([...Array(40).keys()]);
    expect(history.globalStep).toBe(40 * 8);
  });

  it('logs metrics, validation metrics and the learning rate', async () => {
    const { model, optimizer } = setup();
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(32, 8, 1),
        val: regressionData(16, 8, 2),
        epochs: 3,
        metrics: { mae },
      }),
    );
    expect(history.keys()).toEqual(['loss', 'mae', 'val_loss', 'val_mae', 'lr']);
    for (const logs of history.epochs) {
      for (const v of Object.values(logs)) expect(Number.isFinite(v)).toBe(true);
      expect(logs.lr).toBe(0.1);
    }
  });

  it('weights epoch means by batch size', async () => {
    const { model, optimizer } = setup();
    const batchLogs: { n: number; logs: Logs }[] = [];
    const train = regressionData(20, 8, 1); // batches of 8, 8, 4
    const recorder = new LambdaCallback({
      onBatchEnd: (batch, logs) => {
        batchLogs.push({ n: train[batch][0].shape[0], logs: { ...logs } });
      },
    });
    const history = await fit(model, base(optimizer, { train, epochs: 1, metrics: { mae }, callbacks: [recorder] }));
    const weighted = (key: string) =>
      batchLogs.reduce((s, b) => s + b.n * b.logs[key], 0) / batchLogs.reduce((s, b) => s + b.n, 0);
    expect(history.epochs[0].loss).toBeCloseTo(weighted('loss'), 12);
    expect(history.epochs[0].mae).toBeCloseTo(weighted('mae'), 12);
    expect(history.epochs[0].loss).not.toBeCloseTo(
      batchLogs.reduce((s, b) => s + b.logs.loss, 0) / batchLogs.length,
      6,
    );
  });

  it('accepts { input, target } batches, a loss module and a custom forward', async () => {
    const { model, optimizer } = setup();
    const train: Batch[] = regressionData(32, 8, 1).map(([input, target]) => ({ input, target }));
    let calls = 0;
    const history = await fit(model, {
      ...base(optimizer, { train, epochs: 2 }),
      loss: new MSELoss(),
      forward: (m, x) => {
        calls++;
        return (m as nn.Linear).forward(x);
      },
    });
    expect(calls).toBe(8);
    expect(history.epochs).toHaveLength(2);
  });

  it('trains the same from an async iterable as from an array', async () => {
    const data = regressionData(32, 8, 1);
    const asyncData: AsyncIterable<Batch> = {
      async *[Symbol.asyncIterator]() {
        for (const b of data) {
          await Promise.resolve();
          yield b;
        }
      },
    };
    const a = setup();
    const b = setup();
    const ha = await fit(a.model, base(a.optimizer, { train: data, epochs: 3 }));
    const hb = await fit(b.model, base(b.optimizer, { train: asyncData, epochs: 3 }));
    expect(hb.epochs).toEqual(ha.epochs);
    expect(Array.from(b.model.weight.data)).toEqual(Array.from(a.model.weight.data));
  });

  it('puts the model in train mode for batches and eval mode for validation', async () => {
    const { model, optimizer } = setup();
    const modes: string[] = [];
    await fit(model, {
      ...base(optimizer, { train: regressionData(16, 8, 1), val: regressionData(8, 8, 2), epochs: 2 }),
      forward: (m, x) => {
        modes.push(m.training ? 'train' : 'eval');
        return (m as nn.Linear).forward(x);
      },
    });
    expect(modes).toEqual(['train', 'train', 'eval', 'train', 'train', 'eval']);
  });

  it('clips gradients when asked', async () => {
    const { model, optimizer } = setup();
    const norms: number[] = [];
    const spy = vi.spyOn(optimizer, 'step').mockImplementation(() => {
      let sq = 0;
      for (const p of model.parameters()) for (const g of p.grad!.data) sq += g * g;
      norms.push(Math.sqrt(sq));
      return undefined;
    });
    await fit(model, base(optimizer, { train: regressionData(16, 8, 1), epochs: 1, clipGradNorm: 0.01 }));
    spy.mockRestore();
    expect(norms).toHaveLength(2);
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.01 * (1 + 1e-5));
  });
});

describe('fit: callbacks', () => {
  it('calls every hook in order with the right epochs and batches', async () => {
    const { model, optimizer } = setup();
    const calls: string[] = [];
    const historyLengths: number[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: () => {
        calls.push('trainBegin');
      },
      onEpochBegin: (epoch) => {
        calls.push(`epochBegin ${epoch}`);
      },
      onBatchBegin: (batch) => {
        calls.push(`batchBegin ${batch}`);
      },
      onBatchEnd: (batch, logs) => {
        calls.push(`batchEnd ${batch} ${Object.keys(logs).join(',')}`);
      },
      onEpochEnd: async (epoch, logs, ctx) => {
        await new Promise((r) => setTimeout(r, 1));
        historyLengths.push(ctx.history.length);
        calls.push(`epochEnd ${epoch} ${Object.keys(logs).join(',')}`);
      },
      onTrainEnd: () => {
        calls.push('trainEnd');
      },
    });
    const second = new LambdaCallback({
      onEpochEnd: (epoch) => {
        calls.push(`second epochEnd ${epoch}`);
      },
    });
    await fit(
      model,
      base(optimizer, {
        train: regressionData(16, 8, 1),
        val: regressionData(8, 8, 2),
        epochs: 2,
        metrics: { mae },
        callbacks: [cb, second],
      }),
    );
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0 loss,mae',
      'batchBegin 1',
      'batchEnd 1 loss,mae',
      'epochEnd 0 loss,mae,val_loss,val_mae,lr',
      'second epochEnd 0',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0 loss,mae',
      'batchBegin 1',
      'batchEnd 1 loss,mae',
      'epochEnd 1 loss,mae,val_loss,val_mae,lr',
      'second epochEnd 1',
      'trainEnd',
    ]);
    expect(historyLengths).toEqual([1, 2]);
  });

  it('gives callbacks a context with the model, optimizer, scheduler, generator and step count', async () => {
    const { model, optimizer } = setup();
    const scheduler = new StepLR(optimizer, { stepSize: 10 });
    const generator = new Generator(5);
    const steps: number[] = [];
    let seen: TrainingContext | null = null;
    await fit(
      model,
      base(optimizer, {
        train: regressionData(24, 8, 1),
        epochs: 2,
        scheduler,
        generator,
        callbacks: [
          new LambdaCallback({
            onTrainBegin: (ctx) => {
              seen = ctx;
            },
            onBatchEnd: (_b, _l, ctx) => {
              steps.push(ctx.globalStep);
            },
          }),
        ],
      }),
    );
    const ctx = seen as unknown as TrainingContext;
    expect(ctx.model).toBe(model);
    expect(ctx.optimizer).toBe(optimizer);
    expect(ctx.scheduler).toBe(scheduler);
    expect(ctx.generator).toBe(generator);
    expect(ctx.epoch).toBe(1);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops after the epoch in which a callback calls ctx.stop(), running validation first (Keras)', async () => {
    const { model, optimizer } = setup();
    const batches: string[] = [];
    const epochEnds: number[] = [];
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(32, 8, 1),
        val: regressionData(8, 8, 2),
        epochs: 5,
        callbacks: [
          new LambdaCallback({
            onBatchEnd: (batch, _logs, ctx) => {
              batches.push(`${ctx.epoch}.${batch}`);
              if (ctx.epoch === 1 && batch === 1) ctx.stop('enough');
            },
            onEpochEnd: (epoch) => {
              epochEnds.push(epoch);
            },
          }),
        ],
      }),
    );
    expect(batches).toEqual(['0.0', '0.1', '0.2', '0.3', '1.0', '1.1']);
    expect(epochEnds).toEqual([0, 1]);
    expect(history.epochs).toHaveLength(2);
    expect(history.epochs[1].val_loss).toBeDefined();
    expect(history.stopReason).toBe('stopped');
    expect(history.stopMessage).toBe('enough');
    expect(history.stoppedEpoch).toBe(1);
  });

  it('runs EarlyStopping end to end and restores the best weights', async () => {
    const { model, optimizer } = setup();
    // A learning rate far too high makes the validation loss go up after the first epochs.
    optimizer.paramGroups[0].lr = 1.1;
    const weightsAt: number[][] = [];
    const early = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(32, 32, 1),
        val: regressionData(16, 16, 2),
        epochs: 30,
        callbacks: [
          new LambdaCallback({
            onEpochEnd: () => {
              weightsAt.push(Array.from(model.weight.data));
            },
          }),
          early,
        ],
        onNonFinite: 'ignore',
      }),
    );
    expect(history.stopReason).toBe('stopped');
    expect(history.stopMessage).toMatch(
      /^EarlyStopping: val_loss did not improve for 1 epoch \(best .* at epoch \d+\)/,
    );
    const valLosses = history.get('val_loss');
    const best = valLosses.indexOf(Math.min(...valLosses));
    expect(early.bestEpoch).toBe(best);
    expect(Array.from(model.weight.data)).toEqual(weightsAt[best]);
    expect(history.epochs.length).toBeLessThan(30);
  });
});

describe('fit: stopping and errors', () => {
  it('stops between batches when the signal aborts, resolving with what it has', async () => {
    const { model, optimizer } = setup();
    const controller = new AbortController();
    const calls: string[] = [];
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(32, 8, 1),
        val: regressionData(8, 8, 2),
        epochs: 5,
        signal: controller.signal,
        callbacks: [
          new LambdaCallback({
            onBatchEnd: (batch, _l, ctx) => {
              calls.push(`batch ${ctx.epoch}.${batch}`);
              if (ctx.epoch === 1 && batch === 1) controller.abort();
            },
            onEpochEnd: (epoch) => {
              calls.push(`epochEnd ${epoch}`);
            },
            onTrainEnd: (ctx) => {
              calls.push(`trainEnd ${ctx.stopReason}`);
            },
          }),
        ],
      }),
    );
    expect(calls).toEqual([
      'batch 0.0',
      'batch 0.1',
      'batch 0.2',
      'batch 0.3',
      'epochEnd 0',
      'batch 1.0',
      'batch 1.1',
      'trainEnd aborted in epoch 2/5 before batch 3',
    ]);
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs).toHaveLength(1);
    expect(history.stoppedEpoch).toBe(1);
    expect(history.globalStep).toBe(6);
  });

  it('does nothing but onTrainBegin/onTrainEnd with an already aborted signal', async () => {
    const { model, optimizer } = setup();
    const calls: string[] = [];
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(16, 8, 1),
        epochs: 3,
        signal: AbortSignal.abort(),
        callbacks: [
          new LambdaCallback({
            onTrainBegin: () => void calls.push('begin'),
            onTrainEnd: () => void calls.push('end'),
          }),
        ],
      }),
    );
    expect(calls).toEqual(['begin', 'end']);
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs).toEqual([]);
    expect(history.stoppedEpoch).toBe(null);
  });

  it('throws on a non-finite loss, naming the epoch and batch, before the update', async () => {
    const { model, optimizer } = setup();
    const train = regressionData(32, 8, 1);
    train[2] = [train[2][0], train[2][1].mul(Number.NaN)];
    let weightsBefore: number[] = [];
    const cb = new LambdaCallback({
      onBatchBegin: (batch) => {
        if (batch === 2) weightsBefore = Array.from(model.weight.data);
      },
    });
    const run = fit(model, base(optimizer, { train, epochs: 2, callbacks: [cb] }));
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(/loss is NaN at epoch 1\/2, batch 3 \(0-based: epoch 0, batch 2\)/);
    const error = (await run.catch((e: unknown) => e)) as NonFiniteLossError;
    expect(error).toBeInstanceOf(TensorError);
    expect([error.epoch, error.batch]).toEqual([0, 2]);
    expect(Array.from(model.weight.data)).toEqual(weightsBefore);
  });

  it("with onNonFinite: 'stop' skips the bad batch and stops after the epoch", async () => {
    const { model, optimizer } = setup();
    const train = regressionData(32, 8, 1);
    train[2] = [train[2][0], train[2][1].mul(Number.POSITIVE_INFINITY)];
    const history = await fit(model, base(optimizer, { train, epochs: 3, onNonFinite: 'stop' }));
    expect(history.stopReason).toBe('stopped');
    expect(history.stopMessage).toMatch(/non-finite loss \(Infinity\) at epoch 1, batch 3/);
    expect(history.epochs).toHaveLength(1);
    expect(Number.isFinite(history.epochs[0].loss)).toBe(true);
    expect(history.globalStep).toBe(2);
    expect(Array.from(model.weight.data).every(Number.isFinite)).toBe(true);
  });

  it("with onNonFinite: 'ignore' carries on and logs the NaN", async () => {
    const { model, optimizer } = setup();
    const train = regressionData(16, 8, 1);
    train[1] = [train[1][0], train[1][1].mul(Number.NaN)];
    const history = await fit(model, base(optimizer, { train, epochs: 2, onNonFinite: 'ignore' }));
    expect(history.stopReason).toBe('completed');
    expect(history.get('loss').every(Number.isNaN)).toBe(true);
  });

  it('rejects an empty training set and a one-shot generator', async () => {
    const { model, optimizer } = setup();
    await expect(fit(model, base(optimizer, { train: [], epochs: 2 }))).rejects.toThrow(
      /the training data yielded no batches/,
    );
    const data = regressionData(16, 8, 1);
    function* once() {
      yield* data;
    }
    await expect(fit(model, base(optimizer, { train: once(), epochs: 2 }))).rejects.toThrow(
      /no batches in epoch 2 \(it did before\)/,
    );
  });

  it('rejects malformed batches, bad losses and bad options', async () => {
    const { model, optimizer } = setup();
    const data = regressionData(16, 8, 1);
    const opts = base(optimizer, { train: data, epochs: 1 });
    await expect(fit(model, { ...opts, train: [[data[0][0]]] as never })).rejects.toThrow(
      /a batch must be \[input, target\] or \{ input, target \}, got an array of length 1/,
    );
    await expect(
      fit(model, { ...opts, loss: (o: Tensor, y: Tensor) => mseLoss(o, y, { reduction: 'none' }) }),
    ).rejects.toThrow(/the loss must be a single value/);
    await expect(fit(model, { ...opts, epochs: 1.5 })).rejects.toThrow(/epochs must be an integer/);
    await expect(fit(model, { ...opts, train: 3 as never })).rejects.toThrow(/train must be an iterable/);
    await expect(fit(model, { ...opts, onNonFinite: 'warn' as never })).rejects.toThrow(/onNonFinite/);
    await expect(fit(model, { ...opts, progress: 'fancy' as never })).rejects.toThrow(/progress must be/);
  });
});

describe('fit: resuming', () => {
  it('numbers epochs from initialEpoch and trains epochs - initialEpoch epochs', async () => {
    const { model, optimizer } = setup();
    const epochsSeen: number[] = [];
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(16, 8, 1),
        epochs: 5,
        initialEpoch: 3,
        history: [{ loss: 9 }, { loss: 8 }, { loss: 7 }],
        globalStep: 6,
        callbacks: [new LambdaCallback({ onEpochBegin: (e) => void epochsSeen.push(e) })],
      }),
    );
    expect(epochsSeen).toEqual([3, 4]);
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(history.get('loss').slice(0, 3)).toEqual([9, 8, 7]);
    expect(history.globalStep).toBe(10);
  });

  it('numbers history entries a callback restores in onTrainBegin', async () => {
    const { model, optimizer } = setup();
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(16, 8, 1),
        epochs: 4,
        initialEpoch: 2,
        callbacks: [new LambdaCallback({ onTrainBegin: (ctx) => void ctx.history.push({ loss: 9 }, { loss: 8 }) })],
      }),
    );
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    expect(history.get('loss').slice(0, 2)).toEqual([9, 8]);
  });

  it('is a no-op when epochs <= initialEpoch', async () => {
    const { model, optimizer } = setup();
    const hook = vi.fn();
    const history = await fit(
      model,
      base(optimizer, {
        train: regressionData(16, 8, 1),
        epochs: 3,
        initialEpoch: 3,
        callbacks: [new LambdaCallback({ onTrainBegin: hook, onEpochBegin: hook, onTrainEnd: hook })],
      }),
    );
    expect(hook).not.toHaveBeenCalled();
    expect(history.epochs).toEqual([]);
    expect(history.stopReason).toBe('completed');
  });

  it('Trainer continues where the previous fit ended, like one longer run', async () => {
    const data = regressionData(32, 8, 1);
    const a = setup();
    const trainer = new Trainer(a.model, {
      train: data,
      epochs: 2,
      optimizer: a.optimizer,
      loss: mseLoss,
      progress: 'none',
    });
    await trainer.fit();
    const h = await trainer.fit({ epochs: 4 });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(trainer.epoch).toBe(4);
    expect(trainer.globalStep).toBe(16);

    const b = setup();
    const once = await fit(b.model, base(b.optimizer, { train: data, epochs: 4 }));
    expect(h.epochs).toEqual(once.epochs);
    expect(await trainer.evaluate(data)).toEqual(await evaluate(b.model, data, { loss: mseLoss }));
  });
});

describe('fit: schedulers', () => {
  it('steps an epoch scheduler after each epoch and logs the rate each epoch used', async () => {
    const { model, optimizer } = setup();
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const history = await fit(model, base(optimizer, { train: regressionData(24, 8, 1), epochs: 3, scheduler }));
    expect(history.get('lr')).toEqual([0.1, 0.05, 0.025]);
    expect(optimizer.paramGroups[0].lr).toBe(0.0125);
  });

  it("steps a batch scheduler after each optimizer step with schedulerInterval: 'batch'", async () => {
    const { model, optimizer } = setup();
    const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    const history = await fit(
      model,
      base(optimizer, { train: regressionData(24, 8, 1), epochs: 2, scheduler, schedulerInterval: 'batch' }),
    );
    // Three batches per epoch: the last update of epoch 0 used 0.1·0.5², of epoch 1 0.1·0.5⁵.
    expect(history.get('lr')).toEqual([0.025, 0.1 * 0.5 ** 5]);
    expect(optimizer.paramGroups[0].lr).toBe(0.1 * 0.5 ** 6);
  });

  it('gives ReduceLROnPlateau the validation loss, or the loss without validation data', async () => {
    for (const withVal of [true, false]) {
      const { model, optimizer } = setup();
      const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0 });
      const step = vi.spyOn(scheduler, 'step');
      const history = await fit(
        model,
        base(optimizer, {
          train: regressionData(24, 8, 1),
          val: withVal ? regressionData(8, 8, 2) : undefined,
          epochs: 3,
          scheduler,
        }),
      );
      expect(step.mock.calls.map((c) => c[0])).toEqual(history.get(withVal ? 'val_loss' : 'loss'));
    }
  });

  it('passes schedulerMonitor to any scheduler, and refuses a monitored scheduler per batch', async () => {
    const { model, optimizer } = setup();
    const values: unknown[] = [];
    const scheduler: SchedulerLike = {
      step: (metric) => void values.push(metric),
      stateDict: () => ({}),
      loadStateDict: () => {},
    };
    const train = regressionData(16, 8, 1);
    const history = await fit(
      model,
      base(optimizer, { train, epochs: 2, scheduler, schedulerMonitor: 'loss', metrics: { mae } }),
    );
    expect(values).toEqual(history.get('loss'));
    await expect(
      fit(model, base(optimizer, { train, epochs: 2, scheduler, schedulerMonitor: 'nope' })),
    ).rejects.toThrow(/monitors "nope", which is not in the logs/);
    await expect(
      fit(
        model,
        base(optimizer, {
          train,
          epochs: 1,
          scheduler: new ReduceLROnPlateau(optimizer),
          schedulerInterval: 'batch',
        }),
      ),
    ).rejects.toThrow(/needs schedulerInterval 'epoch'/);
  });
});

describe('evaluate', () => {
  it('averages loss and metrics over samples in eval mode and restores the mode', async () => {
    const { model } = setup();
    const data = regressionData(20, 8, 3);
    model.train();
    const logs = await evaluate(model, data, { loss: mseLoss, metrics: { mae } });
    expect(model.training).toBe(true);
    // The same 20 samples in one batch: the sample-weighted mean over batches equals the mean over all.
    const whole = regressionData(20, 20, 3)[0];
    const out = model.forward(whole[0]);
    expect(logs.loss).toBeCloseTo(mseLoss(out, whole[1]).item(), 5);
    expect(logs.mae).toBeCloseTo(mae(out, whole[1]), 5);
  });

  it('rejects with the abort reason when the signal fires', async () => {
    const { model } = setup();
    await expect(
      evaluate(model, regressionData(16, 8, 1), { loss: mseLoss, signal: AbortSignal.abort() }),
    ).rejects.toThrow(/abort/i);
  });
});
