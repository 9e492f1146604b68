import { tensorloomVitestConfig } from '../../vitest.shared.ts';

const config = tensorloomVitestConfig(new URL('./', import.meta.url).href);

// With TENSORLOOM_DIST=1 (`test:dist`) only the examples run, against the packages' built dist/; the
// browser test of the built site runs once, in `test`.
if (process.env.TENSORLOOM_DIST === '1' && config.test)
  config.test.exclude = ['test/site.test.ts', '**/node_modules/**'];

// The browser test polls the page for results of real work (training, decoding a checkpoint, predicting 500
// images on the main thread); on a loaded 2-core CI machine that can take seconds, not vitest's default 1 s.
// Budgets that matter (time to first step) are measured and asserted separately.
if (config.test) config.test.expect = { ...config.test.expect, poll: { timeout: 20_000, interval: 100 } };

export default config;
