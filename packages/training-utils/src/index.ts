/**
 * `@tensorloom/training-utils`: what a training loop needs around a model — optimizers (SGD, Adam, AdamW,
 * RMSprop, Adagrad) with parameter groups and state dicts, gradient clipping, learning-rate schedules,
 * losses in functional and module form, evaluation metrics, datasets and a seeded `DataLoader` (IDX files,
 * Fashion-MNIST, synthetic data), and the training loop `fit` with callbacks such as `EarlyStopping`.
 * Optimizer updates, schedules and losses follow PyTorch 1.13 exactly, under PyTorch's names in camelCase.
 *
 * @packageDocumentation
 */

export { checkpointToBlob, downloadCheckpoint } from './checkpoint/browser';
export type {
  CheckpointInfo,
  CheckpointMetadata,
  CheckpointOptimizerMetadata,
  CheckpointParts,
  CheckpointScheduler,
  CheckpointTargets,
  LoadCheckpointOptions,
} from './checkpoint/checkpoint';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_METADATA_KEY,
  CHECKPOINT_VERSION,
  CheckpointError,
  loadCheckpoint,
  readCheckpointMetadata,
  saveCheckpoint,
} from './checkpoint/checkpoint';
export type { IndexedDBCheckpointOptions, IndexedDBModelCheckpointOptions } from './checkpoint/indexeddb';
export {
  deleteCheckpointFromIndexedDB,
  IndexedDBModelCheckpoint,
  listCheckpointsInIndexedDB,
  loadCheckpointFromIndexedDB,
  saveCheckpointToIndexedDB,
} from './checkpoint/indexeddb';
export type { CheckpointMode, ModelCheckpointOptions, ModelCheckpointState } from './checkpoint/model-checkpoint';
export { ModelCheckpointBase } from './checkpoint/model-checkpoint';
export { formatCheckpointName } from './checkpoint/template';
export type { Collated, DataLoaderOptions } from './data/dataloader';
export { DataLoader, defaultCollate, yieldToEventLoop } from './data/dataloader';
export type { BatchFetcher, RandomSplitOptions, TensorRows } from './data/dataset';
export { Dataset, randomSplit, Subset, TensorDataset, TransformDataset } from './data/dataset';
export { DataFormatError, IdxError } from './data/errors';
export type { FashionMnist } from './data/fashion-mnist';
export { decodeFashionMnist, fashionMnistClasses, fashionMnistFiles, parseFashionMnist } from './data/fashion-mnist';
export type { GunzipOptions } from './data/gzip';
export { gunzip, isGzip } from './data/gzip';
export type { IdxHeader, IdxType } from './data/idx';
export { loadIdx, parseIdx, readIdxHeader } from './data/idx';
export type {
  CopyTaskOptions,
  GaussianMixture,
  GaussianMixtureOptions,
  LabeledPoints,
  MoonsOptions,
  NoisySineOptions,
  ReverseDigitsOptions,
  RunningSumOptions,
  SequenceClassification,
  SequenceRegression,
  SpiralsOptions,
  SyntheticOptions,
  TokenSequences,
} from './data/synthetic';
export {
  makeCopyTask,
  makeGaussianMixture,
  makeMoons,
  makeNoisySine,
  makeParitySequences,
  makeReverseDigits,
  makeRunningSumSequences,
  makeSpirals,
} from './data/synthetic';
export type { GaussianNoiseOptions, NormalizeOptions, Transform } from './data/transforms';
export { addGaussianNoise, compose, flattenTransform, normalize } from './data/transforms';
export type { BCELossOptions, BCEWithLogitsLossOptions } from './losses/binary';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './losses/binary';
export type { CrossEntropyLossOptions, NLLLossOptions } from './losses/classification';
export { crossEntropy, nllLoss } from './losses/classification';
export type { DivergenceReduction, GaussianKLOptions, KLDivLossOptions } from './losses/divergence';
export { gaussianKlDivergence, klDiv } from './losses/divergence';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  GaussianKLDivergence,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './losses/modules';
export type { Reduction, ReductionOptions } from './losses/reduction';
export type { HuberLossOptions, SmoothL1LossOptions } from './losses/regression';
export { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './losses/regression';
export type {
  AverageMode,
  PerClassPrecisionRecallF1,
  PrecisionRecallF1,
  PrecisionRecallF1Options,
} from './metrics/classification';
export { accuracy, confusionMatrix, precisionRecallF1, topKAccuracy } from './metrics/classification';
export type { Values } from './metrics/ranking';
export { averagePrecision, prAuc, rocAuc } from './metrics/ranking';
export { RunningMean } from './metrics/running-mean';
export type { AdagradHyperparams, AdagradOptions } from './optim/adagrad';
export { Adagrad } from './optim/adagrad';
export type { AdamHyperparams, AdamOptions } from './optim/adam';
export { Adam, AdamW } from './optim/adam';
export type { ClipGradNormOptions } from './optim/clip-grad';
export { clipGradNorm_, clipGradValue_ } from './optim/clip-grad';
export type {
  OneCycleLROptions,
  ReduceLROnPlateauOptions,
  SchedulerStateDict,
  SchedulerStateValue,
} from './optim/lr-scheduler';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
} from './optim/lr-scheduler';
export type {
  HyperparamValue,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupBase,
  ParamGroupInput,
  ParamState,
  ParamStateValue,
  ParamsInput,
} from './optim/optimizer';
export { Optimizer } from './optim/optimizer';
export type { RMSpropHyperparams, RMSpropOptions } from './optim/rmsprop';
export { RMSprop } from './optim/rmsprop';
export type { SGDHyperparams, SGDOptions } from './optim/sgd';
export { SGD } from './optim/sgd';
export type { Callback, JsonValue, Logs, SchedulerLike, TrainingContext } from './training/callback';
export { callbackKey } from './training/callback';
export type { EarlyStoppingOptions } from './training/early-stopping';
export { EarlyStopping, inferMode } from './training/early-stopping';
export type {
  Batch,
  BatchSource,
  EvaluateOptions,
  FitOptions,
  LossLike,
  MetricFn,
  TrainerOptions,
} from './training/fit';
export { evaluate, fit, NonFiniteLossError, Trainer } from './training/fit';
export type { HistoryData, LogsToCsvOptions, StopReason } from './training/history';
export { History, logsToCsv } from './training/history';
export type { LambdaCallbackHooks } from './training/lambda-callback';
export { LambdaCallback } from './training/lambda-callback';
export type { ProgressEvent, ProgressOption } from './training/progress';
export { defaultProgress, formatEpochLine } from './training/progress';
