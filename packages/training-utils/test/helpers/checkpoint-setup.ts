/**
 * A small, fully deterministic training setup for the checkpoint tests: an MLP with BatchNorm and Dropout, Adam,
 * StepLR, a Generator that shuffles the data and draws the dropout masks, and a callback with state. Every random
 * draw comes from a seeded Generator, so two runs with equal state compute equal bits.
 */
import { Generator, indexSelect, nn, randn, randperm, slice, type Tensor, tensor } from '@tensorloom/tensor-core';
import {
  Adam,
  type Callback,
  crossEntropy,
  type JsonValue,
  type Logs,
  StepLR,
  type TrainingContext,
} from '@tensorloom/training-utils';

/** A callback with state: counts epochs and keeps the lowest loss, so restoring it is observable. */
export class LossTracker implements Callback {
  readonly key = 'LossTracker';
  epochs = 0;
  best: number = Infinity;
  history: number[] = [];

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.epochs++;
    this.best = Math.min(this.best, logs.loss);
    this.history.push(logs.loss);
  }

  stateDict(): JsonValue {
    return { epochs: this.epochs, best: this.best, history: this.history.slice() };
  }

  loadStateDict(state: JsonValue): void {
    const s = state as { epochs: number; best: number; history: number[] };
    this.epochs = s.epochs;
    this.best = s.best;
    this.history = s.history.slice();
  }
}

/** Everything a run trains and checkpoints. */
export interface Setup {
  model: nn.Sequential;
  optimizer: Adam;
  scheduler: StepLR;
  generator: Generator;
  tracker: LossTracker;
}

/**
 * Builds the objects of a run. `seed` sets the initial weights and the generator's seed, so a "fresh" setup built
 * with another seed differs in everything a checkpoint must restore.
 */
export function makeSetup(seed: number): Setup {
  const generator = new Generator(seed);
  const init = new Generator(seed + 1000);
  const model = new nn.Sequential(
    new nn.Linear(4, 16, { generator: init }),
    new nn.BatchNorm1d(16),
    new nn.ReLU(),
    new nn.Dropout(0.25, { generator }),
    new nn.Linear(16, 3, { generator: init }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  return { model, optimizer, scheduler, generator, tracker: new LossTracker() };
}

/** A fixed data set of 40 points in 3 classes (the same for every setup). */
export function makeData(): { x: Tensor; y: Tensor } {
  const g = new Generator(7);
  const x = randn([40, 4], { generator: g });
  const labels = Array.from({ length: 40 }, (_, i) => i % 3);
  return { x, y: tensor(labels, { dtype: 'int32' }) };
}

/**
 * One epoch: shuffle with the setup's generator, minibatches of 8, forward in training mode (dropout masks from
 * the generator), Adam steps, then the scheduler step and the callback. Returns the epoch's mean loss.
 */
export function trainEpoch(s: Setup, data: { x: Tensor; y: Tensor }, epoch: number): number {
  s.model.train();
  const n = data.x.shape[0];
  const perm = randperm(n, { generator: s.generator });
  let total = 0;
  let batches = 0;
  for (let start = 0; start < n; start += 8) {
    const idx = slice(perm, 0, start, Math.min(start + 8, n));
    const xb = indexSelect(data.x, 0, idx); // (B, 4)
    const yb = indexSelect(data.y, 0, idx); // (B)
    s.optimizer.zeroGrad();
    const loss = crossEntropy(s.model.forward(xb) as Tensor, yb);
    loss.backward();
    s.optimizer.step();
    total += loss.item();
    batches++;
  }
  s.scheduler.step();
  const logs = { loss: total / batches };
  s.tracker.onEpochEnd(epoch, logs);
  return logs.loss;
}

/** A minimal training context over a setup, as the `fit()` loop would pass it to callbacks. */
export function makeContext(s: Setup, extra: Partial<TrainingContext> = {}): TrainingContext {
  return {
    model: s.model,
    optimizer: s.optimizer,
    scheduler: s.scheduler,
    generator: s.generator,
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
    ...extra,
  };
}

/** Every tensor of a model's state dict as raw bytes, by key, to compare bit for bit. */
export function modelBytes(model: nn.Module): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [key, t] of model.stateDict()) {
    const d = t.data as ArrayBufferView;
    out.set(key, new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
  }
  return out;
}

/** The optimizer's state tensors and numbers, tensors as raw bytes, to compare bit for bit. */
export function optimizerBytes(optimizer: Adam): unknown {
  const sd = optimizer.stateDict();
  const state: Record<string, Record<string, unknown>> = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    state[i] = {};
    for (const [name, v] of Object.entries(entry)) {
      if (v !== null && typeof v === 'object') {
        const d = v.data as ArrayBufferView;
        state[i][name] = new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
      } else state[i][name] = v;
    }
  }
  return { state, param_groups: sd.param_groups };
}
