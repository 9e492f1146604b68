import type { Callback, JsonValue, Logs, TrainingContext } from './callback';

/** The hooks of a {@link LambdaCallback}: any subset of {@link Callback}'s methods, as plain functions. */
export interface LambdaCallbackHooks {
  /** Name under which {@link LambdaCallbackHooks.stateDict}'s state is saved (default `'LambdaCallback'`). */
  key?: string;
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  onBatchBegin?(batch: number, ctx: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  stateDict?(): JsonValue;
  loadStateDict?(state: JsonValue): void;
}

/**
 * A callback made from functions, for one-off hooks without a class (Keras' `LambdaCallback`). Each given
 * function becomes the hook of the same name; the rest are absent.
 *
 * @example
 * ```ts
 * const logLr = new LambdaCallback({
 *   onEpochEnd: (epoch, logs, ctx) => console.log(epoch, logs.loss, ctx.optimizer.paramGroups[0].lr),
 * });
 * await fit(model, { train, epochs: 5, optimizer, loss: mseLoss, callbacks: [logLr] });
 * ```
 */
export class LambdaCallback implements Callback {
  /** The key this callback's state (if it has `stateDict`) is saved under. */
  readonly key: string;
  declare onTrainBegin?: LambdaCallbackHooks['onTrainBegin'];
  declare onTrainEnd?: LambdaCallbackHooks['onTrainEnd'];
  declare onEpochBegin?: LambdaCallbackHooks['onEpochBegin'];
  declare onEpochEnd?: LambdaCallbackHooks['onEpochEnd'];
  declare onBatchBegin?: LambdaCallbackHooks['onBatchBegin'];
  declare onBatchEnd?: LambdaCallbackHooks['onBatchEnd'];
  declare stateDict?: LambdaCallbackHooks['stateDict'];
  declare loadStateDict?: LambdaCallbackHooks['loadStateDict'];

  constructor(hooks: LambdaCallbackHooks) {
    this.key = hooks.key ?? 'LambdaCallback';
    // Only the hooks given become properties, so `'onBatchEnd' in cb` says whether there is one.
    const names = [
      'onTrainBegin',
      'onTrainEnd',
      'onEpochBegin',
      'onEpochEnd',
      'onBatchBegin',
      'onBatchEnd',
      'stateDict',
      'loadStateDict',
    ] as const;
    for (const name of names) {
      const fn = hooks[name];
      if (fn !== undefined) (this as unknown as Record<string, unknown>)[name] = fn;
    }
  }
}
