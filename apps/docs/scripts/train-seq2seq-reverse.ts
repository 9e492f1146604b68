/**
 * Trains the digit-reversal encoder–decoder of chapter 2 (src/examples/seq2seq-reverse) with its default
 * parameters, seed included, but for twice the steps the page runs (the learning rate's cosine stretched to
 * match), and writes the final weights to src/examples/seq2seq-reverse/pretrained.safetensors: the model the
 * chapter's text box uses until the reader trains their own. The run is deterministic, so running this again
 * writes the same bytes.
 *
 *     pnpm --filter @tensorloom/docs train:seq2seq           # writes the file
 *     pnpm --filter @tensorloom/docs train:seq2seq --check   # retrains and fails if the file differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaults, setup } from '../src/examples/seq2seq-reverse/index.ts';

/** The shipped model's run: the page's defaults, trained twice as long. */
const pretrainedParams = { ...defaults, steps: 2 * defaults.steps };

const file = fileURLToPath(new URL('../src/examples/seq2seq-reverse/pretrained.safetensors', import.meta.url));
const check = process.argv.includes('--check');

const t0 = performance.now();
const trainer = setup(pretrainedParams);
let checkpoint: Uint8Array | undefined;
for (let done = false, step = 1; !done; step++) {
  const r = trainer.step();
  if (r.outputs) checkpoint = r.outputs.checkpoint;
  if (step % defaults.evalEvery === 0) console.log(`step ${step}: loss ${r.metrics.loss.toFixed(4)}, ${r.summary}`);
  done = r.done ?? false;
}
if (!checkpoint) throw new Error('the example handed out no weights at its last step');
const seconds = ((performance.now() - t0) / 1000).toFixed(1);

if (check) {
  const same = Buffer.from(readFileSync(file)).equals(Buffer.from(checkpoint));
  console.log(same ? `${file} is what this script makes (${seconds} s)` : `${file} differs from a fresh run`);
  process.exitCode = same ? 0 : 1;
} else {
  writeFileSync(file, checkpoint);
  console.log(`wrote ${file}: ${(checkpoint.length / 1024).toFixed(1)} KB after ${seconds} s`);
}
