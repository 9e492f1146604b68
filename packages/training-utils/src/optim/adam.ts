import type { Tensor } from '@tensorloom/tensor-core';
import { zerosLike } from '@tensorloom/tensor-core';
import type { FloatArray, ParamGroup, ParamState, ParamsInput } from './optimizer';
import { checkBetas, checkNonNegative, floatData, Optimizer } from './optimizer';

/** Hyperparameters of {@link Adam} and {@link AdamW} (each parameter group has all of them). */
export interface AdamHyperparams {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates `[β1, β2]` of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ: an L2 penalty added to the gradient for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant, which normalises by the running maximum of the second moment (default false). */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of {@link Adam} and {@link AdamW}: any of the hyperparameters. */
export type AdamOptions = Partial<AdamHyperparams>;

/** The moment buffers of one parameter. */
interface AdamBuffers {
  expAvg: FloatArray;
  expAvgSq: FloatArray;
  maxExpAvgSq: FloatArray | null;
}

/**
 * One Adam (or AdamW) step for one parameter, in place — the body of PyTorch's `_single_tensor_adam`
 * (`_single_tensor_adamw` when `decoupled`), at step count `t` (already incremented):
 *
 * ```
 * g ← ±∇θ (+ λθ for Adam)            θ ← θ(1 - γλ) for AdamW
 * m ← β1 m + (1-β1) g                v ← β2 v + (1-β2) g²
 * v̂ ← max(v̂, v) with AMSGrad, else v
 * θ ← θ - γ/(1-β1ᵗ) · m / (√v̂ / √(1-β2ᵗ) + ε)
 * ```
 */
function adamUpdate(
  p: FloatArray,
  grad: FloatArray,
  buf: AdamBuffers,
  t: number,
  h: AdamHyperparams,
  decoupled: boolean,
) {
  const { lr, eps, weightDecay, maximize } = h;
  const [beta1, beta2] = h.betas;
  const { expAvg, expAvgSq, maxExpAvgSq } = buf;
  const stepSize = lr / (1 - beta1 ** t);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (l2 !== 0) g += l2 * p[i];
    if (decay !== 1) p[i] *= decay;
    expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
    expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
    let v = expAvgSq[i];
    if (maxExpAvgSq !== null) v = maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], v);
    p[i] -= (stepSize * expAvg[i]) / (Math.sqrt(v) / biasCorrection2Sqrt + eps);
  }
}

/**
 * Adam, or AdamW with `decoupled`: the shared class. Both keep `step`, `exp_avg`, `exp_avg_sq` and, with
 * AMSGrad, `max_exp_avg_sq` per parameter, like PyTorch (whose `step` is a one-element tensor; ours is a
 * number).
 */
abstract class AdamBase extends Optimizer<AdamHyperparams> {
  protected abstract readonly decoupled: boolean;

  protected override validateGroup(group: ParamGroup<AdamHyperparams>): void {
    checkNonNegative(this.name, 'epsilon', group.eps);
    checkBetas(this.name, group.betas);
    checkNonNegative(this.name, 'weight_decay', group.weightDecay);
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamHyperparams>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zerosLike(param);
      state.exp_avg_sq = zerosLike(param);
      if (group.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    }
    // AMSGrad switched on after the first steps starts its running maximum from zero, as PyTorch's would.
    if (group.amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = zerosLike(param);
    const t = (state.step as number) + 1;
    state.step = t;
    const buffers = {
      expAvg: floatData(state.exp_avg as Tensor),
      expAvgSq: floatData(state.exp_avg_sq as Tensor),
      maxExpAvgSq: group.amsgrad ? floatData(state.max_exp_avg_sq as Tensor) : null,
    };
    adamUpdate(floatData(param), floatData(grad), buffers, t, group, this.decoupled);
  }
}

function adamDefaults(options: AdamOptions, weightDecay: number): AdamHyperparams {
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas ?? [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

/**
 * Adam (Kingma & Ba, 2014), PyTorch's `torch.optim.Adam`: per-parameter step sizes from bias-corrected
 * running averages of the gradient `m` and its square `v`,
 * `θ ← θ - γ/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε)`. `weightDecay` adds `λθ` to the gradient (L2
 * regularisation); for decoupled weight decay use {@link AdamW}.
 *
 * State per parameter: `step` (number), `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamHyperparams>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }

  protected override get name(): string {
    return 'Adam';
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2017), PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay — the
 * parameter shrinks by `θ ← θ(1 - γλ)` before the Adam step instead of `λθ` joining the gradient.
 * `weightDecay` defaults to 1e-2.
 *
 * State per parameter: `step` (number), `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * ```
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamHyperparams>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 1e-2));
  }

  protected override get name(): string {
    return 'AdamW';
  }
}
