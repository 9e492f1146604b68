import { describe, expect, it } from 'vitest';
import {
  type BenchResult,
  benchLine,
  checkMismatches,
  FULL_POLICY,
  fmtMs,
  fmtRatio,
  measure,
  measureAsync,
  median,
  parseOptions,
  QUICK_POLICY,
  quantile,
  type RepPolicy,
  rate,
  repsFor,
  round,
  SYSTEMS,
  selected,
  summarize,
  summaryTable,
  textTable,
} from './harness';

function result(workload: string, system: BenchResult['system'], ms: number, extra: Partial<BenchResult> = {}) {
  return { workload, system, stats: summarize([ms]), warmup: 2, ...extra } satisfies BenchResult;
}

/** A clock that moves only when `run` says so, so measure() can be checked without timing anything. */
function fakeClock(runMs: (call: number) => number) {
  let t = 0;
  let calls = 0;
  return {
    now: () => t,
    run: () => {
      t += runMs(calls);
      return 100 + calls++;
    },
    calls: () => calls,
  };
}

describe('statistics', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates quantiles between order statistics', () => {
    const xs = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(10);
    expect(quantile(xs, 0.9)).toBeCloseTo(9.1, 12);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
  });

  it('summarizes median, min, p90 and count', () => {
    expect(summarize([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, p90: quantile([1, 2, 3, 10], 0.9), reps: 4 });
  });
});

describe('repetitions', () => {
  it('fits the target time between the minimum and maximum rep counts', () => {
    expect(repsFor(FULL_POLICY, 100)).toBe(20); // 2000 ms / 100 ms
    expect(repsFor(FULL_POLICY, 0.01)).toBe(FULL_POLICY.maxReps);
    expect(repsFor(FULL_POLICY, 0)).toBe(FULL_POLICY.maxReps);
    expect(repsFor(FULL_POLICY, 3000)).toBe(FULL_POLICY.minReps);
    expect(repsFor(FULL_POLICY, 20_000)).toBe(FULL_POLICY.slowReps);
  });

  it('warms up for the minimum count and time, then times the computed number of reps', () => {
    const clock = fakeClock(() => 10);
    const m = measure(clock.run, FULL_POLICY, clock.now);
    expect(m.warmup).toBe(30); // 300 ms of 10 ms runs
    expect(m.times).toHaveLength(60); // floor(2000 / 10) = 200, capped at maxReps
    expect(m.times.every((t) => t === 10)).toBe(true);
    expect(m.check).toBe(100); // the first call's value
    expect(clock.calls()).toBe(90);
  });

  it('stops warming up at warmupMaxMs and takes few reps of a slow run', () => {
    const clock = fakeClock(() => 4000);
    const m = measure(clock.run, FULL_POLICY, clock.now);
    expect(m.warmup).toBe(1);
    expect(m.times).toEqual([4000, 4000, 4000]);
  });

  it('uses the warm-up to size the reps even when the first run was slower (JIT)', () => {
    const clock = fakeClock((call) => (call === 0 ? 1000 : 100));
    const m = measure(clock.run, FULL_POLICY, clock.now);
    expect(m.warmup).toBe(2);
    expect(m.times).toHaveLength(20);
  });

  it('times the first run itself in quick mode (no warm-up)', () => {
    const clock = fakeClock((call) => (call === 0 ? 20 : 5));
    const m = measure(clock.run, QUICK_POLICY, clock.now);
    expect(m.warmup).toBe(0);
    expect(m.times).toEqual([20, 5]); // sized from the first run: floor(50 ms / 20 ms) = 2 reps in all
    expect(m.check).toBe(100);
  });

  it('gives a run slower than slowRunMs only slowReps reps', () => {
    const policy: RepPolicy = { ...QUICK_POLICY, minReps: 3, slowRunMs: 1000, slowReps: 2 };
    const clock = fakeClock(() => 5000);
    expect(measure(clock.run, policy, clock.now).times).toEqual([5000, 5000]);
  });

  it('takes a first warm-up run slower than slowRunMs as the timed rep instead of repeating it', () => {
    const clock = fakeClock(() => 200_000);
    const m = measure(clock.run, FULL_POLICY, clock.now);
    expect(m.warmup).toBe(0);
    expect(m.times).toEqual([200_000]);
    expect(clock.calls()).toBe(1);
    const two = fakeClock(() => 20_000);
    expect(measure(two.run, { ...FULL_POLICY, slowReps: 2 }, two.now).times).toEqual([20_000, 20_000]);
  });

  it('times async runs until their promise settles, with the same schedule', async () => {
    const clock = fakeClock((call) => (call === 0 ? 1000 : 100));
    const run = async () => {
      await Promise.resolve();
      return clock.run(); // the clock moves when the work "finishes", after an await
    };
    const m = await measureAsync(run, FULL_POLICY, clock.now);
    expect(m.warmup).toBe(2);
    expect(m.times).toEqual(Array(20).fill(100));
    expect(m.check).toBe(100);
    const quick = fakeClock((call) => (call === 0 ? 20 : 5));
    const q = await measureAsync(async () => quick.run(), QUICK_POLICY, quick.now);
    expect(q).toEqual({ times: [20, 5], warmup: 0, check: 100 }); // as measure() does in quick mode
  });
});

describe('BENCH lines', () => {
  it('starts with workload, system, median_ms and gflops, then the extra fields', () => {
    const r: BenchResult = {
      workload: 'matmul-256',
      system: 'tensorloom',
      stats: { median: 12.3, min: 12.0, p90: 13.01234, reps: 20 },
      warmup: 3,
      flops: 2 * 256 ** 3,
      check: -4.28679123,
    };
    const line = benchLine(r);
    expect(line).toBe(
      'BENCH {"workload":"matmul-256","system":"tensorloom","median_ms":12.3,"gflops":2.73,' +
        '"min_ms":12,"p90_ms":13.01,"reps":20,"warmup":3,"check":-4.28679}',
    );
    expect(line).toMatch(/^BENCH \{"workload":"[^"]+","system":"(tensorloom|tfjs-cpu|tfjs-wasm)","median_ms":/);
    const parsed = JSON.parse(line.slice('BENCH '.length));
    expect(parsed.gflops).toBeCloseTo((2 * 256 ** 3) / 12.3e6, 2);
  });

  it('reports microseconds per op instead of GFLOP/s for op-overhead', () => {
    const line = benchLine(result('op-overhead', 'tfjs-wasm', 61.3, { opsPerRun: 5000 }));
    const parsed = JSON.parse(line.slice('BENCH '.length));
    expect(parsed).toMatchObject({ workload: 'op-overhead', system: 'tfjs-wasm', median_ms: 61.3, us_per_op: 12.3 });
    expect(parsed.gflops).toBeUndefined();
    expect(parsed.check).toBeUndefined();
  });

  it('adds images per second and the time per epoch for epoch workloads, and the rate shows both units', () => {
    const r = result('cnn-epoch', 'tensorloom', 4000, { flops: 3.8e9, imagesPerRun: 640, imagesPerEpoch: 10_000 });
    const parsed = JSON.parse(benchLine(r).slice('BENCH '.length));
    expect(parsed).toMatchObject({ median_ms: 4000, gflops: 0.95, images_per_s: 160, epoch_ms: 62_500 });
    expect(Object.keys(parsed).slice(0, 6)).toEqual([
      'workload',
      'system',
      'median_ms',
      'gflops',
      'images_per_s',
      'epoch_ms',
    ]);
    expect(rate(r)).toBe('160 img/s, 0.95 GFLOP/s');
    expect(rate(result('x', 'tensorloom', 1))).toBe('-');
  });

  it('rounds to significant digits', () => {
    expect(round(1234.5678)).toBe(1235);
    expect(round(0.000123456)).toBe(0.0001235);
    expect(round(0)).toBe(0);
    expect(round(Number.NaN)).toBeNaN();
  });
});

describe('summary table', () => {
  it('formats times and ratios', () => {
    expect(fmtMs(1234.4)).toBe('1234');
    expect(fmtMs(12.345)).toBe('12.3');
    expect(fmtMs(0.1234)).toBe('0.123');
    expect(fmtMs(0.018934)).toBe('0.0189');
    expect(fmtMs(7)).toBe('7.00');
    expect(fmtRatio(30, 10)).toBe('3.00x');
    expect(fmtRatio(657, 10)).toBe('65.7x');
    expect(fmtRatio(0.35, 10)).toBe('0.035x');
    expect(fmtRatio(undefined, 10)).toBe('-');
    expect(fmtRatio(10, undefined)).toBe('-');
  });

  it('lays out one row per workload with ratios to Tensorloom and "-" where a system did not run', () => {
    const results = [
      result('matmul-256', 'tensorloom', 6.34, { flops: 2 * 256 ** 3, stats: { ...summarize([6.34]), reps: 60 } }),
      result('matmul-256', 'tfjs-cpu', 25.8),
      result('matmul-256', 'tfjs-wasm', 1.33),
      result('conv2d-step', 'tfjs-cpu', 18607),
      result('op-overhead', 'tensorloom', 9.35, { opsPerRun: 5000 }),
      result('op-overhead', 'tfjs-cpu', 48.8),
      result('op-overhead', 'tfjs-wasm', 61.3),
    ];
    expect(summaryTable(results)).toBe(
      [
        'workload     tensorloom ms (reps)  tfjs-cpu ms (reps)  tfjs-wasm ms (reps)  cpu/tl  wasm/tl  tensorloom rate',
        '-----------  --------------------  ------------------  -------------------  ------  -------  ---------------',
        'matmul-256              6.34 (60)            25.8 (1)             1.33 (1)   4.07x    0.21x     5.29 GFLOP/s',
        'conv2d-step                     -           18607 (1)                    -       -        -                -',
        'op-overhead              9.35 (1)            48.8 (1)             61.3 (1)   5.22x    6.56x       1.87 us/op',
      ].join('\n'),
    );
  });

  it('right-aligns numeric cells and left-aligns text', () => {
    expect(
      textTable(
        ['a', 'bb'],
        [
          ['x', '1'],
          ['yyy', '22.5'],
        ],
      ),
    ).toBe(['a    bb', '---  ----', 'x       1', 'yyy  22.5'].join('\n'));
  });

  it('flags workloads whose systems disagree on the first-run value', () => {
    const agree = [result('m', 'tensorloom', 1, { check: 1.0 }), result('m', 'tfjs-cpu', 1, { check: 1.0001 })];
    expect(checkMismatches(agree)).toEqual([]);
    const disagree = [...agree, result('m', 'tfjs-wasm', 1, { check: 1.5 })];
    expect(checkMismatches(disagree)).toEqual(['m: tensorloom=1, tfjs-cpu=1.0001, tfjs-wasm=1.5']);
  });
});

describe('options', () => {
  it('takes filters from argv and BENCH_FILTER, ignoring a bare --', () => {
    expect(parseOptions(['--', 'matmul', 'mlp'])).toEqual({
      filters: ['matmul', 'mlp'],
      systems: [...SYSTEMS],
      quick: false,
      help: false,
    });
    expect(parseOptions([], { BENCH_FILTER: 'matmul-64, op' }).filters).toEqual(['matmul-64', 'op']);
  });

  it('reads --quick, BENCH_QUICK and the system subset (kept in table order)', () => {
    expect(parseOptions(['--quick']).quick).toBe(true);
    expect(parseOptions([], { BENCH_QUICK: '1' }).quick).toBe(true);
    expect(parseOptions(['--systems=tfjs-wasm,tensorloom']).systems).toEqual(['tensorloom', 'tfjs-wasm']);
    expect(parseOptions(['--systems', 'tfjs-cpu']).systems).toEqual(['tfjs-cpu']);
    expect(parseOptions([], { BENCH_SYSTEMS: 'tensorloom' }).systems).toEqual(['tensorloom']);
  });

  it('rejects unknown options and systems', () => {
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--systems=pytorch'])).toThrow(/unknown system pytorch/);
  });

  it('selects workloads by substring', () => {
    expect(selected('matmul-256', [])).toBe(true);
    expect(selected('matmul-256', ['matmul'])).toBe(true);
    expect(selected('bmm-attention', ['matmul'])).toBe(false);
    expect(selected('mlp-step', ['matmul', 'mlp'])).toBe(true);
  });
});
