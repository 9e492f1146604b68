import { Generator, randn, type Tensor, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import type { LSTMState } from './functional';
import { LSTM } from './rnn';
import { batchIndices, detachState, lengthsToMask, padSequence, padTokens, truncatedBptt } from './sequence';

describe('padding', () => {
  it('padSequence stacks to the longest, time-major by default, and passes gradients back', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([[7, 8]], { requiresGrad: true });
    const tm = padSequence([a, b], { paddingValue: -1 });
    expect(tm.shape).toEqual([3, 2, 2]);
    expect(tm.toArray()).toEqual([
      [
        [1, 2],
        [7, 8],
      ],
      [
        [3, 4],
        [-1, -1],
      ],
      [
        [5, 6],
        [-1, -1],
      ],
    ]);
    const bf = padSequence([a, b], { batchFirst: true });
    expect(bf.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [0, 0],
        [0, 0],
      ],
    ]);
    bf.mul(tensor([2]))
      .sum()
      .backward();
    expect(a.grad?.toArray()).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(b.grad?.toArray()).toEqual([[2, 2]]);
    expect(() => padSequence([a, tensor([1, 2, 3])])).toThrow(/padSequence: sequence 1 has shape \(3\)/);
  });

  it('lengthsToMask and padTokens', () => {
    expect(lengthsToMask([3, 1]).toArray()).toEqual([
      [true, true, true],
      [true, false, false],
    ]);
    expect(lengthsToMask(tensor([2, 1], { dtype: 'int32' }), { batchFirst: false, maxLength: 3 }).toArray()).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    const { tokens, lengths } = padTokens([[5, 6, 7], [8]], { padId: 0 });
    expect(tokens.dtype).toBe('int32');
    expect(tokens.toArray()).toEqual([
      [5, 6, 7],
      [8, 0, 0],
    ]);
    expect(lengths).toEqual([3, 1]);
    expect(padTokens([[1, 2], [3]], { batchFirst: false, padId: 9 }).tokens.toArray()).toEqual([
      [1, 3],
      [2, 9],
    ]);
    expect(() => padTokens([[1, 2, 3]], { maxLength: 2 })).toThrow(/padTokens: sequence 0 has 3 tokens/);
  });
});

describe('batchIndices', () => {
  it('covers every item once, in order or shuffled reproducibly', () => {
    expect(batchIndices(5, { batchSize: 2 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchIndices(5, { batchSize: 2, dropLast: true })).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const s1 = batchIndices(10, { batchSize: 3, shuffle: true, generator: new Generator(1) });
    const s2 = batchIndices(10, { batchSize: 3, shuffle: true, generator: new Generator(1) });
    expect(s1).toEqual(s2);
    expect(s1.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s1.flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('buckets by length so each batch holds similar lengths', () => {
    const lengths = [9, 1, 8, 2, 7, 3];
    const batches = batchIndices(6, { batchSize: 2, sortKeys: lengths, shuffle: true, generator: new Generator(2) });
    const spans = batches.map((b) => b.map((i) => lengths[i]).sort((x, y) => x - y));
    expect(spans.sort((x, y) => x[0] - y[0])).toEqual([
      [1, 2],
      [3, 7],
      [8, 9],
    ]);
  });
});

describe('truncated backpropagation through time', () => {
  it('detachState cuts h (and c) from the graph, keeping the values', () => {
    const h = randn([2, 3], { requiresGrad: true }).mul(2);
    const c = randn([2, 3], { requiresGrad: true }).mul(2);
    const [dh, dc] = detachState([h, c] as LSTMState);
    expect(dh.requiresGrad || dc.requiresGrad).toBe(false);
    expect(dh.data).toBe(h.data);
    expect(detachState(null)).toBe(null);
    expect(detachState(h).isLeaf).toBe(true);
  });

  it('runs the windows in order with the carried state, and no gradient flows past a window', () => {
    const lstm = new LSTM(2, 3, { generator: new Generator(3) });
    const x = randn([7, 2, 2], { generator: new Generator(4) }).requiresGrad_(true);
    const y = randn([7, 2, 3], { generator: new Generator(5) });
    const seen: { start: number; steps: number; carried: boolean }[] = [];
    const before: number[][] = [];
    const final = truncatedBptt<LSTMState>(x, { windowSize: 3, targets: y }, ({ input, target, state, start }) => {
      seen.push({ start, steps: input.shape[0], carried: state !== null });
      if (state !== null) expect(state[0].requiresGrad || state[1].requiresGrad).toBe(false);
      const [out, next] = lstm.forward(input, state);
      before.push(x.grad === null ? new Array(x.size).fill(0) : Array.from(x.grad.data));
      out
        .sub(target as Tensor)
        .pow(2)
        .sum()
        .backward();
      return next;
    });
    expect(seen).toEqual([
      { start: 0, steps: 3, carried: false },
      { start: 3, steps: 3, carried: true },
      { start: 6, steps: 1, carried: true },
    ]);
    expect(final?.[0].shape).toEqual([1, 2, 3]);
    // The backward pass of window 2 (steps 3..5) left the gradient of steps 0..2 untouched.
    const g = Array.from((x.grad as Tensor).data);
    const perStep = 2 * 2;
    expect(g.slice(0, 3 * perStep)).toEqual(before[1].slice(0, 3 * perStep));
    expect(g.slice(0, 6 * perStep)).toEqual(before[2].slice(0, 6 * perStep));
    expect(g.slice(3 * perStep, 6 * perStep).some((v) => v !== 0)).toBe(true);
  });

  it('without detaching, the same loop would reach back into the first window', () => {
    const lstm = new LSTM(2, 3, { generator: new Generator(3) });
    const x = randn([6, 2, 2], { generator: new Generator(4) }).requiresGrad_(true);
    const [, s1] = lstm.forward(x.narrow(0, 0, 3));
    const [out2] = lstm.forward(x.narrow(0, 3, 3), s1);
    out2.sum().backward();
    expect(Array.from((x.grad as Tensor).data.subarray(0, 12)).some((v) => v !== 0)).toBe(true);
  });
});
