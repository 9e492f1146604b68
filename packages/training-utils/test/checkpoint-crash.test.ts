/**
 * Crash safety of checkpoint files: a child process (test/helpers/crash-writer.ts, bundled from the package SOURCE
 * through the `tensorloom-source` condition into one .mjs, so each start costs ~0.1 s instead of tsx's ~0.5 s) saves ever newer checkpoints to one path and is killed with
 * SIGKILL at random moments, many times. After every kill the file must load, hold one complete version (every
 * weight equal to that version's values, its recorded checksum right), never go back to an older version or lose
 * a save the child reported done, and at most one temporary file (the killed writer's) may be left; the next
 * writer deletes it before saving (`removeStaleCheckpointTempFiles`).
 *
 * The kill moments are random (from a seeded generator) but what is asserted holds for every moment, so the test
 * is deterministic in its verdict. How many kills landed mid-write is printed, not asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Generator, type nn } from '@tensorloom/tensor-core';
import { loadCheckpoint } from '@tensorloom/training-utils';
import { removeStaleCheckpointTempFiles, saveCheckpointFile } from '@tensorloom/training-utils/node';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedValue, makeCrashModel, setVersion, weightsChecksum } from './helpers/crash-versions';

const KILLS = 40;
/** The longest a child runs after it has loaded, in ms; kills are spread uniformly over [0, MAX_DELAY_MS). */
const MAX_DELAY_MS = 150;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let buildDir: string;
let writer: string;

beforeAll(async () => {
  buildDir = await mkdtemp(join(tmpdir(), 'tensorloom-crash-writer-'));
  writer = join(buildDir, 'crash-writer.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./helpers/crash-writer.ts', import.meta.url))],
    outfile: writer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    conditions: ['tensorloom-source'],
    absWorkingDir: packageDir,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await rm(buildDir, { recursive: true, force: true });
});

/** Starts the writer and resolves once it has loaded; collects its `saved` lines. */
function startWriter(path: string, first: number): Promise<{ child: ChildProcess; saved: number[]; stderr: string[] }> {
  const child = spawn(process.execPath, [writer, path, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const saved: number[] = [];
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line === 'ready') resolve({ child, saved, stderr });
      else if (line.startsWith('saved ')) saved.push(Number(line.slice(6)));
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`the writer exited before it was ready (${code ?? signal}): ${stderr.join('')}`));
    });
  });
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Loads the file into `model` and checks that it is one complete version; returns that version. */
async function verify(path: string, model: nn.Linear): Promise<number> {
  const info = loadCheckpoint(new Uint8Array(await readFile(path)), { model });
  const v = info.epoch;
  expect(info.extra).toEqual({ version: v, checksum: weightsChecksum(model) });
  for (const p of model.parameters()) {
    const d = p.data as Float32Array;
    for (let i = 0; i < d.length; i++) {
      if (d[i] !== expectedValue(i, v, d.length)) {
        throw new Error(`element ${i} of a ${d.length}-element parameter is not from version ${v}`);
      }
    }
  }
  return v;
}

describe('checkpoint files survive SIGKILL at any moment', () => {
  it(`stays loadable and complete through ${KILLS} kills of a writer`, { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tensorloom-crash-'));
    const path = join(dir, 'ckpt.safetensors');
    const rng = new Generator(20240611);
    const started = performance.now();
    let version = 0;
    let midWrite = 0;
    let advanced = 0;
    const pids: number[] = [];
    try {
      // Version 0, written without interruption, so the file exists before the first kill.
      const model = makeCrashModel();
      setVersion(model, 0);
      await saveCheckpointFile(path, { model, epoch: 0, extra: { version: 0, checksum: weightsChecksum(model) } });

      for (let kill = 0; kill < KILLS; kill++) {
        const { child, saved, stderr } = await startWriter(path, version + 1);
        await new Promise((r) => setTimeout(r, rng.nextInt(0, MAX_DELAY_MS)));
        await killAndWait(child);
        expect(stderr.join(''), `writer ${kill} wrote to stderr`).toBe('');

        const v = await verify(path, model);
        // Never older than before, never losing a save the writer reported as done.
        expect(v).toBeGreaterThanOrEqual(version);
        if (saved.length > 0) expect(v).toBeGreaterThanOrEqual(saved[saved.length - 1]);
        if (v > version) advanced++;
        version = v;

        // At most one temporary file is left: the killed writer's, or, if it was killed before its first save
        // began, that of the last writer that got that far. Each writer deletes dead writers' files before saving.
        pids.push(child.pid as number);
        const leftovers = (await readdir(dir)).filter((name) => name !== 'ckpt.safetensors');
        expect(leftovers.length, `leftovers after kill ${kill}: ${leftovers.join(', ')}`).toBeLessThanOrEqual(1);
        if (leftovers.length === 1) {
          const m = /^\.ckpt\.safetensors\.(\d+)\.[0-9a-f]+\.tmp$/.exec(leftovers[0]);
          expect(m, `unexpected file ${leftovers[0]}`).not.toBeNull();
          expect(pids).toContain(Number(m?.[1]));
          if (Number(m?.[1]) === child.pid) midWrite++;
        }
      }
      // Cleaning up after the last crash leaves just the checkpoint.
      await removeStaleCheckpointTempFiles(path);
      expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `crash test: ${KILLS} SIGKILLs in ${seconds} s; ${midWrite} left a temporary file (killed mid-write), ` +
        `${advanced} advanced the file; last version ${version}`,
    );
  });
});
