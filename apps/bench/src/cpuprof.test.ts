import { describe, expect, it } from 'vitest';
import { type CpuProfile, formatSelfTimes, selfTimes } from './cpuprof';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

// (root) → loader; (root) → measure → kernel; (root) → (garbage collector)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
    { id: 2, callFrame: frame('loader', 'file:///x/loader.js', 9) },
    { id: 3, callFrame: frame('measure', 'file:///x/harness.ts', 99), children: [4] },
    { id: 4, callFrame: frame('kernelBlock', 'file:///x/dist/chunk.js', 509) },
    { id: 5, callFrame: frame('(garbage collector)') },
  ],
  samples: [2, 2, 4, 5, 4, 3, 2],
  timeDeltas: [0, 1000, 1000, 2000, 1000, 3000, 1000],
};

describe('cpu profile self times', () => {
  it('attributes each sample the time until the next one, by function and file:line', () => {
    const rows = selfTimes(profile);
    expect(rows.map((r) => [r.fn, r.ms])).toEqual([
      ['kernelBlock (chunk.js:510)', 5],
      ['loader (loader.js:10)', 2], // its last sample has no successor, so no duration
      ['(garbage collector)', 1],
      ['measure (harness.ts:100)', 1],
    ]);
    expect(rows.reduce((s, r) => s + r.percent, 0)).toBeCloseTo(100, 10);
  });

  it('keeps only samples under a named function, plus GC while it runs', () => {
    const rows = selfTimes(profile, 'measure');
    expect(rows.map((r) => [r.fn, r.ms])).toEqual([
      ['kernelBlock (chunk.js:510)', 5],
      ['(garbage collector)', 1],
      ['measure (harness.ts:100)', 1],
    ]);
    expect(rows[0].percent).toBeCloseTo((100 * 5) / 7, 10);
  });

  it('never counts idle time', () => {
    const idle: CpuProfile = {
      nodes: [
        ...profile.nodes.map((n) => (n.id === 1 ? { ...n, children: [2, 3, 5, 6] } : n)),
        { id: 6, callFrame: frame('(idle)') },
      ],
      samples: [4, 6, 6, 4],
      timeDeltas: [0, 1000, 5000, 1000],
    };
    expect(selfTimes(idle).map((r) => [r.fn, r.ms])).toEqual([['kernelBlock (chunk.js:510)', 1]]);
  });

  it('formats the top rows', () => {
    expect(formatSelfTimes(selfTimes(profile, 'measure'), 1)).toBe('      5 ms  71.4%  kernelBlock (chunk.js:510)');
  });
});
