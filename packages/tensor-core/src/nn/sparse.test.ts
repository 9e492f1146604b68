import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '../index';
import { Embedding } from './sparse';

const idx = (v: number[][] | number[]) => tensor(v, { dtype: 'int32' });

describe('Embedding', () => {
  it('looks rows up for indices of any shape', () => {
    const emb = new Embedding(10, 3, { generator: new Generator(0) });
    const y = emb.forward(
      idx([
        [1, 2, 4],
        [4, 3, 9],
      ]),
    );
    expect(y.shape).toEqual([2, 3, 3]);
    expect(y.select(0, 0).select(0, 2)).toBeAllclose(emb.weight.select(0, 4)); // y[0][2] = weight[4]
  });

  it('draws N(0, 1)', () => {
    const emb = new Embedding(200, 50, { generator: new Generator(1) });
    const d = Array.from(emb.weight.data);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('starts the padding row at zero and gives it no gradient', () => {
    const emb = new Embedding(5, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(4);
    expect(emb.weight.select(0, 4)).toBeAllclose([0, 0]);
    emb
      .forward(idx([4, 1, 4]))
      .sum()
      .backward();
    expect(emb.weight.grad!.select(0, 4)).toBeAllclose([0, 0]);
    expect(emb.weight.grad!.select(0, 1)).toBeAllclose([1, 1]);
    expect(emb.toString()).toBe('Embedding(5, 2, padding_idx=4)');
    expect(() => new Embedding(5, 2, { paddingIdx: 5 })).toThrow(/must be within numEmbeddings 5/);
  });

  it('fromPretrained shares the table and freezes it unless told otherwise', () => {
    const table = tensor([
      [1, 2.3, 3],
      [4, 5.1, 6.3],
    ]);
    const emb = Embedding.fromPretrained(table);
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb.weight.data).toBe(table.data);
    expect(emb.forward(idx([1]))).toBeAllclose([[4, 5.1, 6.3]]);
    expect(Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(Embedding.fromPretrained(table, { paddingIdx: 0 }).weight.select(0, 0)).toBeAllclose([1, 2.3, 3]);
  });
});
