/**
 * The page side of chapter 2's "type into it" box: the reader types digits and sees the encoder–decoder's
 * greedy decoding, step by step with each step's probability, as they type.
 *
 * The box starts with the pre-trained model shipped beside the example (pretrained.safetensors, written by
 * scripts/train-seq2seq-reverse.ts). When the reader trains their own in the training example beside it,
 * every checkpoint that example hands out (`training-outputs`) is loaded into a fresh model and the box
 * switches to it, saying so; a reset of the training example switches back to the shipped model.
 *
 * The example module (and the library with it) and the weights are fetched only when the box comes near the
 * viewport or the reader reaches for it, so the page ships none of it up front. What the box says about an
 * input is decided by {@link checkInput} and {@link describeModel}, plain functions tested in Node.
 */
import pretrainedUrl from '../examples/seq2seq-reverse/pretrained.safetensors?url';
import { fmt } from './format';

type Example = typeof import('../examples/seq2seq-reverse/index');
type LoadedModel = import('../examples/seq2seq-reverse/index').LoadedModel;

/** The longest input the box decodes; its text field holds no more. */
export const MAX_INPUT = 20;

/** What the box makes of the text typed into it. */
export type InputCheck =
  | { ok: false; message: string }
  /** `note`, if any, says why the answer may be wrong (a length the model never trained on). */
  | { ok: true; digits: string; note?: string };

/** A character as the message prints it: a space or tab by name, anything else in quotes. */
function nameOf(c: string): string {
  if (c === ' ') return 'a space';
  if (/\s/.test(c)) return 'a blank';
  return `“${c}”`;
}

/**
 * Checks the typed text against what the model can read: digits only, at most {@link MAX_INPUT} of them.
 * A length outside the trained `minLength`–`maxLength` is decoded anyway, with a note.
 *
 * @example
 * ```ts
 * checkInput('12a4', { minLength: 3, maxLength: 6 }); // { ok: false, message: 'Only the digits 0–9 … “a” is not one.' }
 * ```
 */
export function checkInput(text: string, trained: { minLength: number; maxLength: number }): InputCheck {
  if (text === '') return { ok: false, message: 'Type some digits, for example 12345.' };
  const others = [...new Set(Array.from(text).filter((c) => c < '0' || c > '9'))];
  if (others.length > 0) {
    const names = others.slice(0, 3).map(nameOf);
    const list = names.length === 1 ? `${names[0]} is not one` : `${names.join(', ')} are not`;
    return {
      ok: false,
      message: `Only the digits 0–9 are in the model's vocabulary: ${list}${others.length > 3 ? ', among others' : ''}.`,
    };
  }
  if (text.length > MAX_INPUT) {
    return { ok: false, message: `The box reverses at most ${MAX_INPUT} digits; this has ${text.length}.` };
  }
  const { minLength, maxLength } = trained;
  const range = `${minLength}–${maxLength}`;
  if (text.length > maxLength) {
    return {
      ok: true,
      digits: text,
      note: `The model trained on strings of ${range} digits; this one has ${text.length}, more than its encoder vector learned to hold, so mistakes are likely.`,
    };
  }
  if (text.length < minLength) {
    return {
      ok: true,
      digits: text,
      note: `The model trained on strings of ${range} digits; it never saw one of ${text.length}.`,
    };
  }
  return { ok: true, digits: text };
}

/** Which model the box uses, in a sentence. */
export function describeModel(source: 'shipped' | 'reader', m: Omit<LoadedModel, 'model'>): string {
  const accuracy = `${fmt(100 * m.exactMatch, 1)}% of the held-out strings reversed exactly`;
  return source === 'shipped'
    ? `Using the pre-trained model shipped with this page (seed ${m.seed}, ${m.step} steps; ${accuracy}). Train your own below and the box switches to it.`
    : `Using your model, trained on this page with seed ${m.seed}: the weights of step ${m.step} (${accuracy} at that step).`;
}

/** A probability as a percentage, e.g. `99.7%`. */
export function percent(p: number): string {
  return `${fmt(100 * p, 1)}%`;
}

/**
 * Wires one `[data-seq2seq-playground]` element: its text field, output, steps list, message and model line.
 * `trainingExample` is the training example whose checkpoints the box switches to, if the page has one.
 */
export class Seq2SeqPlayground {
  private example: Example | undefined;
  private loading: Promise<Example> | undefined;
  private shipped: LoadedModel | undefined;
  private current: LoadedModel | undefined;
  /** Checkpoints are loaded one after another, so the newest one wins. */
  private queue: Promise<void> = Promise.resolve();

  private readonly input: HTMLInputElement;
  private readonly output: HTMLElement;
  private readonly steps: HTMLElement;
  private readonly message: HTMLElement;
  private readonly modelLine: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    trainingExample: HTMLElement | null,
  ) {
    const q = <T extends Element>(sel: string) => root.querySelector(sel) as T;
    this.input = q('[data-input]');
    this.output = q('[data-output]');
    this.steps = q('[data-steps]');
    this.message = q('[data-message]');
    this.modelLine = q('[data-model]');

    this.input.addEventListener('input', () => {
      this.start();
      this.update();
    });
    trainingExample?.addEventListener('training-outputs', (e) => {
      const checkpoint = (e as CustomEvent<Record<string, unknown>>).detail.checkpoint;
      if (checkpoint instanceof Uint8Array) this.enqueue(() => this.use('reader', checkpoint));
    });
    trainingExample?.addEventListener('training-reset', () =>
      this.enqueue(async () => {
        if (this.shipped) this.switchTo('shipped', this.shipped);
      }),
    );

    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          this.start();
        }
      },
      { rootMargin: '300px' },
    );
    observer.observe(root);
    for (const type of ['pointerenter', 'focusin']) root.addEventListener(type, () => this.start(), { once: true });
  }

  private enqueue(task: () => Promise<void>) {
    this.queue = this.queue.then(task).catch((error: unknown) => this.fail(error));
  }

  /** Fetches the example module and the shipped weights (once), then decodes what is typed. */
  private start() {
    if (this.loading) return;
    this.loading = import('../examples/seq2seq-reverse/index');
    this.enqueue(async () => {
      const [example, bytes] = await Promise.all([this.loading as Promise<Example>, fetchBytes(pretrainedUrl)]);
      this.example = example;
      this.shipped = example.loadModel(bytes);
      if (!this.current) this.switchTo('shipped', this.shipped);
    });
  }

  private async use(source: 'reader', bytes: Uint8Array) {
    this.start();
    const example = await (this.loading as Promise<Example>);
    this.switchTo(source, example.loadModel(bytes));
  }

  private switchTo(source: 'shipped' | 'reader', model: LoadedModel) {
    this.current = model;
    this.root.dataset.model = source;
    this.modelLine.textContent = describeModel(source, model);
    this.root.dataset.state = 'ready';
    this.update();
  }

  private fail(error: unknown) {
    this.root.dataset.state = 'error';
    this.message.textContent = `The model failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }

  /** Decodes the text field's digits with the current model and shows the result, or says what is wrong. */
  private update() {
    const { example, current } = this;
    if (!example || !current) return; // decoded once the model is there
    const check = checkInput(this.input.value, current);
    this.input.setAttribute('aria-invalid', String(!check.ok && this.input.value !== ''));
    if (!check.ok) {
      this.output.textContent = '';
      this.steps.replaceChildren();
      this.message.textContent = check.message;
      return;
    }
    const r = example.reverse(current.model, check.digits);
    this.output.textContent = r.output;
    this.steps.replaceChildren(
      ...r.steps.map(({ token, probability }, t) => {
        const li = document.createElement('li');
        const tok = document.createElement('span');
        tok.className = 'tl-seq-token';
        tok.textContent = token;
        const p = document.createElement('span');
        p.className = 'tl-seq-prob';
        p.textContent = percent(probability);
        li.title = `step ${t + 1}: the decoder wrote ${token} with probability ${percent(probability)}`;
        li.append(tok, p);
        return li;
      }),
    );
    const parts = [
      r.output === example.reversed(check.digits)
        ? 'Correct.'
        : `Not quite: the reverse is ${example.reversed(check.digits)}.`,
    ];
    if (!r.finished)
      parts.push(`The decoder had not written <eos> after ${r.steps.length} steps, so the box stopped it.`);
    if (check.note) parts.push(check.note);
    this.message.textContent = parts.join(' ');
  }
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
