import { describe, expect, it } from 'vitest';
import { type BenchResult, benchLine, checkMismatches, measure, measureAsync, QUICK_POLICY, SYSTEMS } from './harness';
import { tf, useBackend } from './tfjs';
import { allWorkloads, resultOf, type Workload } from './workloads';
import { autoencoderStep } from './workloads/autoencoder-step';
import { cnnEpoch } from './workloads/cnn-epoch';

// The cheap workloads, run once per system: the bench code runs on all three systems, computes the same
// result from the same inputs, frees its tfjs tensors, and the wasm backend loads from node_modules.
// Nothing here looks at how long anything took.
const CHEAP = ['matmul-64', 'bmm-attention', 'mlp-step', 'lstm-step', 'conv2d-forward', 'op-overhead'];

describe('workloads (smoke run, one rep each, no timing assertions)', () => {
  it('defines the workloads the issue asks for', () => {
    expect(allWorkloads().map((w) => w.name)).toEqual([
      'matmul-64',
      'matmul-128',
      'matmul-256',
      'matmul-512',
      'matmul-1024',
      'bmm-attention',
      'mlp-step',
      'lstm-step',
      'conv2d-forward',
      'conv2d-step',
      'autoencoder-step',
      'cnn-epoch',
      'op-overhead',
    ]);
  });

  for (const name of CHEAP) {
    it(`${name} runs on every system and they agree`, async () => {
      const w = allWorkloads().find((x) => x.name === name)!;
      const { results, skipped } = await runOnEverySystem(w);
      // Only the conv workloads may wait for Tensorloom's conv2d
      if (!name.startsWith('conv2d')) expect(skipped).toEqual([]);
      expect(results.length).toBeGreaterThanOrEqual(name.startsWith('conv2d') ? 2 : 3);
      expect(checkMismatches(results)).toEqual([]);
    });
  }

  // The training workloads at a tiny size: the same code paths (setup, fit, model.fit, trainOnBatch) in seconds.
  it('autoencoder-step runs on every system (batch 8) and they agree', async () => {
    const { results, skipped } = await runOnEverySystem(autoencoderStep({ batch: 8 }));
    expect(skipped).toEqual([]);
    expect(results.map((r) => r.system)).toEqual([...SYSTEMS]);
    expect(checkMismatches(results)).toEqual([]);
  });

  it('cnn-epoch runs on Tensorloom and tfjs-cpu (2 batches of 8) and they agree; tfjs-wasm cannot train convs', async () => {
    const w = cnnEpoch({ batches: 2, batchSize: 8 });
    expect(w.imagesPerRun).toBe(16);
    const { results, skipped } = await runOnEverySystem(w);
    expect(results.map((r) => r.system)).toEqual(['tensorloom', 'tfjs-cpu']);
    expect(skipped).toEqual([expect.stringMatching(/^tfjs-wasm: .*no Conv2DBackpropFilter kernel/)]);
    expect(JSON.parse(benchLine(results[0]).slice('BENCH '.length))).toHaveProperty('images_per_s');
    // The epoch's mean loss after an Adam step on both systems: equal up to float32 rounding.
    expect(checkMismatches(results)).toEqual([]);
  });

  it('op-overhead counts every add', () => {
    const w = allWorkloads().find((x) => x.name === 'op-overhead')!;
    const runner = w.tensorloom();
    expect(typeof runner === 'object' && 'run' in runner).toBe(true);
    if (typeof runner === 'object' && 'run' in runner) expect(runner.run()).toBe(w.opsPerRun);
  });
});

/**
 * Runs `w` once on every system, as main does (setup, then one runner per system, sync or async), checking
 * that each computes a finite value, frees its tfjs tensors and makes a well-formed BENCH line. Returns the
 * results and, as `system: reason`, the systems that declined.
 */
async function runOnEverySystem(w: Workload): Promise<{ results: BenchResult[]; skipped: string[] }> {
  await w.setup?.();
  const results: BenchResult[] = [];
  const skipped: string[] = [];
  const policy = { ...QUICK_POLICY, maxReps: 1 };
  for (const system of SYSTEMS) {
    if (system !== 'tensorloom') await useBackend(system === 'tfjs-cpu' ? 'cpu' : 'wasm');
    const before = system === 'tensorloom' ? 0 : tf.memory().numTensors;
    const runner = system === 'tensorloom' ? w.tensorloom() : w.tfjs();
    if (typeof runner === 'string') {
      skipped.push(`${system}: ${runner}`);
      continue;
    }
    const m =
      'runAsync' in runner ? await measureAsync(() => runner.runAsync(), policy) : measure(() => runner.run(), policy);
    runner.dispose?.();
    if (system !== 'tensorloom') expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(m.check)).toBe(true);
    const r = resultOf(w, system, m);
    expect(JSON.parse(benchLine(r).slice('BENCH '.length))).toMatchObject({ workload: w.name, system });
    results.push(r);
  }
  return { results, skipped };
}
