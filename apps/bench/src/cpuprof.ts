/**
 * Self time per function from a V8 `.cpuprofile` (what `node --cpu-prof` and the inspector's profiler
 * write), to see which kernel a workload spends its time in, and {@link recordCpuProfile}, which profiles
 * one measurement. Used by `src/main.ts` and `src/profile.ts`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** The parts of a V8 CPU profile read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  /** Node id of each sample. */
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface SelfTime {
  /** `name (file:line)`; line numbers are 1-based. */
  fn: string;
  ms: number;
  /** Share of all sampled time, 0–100. */
  percent: number;
}

/**
 * Self time of each function (summed over every call site), largest first. A sample's time is the delta to
 * the next sample, which V8 attributes to the function on top of the stack. With `under`, only samples
 * taken while a function of that name was on the stack count (e.g. `measure`, to leave out module loading),
 * plus garbage collection and V8 internals in between, and percentages are of that time. Idle time (the
 * event loop waiting) is nobody's and never counts.
 */
export function selfTimes(profile: CpuProfile, under?: string): SelfTime[] {
  const label = new Map<number, string>();
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const file = url ? url.slice(url.lastIndexOf('/') + 1) : '';
    const fn = functionName || (file ? '(anonymous)' : '(native/idle)');
    label.set(n.id, file ? `${fn} (${file}:${lineNumber + 1})` : fn);
    name.set(n.id, functionName);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    if (under === undefined) return true;
    const known = inside.get(id);
    if (known !== undefined) return known;
    const p = parent.get(id);
    const v = name.get(id) === under || (p !== undefined && isInside(p));
    inside.set(id, v);
    return v;
  };
  // The garbage collector and V8's own code sit at the root of the profile, not under the function that
  // made them work: count them while `under` is running, i.e. between its first and last sample.
  const rootLevel = (id: number) => name.get(id) === '(garbage collector)' || name.get(id) === '(program)';
  let first = 0;
  let last = profile.samples.length - 1;
  if (under !== undefined) {
    while (first <= last && !isInside(profile.samples[first])) first++;
    while (last >= first && !isInside(profile.samples[last])) last--;
  }
  const us = new Map<string, number>();
  let total = 0;
  for (let i = first; i <= last; i++) {
    const id = profile.samples[i];
    if ((!isInside(id) && !rootLevel(id)) || name.get(id) === '(idle)') continue;
    // timeDeltas[i] is the gap *before* sample i, so sample i lasts timeDeltas[i + 1].
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const fn = label.get(id) ?? '?';
    us.set(fn, (us.get(fn) ?? 0) + dt);
    total += dt;
  }
  return [...us.entries()]
    .map(([fn, t]) => ({ fn, ms: t / 1000, percent: total > 0 ? (100 * t) / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** The top `n` entries as aligned text lines. */
export function formatSelfTimes(rows: readonly SelfTime[], n = 15): string {
  return rows
    .slice(0, n)
    .map((r) => `${r.ms.toFixed(0).padStart(7)} ms ${r.percent.toFixed(1).padStart(5)}%  ${r.fn}`)
    .join('\n');
}

/**
 * Runs `body` under V8's sampling profiler (through `node:inspector`, in this process) and writes what it
 * recorded to `file` as a `.cpuprofile`. Unlike `node --cpu-prof`, the profile holds exactly the
 * measurement, including the work that async code (a `fit` epoch) does after an `await`, which V8 resumes
 * without its callers on the stack.
 */
export async function recordCpuProfile<T>(file: string, body: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    let result: T;
    try {
      result = await body();
    } finally {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    }
    return result;
  } finally {
    session.disconnect();
  }
}
