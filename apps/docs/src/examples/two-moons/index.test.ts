import { Generator } from '@tensorloom/tensor-core';
import { expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

it("fits the contract the page's training worker loads examples by", () => {
  const contract: TrainingExampleModule<example.TwoMoonsParams> = example; // checked by the compiler
  expect(contract.defaults.seed).toBeTypeOf('number');
});

/** A reduced run: fewer points and steps than the page uses. */
const small = { ...example.defaults, points: 64, steps: 150 };

function train(params: example.TwoMoonsParams) {
  const trainer = example.setup(params);
  const losses: number[] = [];
  let last = trainer.step();
  losses.push(last.metrics.loss);
  while (!last.done) {
    last = trainer.step();
    losses.push(last.metrics.loss);
  }
  return { losses, summary: last.summary };
}

it('lowers the loss and stops after its step budget', () => {
  const { losses, summary } = train(small);
  expect(losses).toHaveLength(small.steps);
  expect(losses.at(-1)).toBeLessThan(0.6 * losses[0]);
  expect(summary).toMatch(/^training accuracy \d+(\.\d)?%$/);
});

it('is reproducible for one seed and differs for another', () => {
  const a = train({ ...small, steps: 5 }).losses;
  const b = train({ ...small, steps: 5 }).losses;
  const c = train({ ...small, steps: 5, seed: 2 }).losses;
  expect(b).toEqual(a);
  expect(c).not.toEqual(a);
});

it('makes two balanced moons', () => {
  const { x, y } = example.twoMoons(100, 0.1, new Generator(3));
  expect(x.shape).toEqual([100, 2]);
  expect(y.shape).toEqual([100, 1]);
  expect(y.sum().item()).toBe(50);
});
