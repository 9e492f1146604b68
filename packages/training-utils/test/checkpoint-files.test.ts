import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '@tensorloom/training-utils';
import {
  loadCheckpointFile,
  removeStaleCheckpointTempFiles,
  saveCheckpointFile,
} from '@tensorloom/training-utils/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeData, makeSetup, modelBytes, optimizerBytes, trainEpoch } from './helpers/checkpoint-setup';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensorloom-checkpoint-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The id of a process that has exited (so no process has it, barring reuse within the test). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  return result.pid as number;
}

describe('checkpoint files', () => {
  it('saveCheckpointFile / loadCheckpointFile round-trip a training setup', async () => {
    const s = makeSetup(1);
    trainEpoch(s, makeData(), 0);
    const path = join(dir, 'a.safetensors');
    await saveCheckpointFile(path, { model: s.model, optimizer: s.optimizer, epoch: 1, globalStep: 5 });
    const fresh = makeSetup(2);
    const info = await loadCheckpointFile(path, { model: fresh.model, optimizer: fresh.optimizer });
    expect(info).toEqual({ epoch: 1, globalStep: 5, extra: null });
    expect(modelBytes(fresh.model)).toEqual(modelBytes(s.model));
    expect(optimizerBytes(fresh.optimizer)).toEqual(optimizerBytes(s.optimizer));
    expect(await readdir(dir)).toEqual(['a.safetensors']);
  });

  it('names the file in load errors, and passes on fs errors', async () => {
    const path = join(dir, 'short.safetensors');
    await writeFile(path, saveCheckpoint({ model: makeSetup(1).model }).subarray(0, 20));
    await expect(loadCheckpointFile(path, { model: makeSetup(1).model })).rejects.toThrow(
      new RegExp(`^loading checkpoint: safetensors: .*\\(file ${path.replace(/[.]/g, '\\.')}\\)$`, 's'),
    );
    await expect(loadCheckpointFile(join(dir, 'missing'), { model: makeSetup(1).model })).rejects.toThrow(/ENOENT/);
  });

  it('removes temporary files of dead writers before saving, and leaves live writers and other files alone', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const dead = deadPid();
    const stale = `.ckpt.safetensors.${dead}.0123456789ab.tmp`;
    const own = `.ckpt.safetensors.${process.pid}.0123456789ab.tmp`;
    const live = `.ckpt.safetensors.${process.ppid}.0123456789ab.tmp`;
    const otherFile = `.other.safetensors.${dead}.0123456789ab.tmp`;
    for (const name of [stale, own, live, otherFile, 'notes.txt']) await writeFile(join(dir, name), 'partial');

    expect(await removeStaleCheckpointTempFiles(path)).toEqual([join(dir, stale)]);
    expect((await readdir(dir)).sort()).toEqual([own, live, otherFile, 'notes.txt'].sort());

    await writeFile(join(dir, stale), 'partial');
    await saveCheckpointFile(path, { model: makeSetup(1).model });
    expect(await readdir(dir)).not.toContain(stale);
    expect(await readdir(dir)).toContain('ckpt.safetensors');
    expect(await removeStaleCheckpointTempFiles(join(dir, 'nowhere', 'x.safetensors'))).toEqual([]);
  });
});
