/**
 * `pnpm --filter @tensorloom/bench run profile [FILTER...]`: runs the Tensorloom side of the selected
 * workloads with V8's sampling profiler on during each measurement (warm-up and timed reps; module
 * loading, data loading and model building left out) and prints the functions with the most self time.
 * main.ts records one `.cpuprofile` per workload through `node:inspector` when `BENCH_CPU_PROF_DIR` is set,
 * so the async workloads (a `fit` epoch) are profiled whole; they are left in `.tmp/prof/` for Chrome
 * DevTools or speedscope.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CpuProfile, formatSelfTimes, selfTimes } from './cpuprof';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = path.join(root, '.tmp', 'prof');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const args = process.argv.slice(2).filter((a) => a !== '--');
const child = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(root, 'src', 'main.ts'),
    '--systems=tensorloom',
    ...(args.length > 0 ? args : ['mlp-step']),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_CPU_PROF_DIR: dir } },
);
if (child.status !== 0) process.exit(child.status ?? 1);

for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
  // The profile holds only the measurement (warm-up and timed reps): every sample counts but idle ones.
  const rows = selfTimes(profile);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const workload = f.slice(0, f.indexOf('.'));
  console.log(`\n${workload}: self time while measured, ${total.toFixed(0)} ms in all, top 20 (${path.join(dir, f)}):`);
  console.log(formatSelfTimes(rows, 20));
}
