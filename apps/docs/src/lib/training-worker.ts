/**
 * The Web Worker every training example runs in. It loads the example module by slug (each example is
 * its own chunk, fetched on demand) and hands the page's commands to a TrainingSession.
 */
import type { TrainingExampleModule } from './training';
import { type TrainingCommand, type TrainingEvent, TrainingSession } from './training-session';

const examples = import.meta.glob<TrainingExampleModule>('../examples/*/index.ts');

async function load(slug: string): Promise<TrainingExampleModule> {
  const importer = examples[`../examples/${slug}/index.ts`];
  if (!importer) throw new Error(`no example at src/examples/${slug}/index.ts`);
  return importer();
}

const session = new TrainingSession(
  (event: TrainingEvent, transfer: Transferable[] = []) => self.postMessage(event, { transfer }),
  load,
);
self.addEventListener('message', (e: MessageEvent<TrainingCommand>) => void session.handle(e.data));
