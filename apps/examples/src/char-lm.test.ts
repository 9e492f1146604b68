import { describe, expect, it } from 'vitest';
import { run, unigramLossPerChar } from './char-lm';

describe('character-level LSTM language model of English words', () => {
  it('the unigram baseline is the entropy of the character frequencies', () => {
    // Train "ab" (a, b, <eos>): with add-one smoothing over 3 symbols, each has p = 2/6.
    expect(unigramLossPerChar(['ab'], ['ba'])).toBeCloseTo(Math.log(3), 12);
  });

  it('beats the unigram baseline on held-out words and samples new ones', async () => {
    // Reduced size, fixed seed: 1,350 training words, a 64-unit LSTM, 2 epochs.
    const r = await run({ words: 1500, hiddenSize: 64, epochs: 2, samples: 10, seed: 0, progress: 'none' });
    expect(r.unigramValLoss).toBeGreaterThan(2.7); // about 4.2 bits: English letters without context
    expect(r.valLoss).toBeLessThan(r.unigramValLoss - 0.2);
    expect(r.valLossHistory[1]).toBeLessThan(r.valLossHistory[0]);
    expect(r.sampled).toHaveLength(10);
    expect(r.sampled.every((w) => /^[a-z]*$/.test(w))).toBe(true);
    expect(r.novel.length).toBeGreaterThan(0);
  });
});
