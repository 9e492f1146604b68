/**
 * The page side of chapter 2's unfolded RNN: reads T and the seed, runs src/examples/rnn-unfolded/index.ts
 * and draws the graph it returns. The example, the library and the layout code are imported on demand.
 */
import { fmt } from './format';

type Loaded = [typeof import('../examples/rnn-unfolded/index'), typeof import('./graph-figure')];

export function attachRnnUnfolded(root: HTMLElement) {
  const status = root.querySelector('[data-status]') as HTMLElement;
  const graphBox = root.querySelector('[data-graph]') as HTMLElement;
  const summary = root.querySelector('[data-summary]') as HTMLElement;
  const stepsInput = root.querySelector('input[name="steps"]') as HTMLInputElement;
  const seedInput = root.querySelector('input[name="seed"]') as HTMLInputElement;
  let loaded: Loaded | undefined;

  const update = () => {
    if (!loaded) return;
    const [example, figure] = loaded;
    const steps = stepsInput.valueAsNumber;
    const seed = seedInput.valueAsNumber;
    const okSteps = Number.isInteger(steps) && steps >= 1 && steps <= 6;
    const okSeed = Number.isInteger(seed) && seed >= 0;
    stepsInput.setAttribute('aria-invalid', String(!okSteps));
    seedInput.setAttribute('aria-invalid', String(!okSeed));
    if (!okSteps || !okSeed) {
      status.textContent = 'T is a whole number from 1 to 6, the seed a whole number ≥ 0.';
      return;
    }
    const r = example.run({ ...example.defaults, steps, seed });
    const norms = r.gradNorms.map((g, t) => `|∂(Σh_${steps})/∂h_${t + 1}| = ${fmt(g, 3)}`).join(', ');
    figure.drawGraph(
      graphBox,
      r.graph,
      `The RNN unfolded for ${steps} time steps: inputs x_1 to x_${steps} and the shared weights W and U feed ` +
        `the states h_1 to h_${steps}, each state feeds the next. Gradient sizes: ${norms}.`,
      { showOps: false, edgeLabels: false },
    );
    summary.textContent = `${steps} time steps, ${r.graph.nodes.length} tensors · gradient reaching each state: ${norms}`;
    status.textContent = 'Computed by the example below with @tensorloom/rnn.';
    root.dataset.state = 'ready';
  };

  root.addEventListener('input', update);

  Promise.all([import('../examples/rnn-unfolded/index'), import('./graph-figure')])
    .then((modules) => {
      loaded = modules;
      update();
    })
    .catch((e: unknown) => {
      status.textContent = `The example failed to load: ${e instanceof Error ? e.message : String(e)}`;
      root.dataset.state = 'error';
    });
}
