import { zeros } from '@tensorloom/tensor-core';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from '@tensorloom/training-utils';
import { describe, expect, it } from 'vitest';
import { loadJsonFixture } from './helpers';

/** One scheduler run recorded by generate.py. */
interface SchedulerCase {
  name: string;
  scheduler: string;
  optimizer: 'SGD' | 'Adam';
  baseLrs: number[];
  // biome-ignore lint/suspicious/noExplicitAny: each scheduler reads its own options
  options: any;
  steps: number;
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][];
}

type AnyScheduler = { step(metric?: number): void; getLastLr(): number[] };
// biome-ignore lint/suspicious/noExplicitAny: options come from JSON
const SCHEDULERS: Record<string, (opt: Optimizer<object>, options: any) => AnyScheduler> = {
  StepLR: (o, x) => new StepLR(o, x),
  MultiStepLR: (o, x) => new MultiStepLR(o, x),
  ExponentialLR: (o, x) => new ExponentialLR(o, x),
  CosineAnnealingLR: (o, x) => new CosineAnnealingLR(o, x),
  OneCycleLR: (o, x) => new OneCycleLR(o, x),
  LinearLR: (o, x) => new LinearLR(o, x),
  ReduceLROnPlateau: (o, x) => new ReduceLROnPlateau(o, x) as AnyScheduler,
};

const { cases } = loadJsonFixture<{ cases: SchedulerCase[] }>('schedulers.json');

function momentumOf(group: Record<string, unknown>): number {
  return 'betas' in group ? (group.betas as number[])[0] : (group.momentum as number);
}

describe('learning-rate schedulers match PyTorch 1.13 after every step', () => {
  it('has a fixture for every scheduler', () => {
    expect(new Set(cases.map((c) => c.scheduler))).toEqual(new Set(Object.keys(SCHEDULERS)));
  });

  for (const c of cases) {
    it(c.name, () => {
      const groups = c.baseLrs.map((lr, i) => ({ params: [zeros([i + 2], { requiresGrad: true })], lr }));
      const opt = c.optimizer === 'SGD' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : new Adam(groups);
      const sched = SCHEDULERS[c.scheduler](opt, c.options);
      const tol = { rtol: 1e-12, atol: 1e-15 };
      const lrs = () => opt.paramGroups.map((g) => g.lr);
      const momenta = () => opt.paramGroups.map((g) => momentumOf(g));
      expect(lrs(), 'after construction').toBeAllclose(c.lrs[0], tol);
      expect(momenta(), 'momentum after construction').toBeAllclose(c.momenta[0], tol);
      for (let k = 0; k < c.steps; k++) {
        opt.step();
        sched.step(c.metrics?.[k]);
        expect(lrs(), `lr after step ${k + 1}`).toBeAllclose(c.lrs[k + 1], tol);
        expect(sched.getLastLr(), `getLastLr after step ${k + 1}`).toBeAllclose(c.lrs[k + 1], tol);
        expect(momenta(), `momentum after step ${k + 1}`).toBeAllclose(c.momenta[k + 1], tol);
      }
    });
  }
});
