import { Generator, noGrad, randint, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { Adam } from '@tensorloom/training-utils';
import { describe, expect, it } from 'vitest';
import { beamSearch, DecoderRNN, EncoderRNN, greedySearch, Seq2Seq, sampleSearch } from './seq2seq';
import { padTokens } from './sequence';

const f64 = { dtype: 'float64' as const };
const [PAD, SOS, EOS, A, B] = [0, 1, 2, 3, 4];
const V = 5;

/** P(next | previous word): from <sos> a 0.6, b 0.4; after a: <eos> 0.4, a 0.3, b 0.3; after b: <eos> 0.9. */
const TABLE: Record<number, Record<number, number>> = {
  [PAD]: { [EOS]: 1 },
  [SOS]: { [A]: 0.6, [B]: 0.4 },
  [EOS]: { [EOS]: 1 },
  [A]: { [EOS]: 0.4, [A]: 0.3, [B]: 0.3 },
  [B]: { [EOS]: 0.9, [A]: 0.05, [B]: 0.05 },
};
const logP = (prev: number, next: number) => Math.log(TABLE[prev][next] ?? 1e-12);

/**
 * A decoder set by hand to follow TABLE exactly: one-hot embeddings; input gate and output gate open (σ(20)),
 * forget gate shut (σ(-20)), candidate g = tanh(20·onehot) ≈ onehot, no recurrent weights — so h_t ≈
 * tanh(1)·onehot(previous word) whatever the encoder vector — and an output layer holding log P / tanh(1).
 */
function markovDecoder(): DecoderRNN {
  const d = new DecoderRNN(V, V, V, f64);
  noGrad(() => {
    d.embedding.weight.copy_(
      tensor(Array.from({ length: V }, (_, i) => Array.from({ length: V }, (_, j) => +(i === j)))),
    );
    const wIh = new Float64Array(4 * V * V);
    const bIh = new Float64Array(4 * V);
    for (let k = 0; k < V; k++) {
      bIh[k] = 20; // i
      bIh[V + k] = -20; // f
      wIh[(2 * V + k) * V + k] = 20; // g
      bIh[3 * V + k] = 20; // o
    }
    d.lstm.weight_ih_l0.copy_(tensor(wIh).reshape([4 * V, V]));
    d.lstm.weight_hh_l0.zero_();
    d.lstm.bias_ih_l0?.copy_(tensor(bIh));
    d.lstm.bias_hh_l0?.zero_();
    const out = new Float64Array(V * V);
    for (let next = 0; next < V; next++)
      for (let prev = 0; prev < V; prev++) out[next * V + prev] = logP(prev, next) / Math.tanh(1);
    d.out.weight.copy_(tensor(out).reshape([V, V]));
    d.out.bias?.zero_();
  });
  return d;
}

function markovModel(): Seq2Seq {
  const encoder = new EncoderRNN(6, 4, V, { generator: new Generator(1), ...f64 });
  return new Seq2Seq(encoder, markovDecoder(), { sosId: SOS, eosId: EOS, padId: PAD });
}

const src = tensor(
  [
    [1, 4, 5],
    [2, 3, 0],
  ],
  { dtype: 'int32' },
);

describe('decoding a hand-set model with known answers', () => {
  it('greedy decoding takes a (0.6), then <eos> (0.4): score log 0.24', () => {
    const [r1, r2] = markovModel().greedyDecode(src, { srcLengths: [3, 2], maxLength: 10 });
    for (const r of [r1, r2]) {
      expect(r.tokens).toEqual([A]);
      expect(r.finished).toBe(true);
      expect(r.score).toBeCloseTo(Math.log(0.24), 6);
    }
  });

  it('beam search with width 2 finds b, <eos> (0.4 · 0.9 = 0.36), which greedy misses', () => {
    const [best] = markovModel().beamSearch(src.narrow(0, 0, 1), { beamWidth: 2, maxLength: 10 });
    expect(best.tokens).toEqual([B]);
    expect(best.finished).toBe(true);
    expect(best.score).toBeCloseTo(Math.log(0.36), 6);
  });

  it('beam width 1 is greedy search', () => {
    const m = markovModel();
    const greedy = m.greedyDecode(src, { maxLength: 10 });
    const beam = m.beamSearch(src, { beamWidth: 1, maxLength: 10 });
    expect(beam.map((r) => r.tokens)).toEqual(greedy.map((r) => r.tokens));
    beam.forEach((r, i) => {
      expect(r.score).toBeCloseTo(greedy[i].score, 10);
    });
  });

  it('maxLength cuts a sequence off unfinished', () => {
    const [r] = markovModel().greedyDecode(src.narrow(0, 0, 1), { maxLength: 1 });
    expect(r).toMatchObject({ tokens: [A], finished: false });
    expect(r.score).toBeCloseTo(Math.log(0.6), 6);
  });

  it('the generic searches run any step function; hypotheses come best first', () => {
    // The same Markov chain as a step function over a dummy state (L=1, N, 1).
    const step = (tokens: Tensor, state: Tensor): [Tensor, Tensor] => {
      const rows = Array.from(tokens.data, (prev) => Array.from({ length: V }, (_, v) => logP(prev, v)));
      return [tensor(rows, f64), state];
    };
    const state = tensor([[[0]]], f64);
    const hyps = beamSearch(step, state, { sosId: SOS, eosId: EOS, beamWidth: 3, maxLength: 5 });
    expect(hyps[0].tokens).toEqual([B]);
    expect(hyps.slice(0, 2).map((h) => h.tokens)).toEqual([[B], [A]]);
    expect(hyps.every((h, i) => i === 0 || h.score <= hyps[i - 1].score || !h.finished)).toBe(true);
    expect(greedySearch(step, state, 1, { sosId: SOS, eosId: EOS, maxLength: 5 })[0].tokens).toEqual([A]);
    expect(() => beamSearch(step, state, { sosId: SOS, eosId: EOS, beamWidth: 0, maxLength: 5 })).toThrow(
      /beamSearch: beamWidth must be a positive integer/,
    );
  });
});

describe('sampling', () => {
  // The Markov chain of TABLE as a step function over a dummy state, starting from none.
  const step = (tokens: Tensor, state: Tensor | null): [Tensor, Tensor | null] => {
    const rows = Array.from(tokens.data, (prev) => Array.from({ length: V }, (_, v) => logP(prev, v)));
    return [tensor(rows, f64), state];
  };
  const opts = { sosId: SOS, eosId: EOS, maxLength: 6 };

  it('draws from the model: first word a ≈ 60%, the sequence "b" ≈ 36%', () => {
    const n = 4000;
    const r = sampleSearch(step, null, n, { ...opts, generator: new Generator(5) });
    const firstA = r.filter((s) => s.tokens[0] === A).length / n;
    const justB = r.filter((s) => s.finished && s.tokens.length === 1 && s.tokens[0] === B).length / n;
    expect(Math.abs(firstA - 0.6)).toBeLessThan(0.03);
    expect(Math.abs(justB - 0.36)).toBeLessThan(0.03);
    const one = r.find((s) => s.finished && s.tokens.join() === `${A}`);
    expect(one?.score).toBeCloseTo(Math.log(0.24), 6); // log-probability under the model
  });

  it('is reproducible with a generator, and greedy at a tiny temperature or with topK 1', () => {
    const a = sampleSearch(step, null, 50, { ...opts, generator: new Generator(6) });
    const b = sampleSearch(step, null, 50, { ...opts, generator: new Generator(6) });
    expect(a).toEqual(b);
    const greedy = greedySearch(step, null, 1, opts)[0].tokens;
    for (const extra of [{ temperature: 1e-3 }, { topK: 1 }]) {
      const r = sampleSearch(step, null, 20, { ...opts, ...extra, generator: new Generator(7) });
      expect(r.every((s) => s.tokens.join() === greedy.join())).toBe(true);
    }
    expect(() => sampleSearch(step, null, 1, { ...opts, temperature: 0 })).toThrow(/temperature must be positive/);
  });
});

describe('teacher forcing', () => {
  function randomModel(): Seq2Seq {
    const g = new Generator(7);
    return new Seq2Seq(
      new EncoderRNN(6, 4, 8, { numLayers: 2, generator: g, paddingIdx: 0, ...f64 }),
      new DecoderRNN(7, 5, 8, { numLayers: 2, generator: g, paddingIdx: 0, ...f64 }),
      { sosId: 1, eosId: 2, padId: 0 },
    );
  }
  const tgt = tensor(
    [
      [3, 4, 5, 2],
      [6, 2, 0, 0],
    ],
    { dtype: 'int32' },
  );

  it('ratio 1 feeds the true previous words: one pass equals the step-by-step decoder', () => {
    const m = randomModel();
    const logits = m.forward(src, tgt, { srcLengths: [3, 2] }); // (B, T, V)
    expect(logits.shape).toEqual([2, 4, 7]);
    let state = m.encode(src, [3, 2]);
    let prev = tensor([1, 1], { dtype: 'int32' });
    for (let t = 0; t < 4; t++) {
      const out = m.decoder.step(prev, state);
      expect(logits.select(1, t)).toBeAllclose(out.logits, { rtol: 1e-10, atol: 1e-12 });
      state = out.state;
      prev = tgt.select(1, t);
    }
  });

  it('ratio 0 feeds the model its own previous word: the greedy path', () => {
    const m = randomModel();
    const logits = m.forward(src, tgt, { teacherForcingRatio: 0 });
    const greedy = m.greedyDecode(src, { maxLength: 4 });
    const chosen = logits.argmax(2).toArray() as number[][];
    greedy.forEach((r, b) => {
      const upToEos = r.finished ? [...r.tokens, 2] : r.tokens;
      expect(chosen[b].slice(0, upToEos.length)).toEqual(upToEos);
    });
    expect(logits).not.toBeAllclose(m.forward(src, tgt), { rtol: 1e-3 });
  });

  it('a ratio in between draws per step from the generator, reproducibly, and trains', () => {
    const m = randomModel();
    const a = m.forward(src, tgt, { teacherForcingRatio: 0.5, generator: new Generator(3) });
    const b = m.forward(src, tgt, { teacherForcingRatio: 0.5, generator: new Generator(3) });
    expect(a).toBeAllclose(b, { rtol: 0, atol: 0 });
    m.loss(src, tgt, { teacherForcingRatio: 0.5, generator: new Generator(3) }).backward();
    for (const [name, p] of m.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('the loss is the mean cross-entropy over non-pad target words', () => {
    const m = randomModel();
    const logits = m.forward(src, tgt);
    const lp = logits.logSoftmax(2);
    let sum = 0;
    let n = 0;
    (tgt.toArray() as number[][]).forEach((row, b) => {
      row.forEach((w, t) => {
        if (w === 0) return;
        sum -= lp.data[(b * 4 + t) * 7 + w];
        n++;
      });
    });
    expect(m.loss(src, tgt).item()).toBeCloseTo(sum / n, 10);
  });

  it('names its parameters like a PyTorch seq2seq model and rejects mismatched halves', () => {
    const keys = [...randomModel().stateDict().keys()];
    expect(keys).toContain('encoder.embedding.weight');
    expect(keys).toContain('encoder.lstm.weight_hh_l1');
    expect(keys).toContain('decoder.out.bias');
    expect(() => new Seq2Seq(new EncoderRNN(5, 4, 8), new DecoderRNN(5, 4, 6), { sosId: 1, eosId: 2 })).toThrow(
      TensorError,
    );
  });

  it('learns to copy short sequences (an end-to-end gradient check)', () => {
    const g = new Generator(11);
    const m = new Seq2Seq(
      new EncoderRNN(6, 8, 24, { generator: g, paddingIdx: 0 }),
      new DecoderRNN(6, 8, 24, { generator: g, paddingIdx: 0 }),
      { sosId: 1, eosId: 2 },
    );
    const seqs = Array.from({ length: 16 }, () => Array.from(randint(3, 6, [3], { generator: g }).data, Number));
    const srcB = padTokens(seqs);
    const tgtB = padTokens(seqs.map((s) => [...s, 2]));
    const opt = new Adam(m.parameters(), { lr: 0.03 });
    const first = m.loss(srcB.tokens, tgtB.tokens).item();
    let last = first;
    for (let step = 0; step < 40; step++) {
      const loss = m.loss(srcB.tokens, tgtB.tokens, { srcLengths: srcB.lengths });
      opt.zeroGrad();
      loss.backward();
      opt.step();
      last = loss.item();
    }
    expect(last).toBeLessThan(first / 3);
  });
});
