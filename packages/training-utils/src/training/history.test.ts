import { describe, expect, it } from 'vitest';
import type { Logs } from './callback';
import { History, logsToCsv } from './history';
import { LambdaCallback } from './lambda-callback';

describe('History', () => {
  const epochs: Logs[] = [
    { loss: 0.5, val_loss: 0.6 },
    { loss: 0.4, val_loss: 0.55, acc: 0.9 },
  ];

  it('gives one value per epoch for a key, NaN where an epoch did not log it', () => {
    const h = new History({ epochs, epoch: [3, 4] });
    expect(h.get('loss')).toEqual([0.5, 0.4]);
    expect(h.get('acc')).toEqual([Number.NaN, 0.9]);
    expect(h.keys()).toEqual(['loss', 'val_loss', 'acc']);
    expect(h.last).toBe(epochs[1]);
    expect(h.epoch).toEqual([3, 4]);
    expect(h.stopReason).toBe('completed');
  });

  it('serialises to plain data', () => {
    const h = new History({ epochs, stopReason: 'stopped', stopMessage: 'why', stoppedEpoch: 1, globalStep: 10 });
    expect(JSON.parse(JSON.stringify(h))).toEqual({
      epochs,
      epoch: [0, 1],
      stoppedEpoch: 1,
      stopReason: 'stopped',
      stopMessage: 'why',
      globalStep: 10,
    });
  });
});

describe('logsToCsv', () => {
  it('writes a header of every key and one row per epoch', () => {
    expect(
      logsToCsv([
        { loss: 0.5, val_loss: 0.6 },
        { loss: 0.4, val_loss: 0.55 },
      ]),
    ).toBe('epoch,loss,val_loss\n0,0.5,0.6\n1,0.4,0.55\n');
  });

  it('leaves missing values empty, writes NaN, uses the history epoch numbers and a separator', () => {
    const h = new History({ epochs: [{ loss: Number.NaN }, { loss: 1, acc: 0.5 }], epoch: [7, 8] });
    expect(logsToCsv(h)).toBe('epoch,loss,acc\n7,NaN,\n8,1,0.5\n');
    expect(logsToCsv(h, { separator: ';' })).toBe('epoch;loss;acc\n7;NaN;\n8;1;0.5\n');
  });

  it('quotes a key that contains the separator', () => {
    expect(logsToCsv([{ 'a,b': 1 }])).toBe('epoch,"a,b"\n0,1\n');
  });

  it('writes just the header for no epochs', () => {
    expect(logsToCsv([])).toBe('epoch\n');
  });
});

describe('LambdaCallback', () => {
  it('has exactly the hooks it was given', async () => {
    const seen: number[] = [];
    const cb = new LambdaCallback({ onEpochEnd: (epoch) => void seen.push(epoch), stateDict: () => ({ n: 1 }) });
    expect('onEpochEnd' in cb).toBe(true);
    expect('onBatchEnd' in cb).toBe(false);
    await cb.onEpochEnd?.(3, {}, null as never);
    expect(seen).toEqual([3]);
    expect(cb.stateDict?.()).toEqual({ n: 1 });
    expect(cb.key).toBe('LambdaCallback');
    expect(new LambdaCallback({ key: 'lr-logger' }).key).toBe('lr-logger');
  });
});
