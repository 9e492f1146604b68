/**
 * The page side of the attention worksheet: reads the inputs, runs src/examples/attention/index.ts and
 * writes its results into the `[data-out]` cells. The example (and tensor-core with it) is imported on
 * demand; inputs typed before it arrives are simply read when it does.
 */
import { fmt } from './format';

type AttentionModule = typeof import('../examples/attention/index');

const vec = (v: number[], digits = 4) => `(${v.map((x) => fmt(x, digits)).join(', ')})`;
/** A factor in a printed product, in parentheses when negative. */
const factor = (x: number) => (x < 0 ? `(${fmt(x)})` : fmt(x));

/** `e^s1 + e^s2 + …` with the exponents as superscripts (DOM nodes, so the cell reads e² and not e^2). */
function powersOfE(scores: number[]): Node[] {
  return scores.flatMap((s, k) => {
    const sup = document.createElement('sup');
    sup.textContent = fmt(s);
    return [document.createTextNode(k === 0 ? 'e' : ' + e'), sup];
  });
}

export function attachAttentionExplorer(root: HTMLElement) {
  const out = (name: string) => root.querySelector(`[data-out="${name}"]`) as HTMLElement;
  const status = root.querySelector('[data-status]') as HTMLElement;
  const encoderInputs = [...root.querySelectorAll<HTMLInputElement>('[data-encoder]')];
  const decoderInputs = [...root.querySelectorAll<HTMLInputElement>('[data-decoder]')];
  let example: AttentionModule | undefined;

  const read = () => {
    const encoder = [0, 1, 2].map(() => [0, 0, 0]);
    for (const input of encoderInputs) {
      const [i, j] = (input.dataset.encoder as string).split(',').map(Number);
      encoder[i][j] = input.valueAsNumber;
    }
    const decoder = [0, 0, 0];
    for (const input of decoderInputs) decoder[Number(input.dataset.decoder)] = input.valueAsNumber;
    return { encoder, decoder };
  };

  const update = () => {
    if (!example) return;
    const input = read();
    const bad = [...encoderInputs, ...decoderInputs].filter((i) => !Number.isFinite(i.valueAsNumber));
    for (const i of [...encoderInputs, ...decoderInputs]) i.setAttribute('aria-invalid', String(bad.includes(i)));
    if (bad.length > 0) {
      status.textContent = 'Every entry needs a number: the results show the last complete input.';
      return;
    }
    const r = example.run(input);
    const { encoder, decoder } = input;
    encoder.forEach((h, k) => {
      const i = k + 1;
      out(`dot-${i}`).textContent = h.map((x, j) => `${factor(x)}·${factor(decoder[j])}`).join(' + ');
      out(`score-${i}`).textContent = fmt(r.scores[k]);
      out(`exp-${i}`).textContent = fmt(r.expScores[k], 3);
      out(`alignment-${i}`).textContent = fmt(r.alignments[k]);
    });
    out('exp-terms').replaceChildren(...powersOfE(r.scores));
    out('exp-values').textContent = r.expScores.map((e) => fmt(e, 3)).join(' + ');
    out('exp-sum').textContent = fmt(r.expSum, 3);
    out('context-terms').textContent = r.alignments.map((a, k) => `${fmt(a)}·${vec(encoder[k])}`).join(' + ');
    out('context').textContent = vec(r.context);
    status.textContent = 'Computed by the example below with @tensorloom/tensor-core.';
    root.dataset.state = 'ready';
  };

  root.addEventListener('input', update);
  root.querySelector('[data-action="restore"]')?.addEventListener('click', () => {
    if (!example) return;
    const { encoder, decoder } = example.exercise62;
    for (const input of encoderInputs) {
      const [i, j] = (input.dataset.encoder as string).split(',').map(Number);
      input.value = String(encoder[i][j]);
    }
    for (const input of decoderInputs) input.value = String(decoder[Number(input.dataset.decoder)]);
    update();
  });

  import('../examples/attention/index')
    .then((m) => {
      example = m;
      const restore = root.querySelector<HTMLButtonElement>('[data-action="restore"]');
      if (restore) restore.disabled = false;
      update();
    })
    .catch((e: unknown) => {
      status.textContent = `The example failed to load: ${e instanceof Error ? e.message : String(e)}`;
      root.dataset.state = 'error';
    });
}
