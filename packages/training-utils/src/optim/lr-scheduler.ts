import { type Tensor, TensorError } from '@tensorloom/tensor-core';
import type { Optimizer, ParamGroupBase } from './optimizer';

/** A value in a scheduler's state dict: plain, JSON-serialisable data. */
export type SchedulerStateValue =
  | number
  | boolean
  | string
  | null
  | readonly SchedulerStateValue[]
  | { readonly [key: string]: SchedulerStateValue };

/**
 * A scheduler's state as plain data, under the keys PyTorch's `scheduler.state_dict()` uses (`base_lrs`,
 * `last_epoch`, `_step_count`, `_last_lr`, and each scheduler's own settings such as `step_size`, `gamma`).
 */
export type SchedulerStateDict = Record<string, SchedulerStateValue>;

/** An optimizer of any kind, as schedulers see it: its parameter groups and defaults. */
type AnyOptimizer = Optimizer<object>;

function deepCopy<T extends SchedulerStateValue>(v: T): T {
  return (v !== null && typeof v === 'object' ? structuredClone(v) : v) as T;
}

/** Copies the named fields of `obj` into a state dict under their PyTorch names, and back. */
function saveFields(obj: object, keys: Record<string, string>): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [key, field] of Object.entries(keys)) {
    out[key] = deepCopy((obj as Record<string, SchedulerStateValue>)[field]);
  }
  return out;
}

function loadFields(obj: object, keys: Record<string, string>, state: SchedulerStateDict): void {
  for (const [key, field] of Object.entries(keys)) {
    if (key in state) (obj as Record<string, SchedulerStateValue>)[field] = deepCopy(state[key]);
  }
}

/**
 * Base class of the epoch-based learning-rate schedulers, after PyTorch's `_LRScheduler`. Each `step()`
 * advances `lastEpoch` and sets every group's `lr` from {@link LRScheduler.getLr}, the *chainable* form that
 * derives the new rate from the current one (so several schedulers can act on one optimizer, and a rate
 * changed by hand carries on from its new value), exactly as PyTorch 1.13 computes it.
 *
 * The first scheduler on an optimizer stores each group's starting rate as `initialLr`; `baseLrs` are
 * read from it. Creating a scheduler performs the first step (epoch 0), as in PyTorch. Subclasses set their
 * own fields after `super()` and then call {@link LRScheduler.initialStep}.
 *
 * Call `scheduler.step()` after `optimizer.step()`, once per epoch (or per batch, for schedules counted in
 * batches like {@link OneCycleLR}).
 */
export abstract class LRScheduler {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's rate at the start of the schedule (its `initialLr`). */
  baseLrs: number[];
  /** The index of the last epoch (step) taken; -1 before the first. */
  lastEpoch: number;
  /** How many times `step()` has run (PyTorch's `_step_count`). */
  protected stepCount = 0;
  /** The rates set by the last `step()`. */
  protected lastLr: number[] = [];

  /**
   * @param optimizer - the wrapped optimizer
   * @param lastEpoch - the index of the last epoch when resuming a schedule (then every group must have
   *   `initialLr`); -1 (default) starts from scratch
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new TensorError(
          this.constructor.name,
          `param group ${i} has no initialLr, which resuming a schedule (lastEpoch ${lastEpoch}) needs`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The state-dict keys of this scheduler's own settings, mapped to its field names. */
  protected abstract readonly stateKeys: Record<string, string>;

  /** The learning rate of each group for epoch `lastEpoch`, in PyTorch's chainable form. */
  protected abstract getLr(): number[];

  /** Takes the first step (epoch 0). Subclass constructors call it once their fields are set. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each parameter group's `lr`. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = lrs[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group as set by the last `step()`. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The scheduler's state under PyTorch's keys (everything but the optimizer), as plain data. */
  stateDict(): SchedulerStateDict {
    return saveFields(this, {
      base_lrs: 'baseLrs',
      last_epoch: 'lastEpoch',
      _step_count: 'stepCount',
      _last_lr: 'lastLr',
      ...this.stateKeys,
    });
  }

  /** Restores the state saved by {@link LRScheduler.stateDict}; keys it does not have are left as they are. */
  loadStateDict(state: SchedulerStateDict): void {
    loadFields(
      this,
      { base_lrs: 'baseLrs', last_epoch: 'lastEpoch', _step_count: 'stepCount', _last_lr: 'lastLr', ...this.stateKeys },
      state,
    );
  }

  /** The current `lr` of every group. */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs (PyTorch's `StepLR`):
 * `lr = initialLr · γ^⌊epoch / stepSize⌋`.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.05 → 0.005 at epoch 30 → 0.0005 at 60
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor (default 0.1). */
  gamma: number;
  protected readonly stateKeys = { step_size: 'stepSize', gamma: 'gamma' };

  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    if (!Number.isInteger(options.stepSize) || options.stepSize <= 0) {
      throw new TensorError('StepLR', `stepSize must be a positive integer, got ${options.stepSize}`);
    }
    super(optimizer, options.lastEpoch);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Multiplies the learning rate by `gamma` each time the epoch reaches one of the `milestones` (PyTorch's
 * `MultiStepLR`; a milestone listed twice applies γ²): `lr = initialLr · γ^(milestones ≤ epoch)`.
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch was listed (PyTorch keeps a `Counter`). */
  milestones: Record<string, number>;
  /** Multiplicative factor (default 0.1). */
  gamma: number;
  protected readonly stateKeys = { milestones: 'milestones', gamma: 'gamma' };

  constructor(optimizer: AnyOptimizer, options: { milestones: readonly number[]; gamma?: number; lastEpoch?: number }) {
    const milestones: Record<string, number> = {};
    for (const m of options.milestones) {
      if (!Number.isInteger(m)) throw new TensorError('MultiStepLR', `milestones must be integers, got ${m}`);
      milestones[m] = (milestones[m] ?? 0) + 1;
    }
    super(optimizer, options.lastEpoch);
    this.milestones = milestones;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** count);
  }
}

/**
 * Multiplies the learning rate by `gamma` every epoch (PyTorch's `ExponentialLR`): `lr = initialLr · γ^epoch`.
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor per epoch. */
  gamma: number;
  protected readonly stateKeys = { gamma: 'gamma' };

  constructor(optimizer: AnyOptimizer, options: { gamma: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the initial rate down to `etaMin` over `tMax` epochs (SGDR without restarts;
 * PyTorch's `CosineAnnealingLR`, whose chainable form keeps going past `tMax`, rising again like a cosine):
 *
 * ```
 * lr(epoch) = ηmin + (initialLr - ηmin) · (1 + cos(π · epoch / tMax)) / 2
 * ```
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period in epochs (PyTorch's `T_max`). */
  tMax: number;
  /** The lowest rate (PyTorch's `eta_min`, default 0). */
  etaMin: number;
  protected readonly stateKeys = { T_max: 'tMax', eta_min: 'etaMin' };

  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    if (!(options.tMax > 0)) throw new TensorError('CosineAnnealingLR', `tMax must be positive, got ${options.tMax}`);
    super(optimizer, options.lastEpoch);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.currentLrs();
    if (this.stepCount === 1 && e > 0) {
      // Resuming at a later epoch: use the closed form once.
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    // At the bottom of the cosine the ratio below would divide by zero; step up by the first increment instead.
    // (Python's % is never negative, JavaScript's can be, but both are zero for the same epochs.)
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.currentLrs().map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }
}

/**
 * Scales the learning rate by a factor that moves linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, then stays at `endFactor` — a linear warm-up with the defaults (PyTorch's `LinearLR`):
 *
 * ```
 * lr(epoch) = initialLr · (startFactor + (endFactor - startFactor) · min(epoch, totalIters) / totalIters)
 * ```
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.01, totalIters: 500 }); // step it every batch
 * ```
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0 (default 1/3), in (0, 1]. */
  startFactor: number;
  /** Factor from `totalIters` on (default 1), in [0, 1]. */
  endFactor: number;
  /** Epochs the change takes (default 5). */
  totalIters: number;
  protected readonly stateKeys = { start_factor: 'startFactor', end_factor: 'endFactor', total_iters: 'totalIters' };

  constructor(
    optimizer: AnyOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    if (!(startFactor > 0 && startFactor <= 1)) {
      // PyTorch accepts 0 here but then divides by zero on the second step.
      throw new TensorError('LinearLR', `startFactor must be in (0, 1], got ${startFactor}`);
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new TensorError('LinearLR', `endFactor must be in [0, 1], got ${endFactor}`);
    }
    super(optimizer, options.lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = options.totalIters ?? 5;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.currentLrs().map((lr) => lr * s);
    if (e > n) return this.currentLrs();
    // The ratio of this epoch's factor to the last one's.
    return this.currentLrs().map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** The peak learning rate, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch, with `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD's `momentum`, Adam's β1) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** The lowest momentum, reached at the peak rate (default 0.85; one value or one per group). */
  baseMomentum?: number | readonly number[];
  /** The highest momentum, at the start and end (default 0.95; one value or one per group). */
  maxMomentum?: number | readonly number[];
  /** `initialLr = maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Use three phases (up, back down to `initialLr`, then down to `minLr`), as fast.ai does (default false). */
  threePhase?: boolean;
  /** Index of the last step when resuming (default -1). */
  lastEpoch?: number;
}

/** One phase of a 1cycle schedule: where it ends and which group keys it anneals between. */
interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * The 1cycle policy (Smith & Topin, 2017; PyTorch's `OneCycleLR`): the rate rises from `maxLr / divFactor`
 * to `maxLr` over the first `pctStart` of the steps, then anneals to `initialLr / finalDivFactor`; momentum
 * moves the opposite way between `maxMomentum` and `baseMomentum`. Step it after every batch.
 *
 * With `'cos'` annealing a phase from `a` to `b` at fraction `p` gives `b + (a - b)(1 + cos πp)/2`; with
 * `'linear'`, `a + (b - a)p`. The group keys `initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum`
 * are stored on each parameter group, as PyTorch does.
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: loader.length });
 * // per batch: opt.step(); sched.step();
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the whole cycle; stepping past it is an error. */
  totalSteps: number;
  /** `'cos'` or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum is cycled. */
  cycleMomentum: boolean;
  /** Whether the cycled momentum is Adam's β1 (`betas[0]`) rather than a `momentum` option. */
  useBeta1: boolean;
  /** The phases of the cycle. */
  schedulePhases: Phase[];
  protected readonly stateKeys = {
    total_steps: 'totalSteps',
    anneal_strategy: 'annealStrategy',
    cycle_momentum: 'cycleMomentum',
    use_beta1: 'useBeta1',
    _schedule_phases: 'schedulePhases',
  };

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const op = 'OneCycleLR';
    const lastEpoch = options.lastEpoch ?? -1;
    const groups = optimizer.paramGroups;
    const perGroup = (name: string, v: number | readonly number[]): number[] => {
      if (typeof v === 'number') return groups.map(() => v);
      if (v.length !== groups.length) {
        throw new TensorError(op, `expected ${groups.length} values for ${name}, got ${v.length}`);
      }
      return v.slice();
    };
    let totalSteps: number;
    if (options.totalSteps !== undefined) {
      if (!Number.isInteger(options.totalSteps) || options.totalSteps <= 0) {
        throw new TensorError(op, `expected a positive integer totalSteps, got ${options.totalSteps}`);
      }
      totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      for (const [name, v] of [
        ['epochs', options.epochs],
        ['stepsPerEpoch', options.stepsPerEpoch],
      ] as const) {
        if (!Number.isInteger(v) || v <= 0) throw new TensorError(op, `expected a positive integer ${name}, got ${v}`);
      }
      totalSteps = options.epochs * options.stepsPerEpoch;
    } else {
      throw new TensorError(op, 'give either totalSteps or both epochs and stepsPerEpoch');
    }
    const pctStart = options.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) throw new TensorError(op, `pctStart must be in [0, 1], got ${pctStart}`);
    const annealStrategy = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new TensorError(op, `annealStrategy must be 'cos' or 'linear', got ${annealStrategy}`);
    }
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    const maxLrs = perGroup('maxLr', options.maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycleMomentum) {
      const defaults = optimizer.defaults as Record<string, unknown>;
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new TensorError(op, 'the optimizer must have a momentum or betas option when cycleMomentum is on');
      }
      useBeta1 = 'betas' in defaults;
      const maxMomenta = perGroup('maxMomentum', options.maxMomentum ?? 0.95);
      const baseMomenta = perGroup('baseMomentum', options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMomenta[i]);
          g.maxMomentum = maxMomenta[i];
          g.baseMomentum = baseMomenta[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.schedulePhases = options.threePhase
      ? [
          phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(2 * pctStart * totalSteps - 2, 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
          phase(totalSteps - 1, 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
        ]
      : [
          phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(totalSteps - 1, 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum'),
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new TensorError(
        'OneCycleLR',
        `tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.optimizer.paramGroups.map((group) => {
      const g = group as Record<string, number>;
      let startStep = 0;
      const phases = this.schedulePhases;
      for (let i = 0; i < phases.length; i++) {
        const p = phases[i];
        if (stepNum <= p.end_step || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (p.end_step - startStep);
          if (this.cycleMomentum) {
            setMomentum(group, this.useBeta1, this.anneal(g[p.start_momentum], g[p.end_momentum], pct));
          }
          return this.anneal(g[p.start_lr], g[p.end_lr], pct);
        }
        startStep = p.end_step;
      }
      throw new Error('unreachable: the last phase always matches');
    });
  }
}

function phase(endStep: number, startLr: string, endLr: string, startMomentum: string, endMomentum: string): Phase {
  return {
    end_step: endStep,
    start_lr: startLr,
    end_lr: endLr,
    start_momentum: startMomentum,
    end_momentum: endMomentum,
  };
}

/** Sets a group's momentum: Adam's β1 (keeping β2), or the `momentum` option. */
function setMomentum(group: ParamGroupBase, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
  else group.momentum = momentum;
}

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): the metric should go down (a loss); `'max'`: up (an accuracy). */
  mode?: 'min' | 'max';
  /** Factor the rate is multiplied by when it is reduced (default 0.1), below 1. */
  factor?: number;
  /** Epochs without improvement to tolerate before reducing (default 10). */
  patience?: number;
  /** How much better a value must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): better than `best · (1 ∓ threshold)`; `'abs'`: better than `best ∓ threshold`. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than this is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` once a metric has stopped improving for more than `patience`
 * epochs (PyTorch's `ReduceLROnPlateau`). Unlike the other schedulers, `step` takes the metric.
 *
 * A value `a` improves on the best so far when (mode min, rel) `a < best(1 - threshold)`, (min, abs)
 * `a < best - threshold`, (max, rel) `a > best(1 + threshold)`, (max, abs) `a > best + threshold`. When
 * the count of epochs without improvement exceeds `patience`, each group's rate becomes
 * `max(lr · factor, minLr)` (unless that changes it by less than `eps`) and a cooldown starts.
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** Multiplier applied on a plateau. */
  factor: number;
  /** Bad epochs tolerated. */
  patience: number;
  /** Improvement threshold. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs of cooldown after a reduction. */
  cooldown: number;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Lower bound of each group's rate. */
  minLrs: number[];
  /** Smallest reduction that is applied. */
  eps: number;
  /** The best metric value so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The number of the last epoch seen (0 before the first step). */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new TensorError(op, `factor should be < 1.0, got ${this.factor}`);
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') this.minLrs = optimizer.paramGroups.map(() => minLr);
    else if (minLr.length !== optimizer.paramGroups.length) {
      throw new TensorError(op, `expected ${optimizer.paramGroups.length} minLrs, got ${minLr.length}`);
    } else this.minLrs = minLr.slice();
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') throw new TensorError(op, `mode ${this.mode} is unknown`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new TensorError(op, `threshold mode ${this.thresholdMode} is unknown`);
    }
    this.eps = options.eps ?? 1e-8;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst possible value for the mode: the starting `best`. */
  private get modeWorse(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether a cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records the end of an epoch with metric value `metric` (a number or a one-element tensor). */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during a cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  /** The learning rate of each group after the last `step()` (the current rates before the first). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  private static readonly stateKeys = {
    mode: 'mode',
    factor: 'factor',
    patience: 'patience',
    threshold: 'threshold',
    threshold_mode: 'thresholdMode',
    cooldown: 'cooldown',
    cooldown_counter: 'cooldownCounter',
    min_lrs: 'minLrs',
    eps: 'eps',
    best: 'best',
    num_bad_epochs: 'numBadEpochs',
    last_epoch: 'lastEpoch',
    _last_lr: 'lastLr',
  };

  /**
   * The state under PyTorch's keys, as plain data. `best` is ±Infinity before the first step, which
   * `JSON.stringify` writes as null; {@link ReduceLROnPlateau.loadStateDict} reads null back as the
   * mode's worst value.
   */
  stateDict(): SchedulerStateDict {
    return saveFields(this, ReduceLROnPlateau.stateKeys);
  }

  /** Restores the state saved by {@link ReduceLROnPlateau.stateDict}. */
  loadStateDict(state: SchedulerStateDict): void {
    loadFields(this, ReduceLROnPlateau.stateKeys, state);
    if (this.best === null) this.best = this.modeWorse;
  }
}
