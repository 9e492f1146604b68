/**
 * `nn`: modules with PyTorch's names and state-dict keys, over a functional layer.
 *
 * - {@link Module}, {@link Parameter}, {@link Buffer}: the module system (fields are walked to find
 *   parameters, buffers and children; `stateDict`/`loadStateDict` use PyTorch's keys);
 * - containers {@link Sequential}, {@link ModuleList}, {@link ModuleDict};
 * - layers: {@link Linear}, {@link Bilinear}, {@link Conv1d}, {@link Conv2d}, {@link ConvTranspose2d},
 *   {@link MaxPool2d}, {@link AvgPool2d}, {@link AdaptiveAvgPool2d}, {@link AdaptiveMaxPool2d},
 *   {@link AdaptiveAvgPool1d}, {@link Upsample}, {@link UpsamplingNearest2d}, {@link UpsamplingBilinear2d},
 *   {@link Embedding}, {@link LayerNorm}, {@link BatchNorm1d}, {@link BatchNorm2d}, {@link GroupNorm},
 *   {@link InstanceNorm1d}, {@link InstanceNorm2d}, {@link Dropout}, {@link Dropout1d}, {@link Dropout2d},
 *   {@link Flatten}, {@link Unflatten}, {@link Identity} and the activations;
 * - forward hooks on every module ({@link Module.registerForwardHook}, {@link Module.registerForwardPreHook});
 * - `init`: weight initialisation (`kaimingUniform_`, `xavierNormal_`, `orthogonal_`, …);
 * - `functional`: the stateless functions the layers call (`linear`, `conv2d`, `maxPool2d`, `layerNorm`,
 *   `batchNorm`, `groupNorm`, `instanceNorm`, `dropout`, `dropout2d`, …).
 *
 * @example
 * ```ts
 * import { nn } from '@tensorloom/tensor-core';
 * const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 1));
 * const y = model.forward(x);
 * ```
 *
 * @module
 */
export { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation';
export type { TensorModule } from './container';
export { ModuleDict, ModuleList, Sequential } from './container';
export type { Conv1dModuleOptions, Conv2dModuleOptions, ConvTranspose2dModuleOptions, PaddingMode } from './conv';
export { Conv1d, Conv2d, ConvBase, ConvTranspose2d } from './conv';
export type { DropoutModuleOptions } from './dropout';
export { Dropout, Dropout1d, Dropout2d } from './dropout';
export { Flatten, Unflatten } from './flatten';
export * as functional from './functional';
export * as init from './init';
export type { LinearOptions } from './linear';
export { Bilinear, Identity, Linear } from './linear';
export type {
  BufferOptions,
  ForwardHook,
  ForwardPreHook,
  LayerOptions,
  LoadStateDictOptions,
  LoadStateDictResult,
  StateDictLike,
  StateDictOptions,
} from './module';
export { Buffer, Module, Parameter } from './module';
export type { BatchNormOptions, GroupNormOptions, InstanceNormOptions, LayerNormOptions } from './normalization';
export {
  BatchNorm1d,
  BatchNorm2d,
  BatchNormBase,
  GroupNorm,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNormBase,
  LayerNorm,
  NormBase,
} from './normalization';
export {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool2d,
  MaxPool2d,
  MaxUnpool2d,
} from './pooling';
export type { EmbeddingOptions, FromPretrainedOptions } from './sparse';
export { Embedding } from './sparse';
export type { UpsampleOptions, Upsampling2dOptions } from './upsampling';
export { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from './upsampling';
