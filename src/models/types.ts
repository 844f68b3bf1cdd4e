/**
 * The contract between the Trainer, the model families and the artifact format.
 *
 * A family fits on a dense matrix produced by the preprocessing pipeline and returns a
 * {@link ModelState}: plain JSON parameters plus named typed arrays. Any state can be
 * turned back into a {@link Predictor} by the family's `load`, which is plain TypeScript
 * over typed arrays (no tensor library), so a loaded artifact predicts without tfjs.
 *
 * @module
 */
import type { BackendHandle } from '../backend/types';
import type { FeatureInfo, Matrix, PreprocessSpec } from '../preprocess/pipeline';
import type { Rng } from '../random';

/** The built-in model families. */
export type ModelType = 'linear' | 'logistic' | 'softmax' | 'mlp' | 'gbdt';

/** What a model predicts. */
export type Task = 'regression' | 'binary' | 'multiclass';

/** A class label as it appears in the target column. */
export type ClassLabel = string | number | boolean;

/** Element types a tensor may have in a {@link ModelState} and in the artifact file. */
export type TensorDType = 'float64' | 'float32' | 'int32' | 'uint32' | 'int16' | 'uint16' | 'int8' | 'uint8';

/** Typed array matching a {@link TensorDType}. */
export type TensorData = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A named, shaped typed array. `data.length` equals the product of `shape`. */
export interface NamedTensor {
  /** Unique within a state. */
  name: string;
  /** Element type; must match `data`. */
  dtype: TensorDType;
  /** Dimensions, row-major. */
  shape: number[];
  /** The values. */
  data: TensorData;
}

/** Everything needed to rebuild a predictor: JSON parameters and typed arrays. */
export interface ModelState {
  /** The family (`linear`, `gbdt`, ...). */
  type: ModelType;
  /** What the model predicts. */
  task: Task;
  /** Width of the input matrix (the pipeline's output features). */
  numFeatures: number;
  /** Class labels in output order (classification only). */
  classes?: ClassLabel[];
  /** Family-specific JSON: hyper-parameters and structure. */
  params: Record<string, unknown>;
  /** Family-specific arrays (weights, tree nodes, ...). */
  tensors: NamedTensor[];
}

/** A loaded model that maps a feature matrix to raw outputs. Pure TypeScript. */
export interface Predictor {
  /** The state it was built from. */
  readonly state: ModelState;
  /**
   * Outputs per row: 1 for regression (the value) and binary (probability of
   * `classes[1]`), `classes.length` for multiclass (class probabilities).
   */
  readonly outputWidth: number;
  /**
   * Predicts a row-major matrix of `rows` x `state.numFeatures` values. Writes into
   * `out` (length `rows * outputWidth`) when given, else allocates.
   */
  predictMatrix(X: Float32Array, rows: number, out?: Float64Array): Float64Array;
}

/** A progress event emitted while training. */
export interface ProgressEvent {
  /** `start` once, `epoch` per epoch/iteration/tree, `done` once. */
  phase: 'start' | 'epoch' | 'done';
  /** 1-based epoch, iteration or tree number (0 on `start`). */
  epoch: number;
  /** Upper bound on epochs, when known (for an ETA and a progress bar). */
  totalEpochs?: number;
  /** Training loss. */
  loss?: number;
  /** Validation loss, when a validation set is used. */
  valLoss?: number;
  /** Other per-epoch metrics. */
  metrics?: Record<string, number>;
  /** Milliseconds since fit started. */
  elapsedMs: number;
  /** Estimated milliseconds left, when `totalEpochs` is known. */
  etaMs?: number;
}

/** One entry of the metric history. */
export interface EpochRecord {
  /** 1-based epoch / iteration / tree. */
  epoch: number;
  /** Training loss. */
  loss: number;
  /** Validation loss. */
  valLoss?: number;
  /** Other metrics. */
  metrics?: Record<string, number>;
}

export type { BackendHandle, DesignMatrix } from '../backend/types';

/** Training data as a family sees it. */
export interface FitData {
  /** Features, row-major, from the pipeline. */
  X: Matrix;
  /**
   * Targets: the value (regression) or the class index into `classes` as a float
   * (classification).
   */
  y: Float64Array;
  /** Per-row weights (sample weights times class weights), or undefined for all ones. */
  sampleWeight?: Float64Array;
}

/** Everything a family's `fit` receives. */
export interface FitContext<P = Record<string, unknown>> {
  /** Training data. */
  train: FitData;
  /** Validation data for early stopping and valLoss, when given. */
  validation?: FitData;
  /** Task resolved by the Trainer. */
  task: Task;
  /** Class labels in index order (classification). */
  classes?: ClassLabel[];
  /** The pipeline's output features (with categorical flags for tree models). */
  features: readonly FeatureInfo[];
  /** The family's parameters as the user gave them (without `type`). */
  params: P;
  /** Seeded generator for this fit. */
  rng: Rng;
  /** The seed as a 32-bit integer (for families that build their own generators). */
  seed: number;
  /** The compute backend, for families that use one. */
  backend?: BackendHandle;
  /** Cancellation. Families check it between epochs and throw `ABORTED`. */
  signal?: AbortSignal;
  /** Reports progress. */
  progress(event: Omit<ProgressEvent, 'elapsedMs' | 'etaMs'>): void;
}

/** What a family's `fit` returns. */
export interface FitResult {
  /** The trained state. */
  state: ModelState;
  /** Per-epoch losses and metrics. */
  history: EpochRecord[];
  /** Iterations / epochs / trees actually run. */
  iterations: number;
  /** Whether a convergence criterion (tolerance, early stopping) ended training. */
  converged: boolean;
  /** Best iteration chosen by early stopping, when used. */
  bestIteration?: number;
  /** Family-specific extras for the run record (feature importance, ...). */
  extras?: Record<string, unknown>;
}

/** A model family: how to fit and how to load. */
export interface ModelFamily<P = Record<string, unknown>> {
  /** Family name, the `type` in `Trainer({ model: { type } })`. */
  readonly type: ModelType;
  /** Tasks it supports. */
  readonly tasks: readonly Task[];
  /** Preprocessing it wants by default (scaling for linear models, ordinal codes for trees). */
  readonly defaultPreprocess: PreprocessSpec;
  /** Whether `fit` uses a tensor backend. */
  readonly usesBackend: boolean;
  /**
   * Checks the user's parameters before any work starts; throws
   * `TRAIN_INVALID_PARAMS` naming the parameter and the allowed values.
   */
  validateParams(params: Record<string, unknown>, task: Task): P;
  /** Trains. */
  fit(ctx: FitContext<P>): Promise<FitResult>;
  /** Rebuilds a predictor from a state; pure TypeScript, validates the tensors' shapes. */
  load(state: ModelState): Predictor;
}
