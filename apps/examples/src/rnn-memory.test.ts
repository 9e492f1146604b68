import { describe, expect, it } from 'vitest';
import { run } from './rnn-memory';

describe('exercise 6-1(b): memory, the running parity of a bit stream', () => {
  it('the sigmoid RNN gets it right where the MLP on the current bit stays at chance', async () => {
    // Reduced size, fixed seed: 2,000 training streams of 12 bits, 20 epochs (with seed 0 the RNN reaches 100%
    // after about 12 epochs; the rest is margin).
    const r = await run({ train: 2000, test: 300, length: 12, epochs: 20, seed: 0, progress: 'none' });
    // The MLP cannot beat 1/2 + 1/(2T) in expectation; allow sampling noise on 300 held-out streams.
    expect(Math.abs(r.mlp.stepAccuracy - r.chance)).toBeLessThan(0.04);
    expect(Math.abs(r.mlp.finalAccuracy - 0.5)).toBeLessThan(0.1);
    expect(r.rnn.stepAccuracy).toBeGreaterThan(0.95);
    expect(r.rnn.finalAccuracy).toBeGreaterThan(r.mlp.finalAccuracy + 0.3);
  });
});
