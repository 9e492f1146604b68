import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/data/node.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // Node built-ins are used by the ./node and ./data/node entries only; the main entry imports none.
  external: [
    'node:fs',
    'node:fs/promises',
    'node:path',
    'node:url',
    '@tensorloom/tensor-core',
    '@tensorloom/tensor-core/node',
  ],
});
