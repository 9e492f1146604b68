import { describe, expect, it } from 'vitest';
import type { TrainingExampleModule } from './training';
import { type TrainingEvent, TrainingSession } from './training-session';

/** A stand-in example: the "loss" of step k is 1/k, and it is done after `steps` steps. */
function counter(steps = 1000): TrainingExampleModule<{ seed: number; steps: number }> {
  return {
    defaults: { seed: 1, steps },
    setup: ({ seed, steps: n }) => {
      let k = 0;
      return {
        step: () => {
          k++;
          return { metrics: { loss: seed / k }, summary: `k=${k}`, done: k >= n };
        },
      };
    },
  };
}

function session(example: TrainingExampleModule, loadDelay = 0) {
  const events: TrainingEvent[] = [];
  const pending: (() => void)[] = [];
  const s = new TrainingSession(
    (e) => events.push(e),
    (slug) =>
      new Promise((resolve, reject) =>
        setTimeout(() => (slug === 'counter' ? resolve(example) : reject(new Error(`no ${slug}`))), loadDelay),
      ),
    (fn) => pending.push(fn), // bursts run only when the test says so
    0, // one step per burst
  );
  const runBurst = () => pending.shift()?.();
  const progress = () => events.filter((e) => e.type === 'progress').flatMap((e) => e.points);
  return { s, events, runBurst, pending, progress };
}

describe('TrainingSession', () => {
  it('handles a start sent while the example is still loading, after it has loaded', async () => {
    const { s, events, progress } = session(counter(), 20);
    const init = s.handle({ type: 'init', slug: 'counter' });
    const start = s.handle({ type: 'start' }); // clicked early
    await Promise.all([init, start]);
    expect(events[0]).toEqual({ type: 'ready', params: { seed: 1, steps: 1000 } });
    expect(events[1]).toEqual({ type: 'state', running: true, done: false });
    expect(progress()[0]).toEqual({ step: 1, metrics: { loss: 1 } });
  });

  it('pauses between bursts, steps one at a time, and resumes', async () => {
    const { s, runBurst, pending, progress } = session(counter());
    await s.handle({ type: 'init', slug: 'counter' });
    await s.handle({ type: 'start' });
    runBurst();
    const afterFirstBurst = progress().length;
    expect(afterFirstBurst).toBe(2);
    await s.handle({ type: 'pause' });
    runBurst(); // the burst scheduled before the pause does nothing
    expect(progress()).toHaveLength(afterFirstBurst);
    await s.handle({ type: 'step' });
    expect(progress().at(-1)?.step).toBe(afterFirstBurst + 1);
    await s.handle({ type: 'start' });
    expect(progress().at(-1)?.step).toBe(afterFirstBurst + 2);
    expect(pending).toHaveLength(1);
  });

  it('stops when the example is done and ignores start until reset', async () => {
    const { s, events, runBurst, progress } = session(counter(3));
    await s.handle({ type: 'init', slug: 'counter' });
    await s.handle({ type: 'start' });
    runBurst();
    runBurst();
    runBurst(); // nothing left to run
    expect(progress().map((p) => p.step)).toEqual([1, 2, 3]);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'progress', running: false, done: true, summary: 'k=3' });
    await s.handle({ type: 'start' });
    expect(events.at(-1)).toEqual({ type: 'state', running: false, done: true });
    await s.handle({ type: 'reset', params: { seed: 5 } });
    expect(events.at(-2)).toEqual({ type: 'reset', params: { seed: 5, steps: 3 } });
    await s.handle({ type: 'step' });
    expect(progress().at(-1)).toEqual({ step: 1, metrics: { loss: 5 } });
  });

  it('waits for an example whose setup is asynchronous (one that fetches its data)', async () => {
    const sync = counter(2);
    const slow: TrainingExampleModule = {
      defaults: sync.defaults,
      setup: async (p) => {
        await new Promise((r) => setTimeout(r, 10));
        return sync.setup(p as { seed: number; steps: number });
      },
    };
    const { s, events, progress } = session(slow);
    await Promise.all([s.handle({ type: 'init', slug: 'counter' }), s.handle({ type: 'step' })]);
    expect(events[0].type).toBe('ready');
    expect(progress()).toEqual([{ step: 1, metrics: { loss: 1 } }]);
  });

  it('reports a missing example as an error and keeps handling commands', async () => {
    const { s, events } = session(counter());
    await s.handle({ type: 'init', slug: 'nope' });
    expect(events).toEqual([{ type: 'error', message: 'no nope' }]);
    await s.handle({ type: 'init', slug: 'counter' });
    expect(events.at(-1)?.type).toBe('ready');
  });

  it("sends a step's outputs once, with their buffers listed for transfer", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const example: TrainingExampleModule = {
      defaults: { seed: 1 },
      setup: () => {
        let k = 0;
        return {
          step: () => (++k === 2 ? { metrics: { loss: 1 }, done: true, outputs: { bytes } } : { metrics: { loss: 2 } }),
        };
      },
    };
    const sent: { event: TrainingEvent; transfer?: Transferable[] }[] = [];
    const s = new TrainingSession(
      (event, transfer) => sent.push({ event, transfer }),
      async () => example,
    );
    await s.handle({ type: 'init', slug: 'x' });
    await s.handle({ type: 'step' });
    await s.handle({ type: 'step' });
    const [first, second] = sent.filter((m) => m.event.type === 'progress');
    expect(first.transfer).toBeUndefined();
    expect(second.event).toMatchObject({ type: 'progress', done: true, outputs: { bytes } });
    expect(second.transfer).toEqual([bytes.buffer]);
  });
});
