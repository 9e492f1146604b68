import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest setup. Tests resolve workspace packages to their `src/` (the
 * `tensorloom-source` export condition) so a change shows without a rebuild;
 * with TENSORLOOM_DIST=1 they resolve to the built `dist/` instead, which CI
 * runs once to test what is published.
 */
export function tensorloomVitestConfig(pkgDir: string, selfName?: string) {
  const dist = process.env.TENSORLOOM_DIST === '1';
  const self = fileURLToPath(new URL(dist ? './dist/index.js' : './src/index.ts', pkgDir));
  const alias = selfName ? [{ find: new RegExp(`^${selfName}$`), replacement: self }] : [];
  return defineConfig({
    resolve: {
      conditions: dist ? ['import', 'module', 'default'] : ['tensorloom-source', 'import', 'module', 'default'],
      alias,
    },
    ssr: { resolve: { conditions: dist ? [] : ['tensorloom-source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [fileURLToPath(new URL('./test-utils/setup.ts', import.meta.url))],
      testTimeout: 120_000,
      pool: 'forks',
    },
  });
}
