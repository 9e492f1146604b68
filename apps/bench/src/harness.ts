/**
 * The benchmark harness: timing loop, statistics, the `BENCH {...}` line format, the summary table and the
 * command-line options. Pure functions apart from {@link measure}, so the smoke test can check them without
 * timing anything.
 */

/** The systems compared, in table order. */
export const SYSTEMS = ['tensorloom', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** How long to warm up and how many timed repetitions to take. */
export interface RepPolicy {
  /** Warm up for at least this many runs (0: none, the first timed run also gives the check value)… */
  warmupRuns: number;
  /** …and at least this long (V8 needs a few hundred ms of calls to optimise a JS kernel)… */
  warmupMinMs: number;
  /** …but stop warming up once this much time has gone (a single tfjs-cpu 1024³ matmul takes seconds). */
  warmupMaxMs: number;
  /** Aim for this much timed work per (workload, system); the repetition count follows from the warm-up. */
  targetMs: number;
  /** Never fewer timed repetitions than this… */
  minReps: number;
  /** …nor more than this. */
  maxReps: number;
  /** A run that takes longer than this gets only `slowReps` timed repetitions (tfjs-cpu's conv backward). */
  slowRunMs: number;
  slowReps: number;
}

/**
 * The full run: medians over ≥ 3 reps (≥ 5 wherever a rep takes under 400 ms), only 1 for runs over 10 s
 * (tfjs-cpu's conv2d backward, where the ratio is ~100× and its noise does not matter).
 */
export const FULL_POLICY: RepPolicy = {
  warmupRuns: 2,
  warmupMinMs: 300,
  warmupMaxMs: 2500,
  targetMs: 2000,
  minReps: 3,
  maxReps: 60,
  slowRunMs: 10_000,
  slowReps: 1,
};

/** `--quick`: no warm-up and one to three timed reps, enough to see that everything runs. */
export const QUICK_POLICY: RepPolicy = {
  warmupRuns: 0,
  warmupMinMs: 0,
  warmupMaxMs: 0,
  targetMs: 50,
  minReps: 1,
  maxReps: 3,
  slowRunMs: 1000,
  slowReps: 1,
};

/** Summary statistics of a list of times in ms. */
export interface Stats {
  median: number;
  min: number;
  p90: number;
  reps: number;
}

/** Median of `xs` (mean of the two middle values for an even count). Throws on an empty list. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/**
 * The `q`-quantile of `xs` with linear interpolation between order statistics (NumPy's default), so that
 * `quantile(xs, 0.5)` is the median.
 */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile q must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median, minimum and 90th percentile of `times`. */
export function summarize(times: readonly number[]): Stats {
  return { median: median(times), min: Math.min(...times), p90: quantile(times, 0.9), reps: times.length };
}

/** How many timed reps to take in all, when the latest run took `lastRunMs`. */
export function repsFor(policy: RepPolicy, lastRunMs: number): number {
  if (lastRunMs >= policy.slowRunMs) return policy.slowReps;
  const fit = lastRunMs > 0 ? Math.floor(policy.targetMs / lastRunMs) : policy.maxReps;
  return Math.max(policy.minReps, Math.min(policy.maxReps, fit));
}

/** What {@link measure} returns: the timed runs, the warm-up count, and the value of the first run. */
export interface Measurement {
  times: number[];
  warmup: number;
  /** What the first call of `run` returned (a loss or an output element), to compare systems. */
  check: number;
}

/** One finished run, as the driver of {@link schedule} reports it. */
interface RunTime {
  ms: number;
  value: number;
}

/**
 * The repetition schedule shared by {@link measure} and {@link measureAsync}: yields once per run it wants,
 * receives that run's time and value, and returns the measurement. Warm-up runs until `warmupRuns` runs
 * and `warmupMinMs` have passed, or `warmupMaxMs`; then {@link repsFor} timed reps. A first warm-up run
 * slower than `slowRunMs` counts as a timed rep instead (of `slowReps`, usually the only one): a run that
 * long gains nothing from warming up (V8's compiling and tfjs's first-call setup take milliseconds against
 * its seconds), and repeating it would double the cost of the slowest results (tfjs-cpu's conv training,
 * minutes per run).
 */
function* schedule(policy: RepPolicy, now: () => number): Generator<void, Measurement, RunTime> {
  let last = 0;
  let check = Number.NaN;
  let calls = 0;
  function* once(): Generator<void, void, RunTime> {
    const r = yield;
    last = r.ms;
    if (calls++ === 0) check = r.value;
  }
  const start = now();
  let warmup = 0;
  const times: number[] = [];
  while (warmup < policy.warmupRuns || now() - start < policy.warmupMinMs) {
    yield* once();
    if (warmup === 0 && last >= policy.slowRunMs) {
      times.push(last); // already slow when cold: it counts as a timed rep, not a warm-up
      break;
    }
    warmup++;
    if (now() - start >= policy.warmupMaxMs) break;
  }
  if (warmup === 0 && times.length === 0) {
    yield* once();
    times.push(last);
  }
  const reps = repsFor(policy, last);
  while (times.length < reps) {
    yield* once();
    times.push(last);
  }
  return { times, warmup, check };
}

/**
 * Warms `run` up, then times it with `now()` (`performance.now()`) as many times as {@link repsFor} says
 * (see {@link schedule}). `run` must finish its work before returning (tfjs: `dataSync()`), and returns a
 * number derived from its result.
 */
export function measure(
  run: () => number,
  policy: RepPolicy,
  now: () => number = () => performance.now(),
): Measurement {
  const s = schedule(policy, now);
  for (let step = s.next(); ; ) {
    if (step.done) return step.value;
    const t0 = now();
    const value = run();
    step = s.next({ ms: now() - t0, value });
  }
}

/**
 * {@link measure} for a run that returns a promise (a `fit` epoch, tfjs's `model.fit`): each run is timed
 * from the call until its promise settles, and the next run starts only then.
 */
export async function measureAsync(
  run: () => Promise<number>,
  policy: RepPolicy,
  now: () => number = () => performance.now(),
): Promise<Measurement> {
  const s = schedule(policy, now);
  for (let step = s.next(); ; ) {
    if (step.done) return step.value;
    const t0 = now();
    const value = await run();
    step = s.next({ ms: now() - t0, value });
  }
}

/** One result: what a `BENCH` line carries. */
export interface BenchResult {
  workload: string;
  system: SystemName;
  stats: Stats;
  warmup: number;
  /** Floating-point operations per run, when the workload has a meaningful count. */
  flops?: number;
  /** Primitive ops per run, for per-op overhead. */
  opsPerRun?: number;
  /** Images one run trains on (`cnn-epoch`), for images per second. */
  imagesPerRun?: number;
  /** Images in a whole epoch, when a run covers only part of one: the time per epoch is extrapolated. */
  imagesPerEpoch?: number;
  check?: number;
}

/** Rounds to `digits` significant digits (keeps integers' magnitude: 1234.5 → 1235 at 4 digits). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** GFLOP/s of `flops` operations in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

/** Images per second, `images` in `ms` milliseconds. */
export function imagesPerSecond(images: number, ms: number): number {
  return (images * 1000) / ms;
}

/**
 * The machine-readable line for one result, e.g.
 * `BENCH {"workload":"matmul-256","system":"tensorloom","median_ms":12.3,"gflops":2.7,…}`.
 * The first four keys are fixed; extra ones follow.
 */
export function benchLine(r: BenchResult): string {
  const o: Record<string, string | number> = {
    workload: r.workload,
    system: r.system,
    median_ms: round(r.stats.median),
  };
  if (r.flops !== undefined) o.gflops = round(gflops(r.flops, r.stats.median), 3);
  if (r.opsPerRun !== undefined) o.us_per_op = round((r.stats.median * 1000) / r.opsPerRun, 3);
  if (r.imagesPerRun !== undefined) {
    o.images_per_s = round(imagesPerSecond(r.imagesPerRun, r.stats.median), 3);
    if (r.imagesPerEpoch !== undefined) o.epoch_ms = round((r.stats.median * r.imagesPerEpoch) / r.imagesPerRun);
  }
  o.min_ms = round(r.stats.min);
  o.p90_ms = round(r.stats.p90);
  o.reps = r.stats.reps;
  o.warmup = r.warmup;
  if (r.check !== undefined && Number.isFinite(r.check)) o.check = round(r.check, 6);
  return `BENCH ${JSON.stringify(o)}`;
}

/** Formats milliseconds for the table: whole ms from 100 up, else 3 significant digits (`0.0189`). */
export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  return ms.toPrecision(3);
}

/** `other / tensorloom` as e.g. `3.21x`, `65.7x` or `0.048x` (above 1: Tensorloom is faster). */
export function fmtRatio(other: number | undefined, base: number | undefined): string {
  if (other === undefined || base === undefined || base <= 0) return '-';
  const r = other / base;
  if (r >= 10) return `${r.toFixed(1)}x`;
  if (r >= 1) return `${r.toFixed(2)}x`;
  return `${r.toPrecision(2)}x`;
}

/** A fixed-width text table with a header rule; numeric-looking cells are right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-\d.]/.test(s) || s === '-';
  const fmt = (cells: readonly string[], isHeader: boolean) =>
    cells
      .map((c, i) => (!isHeader && i > 0 && numeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(header, true), rule, ...rows.map((r) => fmt(r, false))].join('\n');
}

/**
 * The summary: one row per workload (in first-seen order) with each system's median in ms (and its rep
 * count), the ratios tfjs-cpu/tensorloom and tfjs-wasm/tensorloom, and Tensorloom's throughput.
 */
export function summaryTable(results: readonly BenchResult[]): string {
  const workloads: string[] = [];
  const by = new Map<string, BenchResult>();
  for (const r of results) {
    if (!workloads.includes(r.workload)) workloads.push(r.workload);
    by.set(`${r.workload}\u0000${r.system}`, r);
  }
  const get = (w: string, s: SystemName) => by.get(`${w}\u0000${s}`);
  const cell = (r: BenchResult | undefined) => (r ? `${fmtMs(r.stats.median)} (${r.stats.reps})` : '-');
  const header = [
    'workload',
    'tensorloom ms (reps)',
    'tfjs-cpu ms (reps)',
    'tfjs-wasm ms (reps)',
    'cpu/tl',
    'wasm/tl',
    'tensorloom rate',
  ];
  const rows = workloads.map((w) => {
    const tl = get(w, 'tensorloom');
    const cpu = get(w, 'tfjs-cpu');
    const wasm = get(w, 'tfjs-wasm');
    return [
      w,
      cell(tl),
      cell(cpu),
      cell(wasm),
      fmtRatio(cpu?.stats.median, tl?.stats.median),
      fmtRatio(wasm?.stats.median, tl?.stats.median),
      tl ? rate(tl) : '-',
    ];
  });
  return textTable(header, rows);
}

/** Throughput of one result in the units that suit it: images/s, GFLOP/s, µs per op. */
export function rate(r: BenchResult): string {
  const parts: string[] = [];
  if (r.imagesPerRun !== undefined) parts.push(`${round(imagesPerSecond(r.imagesPerRun, r.stats.median), 3)} img/s`);
  if (r.flops !== undefined) parts.push(`${round(gflops(r.flops, r.stats.median), 3)} GFLOP/s`);
  if (r.opsPerRun !== undefined) parts.push(`${round((r.stats.median * 1000) / r.opsPerRun, 3)} us/op`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

/**
 * Workloads whose `check` values disagree between systems by more than `rtol` (relative to the largest
 * magnitude), as human-readable lines. The same inputs go to every system, so checks should agree up to
 * float32 rounding.
 */
export function checkMismatches(results: readonly BenchResult[], rtol = 1e-3): string[] {
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) {
    if (r.check === undefined || !Number.isFinite(r.check)) continue;
    const g = groups.get(r.workload) ?? [];
    g.push(r);
    groups.set(r.workload, g);
  }
  const out: string[] = [];
  for (const [w, g] of groups) {
    const vals = g.map((r) => r.check as number);
    const scale = Math.max(...vals.map(Math.abs), 1e-12);
    if (Math.max(...vals) - Math.min(...vals) > rtol * scale) {
      out.push(`${w}: ${g.map((r) => `${r.system}=${r.check}`).join(', ')}`);
    }
  }
  return out;
}

/** Parsed command line. */
export interface Options {
  /** Substrings; a workload runs if its name contains any of them (all run when empty). */
  filters: string[];
  systems: SystemName[];
  quick: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [-- ] [--quick] [--systems=tensorloom,tfjs-cpu,tfjs-wasm] [FILTER...]
  FILTER      run only workloads whose name contains one of these (e.g. matmul, mlp, matmul-256)
  --quick     one warm-up and 1-3 timed reps per result (a smoke run, numbers are rough)
  --systems   comma-separated subset of: ${SYSTEMS.join(', ')}
environment: BENCH_FILTER (comma/space separated, like FILTER), BENCH_SYSTEMS, BENCH_QUICK=1`;

/** Reads options from argv (after the script name) and the BENCH_* environment variables. */
export function parseOptions(argv: readonly string[], env: Record<string, string | undefined> = {}): Options {
  const split = (s: string | undefined) => (s ?? '').split(/[\s,]+/).filter((x) => x.length > 0);
  const filters = split(env.BENCH_FILTER);
  let systems = split(env.BENCH_SYSTEMS);
  let quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a.startsWith('--systems=')) systems = split(a.slice('--systems='.length));
    else if (a === '--systems') systems = split(argv[++i]);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else filters.push(...split(a));
  }
  for (const s of systems) {
    if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`unknown system ${s}\n${USAGE}`);
  }
  return {
    filters,
    systems: systems.length > 0 ? SYSTEMS.filter((s) => systems.includes(s)) : [...SYSTEMS],
    quick,
    help,
  };
}

/** Whether workload `name` passes the filters. */
export function selected(name: string, filters: readonly string[]): boolean {
  return filters.length === 0 || filters.some((f) => name.includes(f));
}
