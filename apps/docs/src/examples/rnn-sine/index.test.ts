import { expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

it("fits the contract the page's training worker loads examples by", () => {
  const contract: TrainingExampleModule<example.SineParams> = example; // checked by the compiler
  expect(contract.defaults.seed).toBeTypeOf('number');
});

it('learns to predict the next value of the wave (reduced size)', () => {
  const trainer = example.setup({ ...example.defaults, sequences: 8, length: 20, hidden: 8, steps: 80 });
  const losses: number[] = [];
  let done = false;
  while (!done) {
    const r = trainer.step();
    losses.push(r.metrics.loss);
    done = r.done ?? false;
  }
  expect(losses).toHaveLength(80);
  expect(Math.min(...losses.slice(-10))).toBeLessThan(0.3 * losses[0]);
});
