import { expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

const module: TrainingExampleModule<example.SineParams> = example;

it('learns to predict the next value of the wave (reduced size)', () => {
  const trainer = module.setup({ ...example.defaults, sequences: 8, length: 20, hidden: 8, steps: 80 });
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
