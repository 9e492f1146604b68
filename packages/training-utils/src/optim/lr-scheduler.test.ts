import { tensor, zeros } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { CosineAnnealingLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, StepLR } from './lr-scheduler';
import { SGD } from './sgd';

function sgd(lr = 0.1) {
  return new SGD([zeros([2], { requiresGrad: true })], { lr, momentum: 0.9 });
}

describe('LRScheduler', () => {
  it('stores initialLr on the groups and sets epoch 0 on construction', () => {
    const opt = sgd(0.1);
    const sched = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    expect(opt.paramGroups[0].initialLr).toBe(0.1);
    expect(sched.baseLrs).toEqual([0.1]);
    expect(sched.lastEpoch).toBe(0);
    expect(sched.getLastLr()).toEqual([0.05]);
  });

  it('is chainable: a rate changed by hand carries on from its new value', () => {
    const opt = sgd(1);
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    sched.step();
    opt.paramGroups[0].lr = 10;
    sched.step(); // epoch 2: halves the current rate
    expect(sched.getLastLr()).toEqual([5]);
  });

  it('two schedulers on one optimizer compose, as in PyTorch', () => {
    const opt = sgd(1);
    const warmup = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new MultiStepLR(opt, { milestones: [1], gamma: 0.1 });
    expect(opt.paramGroups[0].lr).toBe(0.5);
    warmup.step();
    decay.step();
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.075, 15); // 0.5 · 1.5 (warm-up) · 0.1 (milestone)
  });

  it('a restored scheduler continues exactly where the saved one was', () => {
    const opt = sgd(1);
    const sched = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 });
    for (let i = 0; i < 3; i++) sched.step();
    const state = JSON.parse(JSON.stringify(sched.stateDict()));
    expect(state).toMatchObject({ T_max: 4, eta_min: 0.01, last_epoch: 3, _step_count: 4, base_lrs: [1] });
    const opt2 = sgd(1);
    opt2.loadStateDict(opt.stateDict());
    const restored = new CosineAnnealingLR(opt2, { tMax: 100 });
    restored.loadStateDict(state);
    for (let i = 0; i < 6; i++) {
      sched.step();
      restored.step();
      expect(restored.getLastLr()).toEqual(sched.getLastLr());
    }
  });

  it('resuming with lastEpoch needs initialLr on every group', () => {
    expect(() => new StepLR(sgd(), { stepSize: 2, lastEpoch: 4 })).toThrow(/has no initialLr/);
    const opt = sgd(1);
    opt.paramGroups[0].initialLr = 1;
    // The cosine schedule uses its closed form for the first step of a resumed run.
    const sched = new CosineAnnealingLR(opt, { tMax: 10, lastEpoch: 4 });
    expect(sched.getLastLr()[0]).toBeCloseTo((1 + Math.cos((5 * Math.PI) / 10)) / 2, 15);
  });

  it('rejects invalid options', () => {
    expect(() => new StepLR(sgd(), { stepSize: 0 })).toThrow(/stepSize must be a positive integer/);
    expect(() => new LinearLR(sgd(), { startFactor: 0 })).toThrow(/startFactor must be in \(0, 1\]/);
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 0 })).toThrow(/tMax must be positive/);
  });
});

describe('OneCycleLR', () => {
  it('refuses to step past totalSteps', () => {
    const sched = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
    sched.step();
    sched.step();
    sched.step();
    expect(() => sched.step()).toThrow(/tried to step 5 times; the specified number of total steps is 3/);
  });

  it("cycles Adam's beta1, keeping beta2", () => {
    const opt = new Adam([zeros([1], { requiresGrad: true })], { betas: [0.9, 0.98] });
    new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 10 });
    expect(opt.paramGroups[0].betas).toEqual([0.95, 0.98]);
  });

  it('needs a momentum to cycle, or cycleMomentum off', () => {
    const opt = new Adagrad([zeros([1], { requiresGrad: true })]);
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5 })).toThrow(/momentum or betas/);
    const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5, cycleMomentum: false });
    expect(sched.getLastLr()).toBeAllclose([0.1 / 25], { rtol: 1e-15 });
    expect(() => new OneCycleLR(sgd(), { maxLr: 0.1 })).toThrow(/totalSteps or both epochs and stepsPerEpoch/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` epochs without improvement, then cools down', () => {
    const opt = sgd(1);
    const sched = new ReduceLROnPlateau(opt, { patience: 1, cooldown: 1, factor: 0.5 });
    expect(sched.getLastLr()).toEqual([1]);
    const lrs = [1, 1, 1, 1, 1, 1].map((metric) => {
      sched.step(metric);
      return sched.getLastLr()[0];
    });
    // epoch 1 sets best; 2 and 3 are bad (3 > patience: reduce); 4 is cooldown; 5, 6 bad again.
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25]);
  });

  it('accepts a one-element tensor as the metric and honours minLr', () => {
    const opt = sgd(1);
    const sched = new ReduceLROnPlateau(opt, { mode: 'max', patience: 0, minLr: 0.3 });
    sched.step(tensor(0.5));
    sched.step(tensor([0.4]));
    expect(sched.getLastLr()).toEqual([0.3]);
    expect(sched.best).toBe(0.5);
  });

  it('round-trips its state through JSON, Infinity included', () => {
    const sched = new ReduceLROnPlateau(sgd(1), { patience: 3 });
    const state = JSON.parse(JSON.stringify(sched.stateDict()));
    expect(state.best).toBeNull(); // JSON has no Infinity
    const restored = new ReduceLROnPlateau(sgd(1));
    restored.loadStateDict(state);
    expect(restored.best).toBe(Number.POSITIVE_INFINITY);
    expect(restored.patience).toBe(3);
  });

  it('rejects invalid options', () => {
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/factor should be < 1.0/);
    expect(() => new ReduceLROnPlateau(sgd(), { minLr: [0.1, 0.2] })).toThrow(/expected 1 minLrs, got 2/);
  });
});
