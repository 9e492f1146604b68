import { readFileSync } from 'node:fs';
import { loadSafetensors } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import type { TrainingExampleModule } from '../../lib/training';
import * as example from './index';

it("fits the contract the page's training worker loads examples by", () => {
  const contract: TrainingExampleModule<example.ReverseParams> = example; // checked by the compiler
  expect(contract.defaults.seed).toBeTypeOf('number');
});

it('digits go through the vocabulary as text, so no digit becomes a special token', () => {
  expect(example.vocab.encode('0123')).toEqual([4, 5, 6, 7]); // not <pad> <sos> <eos> <unk>
  expect(example.vocab.decode([13, 12, 2, 5])).toBe('98');
  expect(example.reversed('4071')).toBe('1704');
});

it('keeps the held-out strings out of training, and the same seed gives the same run', () => {
  const params = { ...example.defaults, steps: 3, evalEvery: 3, saveEvery: 3, hiddenSize: 8, embeddingDim: 4 };
  const held = example.heldOutStrings(params);
  expect(held).toHaveLength(4 * params.heldOut);
  expect(new Set(held).size).toBe(held.length);
  expect(held.map((s) => s.length).sort()).toEqual([3, 4, 5, 6].flatMap((l) => new Array(params.heldOut).fill(l)));
  const run = () => {
    const trainer = example.setup(params);
    return [trainer.step(), trainer.step(), trainer.step()].map((r) => r.metrics.loss);
  };
  expect(run()).toEqual(run());
});

it('learns to reverse strings it never trained on (reduced size), and hands the page its weights', () => {
  const params = {
    ...example.defaults,
    minLength: 3,
    maxLength: 4,
    hiddenSize: 32,
    steps: 300,
    heldOut: 20,
    evalEvery: 100,
    saveEvery: 100,
  };
  const trainer = example.setup(params);
  const losses: number[] = [];
  const checkpoints: Uint8Array[] = [];
  let last: ReturnType<typeof trainer.step> | undefined;
  do {
    last = trainer.step();
    losses.push(last.metrics.loss);
    if (last.outputs) checkpoints.push(last.outputs.checkpoint);
  } while (!last.done);
  expect(losses).toHaveLength(300);
  expect(Math.max(...losses.slice(-10))).toBeLessThan(0.2 * losses[0]);
  expect(last.summary).toMatch(/^held-out strings reversed exactly: [\d.]+% of 40$/);
  expect(checkpoints).toHaveLength(3); // steps 100, 200, 300

  // The last checkpoint, loaded into a fresh model, decodes exactly as the trained one.
  const loaded = example.loadModel(checkpoints[2]);
  expect(loaded).toMatchObject({ minLength: 3, maxLength: 4, seed: 1, step: 300 });
  const accuracy = example.exactMatch(loaded.model, trainer.heldOut);
  expect(accuracy).toBe(loaded.exactMatch);
  expect(accuracy).toBeGreaterThan(0.8);
  for (const s of trainer.heldOut.slice(0, 5)) {
    expect(example.reverse(loaded.model, s)).toEqual(example.reverse(trainer.model, s));
  }
});

describe('the pre-trained model shipped with the page', () => {
  const bytes = new Uint8Array(readFileSync(new URL('./pretrained.safetensors', import.meta.url)));
  const shipped = example.loadModel(bytes);

  it("is this example's default run trained twice as long, written by scripts/train-seq2seq-reverse.ts", () => {
    const { metadata, tensors } = loadSafetensors(bytes);
    expect(metadata).toMatchObject({
      seed: String(example.defaults.seed),
      step: String(2 * example.defaults.steps),
      hiddenSize: String(example.defaults.hiddenSize),
    });
    // PyTorch's state-dict keys: the file loads into torch as well.
    expect(Object.keys(tensors)).toContain('encoder.lstm.weight_hh_l0');
    expect(Object.keys(tensors)).toContain('decoder.out.weight');
  });

  it('reverses 20 held-out strings (never trained on) and what the browser test types', () => {
    const held = example.heldOutStrings(example.defaults);
    const sample = [3, 4, 5, 6].flatMap((length) => held.filter((s) => s.length === length).slice(0, 5));
    expect(sample).toHaveLength(20);
    for (const s of sample) expect(example.reverse(shipped.model, s).output, s).toBe(example.reversed(s));
    expect(example.exactMatch(shipped.model, held)).toBeGreaterThanOrEqual(0.99);

    const r = example.reverse(shipped.model, '12345');
    expect(r.output).toBe('54321');
    expect(r.finished).toBe(true);
    expect(r.steps.map((s) => s.token)).toEqual(['5', '4', '3', '2', '1', '<eos>']);
    for (const { probability } of r.steps) expect(probability).toBeGreaterThan(0.5);
  });
});
