import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The complete examples of a README: the ```ts blocks that follow a `<!-- runnable -->` line. Tests import
 * each one as a module, so a README example that stops working fails the build.
 */
export function runnableBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const re = /<!-- runnable -->\s*\n```ts\n([\s\S]*?)\n```/g;
  for (const m of markdown.matchAll(re)) blocks.push(m[1]);
  return blocks;
}

/**
 * Writes the README's runnable blocks as modules under `<dir>/.readme/` (git-ignored) and returns their paths,
 * ready for `await import(path)`; imports of the package's own name resolve as in any test.
 */
export function writeReadmeModules(readmePath: string, dir: string): string[] {
  const out = join(dir, '.readme');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  return runnableBlocks(readFileSync(readmePath, 'utf8')).map((code, i) => {
    const path = join(out, `block-${i}.ts`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
    return path;
  });
}

/**
 * Declares one vitest test per runnable README example (see {@link runnableBlocks}): each is imported as a
 * module and must run without throwing. `readme` and `dir` are file URLs (`new URL('../README.md', import.meta.url)`).
 */
export async function describeReadmeExamples(readme: URL, dir: URL, atLeast = 1): Promise<void> {
  const { describe, expect, it, vi } = await import('vitest');
  const modules = writeReadmeModules(fileURLToPath(readme), fileURLToPath(dir));
  describe('README examples', () => {
    it(`has at least ${atLeast} runnable example(s)`, () => {
      expect(modules.length).toBeGreaterThanOrEqual(atLeast);
    });
    it.each(modules.map((m, i) => [i, m]))('example %i runs as shown', async (_i, path) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ path);
      } finally {
        log.mockRestore();
      }
    });
  });
}
