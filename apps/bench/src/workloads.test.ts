import { describe, expect, it } from 'vitest';
import { type BenchResult, benchLine, checkMismatches, measure, QUICK_POLICY, SYSTEMS, summarize } from './harness';
import { tf, useBackend } from './tfjs';
import { allWorkloads } from './workloads';

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
      'op-overhead',
    ]);
  });

  for (const name of CHEAP) {
    it(`${name} runs on every system and they agree`, async () => {
      const w = allWorkloads().find((x) => x.name === name)!;
      const results: BenchResult[] = [];
      for (const system of SYSTEMS) {
        if (system !== 'tensorloom') await useBackend(system === 'tfjs-cpu' ? 'cpu' : 'wasm');
        const before = system === 'tensorloom' ? 0 : tf.memory().numTensors;
        const runner = system === 'tensorloom' ? w.tensorloom() : w.tfjs();
        if (typeof runner === 'string') {
          expect(name).toMatch(/^conv2d/); // only the conv workloads may wait for Tensorloom's conv2d
          continue;
        }
        const m = measure(() => runner.run(), { ...QUICK_POLICY, maxReps: 1 });
        runner.dispose?.();
        if (system !== 'tensorloom') expect(tf.memory().numTensors).toBe(before);
        expect(Number.isFinite(m.check)).toBe(true);
        const r: BenchResult = { workload: name, system, stats: summarize(m.times), warmup: m.warmup, check: m.check };
        expect(JSON.parse(benchLine(r).slice('BENCH '.length))).toMatchObject({ workload: name, system });
        results.push(r);
      }
      expect(results.length).toBeGreaterThanOrEqual(name.startsWith('conv2d') ? 2 : 3);
      expect(checkMismatches(results)).toEqual([]);
    });
  }

  it('op-overhead counts every add', () => {
    const w = allWorkloads().find((x) => x.name === 'op-overhead')!;
    const runner = w.tensorloom();
    expect(typeof runner).not.toBe('string');
    if (typeof runner !== 'string') expect(runner.run()).toBe(w.opsPerRun);
  });
});
