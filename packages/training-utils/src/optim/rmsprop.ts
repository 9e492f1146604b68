import type { Tensor } from '@tensorloom/tensor-core';
import { zerosLike } from '@tensorloom/tensor-core';
import type { FloatArray, ParamGroup, ParamState, ParamsInput } from './optimizer';
import { checkNonNegative, floatData, Optimizer } from './optimizer';

/** Hyperparameters of {@link RMSprop} (each parameter group has all of them). */
export interface RMSpropHyperparams {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the running average of squared gradients (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient as `λθ` (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of {@link RMSprop}: any of the hyperparameters. */
export type RMSpropOptions = Partial<RMSpropHyperparams>;

/** The running averages of one parameter; `gradAvg` only when centered, `momentumBuffer` only with momentum. */
interface RMSpropBuffers {
  squareAvg: FloatArray;
  gradAvg: FloatArray | null;
  momentumBuffer: FloatArray | null;
}

/**
 * One RMSprop step for one parameter, in place — the body of PyTorch's `_single_tensor_rmsprop`:
 *
 * ```
 * g ← ±∇θ + λθ
 * v ← αv + (1-α)g²
 * centered: ḡ ← αḡ + (1-α)g,  d ← √(v - ḡ²) + ε;   otherwise d ← √v + ε
 * momentum: b ← μb + g/d,  θ ← θ - γb;             otherwise θ ← θ - γg/d
 * ```
 */
function rmspropUpdate(p: FloatArray, grad: FloatArray, buf: RMSpropBuffers, h: RMSpropHyperparams) {
  const { lr, alpha, eps, weightDecay, momentum, maximize } = h;
  const { squareAvg, gradAvg, momentumBuffer } = buf;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    squareAvg[i] = alpha * squareAvg[i] + (1 - alpha) * g * g;
    let avg: number;
    if (gradAvg !== null) {
      gradAvg[i] = alpha * gradAvg[i] + (1 - alpha) * g;
      avg = Math.sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]) + eps;
    } else {
      avg = Math.sqrt(squareAvg[i]) + eps;
    }
    if (momentumBuffer !== null) {
      momentumBuffer[i] = momentum * momentumBuffer[i] + g / avg;
      p[i] -= lr * momentumBuffer[i];
    } else {
      p[i] -= (lr * g) / avg;
    }
  }
}

/**
 * RMSprop (Hinton's lecture 6e; the centered form from Graves, 2013), PyTorch's `torch.optim.RMSprop`: divides
 * the gradient by a running root mean square of recent gradients, `θ ← θ - γ g / (√v + ε)`.
 *
 * State per parameter: `step` (number), `square_avg`, `momentum_buffer` with momentum, `grad_avg` when
 * centered.
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, alpha: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropHyperparams> {
  constructor(params: ParamsInput<RMSpropHyperparams>, options: RMSpropOptions = {}) {
    super(params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected override get name(): string {
    return 'RMSprop';
  }

  protected override validateGroup(group: ParamGroup<RMSpropHyperparams>): void {
    checkNonNegative('RMSprop', 'epsilon', group.eps);
    checkNonNegative('RMSprop', 'momentum', group.momentum);
    checkNonNegative('RMSprop', 'weight_decay', group.weightDecay);
    checkNonNegative('RMSprop', 'alpha', group.alpha);
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RMSpropHyperparams>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.square_avg = zerosLike(param);
    }
    // Buffers for options switched on after the first step start from zero.
    if (group.momentum > 0 && !state.momentum_buffer) state.momentum_buffer = zerosLike(param);
    if (group.centered && !state.grad_avg) state.grad_avg = zerosLike(param);
    state.step = (state.step as number) + 1;
    rmspropUpdate(
      floatData(param),
      floatData(grad),
      {
        squareAvg: floatData(state.square_avg as Tensor),
        gradAvg: group.centered ? floatData(state.grad_avg as Tensor) : null,
        momentumBuffer: group.momentum > 0 ? floatData(state.momentum_buffer as Tensor) : null,
      },
      group,
    );
  }
}
