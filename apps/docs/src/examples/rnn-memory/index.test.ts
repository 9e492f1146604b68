import { expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

it("fits the contract the page's training worker loads examples by", () => {
  const contract: TrainingExampleModule<example.MemoryParams> = example; // checked by the compiler
  expect(contract.defaults.seed).toBeTypeOf('number');
});

it('the RNN learns the running parity while the MLP stays at chance (reduced size)', () => {
  const length = 8;
  const trainer = example.setup({ ...example.defaults, length, steps: 500 });
  const rnnLosses: number[] = [];
  const mlpLosses: number[] = [];
  let done = false;
  while (!done) {
    const r = trainer.step();
    rnnLosses.push(r.metrics.rnn_loss);
    mlpLosses.push(r.metrics.mlp_loss);
    expect(r.summary).toMatch(/^accuracy on this batch: RNN [\d.]+%, MLP [\d.]+%$/);
    done = r.done ?? false;
  }
  expect(rnnLosses).toHaveLength(500);
  expect(Math.max(...rnnLosses.slice(-20))).toBeLessThan(0.2 * rnnLosses[0]);
  expect(Math.min(...mlpLosses.slice(-20))).toBeGreaterThan(0.6); // ln 2 ≈ 0.69: guessing

  const held = trainer.evaluate(500, length); // held-out streams
  expect(held.rnn).toBeGreaterThan(0.9);
  const chance = 0.5 + 0.5 / length; // right at step 1 (the parity is the bit), a coin flip after
  expect(Math.abs(held.mlp - chance)).toBeLessThan(0.05);
});
