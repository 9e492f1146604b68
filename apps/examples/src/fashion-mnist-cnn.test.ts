import { describe, expect, it } from 'vitest';
import { run } from './fashion-mnist-cnn';

describe('exercise 6-3: Fashion-MNIST CNN with early stopping and checkpoints', () => {
  it('learns, stops early or finishes, and the reloaded checkpoint predicts identically', async () => {
    // Reduced size, fixed seed: 1,500 training images, 3 epochs at most.
    const r = await run({ train: 1500, val: 500, test: 1000, epochs: 3, patience: 1, seed: 0, progress: 'none' });
    expect(r.testAccuracy).toBeGreaterThan(0.7);
    expect(r.identical).toBe(true);
    expect(r.bestPath).toMatch(/cnn-epoch\d\d-\d\.\d{4}\.safetensors$/);
    expect(r.epochsRun).toBeGreaterThanOrEqual(1);
  });
});
