/**
 * `@tensorloom/tensor-core`: n-d tensors with broadcasting, reverse-mode autograd, `nn` modules with
 * PyTorch's names and state-dict keys, seeded randomness, safetensors, and the kernel layer.
 *
 * @packageDocumentation
 */
export type { BackwardOptions, GradOptions } from './autograd/engine';
export { grad, Node } from './autograd/engine';
export type { GradcheckOptions } from './autograd/gradcheck';
export { gradcheck, gradgradcheck } from './autograd/gradcheck';
export { enableGrad, isGradEnabled, noGrad } from './autograd/mode';
export type { Primitive, PrimitiveParams } from './autograd/primitives';
export type { Backend, BinaryOp, MatmulDesc, ReduceOp, UnaryOp, UnfoldDesc } from './backend/backend';
export { getBackend, setBackend } from './backend/backend';
export { jsBackend } from './backend/js/index';
export type { DType, DTypeArray, TypedArray } from './dtype';
export { promoteTypes } from './dtype';
export { fmtShape, TensorError } from './errors';
export type { Graph, GraphEdge, GraphNode, TraceOptions } from './graph';
export { traceGraph } from './graph';
export { RemovableHandle } from './hooks';
export * as nn from './nn/index';
export type {
  AdaptiveSize2d,
  AvgPool2dOptions,
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose2dOptions,
  MaxPool2dOptions,
  MaxUnpool2dOptions,
  Pair,
  UnfoldOptions,
} from './ops/conv';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  adaptiveMaxPool2dWithIndices,
  avgPool2d,
  conv1d,
  conv2d,
  convTranspose2d,
  fold,
  maxPool2d,
  maxPool2dWithIndices,
  maxUnpool2d,
  unfold,
} from './ops/conv';
export * from './ops/creation';
export {
  abs,
  add,
  cast,
  clamp,
  clone,
  cos,
  div,
  elu,
  eq,
  erf,
  exp,
  ge,
  gelu,
  gt,
  isnan,
  le,
  leakyRelu,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise';
export {
  embedding,
  gather,
  indexAdd,
  indexSelect,
  maskedFill,
  oneHot,
  scatterAdd,
  tril,
  triu,
} from './ops/indexing';
export type { InterpolateMode, InterpolateOptions } from './ops/interpolate';
export { interpolate } from './ops/interpolate';
export { bmm, matmul, matmulT, mm, outer } from './ops/linalg';
export type { VarOptions } from './ops/reduce';
export {
  argmax,
  argmin,
  cumsum,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  norm,
  softmax,
  std,
  sum,
  variance,
} from './ops/reduce';
export type { PadMode, PadOptions } from './ops/shape';
export {
  broadcastTo,
  cat,
  chunk,
  expand,
  flatten,
  flip,
  narrow,
  pad,
  permute,
  repeat,
  reshape,
  select,
  slice,
  split,
  squeeze,
  stack,
  t,
  transpose,
  unflatten,
  unsqueeze,
} from './ops/shape';
export { sort, topk } from './ops/sort';
export type { GeneratorState } from './random';
export { defaultGenerator, Generator, manualSeed } from './random';
export type { RawTensor, SafetensorsContents, SafetensorsDType } from './safetensors/format';
export {
  decodeTensorData,
  encodeTensorData,
  parseSafetensors,
  SafetensorsError,
  serializeSafetensors,
} from './safetensors/format';
export type { LoadedSafetensors } from './safetensors/tensors';
export { loadSafetensors, saveSafetensors } from './safetensors/tensors';
export type { Shape } from './shape';
export { broadcastShapes } from './shape';
export type { NestedArray, TensorHook, TensorLike } from './tensor';
export { Tensor } from './tensor';
