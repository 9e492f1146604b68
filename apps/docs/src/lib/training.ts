/**
 * The contract of a training example (`src/examples/<slug>/index.ts` with `setup`), shared by the Node
 * tests, the Web Worker that runs it in the page, and the page's controls.
 */

/** What one training step reports. */
export interface TrainingStep {
  /** Values to plot against the step number, e.g. `{ loss: 0.42 }` or `{ train: 0.4, validation: 0.5 }`. */
  metrics: Record<string, number>;
  /** One line of text for the page's status, e.g. `accuracy 93.8%`. */
  summary?: string;
  /** True once the example has finished (its step budget is used, or early stopping fired). */
  done?: boolean;
  /**
   * Binary results for the page, such as a saved checkpoint or the model's predictions, by name. They are
   * moved (transferred, not copied) to the page with the progress event of this step: the example must not
   * use these buffers afterwards.
   */
  outputs?: Record<string, Uint8Array | Float32Array>;
}

/** A model, its data and its optimizer, ready to train one step at a time. */
export interface Trainer {
  step(): TrainingStep;
}

/** The parameters every training example accepts: the seed of all its randomness. */
export interface TrainingParams {
  seed: number;
}

/** The module a training example exports. */
export interface TrainingExampleModule<P extends TrainingParams = TrainingParams> {
  /** The parameters the page starts with. */
  defaults: P;
  /**
   * Builds data, model and optimizer from `params`; the same seed gives the same run. It may return a promise
   * (an example that fetches its data set); the controls stay disabled until it resolves.
   */
  setup(params: P): Trainer | Promise<Trainer>;
}
