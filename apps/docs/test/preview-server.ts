/**
 * Serves the built site (dist/) with `astro preview` on 127.0.0.1 and a free port, for the browser test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const docsRoot = fileURLToPath(new URL('..', import.meta.url));
const astroBin = fileURLToPath(new URL('../node_modules/astro/bin/astro.mjs', import.meta.url));

/** A port that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** What vitest adds to `process.env`: its own flags and Vite's `import.meta.env` values (MODE=test, DEV=1, …). */
const VITEST_ENV = ['NODE_ENV', 'TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL'];

/**
 * The environment of `pnpm build`, not of the test run. vitest sets NODE_ENV=test, DEV=1 and more, and an
 * `astro build` run with those makes a development build: Starlight then renders "Search is only available
 * in production builds" instead of the search box. So the child gets the environment without them.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  for (const key of Object.keys(env)) if (VITEST_ENV.includes(key) || key.startsWith('VITEST')) delete env[key];
  return env;
}

function runAstro(args: string[]): ChildProcess {
  return spawn(process.execPath, [astroBin, ...args], {
    cwd: docsRoot,
    env: buildEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Builds the site, as `pnpm build` does, if dist/ holds none yet (turbo builds it first in `pnpm test`; this
 * covers a bare vitest run). A dist/ that is there is used as it is: rebuild after changing the site.
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(new URL('../dist/index.html', import.meta.url))) return;
  console.log('docs browser test: no dist/ yet, running astro build first (as `pnpm build` does; about a minute)');
  const child = runAstro(['build']);
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`astro build failed (exit ${code}):\n${log.slice(-4000)}`);
}

export interface Preview {
  url: string;
  stop(): Promise<void>;
}

/** Starts `astro preview` and resolves once it answers. */
export async function startPreview(): Promise<Preview> {
  const port = await freePort();
  const child = runAstro(['preview', '--host', '127.0.0.1', '--port', String(port)]);
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`astro preview exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`astro preview did not answer on ${url} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
