import { arange, Generator, manualSeed, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { DataLoader, defaultCollate } from './dataloader';
import { Dataset, Subset, TensorDataset } from './dataset';

/** Items 0..n-1 as plain numbers, counting the calls to `get`. */
class Range extends Dataset<number> {
  gets = 0;
  constructor(readonly length: number) {
    super();
  }
  get(i: number): number {
    this.gets++;
    return i;
  }
}

const flat = (batches: Iterable<Int32Array>) => [...batches].map((b) => Array.from(b));

describe('DataLoader: batching', () => {
  it('makes batches of batchSize, the last one smaller', () => {
    const loader = new DataLoader(new Range(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b.toArray())).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[0].dtype).toBe('int32');
  });

  it('drops the last, smaller batch with dropLast', () => {
    const loader = new DataLoader(new Range(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map((b) => b.size)).toEqual([4, 4]);
    expect(new DataLoader(new Range(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(new Range(3), { batchSize: 4, dropLast: true }).length).toBe(0);
  });

  it('defaults to batches of one, and handles an empty dataset', () => {
    expect(new DataLoader(new Range(3)).length).toBe(3);
    expect([...new DataLoader(new Range(0), { batchSize: 2 })]).toEqual([]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => new DataLoader(new Range(3), { batchSize })).toThrow(/batchSize must be a positive integer/);
    }
  });
});

describe('DataLoader: shuffling', () => {
  it('visits every index exactly once per epoch, in a new order each epoch', () => {
    const loader = new DataLoader(new Range(23), { batchSize: 5, shuffle: true, generator: new Generator(1) });
    const epochs = [0, 1, 2].map(() => [...loader].flatMap((b) => Array.from(b.data)));
    for (const e of epochs) expect(e.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[1]).not.toEqual(epochs[2]);
    expect(epochs[0]).not.toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('with dropLast, each epoch still draws from a full permutation', () => {
    const loader = new DataLoader(new Range(10), {
      batchSize: 3,
      shuffle: true,
      dropLast: true,
      generator: new Generator(2),
    });
    const seen = [...loader].flatMap((b) => Array.from(b.data));
    expect(seen.length).toBe(9);
    expect(new Set(seen).size).toBe(9);
  });

  it('the same seed gives the same orders', () => {
    const order = (seed: number) =>
      new DataLoader(new Range(30), { batchSize: 7, shuffle: true, generator: new Generator(seed) });
    const a = order(42);
    const b = order(42);
    for (let epoch = 0; epoch < 3; epoch++) expect(flat(a.batchIndices())).toEqual(flat(b.batchIndices()));
    expect(flat(order(42).batchIndices())).not.toEqual(flat(order(43).batchIndices()));
  });

  it("saving and restoring the generator's state replays an epoch", () => {
    const generator = new Generator(5);
    const loader = new DataLoader(new Range(40), { batchSize: 8, shuffle: true, generator });
    [...loader]; // epoch 0
    const state = generator.getState();
    const epoch1 = [...loader].map((b) => Array.from(b.data));
    const epoch2 = [...loader].map((b) => Array.from(b.data));
    generator.setState(state);
    expect([...loader].map((b) => Array.from(b.data))).toEqual(epoch1);
    // A fresh loader on a restored generator (a resumed run) continues the same way.
    const resumed = new DataLoader(new Range(40), {
      batchSize: 8,
      shuffle: true,
      generator: new Generator(0).setState(state),
    });
    expect([...resumed].map((b) => Array.from(b.data))).toEqual(epoch1);
    expect([...resumed].map((b) => Array.from(b.data))).toEqual(epoch2);
  });

  it('draws the permutation when iteration begins, not when the loader is made', () => {
    const generator = new Generator(9);
    const loader = new DataLoader(new Range(10), { batchSize: 10, shuffle: true, generator });
    const before = generator.getState();
    const it = loader[Symbol.iterator]();
    expect(generator.getState()).toEqual(before);
    it.next();
    expect(generator.getState()).not.toEqual(before);
  });

  it('uses the default generator, seeded by manualSeed, when given none', () => {
    manualSeed(3);
    const a = [...new DataLoader(new Range(20), { batchSize: 20, shuffle: true })][0].toArray();
    manualSeed(3);
    const b = [...new DataLoader(new Range(20), { batchSize: 20, shuffle: true })][0].toArray();
    expect(a).toEqual(b);
  });

  it('does not touch the generator without shuffle', () => {
    const generator = new Generator(9);
    const before = generator.getState();
    [...new DataLoader(new Range(10), { batchSize: 3, generator })];
    expect(generator.getState()).toEqual(before);
  });
});

describe('DataLoader: collate', () => {
  it('stacks tuples position by position', () => {
    class Pairs extends Dataset<[Tensor, number]> {
      readonly length = 5;
      get(i: number): [Tensor, number] {
        return [tensor([i, 2 * i]), i % 2];
      }
    }
    const [x, y] = [...new DataLoader(new Pairs(), { batchSize: 3 })][0];
    expect(x.shape).toEqual([3, 2]);
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([
      [0, 0],
      [1, 2],
      [2, 4],
    ]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([0, 1, 0]);
  });

  it('collates objects key by key, recursively', () => {
    class Records extends Dataset<{
      image: Tensor;
      meta: { label: number; weight: number; name: string; ok: boolean };
    }> {
      readonly length = 2;
      get(i: number) {
        return { image: tensor([[i]]), meta: { label: i, weight: i + 0.5, name: `n${i}`, ok: i === 0 } };
      }
    }
    const batch = [...new DataLoader(new Records(), { batchSize: 2 })][0];
    expect(batch.image.shape).toEqual([2, 1, 1]);
    expect(batch.meta.label.dtype).toBe('int32');
    expect(batch.meta.weight.dtype).toBe('float32');
    expect(batch.meta.weight.toArray()).toEqual([0.5, 1.5]);
    expect(batch.meta.name).toEqual(['n0', 'n1']);
    expect(batch.meta.ok.dtype).toBe('bool');
    expect(batch.meta.ok.toArray()).toEqual([true, false]);
  });

  it('uses a custom collate when given one', () => {
    const loader = new DataLoader(new Range(5), { batchSize: 2, collate: (items) => items.join('+') });
    expect([...loader]).toEqual(['0+1', '2+3', '4']);
  });

  it('defaultCollate names the position of a mismatch', () => {
    expect(() =>
      defaultCollate([
        [tensor([1]), 1],
        [tensor([1, 2]), 2],
      ]),
    ).toThrow(/tensors at \[0\] must all have one shape to be stacked: item 0 is \(1\), item 1 is \(2\)/);
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }])).toThrow(/same keys: item 0 has \{a\}, item 1 has \{b\}/);
    expect(() => defaultCollate([{ a: { b: 1 } }, { a: { b: 'x' } }])).toThrow(
      /item 0 at \.a\.b is a number but item 1 is a string/,
    );
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/an array of length 2 but item 1 is an array of length 1/);
    expect(() => defaultCollate([null])).toThrow(/cannot collate null/);
    expect(() => defaultCollate([])).toThrow(TensorError);
  });
});

describe('DataLoader: TensorDataset fast path', () => {
  const x = arange(20, undefined, 1, { dtype: 'float32' }).reshape(10, 2);
  const y = arange(10);

  it('gives the same batches as reading and stacking rows', () => {
    const ds = new TensorDataset(x, y);
    const opts = { batchSize: 4, shuffle: true };
    const fast = [...new DataLoader(ds, { ...opts, generator: new Generator(3) })];
    const slow = [...new DataLoader(ds, { ...opts, generator: new Generator(3), collate: defaultCollate })];
    expect(fast.length).toBe(3);
    fast.forEach(([xb, yb], i) => {
      expect(xb.shape).toEqual(slow[i][0].shape);
      expect(xb.toArray()).toEqual(slow[i][0].toArray());
      expect(yb.dtype).toBe('int32');
      expect(yb.toArray()).toEqual(slow[i][1].toArray());
    });
  });

  it('gathers each batch without reading rows one by one', () => {
    const ds = new TensorDataset(x, y);
    ds.get = () => {
      throw new Error('get() should not be called');
    };
    const [xb] = [...new DataLoader(ds, { batchSize: 10 })][0];
    expect(xb.shape).toEqual([10, 2]);
  });

  it('also for a Subset of a TensorDataset', () => {
    const sub = new Subset(new TensorDataset(x, y), [9, 8, 7]);
    const [[xb, yb]] = [...new DataLoader(sub, { batchSize: 3 })] as [Tensor, Tensor][];
    expect(yb.toArray()).toEqual([9, 8, 7]);
    expect(xb.toArray()).toEqual([
      [18, 19],
      [16, 17],
      [14, 15],
    ]);
  });
});

describe('DataLoader: async iteration', () => {
  it('gives the same batches as sync iteration', async () => {
    const loader = new DataLoader(new Range(7), { batchSize: 3 });
    const out: unknown[] = [];
    for await (const b of loader) out.push(b.toArray());
    expect(out).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('hands the event loop a turn before every batch', async () => {
    const loader = new DataLoader(new Range(4), { batchSize: 1 });
    const seen: number[] = [];
    let ticks = 0;
    let done = false;
    // Another task that keeps rescheduling itself, like a browser's rendering or input handling.
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    for await (const _ of loader) seen.push(ticks);
    done = true;
    // A loop that never gave the event loop a turn would see 0 ticks throughout; one that does so before
    // every batch lets the task run before the first batch and again between any two.
    expect(seen.length).toBe(4);
    expect(seen[0]).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('falls back to a MessageChannel message, then setTimeout, where setImmediate is missing', async () => {
    const g = globalThis as { setImmediate?: unknown; MessageChannel?: unknown };
    const saved = { setImmediate: g.setImmediate, MessageChannel: g.MessageChannel };
    try {
      g.setImmediate = undefined;
      let n = 0;
      for await (const _ of new DataLoader(new Range(3))) n++;
      g.MessageChannel = undefined;
      for await (const _ of new DataLoader(new Range(3))) n++;
      expect(n).toBe(6);
    } finally {
      g.setImmediate = saved.setImmediate;
      g.MessageChannel = saved.MessageChannel;
    }
  });

  it('uses scheduler.yield where the environment has it', async () => {
    const g = globalThis as { scheduler?: unknown };
    const saved = g.scheduler;
    let calls = 0;
    g.scheduler = {
      yield: () => {
        calls++;
        return Promise.resolve();
      },
    };
    try {
      let n = 0;
      for await (const _ of new DataLoader(new Range(5), { batchSize: 2 })) n++;
      expect(n).toBe(3);
      expect(calls).toBe(3);
    } finally {
      g.scheduler = saved;
    }
  });
});
