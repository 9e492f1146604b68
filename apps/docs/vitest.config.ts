import { tensorloomVitestConfig } from '../../vitest.shared.ts';

const config = tensorloomVitestConfig(new URL('./', import.meta.url).href);

// With TENSORLOOM_DIST=1 (`test:dist`) only the examples run, against the packages' built dist/; the
// browser test of the built site runs once, in `test`.
if (process.env.TENSORLOOM_DIST === '1' && config.test)
  config.test.exclude = ['test/site.test.ts', '**/node_modules/**'];

export default config;
