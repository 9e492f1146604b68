/**
 * The page side of chapter 1's graph: reads the neuron's inputs, runs src/examples/neuron-graph/index.ts,
 * and draws the graph it returns. The example, tensor-core and the layout code are imported
 * on demand; inputs changed before they arrive are read when they do.
 */
import type { NeuronInput } from '../examples/neuron-graph/index';
import { fmt } from './format';

type Loaded = [typeof import('../examples/neuron-graph/index'), typeof import('./graph-figure')];

export function attachNeuronGraph(root: HTMLElement) {
  const status = root.querySelector('[data-status]') as HTMLElement;
  const graphBox = root.querySelector('[data-graph]') as HTMLElement;
  const summary = root.querySelector('[data-summary]') as HTMLElement;
  const inputs = [...root.querySelectorAll<HTMLInputElement>('input[name]')];
  const activation = root.querySelector('select[name="activation"]') as HTMLSelectElement;
  let loaded: Loaded | undefined;

  const update = () => {
    if (!loaded) return;
    const [example, figure] = loaded;
    const bad = inputs.filter((i) => !Number.isFinite(i.valueAsNumber));
    for (const i of inputs) i.setAttribute('aria-invalid', String(bad.includes(i)));
    if (bad.length > 0) {
      status.textContent = 'Every input needs a number: the graph shows the last complete input.';
      return;
    }
    const params = Object.fromEntries(inputs.map((i) => [i.name, i.valueAsNumber])) as unknown as NeuronInput;
    params.activation = activation.value as NeuronInput['activation'];
    const result = example.run(params);
    figure.drawGraph(
      graphBox,
      result.graph,
      `Computation graph of o = ${params.activation}(x1·w1 + x2·w2 + b), from the inputs on the left to o on ` +
        `the right, with each node's value and gradient. o = ${fmt(result.output)}; ` +
        Object.entries(result.grads)
          .map(([k, g]) => `do/d${k} = ${fmt(g)}`)
          .join(', '),
    );
    summary.textContent = `o = ${fmt(result.output)} · gradients: ${Object.entries(result.grads)
      .map(([k, g]) => `do/d${k} = ${fmt(g)}`)
      .join(', ')}`;
    status.textContent = 'Computed by the example below with @tensorloom/tensor-core.';
    root.dataset.state = 'ready';
  };

  root.addEventListener('input', update);
  root.addEventListener('change', update);

  Promise.all([import('../examples/neuron-graph/index'), import('./graph-figure')])
    .then((modules) => {
      loaded = modules;
      update();
    })
    .catch((e: unknown) => {
      status.textContent = `The example failed to load: ${e instanceof Error ? e.message : String(e)}`;
      root.dataset.state = 'error';
    });
}
