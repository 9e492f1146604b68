import { expect, it } from 'vitest';
import { exercise62, run } from './index';

it("reproduces exercise 6-2's scores, alignments and context vector", () => {
  const r = run(exercise62);
  expect(r.scores).toBeAllclose([2, 2, 6]);
  expect(r.alignments).toBeAllclose([0.0177, 0.0177, 0.9647], { atol: 5e-5 });
  expect(r.context).toBeAllclose([0.035, 2.929, 0.0177], { atol: 5e-4 });
});

it('shows the softmax denominator term by term: e^6 is 403.4, the sum e^2 + e^2 + e^6 is 418.2', () => {
  const r = run(exercise62);
  expect(r.expScores).toBeAllclose([Math.exp(2), Math.exp(2), Math.exp(6)], { rtol: 1e-6 });
  expect(r.expScores[2]).toBeCloseTo(403.429, 3);
  expect(r.expSum).toBeCloseTo(418.207, 3);
  // The alignments are the terms over their sum.
  expect(r.alignments).toBeAllclose(
    r.expScores.map((e) => e / r.expSum),
    { rtol: 1e-5 },
  );
});

it('agrees with the formulas for other inputs, including negative entries', () => {
  const encoder = [
    [1, -2, 0.5],
    [0, 0, 0],
    [-1, 4, 2],
  ];
  const decoder = [0.5, -1, 3];
  const r = run({ encoder, decoder });
  const scores = encoder.map((h) => h.reduce((s, x, j) => s + x * decoder[j], 0));
  const z = scores.map(Math.exp);
  const total = z.reduce((a, b) => a + b, 0);
  const a = z.map((v) => v / total);
  const c = [0, 1, 2].map((j) => encoder.reduce((s, h, i) => s + a[i] * h[j], 0));
  expect(r.scores).toBeAllclose(scores, { rtol: 1e-6 });
  expect(r.alignments).toBeAllclose(a, { rtol: 1e-5, atol: 1e-7 });
  expect(r.context).toBeAllclose(c, { rtol: 1e-5, atol: 1e-6 });
});

it('gives equal weights when the decoder state is zero', () => {
  const r = run({ encoder: exercise62.encoder, decoder: [0, 0, 0] });
  expect(r.alignments).toBeAllclose([1 / 3, 1 / 3, 1 / 3], { rtol: 1e-6 });
});
