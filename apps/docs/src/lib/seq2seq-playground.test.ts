import { describe, expect, it } from 'vitest';
import { checkInput, describeModel, MAX_INPUT, percent } from './seq2seq-playground';

const trained = { minLength: 3, maxLength: 6 };

describe('checkInput', () => {
  it('passes digit strings of a trained length without a note', () => {
    expect(checkInput('12345', trained)).toEqual({ ok: true, digits: '12345' });
    expect(checkInput('000', trained)).toEqual({ ok: true, digits: '000' });
  });

  it('asks for digits when the box is empty', () => {
    expect(checkInput('', trained)).toEqual({ ok: false, message: 'Type some digits, for example 12345.' });
  });

  it('names what is not a digit, and decodes nothing', () => {
    expect(checkInput('12a4', trained)).toEqual({
      ok: false,
      message: "Only the digits 0–9 are in the model's vocabulary: “a” is not one.",
    });
    expect(checkInput('1 2-', trained)).toMatchObject({ ok: false, message: /a space, “-” are not\.$/ });
    expect(checkInput('abcdef', trained)).toMatchObject({
      ok: false,
      message: /“a”, “b”, “c” are not, among others\.$/,
    });
    expect(checkInput('١٢٣', trained).ok).toBe(false); // Arabic-Indic digits are not in the vocabulary either
    expect(checkInput('12\t', trained)).toMatchObject({ ok: false, message: /a blank is not one/ });
  });

  it('decodes lengths the model never trained on, with a note saying so', () => {
    const long = checkInput('123456789', trained);
    expect(long).toMatchObject({ ok: true, digits: '123456789' });
    expect(long.ok && long.note).toBe(
      'The model trained on strings of 3–6 digits; this one has 9, more than its encoder vector learned to hold, so mistakes are likely.',
    );
    const short = checkInput('7', trained);
    expect(short.ok && short.note).toBe('The model trained on strings of 3–6 digits; it never saw one of 1.');
  });

  it(`refuses more than ${MAX_INPUT} digits`, () => {
    expect(checkInput('1'.repeat(MAX_INPUT), trained).ok).toBe(true);
    expect(checkInput('1'.repeat(MAX_INPUT + 1), trained)).toEqual({
      ok: false,
      message: `The box reverses at most ${MAX_INPUT} digits; this has ${MAX_INPUT + 1}.`,
    });
  });
});

it('describeModel says which model the box uses', () => {
  const info = { minLength: 3, maxLength: 6, seed: 1, step: 1200, exactMatch: 1 };
  expect(describeModel('shipped', info)).toBe(
    'Using the pre-trained model shipped with this page (seed 1, 1200 steps; 100% of the held-out strings reversed exactly). Train your own below and the box switches to it.',
  );
  expect(describeModel('reader', { ...info, seed: 7, step: 400, exactMatch: 0.93 })).toBe(
    'Using your model, trained on this page with seed 7: the weights of step 400 (93% of the held-out strings reversed exactly at that step).',
  );
  expect(percent(0.99712)).toBe('99.7%');
});
