import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('the README example', () => {
  it('is this file, verbatim, so what the README shows is what runs', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain(source.trim());
  });

  it('runs and its loss falls', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    await import('./readme-example');
    spy.mockRestore();
    const losses = lines.map((l) => Number(l.split('loss ')[1]));
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0] / 2);
  });
});
