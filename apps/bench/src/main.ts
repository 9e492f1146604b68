/**
 * `pnpm bench`: Tensorloom beside tfjs 4.22 (cpu and wasm backends) in one process. Prints one
 * `BENCH {...}` line per (workload, system) as it finishes, then a summary table. See README.md.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { recordCpuProfile } from './cpuprof';
import {
  type BenchResult,
  benchLine,
  checkMismatches,
  FULL_POLICY,
  type Measurement,
  measure,
  measureAsync,
  parseOptions,
  QUICK_POLICY,
  type RepPolicy,
  type SystemName,
  selected,
  summaryTable,
  USAGE,
} from './harness';
import { tf, useBackend, wasmFeatures } from './tfjs';
import { type AsyncRunner, allWorkloads, type Runner, resultOf, type Workload } from './workloads';

// Nothing may be downloaded at run time (the wasm binaries come from node_modules): fail loudly if a
// library tries.
globalThis.fetch = () => Promise.reject(new Error('bench: a library tried to fetch() at run time'));

// tfjs's production mode only silences its console warnings (e.g. the "install tfjs-node" banner) in 4.22.
tf.enableProdMode();

/** Builds the runner of `w` on `system` (switching tfjs to the right backend first). */
async function prepare(w: Workload, system: SystemName): Promise<Runner | AsyncRunner | string> {
  if (system === 'tensorloom') return w.tensorloom();
  await useBackend(system === 'tfjs-cpu' ? 'cpu' : 'wasm');
  return w.tfjs();
}

/**
 * Where `pnpm run profile` wants a `.cpuprofile` of each measurement (warm-up and timed reps), or undefined.
 * Set by `src/profile.ts`.
 */
const profileDir = process.env.BENCH_CPU_PROF_DIR;

/** Measures `runner` with the rep policy, under the profiler when `profileDir` is set. */
async function measureRunner(runner: Runner | AsyncRunner, policy: RepPolicy, label: string): Promise<Measurement> {
  const go = async () =>
    'runAsync' in runner ? await measureAsync(() => runner.runAsync(), policy) : measure(() => runner.run(), policy);
  return profileDir ? recordCpuProfile(path.join(profileDir, `${label}.cpuprofile`), go) : go();
}

/** tfjs tensors alive now (0 before any tfjs backend is up). */
function liveTfjsTensors(): number {
  return tf.getBackend() ? tf.memory().numTensors : 0;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const policy = opts.quick ? QUICK_POLICY : FULL_POLICY;
  const workloads = allWorkloads({ quick: opts.quick }).filter((w) => selected(w.name, opts.filters));
  if (workloads.length === 0) throw new Error(`no workload matches ${opts.filters.join(', ')}\n${USAGE}`);

  const require = createRequire(import.meta.url);
  const tfjsVersion = (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  const wasm = await wasmFeatures();
  console.log(
    `# node ${process.version}, tfjs ${tfjsVersion} (wasm: simd=${wasm.simd}, threads=${wasm.threads}), ` +
      `${opts.quick ? 'quick' : 'full'} mode: warm-up ≥${policy.warmupRuns} runs/${policy.warmupMinMs} ms ` +
      `(≤${policy.warmupMaxMs} ms), then ${policy.minReps}-${policy.maxReps} reps aiming at ${policy.targetMs} ms`,
  );
  console.log(`# workloads: ${workloads.map((w) => w.name).join(', ')}; systems: ${opts.systems.join(', ')}`);

  const results: BenchResult[] = [];
  const skipped: string[] = [];
  const started = performance.now();
  for (const w of workloads) {
    console.log(`# ${w.name}: ${w.description}`);
    await w.setup?.();
    for (const system of opts.systems) {
      const tensorsBefore = liveTfjsTensors();
      const runner = await prepare(w, system);
      if (typeof runner === 'string') {
        skipped.push(`${w.name}/${system}: ${runner}`);
        console.log(`# skipped ${w.name} on ${system}: ${runner}`);
        continue;
      }
      const m = await measureRunner(runner, policy, `${w.name}.${system}`);
      runner.dispose?.();
      const leaked = liveTfjsTensors() - tensorsBefore;
      const r = resultOf(w, system, m);
      results.push(r);
      console.log(benchLine(r));
      if (leaked !== 0) console.log(`# warning: ${w.name} on ${system} leaked ${leaked} tfjs tensors`);
    }
  }

  const seconds = (performance.now() - started) / 1000;
  console.log('');
  console.log(
    `Tensorloom vs tfjs ${tfjsVersion}: median ms per run (timed reps); cpu/tl and wasm/tl > 1 mean Tensorloom is faster`,
  );
  console.log(summaryTable(results));
  for (const s of skipped) console.log(`skipped: ${s}`);
  const mismatches = checkMismatches(results);
  if (mismatches.length > 0) {
    console.log('warning: systems disagree on the result of the first run (same inputs):');
    for (const line of mismatches) console.log(`  ${line}`);
  } else {
    console.log('checks: every system computed the same first-run result (same inputs, float32 rounding).');
  }
  console.log(`total ${seconds.toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
