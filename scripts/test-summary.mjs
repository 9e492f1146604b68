#!/usr/bin/env node
// Reads the output of `pnpm test` (a log file) and prints one closing line that counts every test the run
// executed, across vitest (one summary per package and pass) and node's test runner:
//   tests: 1545 passed, 0 failed, 0 skipped
// It exits 1 if the log holds no test summary at all, so a run that silently tested nothing fails.
import { readFileSync } from 'node:fs';

/** Sums the per-run summaries found in `text`. */
export function summarize(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes test runners print
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const total = { passed: 0, failed: 0, skipped: 0, runs: 0 };
  for (const line of plain.split('\n')) {
    const vitest = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (vitest) {
      total.runs++;
      for (const [, n, what] of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        if (what === 'passed') total.passed += Number(n);
        else if (what === 'failed') total.failed += Number(n);
        else total.skipped += Number(n);
      }
      continue;
    }
    const node = line.match(/^ℹ (pass|fail|skipped) (\d+)\s*$/);
    if (node) {
      if (node[1] === 'pass') {
        total.runs++;
        total.passed += Number(node[2]);
      } else if (node[1] === 'fail') total.failed += Number(node[2]);
      else total.skipped += Number(node[2]);
    }
  }
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = summarize(readFileSync(process.argv[2], 'utf8'));
  console.log(`tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  if (t.runs === 0) {
    console.error('test-summary: no test summary found in the log: did any test run?');
    process.exit(1);
  }
}
