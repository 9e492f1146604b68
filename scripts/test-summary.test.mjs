import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from './test-summary.mjs';

test('sums vitest and node test runner summaries, ignoring colour codes', () => {
  const log = [
    '\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m30 passed\x1b[39m\x1b[22m\x1b[90m (30)\x1b[39m',
    '@pkg:test:       Tests  1 failed | 684 passed | 2 skipped (687)',
    'ℹ pass 9',
    'ℹ fail 0',
  ].join('\n');
  assert.deepEqual(summarize(log), { passed: 723, failed: 1, skipped: 2, runs: 3 });
});

test('a log without summaries counts no runs', () => {
  assert.equal(summarize('nothing here').runs, 0);
});
