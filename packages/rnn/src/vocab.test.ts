import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from './vocab';

describe('Vocabulary', () => {
  it('puts the specials first and the tokens by frequency, ties in order of appearance', () => {
    const v = Vocabulary.fromTexts(['abca', 'cb'], { level: 'char' });
    expect(v.tokens).toEqual(['<pad>', '<sos>', '<eos>', '<unk>', 'a', 'b', 'c']);
    expect([v.padId, v.sosId, v.eosId, v.unkId, v.size]).toEqual([0, 1, 2, 3, 7]);
    const w = Vocabulary.fromTexts(['the cat', 'the dog the end'], { level: 'word', minFreq: 1, maxSize: 6 });
    expect(w.tokens.slice(4)).toEqual(['the', 'cat']);
    expect(Vocabulary.fromTexts(['a a b'], { level: 'word', minFreq: 2 }).tokens.slice(4)).toEqual(['a']);
  });

  it('encodes with <sos>/<eos> and <unk>, decodes stopping at <eos>', () => {
    const v = Vocabulary.fromTexts(['hello world', 'hold the door'], { level: 'word' });
    expect(v.encode('hello door', { addSos: true, addEos: true })).toEqual([1, 4, 8, 2]);
    expect(v.encode('hello mars')).toEqual([4, 3]);
    expect(v.decode([1, 4, 8, 2, 5, 0])).toBe('hello door');
    expect(v.decode([4, 2, 5], { stopAtEos: false, skipSpecials: false })).toBe('hello <eos> world');
    expect(v.decode([4, 3])).toBe('hello <unk>');
    const { tokens, lengths } = v.encodeBatch(['hello', 'the world'], { addEos: true });
    expect(tokens.toArray()).toEqual([
      [4, 2, 0],
      [7, 5, 2],
    ]);
    expect(lengths).toEqual([2, 3]);
    expect(v.decodeBatch(tokens)).toEqual(['hello', 'the world']);
    expect(() => v.idToToken(99)).toThrow(/Vocabulary: id 99 is out of range for a vocabulary of 9/);
  });

  it('round-trips characters, including astral code points', () => {
    const alphabet = ['a', 'b', 'é', ' ', '😀', '-'];
    const v = new Vocabulary(alphabet);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }), (chars) => {
        const text = chars.join('');
        expect(v.decode(v.encode(text, { addSos: true, addEos: true }))).toBe(text);
      }),
    );
  });

  it('round-trips words (re-joined by single spaces) and lower-cases on request', () => {
    const words = ['red', 'green', 'blue', 'and'];
    const v = new Vocabulary(words, { level: 'word' });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(' ', '  ', '\t', '\n '),
        (ws, gap) => {
          expect(v.decode(v.encode(ws.join(gap)))).toBe(ws.join(' '));
        },
      ),
    );
    const lower = new Vocabulary(words, { level: 'word', lowercase: true });
    expect(lower.decode(lower.encode('Red AND Blue'))).toBe('red and blue');
  });

  it('survives JSON', () => {
    const v = Vocabulary.fromTexts(['xyz zz'], { level: 'char', specials: { unk: '?' }, lowercase: true });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.toJSON()).toEqual(v.toJSON());
    expect(back.encode('ZYQ')).toEqual(v.encode('ZYQ'));
    expect(back.decode([v.unkId])).toBe('?');
  });

  it('rejects duplicate tokens', () => {
    expect(() => new Vocabulary(['a', 'a'])).toThrow(/token "a" appears twice/);
    expect(() => new Vocabulary(['<eos>'])).toThrow(/token "<eos>" appears twice/);
  });
});
