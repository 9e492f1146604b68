import { expect, it } from 'vitest';
import { defaults, run } from './index';

it('unfolds the course RNN for T = 3: x_1..x_3, h_0..h_3, W and U', () => {
  const { graph, states } = run(defaults);
  const labels = graph.nodes.map((n) => n.label).sort();
  expect(labels).toEqual(['U', 'W', 'h_0', 'h_1', 'h_2', 'h_3', 'x_1', 'x_2', 'x_3']);
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label;
  const edges = graph.edges.map((e) => `${label(e.from)}->${label(e.to)}`).sort();
  expect(edges).toEqual(
    ['W->h_1', 'U->h_1', 'h_0->h_1', 'x_1->h_1', 'W->h_2', 'U->h_2', 'h_1->h_2', 'x_2->h_2']
      .concat(['W->h_3', 'U->h_3', 'h_2->h_3', 'x_3->h_3'])
      .sort(),
  );
  expect(states).toHaveLength(3);
  for (const h of states.flat()) expect(h > 0 && h < 1).toBe(true); // sigmoid states
});

it('computes h_t = σ(W h_{t-1} + U x_t) and sums W’s gradient over the time steps', () => {
  const { graph, states, gradW } = run(defaults);
  const value = (l: string) => graph.nodes.find((n) => n.label === l)?.value as number[];
  const [W, U] = [value('W'), value('U')]; // row-major 2×2
  const mv = (m: number[], v: number[]) => [m[0] * v[0] + m[1] * v[1], m[2] * v[0] + m[3] * v[1]];
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));
  let h = [0, 0];
  const hs: number[][] = [];
  for (let t = 1; t <= 3; t++) {
    const x = value(`x_${t}`);
    const a = mv(W, h);
    const b = mv(U, x);
    h = [sigma(a[0] + b[0]), sigma(a[1] + b[1])];
    hs.push(h);
  }
  expect(states).toBeAllclose(hs, { atol: 1e-6 });

  // BPTT by hand for L = sum(h_3): g_t = dL/dh_t, dL/dW = Σ_t (g_t ⊙ σ'_t) h_{t-1}ᵀ.
  let g = [1, 1];
  const dW = [0, 0, 0, 0];
  for (let t = 3; t >= 1; t--) {
    const ht = hs[t - 1];
    const hPrev = t > 1 ? hs[t - 2] : [0, 0];
    const dz = [g[0] * ht[0] * (1 - ht[0]), g[1] * ht[1] * (1 - ht[1])];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) dW[i * 2 + j] += dz[i] * hPrev[j];
    g = [W[0] * dz[0] + W[2] * dz[1], W[1] * dz[0] + W[3] * dz[1]]; // Wᵀ dz
  }
  expect(gradW.flat()).toBeAllclose(dW, { atol: 1e-6 });
});

it('shows the gradient vanishing as it flows back through six sigmoid steps', () => {
  const { gradNorms } = run({ ...defaults, steps: 6 });
  expect(gradNorms[5]).toBeCloseTo(Math.SQRT2, 5); // d sum(h_6) / dh_6 = (1, 1)
  for (let t = 0; t < 5; t++) expect(gradNorms[t]).toBeLessThan(gradNorms[t + 1]);
  expect(gradNorms[0]).toBeLessThan(1e-3);
});
