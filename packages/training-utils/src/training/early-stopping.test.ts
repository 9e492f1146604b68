import { Generator, nn, noGrad, randn } from '@tensorloom/tensor-core';
import { describe, expect, it, vi } from 'vitest';
import type { Logs, TrainingContext } from './callback';
import { EarlyStopping, type EarlyStoppingOptions, inferMode } from './early-stopping';

/** A context with just what EarlyStopping touches: the model and stop(). */
function fakeContext(model: nn.Module = new nn.Linear(2, 1)): TrainingContext {
  return {
    model,
    optimizer: null as never,
    scheduler: null,
    generator: null,
    epoch: 0,
    globalStep: 0,
    history: [],
    callbacks: [],
    stopTraining: false,
    stopReason: null,
    stop(reason: string) {
      this.stopTraining = true;
      this.stopReason = reason;
    },
  };
}

/**
 * Drives the callback through a scripted sequence of monitored values, as the loop would: onTrainBegin, one
 * onEpochEnd per value until it stops, onTrainEnd. Returns the epoch it stopped in (null: ran to the end).
 */
function drive(
  es: EarlyStopping,
  values: number[],
  options: { monitor?: string; ctx?: TrainingContext; beforeEpochEnd?: (epoch: number) => void; first?: number } = {},
): { stoppedAt: number | null; ctx: TrainingContext } {
  const ctx = options.ctx ?? fakeContext();
  const monitor = options.monitor ?? es.monitor;
  es.onTrainBegin();
  let stoppedAt: number | null = null;
  const first = options.first ?? 0;
  for (let i = 0; i < values.length; i++) {
    const epoch = first + i;
    ctx.epoch = epoch;
    options.beforeEpochEnd?.(epoch);
    const logs: Logs = { loss: 0, [monitor]: values[i] };
    es.onEpochEnd(epoch, logs, ctx);
    if (ctx.stopTraining) {
      stoppedAt = epoch;
      break;
    }
  }
  es.onTrainEnd(ctx);
  return { stoppedAt, ctx };
}

const stopsAt = (opts: EarlyStoppingOptions, values: number[]) => drive(new EarlyStopping(opts), values).stoppedAt;

describe('EarlyStopping: patience', () => {
  it('with patience 0 stops at the first epoch that does not improve', () => {
    expect(stopsAt({}, [1, 0.9, 0.95, 0.8])).toBe(2);
  });

  it('waits patience epochs without improvement', () => {
    expect(stopsAt({ patience: 2 }, [1, 0.9, 0.95, 0.93, 0.91])).toBe(3);
    expect(stopsAt({ patience: 3 }, [1, 0.9, 0.95, 0.93, 0.91])).toBe(4);
    expect(stopsAt({ patience: 4 }, [1, 0.9, 0.95, 0.93, 0.91])).toBe(null);
  });

  it('restarts the count on an improvement', () => {
    expect(stopsAt({ patience: 2 }, [1, 0.9, 0.95, 0.85, 0.9, 0.9, 0.9])).toBe(5);
  });

  it('never stops at epoch 0 (Keras checks epoch > 0)', () => {
    const es = new EarlyStopping({ patience: 0 });
    expect(drive(es, [Number.NaN, Number.NaN]).stoppedAt).toBe(1);
  });

  it('records stoppedEpoch, bestEpoch and best', () => {
    const es = new EarlyStopping({ patience: 1 });
    drive(es, [1, 0.5, 0.7, 0.6]);
    expect(es.stoppedEpoch).toBe(2);
    expect(es.bestEpoch).toBe(1);
    expect(es.best).toBe(0.5);
  });
});

describe('EarlyStopping: minDelta', () => {
  it('in min mode a value must be lower than best - minDelta (strictly)', () => {
    // 0.75 + 0.25 === 1 exactly: not an improvement.
    expect(stopsAt({ minDelta: 0.25 }, [1, 0.75])).toBe(1);
    expect(stopsAt({ minDelta: 0.25 }, [1, 0.625, 0.5])).toBe(2);
    expect(stopsAt({ minDelta: 0.25 }, [1, 0.625, 0.25])).toBe(null);
  });

  it('in max mode a value must be higher than best + minDelta', () => {
    const opts = { monitor: 'val_accuracy', minDelta: 0.25 };
    expect(stopsAt(opts, [0, 0.25])).toBe(1);
    expect(stopsAt(opts, [0, 0.5, 0.625])).toBe(2);
    expect(stopsAt(opts, [0, 0.5, 0.875])).toBe(null);
  });

  it('ignores the sign of minDelta, as Keras does (abs)', () => {
    expect(stopsAt({ minDelta: -0.25 }, [1, 0.75])).toBe(1);
    expect(stopsAt({ monitor: 'acc', mode: 'max', minDelta: -0.25 }, [0, 0.5, 0.625])).toBe(2);
  });
});

describe('EarlyStopping: baseline', () => {
  it('does not restart the count while the baseline is not beaten', () => {
    // Without a baseline the first epoch resets the count; with one it does not.
    expect(stopsAt({ patience: 2 }, [1, 1, 1])).toBe(2);
    expect(stopsAt({ patience: 2, baseline: 0.5 }, [1, 1, 1])).toBe(1);
  });

  it('lets improvements continue, and stops at the first non-improving epoch once wait ≥ patience', () => {
    // Every epoch improves on the best but not on the baseline: Keras returns early on an improvement.
    expect(stopsAt({ patience: 2, baseline: 0.5 }, [1, 0.9, 0.8, 0.7])).toBe(null);
    expect(stopsAt({ patience: 2, baseline: 0.5 }, [1, 0.9, 0.8, 0.8])).toBe(3);
    expect(stopsAt({ patience: 2 }, [1, 0.9, 0.8, 0.8])).toBe(null);
  });

  it('counts normally once the baseline is beaten', () => {
    expect(stopsAt({ patience: 2, baseline: 0.85 }, [1, 0.9, 0.8, 0.8])).toBe(null);
    expect(stopsAt({ patience: 2, baseline: 0.85 }, [1, 0.9, 0.8, 0.8, 0.8])).toBe(4);
  });

  it('works in max mode', () => {
    expect(stopsAt({ monitor: 'val_acc', patience: 1, baseline: 0.9 }, [0.5, 0.5])).toBe(1);
    expect(stopsAt({ monitor: 'val_acc', patience: 1, baseline: 0.9 }, [0.95, 0.96])).toBe(null);
  });

  it('says in its message that the baseline was never beaten', () => {
    const { ctx } = drive(new EarlyStopping({ patience: 1, baseline: 0.5 }), [1, 1]);
    expect(ctx.stopReason).toContain('the baseline 0.5 was never beaten');
  });
});

describe('EarlyStopping: startFromEpoch', () => {
  it('ignores epochs before startFromEpoch', () => {
    const worse = [1, 2, 3, 4];
    expect(stopsAt({}, worse)).toBe(1);
    expect(stopsAt({ startFromEpoch: 2 }, worse)).toBe(3);
    const es = new EarlyStopping({ startFromEpoch: 2 });
    drive(es, worse);
    expect(es.bestEpoch).toBe(2);
    expect(es.best).toBe(3);
  });
});

describe('EarlyStopping: mode', () => {
  it("'auto' infers the direction from the name", () => {
    expect(new EarlyStopping().mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'loss' }).mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'val_acc' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'val_accuracy' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'top5_accuracy' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'val_mae' }).mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'val_f1' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'val_auc' }).mode).toBe('max');
    expect(inferMode('val_perplexity')).toBe('min');
    expect(inferMode('kl')).toBe('min');
    expect(inferMode('lr')).toBe(null);
  });

  it("asks for an explicit mode when 'auto' cannot tell", () => {
    expect(() => new EarlyStopping({ monitor: 'val_widgets' })).toThrow(/pass mode: 'min' or mode: 'max'/);
    expect(new EarlyStopping({ monitor: 'val_widgets', mode: 'max' }).mode).toBe('max');
  });

  it("'max' stops when the value stops rising", () => {
    expect(stopsAt({ monitor: 'val_acc' }, [0.5, 0.6, 0.55])).toBe(2);
    expect(stopsAt({ monitor: 'val_acc', mode: 'min' }, [0.5, 0.6])).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(/mode/);
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience/);
    expect(() => new EarlyStopping({ patience: 1.5 })).toThrow(/patience/);
  });
});

describe('EarlyStopping: messages and missing values', () => {
  it('gives a human-readable reason with 1-based epochs', () => {
    const es = new EarlyStopping({ patience: 3, minDelta: 0.001, restoreBestWeights: true });
    const { stoppedAt, ctx } = drive(es, [0.5, 0.4, 0.35, 0.3, 0.2874, 0.287, 0.288, 0.29]);
    expect(stoppedAt).toBe(7);
    expect(es.bestEpoch).toBe(4);
    expect(ctx.stopReason).toBe(
      'EarlyStopping: val_loss did not improve by more than 0.001 for 3 epochs (best 0.2874 at epoch 5); restoring the weights of epoch 5',
    );
  });

  it('skips epochs without the monitored value, warning once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const es = new EarlyStopping();
      const ctx = fakeContext();
      es.onTrainBegin();
      for (let epoch = 0; epoch < 4; epoch++) es.onEpochEnd(epoch, { loss: 1 }, ctx);
      expect(ctx.stopTraining).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain('val_loss');
    } finally {
      warn.mockRestore();
    }
  });
});

/** A copy of every tensor's values, to compare bit for bit. */
function valuesOf(model: nn.Module): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [k, t] of model.stateDict()) out.set(k, Float32Array.from(t.data as Float32Array));
  return out;
}

/** Overwrites the model's weights with new random values, as a training epoch would change them. */
function perturb(model: nn.Module, gen: Generator): void {
  noGrad(() => {
    for (const p of model.parameters()) p.copy_(randn(p.shape, { generator: gen }));
  });
}

describe('EarlyStopping: restoreBestWeights', () => {
  function run(restoreBestWeights: boolean, values: number[], options: EarlyStoppingOptions = {}) {
    const model = new nn.Linear(3, 2);
    const gen = new Generator(7);
    const snapshots: Map<string, Float32Array>[] = [];
    const es = new EarlyStopping({ patience: 2, restoreBestWeights, ...options });
    const { stoppedAt } = drive(es, values, {
      ctx: fakeContext(model),
      beforeEpochEnd: () => {
        perturb(model, gen);
        snapshots.push(valuesOf(model));
      },
    });
    return { model, es, snapshots, stoppedAt };
  }

  it('restores the weights of the best epoch bit for bit when it stops', () => {
    const { model, es, snapshots, stoppedAt } = run(true, [1, 0.5, 0.25, 0.3, 0.4, 0.2]);
    expect(stoppedAt).toBe(4);
    expect(es.bestEpoch).toBe(2);
    expect(valuesOf(model)).toEqual(snapshots[2]);
    expect(valuesOf(model)).not.toEqual(snapshots[4]);
  });

  it('restores at the end of training even when it did not stop early (Keras 3)', () => {
    const { model, es, snapshots, stoppedAt } = run(true, [1, 0.5, 0.25, 0.3]);
    expect(stoppedAt).toBe(null);
    expect(es.bestEpoch).toBe(2);
    expect(valuesOf(model)).toEqual(snapshots[2]);
  });

  it('leaves the last weights without restoreBestWeights', () => {
    const { model, es, snapshots } = run(false, [1, 0.5, 0.25, 0.3, 0.4]);
    expect(es.bestWeights()).toBe(null);
    expect(valuesOf(model)).toEqual(snapshots[4]);
  });

  it('keeps deep copies that later updates do not change', () => {
    const model = new nn.Linear(3, 2);
    const es = new EarlyStopping({ patience: 5, restoreBestWeights: true });
    const ctx = fakeContext(model);
    es.onTrainBegin();
    es.onEpochEnd(0, { val_loss: 1 }, ctx);
    const before = valuesOf(model);
    perturb(model, new Generator(1));
    const best = es.bestWeights();
    expect(best).not.toBe(null);
    for (const [k, t] of best!) expect(Float32Array.from(t.data as Float32Array)).toEqual(before.get(k));
  });

  it('restores an epoch even if none beat the baseline (Keras)', () => {
    const { model, es, snapshots, stoppedAt } = run(true, [1, 0.9, 0.95, 0.97], { baseline: 0.1 });
    expect(stoppedAt).toBe(2);
    expect(es.bestEpoch).toBe(1);
    expect(valuesOf(model)).toEqual(snapshots[1]);
  });
});

describe('EarlyStopping: state', () => {
  it('resumes from its state dict and best weights exactly like an uninterrupted run', () => {
    const values = [1, 0.5, 0.6, 0.4, 0.45, 0.42, 0.41, 0.5];
    const opts: EarlyStoppingOptions = { patience: 3, minDelta: 0.005, restoreBestWeights: true };

    const full = new EarlyStopping(opts);
    const fullModel = new nn.Linear(3, 2);
    const genA = new Generator(3);
    const fullRun = drive(full, values, {
      ctx: fakeContext(fullModel),
      beforeEpochEnd: () => perturb(fullModel, genA),
    });

    // The same run cut after 4 epochs: state saved as JSON, weights as tensors, then a fresh callback.
    const first = new EarlyStopping(opts);
    const model = new nn.Linear(3, 2);
    const genB = new Generator(3);
    const ctx = fakeContext(model);
    first.onTrainBegin();
    for (let epoch = 0; epoch < 4; epoch++) {
      perturb(model, genB);
      first.onEpochEnd(epoch, { val_loss: values[epoch] }, ctx);
    }
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    const weights = first.bestWeights();

    const resumed = new EarlyStopping(opts);
    resumed.loadStateDict(saved);
    resumed.setBestWeights(weights);
    const resumedRun = drive(resumed, values.slice(4), {
      ctx,
      first: 4,
      beforeEpochEnd: () => perturb(model, genB),
    });

    expect(resumedRun.stoppedAt).toBe(fullRun.stoppedAt);
    expect(resumed.stateDict()).toEqual(full.stateDict());
    expect(valuesOf(model)).toEqual(valuesOf(fullModel));
  });

  it('writes JSON-safe state, best as null while it is infinite', () => {
    const es = new EarlyStopping({ monitor: 'val_acc' });
    expect(es.stateDict()).toEqual({
      monitor: 'val_acc',
      mode: 'max',
      wait: 0,
      best: null,
      bestEpoch: null,
      stoppedEpoch: null,
    });
    const copy = new EarlyStopping({ monitor: 'val_acc' });
    copy.loadStateDict(JSON.parse(JSON.stringify(es.stateDict())));
    expect(copy.best).toBe(Number.NEGATIVE_INFINITY);
    expect(es.key).toBe('EarlyStopping');
  });

  it('refuses a state saved for another monitor', () => {
    const es = new EarlyStopping({ monitor: 'val_loss' });
    const other = new EarlyStopping({ monitor: 'loss' });
    expect(() => es.loadStateDict(other.stateDict())).toThrow(/watches loss/);
    expect(() => es.loadStateDict([1, 2])).toThrow(/expected the object/);
  });

  it('resets at onTrainBegin when reused without a loaded state', () => {
    const es = new EarlyStopping({ patience: 0 });
    expect(drive(es, [1, 2]).stoppedAt).toBe(1);
    expect(es.stoppedEpoch).toBe(1);
    expect(drive(es, [5, 4, 3]).stoppedAt).toBe(null);
    expect(es.best).toBe(3);
    expect(es.stoppedEpoch).toBe(null);
  });
});
