/**
 * Child process of the crash test: saves checkpoints of ever newer model versions to one path as fast as it can,
 * until it is killed. Run with the package SOURCE:
 *
 *     node --conditions=tensorloom-source --import tsx test/helpers/crash-writer.ts <path> <first version>
 *
 * It prints `ready` once loaded and `saved <v>` after each save has returned (the file is then durable).
 */
import { saveCheckpointFile } from '@tensorloom/training-utils/node';
import { makeCrashModel, setVersion, weightsChecksum } from './crash-versions';

const [path, first] = process.argv.slice(2);
const model = makeCrashModel();
process.stdout.write('ready\n');
for (let v = Number(first); ; v++) {
  setVersion(model, v);
  await saveCheckpointFile(path, { model, epoch: v, extra: { version: v, checksum: weightsChecksum(model) } });
  process.stdout.write(`saved ${v}\n`);
}
