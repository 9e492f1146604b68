/**
 * `pnpm --filter @tensorloom/bench run profile [FILTER...]`: runs the Tensorloom side of the selected
 * workloads under `node --cpu-prof` and prints the functions with the most self time inside the timing
 * loop (warm-up included, module loading left out).
 * The profile itself is left in `.tmp/prof/` for Chrome DevTools or speedscope.
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
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    '--import',
    'tsx',
    path.join(root, 'src', 'main.ts'),
    '--systems=tensorloom',
    ...(args.length > 0 ? args : ['mlp-step']),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (child.status !== 0) process.exit(child.status ?? 1);

for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
  // Only what ran inside the harness's measure() (warm-up and timed reps), not module loading.
  const rows = selfTimes(profile, 'measure');
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`\nself time inside measure(), ${total.toFixed(0)} ms in all, top 20 (${path.join(dir, f)}):`);
  console.log(formatSelfTimes(rows, 20));
}
