/**
 * A trained model: the fitted pipeline, a predictor, and the record of how it was made.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { Dataset } from '../dataset/dataset';
import type { InputIssue, Matrix } from '../preprocess/pipeline';
import { Pipeline, type PipelineState } from '../preprocess/pipeline';
import type { ClassLabel, EpochRecord, ModelState, ModelType, Predictor, Task } from './types';

/** How a model was trained: enough to reproduce and audit it. */
export interface RunRecord {
  /** Random identifier of this training run. */
  runId: string;
  /** Model family. */
  modelType: ModelType;
  /** Task. */
  task: Task;
  /** The model parameters as given (without `type`). */
  params: Record<string, unknown>;
  /** Seed used. */
  seed: number;
  /** Compute backend that ran (`js` for families that use none). */
  backend: string;
  /** Target column. */
  target: string;
  /** Input columns. */
  features: string[];
  /** SHA-256 fingerprint of the training data (features and target). */
  dataFingerprint: string;
  /** Training rows. */
  trainRows: number;
  /** Validation rows, when a validation set was used. */
  validationRows?: number;
  /** Per-epoch losses and metrics. */
  history: EpochRecord[];
  /** Iterations / epochs / trees run. */
  iterations: number;
  /** Whether training stopped on a convergence criterion. */
  converged: boolean;
  /** Best iteration chosen by early stopping. */
  bestIteration?: number;
  /** ISO time training started. */
  startedAt: string;
  /** Durations in milliseconds. */
  durations: { preprocessMs: number; fitMs: number; totalMs: number };
  /** mlops-kit version that trained it. */
  libraryVersion: string;
  /** Family-specific extras (feature importance, ...). */
  extras?: Record<string, unknown>;
}

/** Per-row outputs of a model. */
export class Predictions {
  /** Number of rows. */
  readonly length: number;
  /**
   * @param task - what the model predicts.
   * @param raw - the predictor's outputs (`length * width` values).
   * @param width - outputs per row.
   * @param classes - class labels (classification).
   * @param threshold - decision threshold for binary labels (default 0.5).
   */
  constructor(
    readonly task: Task,
    readonly raw: Float64Array,
    readonly width: number,
    readonly classes: readonly ClassLabel[] | undefined,
    readonly threshold = 0.5,
  ) {
    this.length = width > 0 ? raw.length / width : 0;
  }

  /** Regression: the predicted values. Classification: undefined. */
  get values(): Float64Array | undefined {
    return this.task === 'regression' ? this.raw : undefined;
  }

  /** Binary: probability of the positive class (`classes[1]`) per row. */
  get scores(): Float64Array | undefined {
    return this.task === 'binary' ? this.raw : undefined;
  }

  /**
   * Class probabilities, row-major `length x classes.length` (binary included:
   * `[1 - p, p]` per row). Undefined for regression.
   */
  get probabilities(): Float64Array | undefined {
    if (this.task === 'regression') return undefined;
    if (this.task === 'multiclass') return this.raw;
    const out = new Float64Array(this.length * 2);
    for (let i = 0; i < this.length; i++) {
      out[2 * i] = 1 - this.raw[i];
      out[2 * i + 1] = this.raw[i];
    }
    return out;
  }

  /** Predicted class index per row (classification). */
  get classIndices(): Int32Array | undefined {
    if (this.task === 'regression') return undefined;
    const out = new Int32Array(this.length);
    if (this.task === 'binary') {
      for (let i = 0; i < this.length; i++) out[i] = this.raw[i] >= this.threshold ? 1 : 0;
      return out;
    }
    const k = this.width;
    for (let i = 0; i < this.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (this.raw[i * k + j] > this.raw[i * k + best]) best = j;
      out[i] = best;
    }
    return out;
  }

  /** Predicted class label per row (classification). */
  get labels(): ClassLabel[] | undefined {
    const idx = this.classIndices;
    if (idx === undefined || this.classes === undefined) return undefined;
    return Array.from(idx, (k) => this.classes![k]);
  }

  /** One plain object per row: `{ value }` or `{ label, probabilities: { [class]: p } }`. */
  toRows(): Array<{ value: number } | { label: ClassLabel; probabilities: Record<string, number> }> {
    if (this.task === 'regression') return Array.from(this.raw, (value) => ({ value }));
    const labels = this.labels!;
    const probs = this.probabilities!;
    const k = this.classes!.length;
    return labels.map((label, i) => {
      const p: Record<string, number> = {};
      for (let j = 0; j < k; j++) p[String(this.classes![j])] = probs[i * k + j];
      return { label, probabilities: p };
    });
  }

  /** JSON form (same as {@link Predictions.toRows}). */
  toJSON(): ReturnType<Predictions['toRows']> {
    return this.toRows();
  }
}

/** What `predict` accepts: a Dataset, an array of row objects, or one row object. */
export type PredictInput = Dataset | readonly Record<string, unknown>[] | Record<string, unknown>;

/** Anything that can be evaluated or served: the Model, a ModelArtifact, an imported model. */
export interface PredictiveModel {
  /** What it predicts. */
  readonly task: Task;
  /** Target column name, when known. */
  readonly target?: string;
  /** Class labels (classification). */
  readonly classes?: readonly ClassLabel[];
  /** Predicts. */
  predict(input: PredictInput): Promise<Predictions>;
}

/** Throws `PREDICT_INVALID_INPUT` listing every issue. @internal */
export function throwInputIssues(issues: InputIssue[]): never {
  const shown = issues.slice(0, 20).map((i) => i.message);
  throw new MlopsError(
    'PREDICT_INVALID_INPUT',
    `The prediction input does not match the model's signature (${issues.length}${issues.length >= 100 ? '+' : ''} problem${issues.length === 1 ? '' : 's'}):\n  ${shown.join('\n  ')}${
      issues.length > shown.length ? '\n  ...' : ''
    }`,
    { details: { issues: issues.slice(0, 100) } },
  );
}

/**
 * Turns any {@link PredictInput} into a feature matrix with the pipeline, validating rows.
 * A Dataset that does not fit (a missing column, an unseen category under
 * `unseen: 'error'`, text in a numeric column) is checked row by row, so every input gets
 * the same `PREDICT_INVALID_INPUT` report, as `ModelArtifact.predict` gives.
 * @internal
 */
export function toMatrix(pipeline: Pipeline, input: PredictInput): Matrix {
  if (input instanceof Dataset) {
    try {
      return pipeline.transform(input);
    } catch (err) {
      if (!(err instanceof MlopsError)) throw err;
      const { issues } = pipeline.transformRows(input.toRows());
      if (issues.length > 0) throwInputIssues(issues);
      throw err;
    }
  }
  const rows = Array.isArray(input) ? (input as readonly Record<string, unknown>[]) : [input as Record<string, unknown>];
  if (!Array.isArray(input) && (typeof input !== 'object' || input === null)) {
    throw new MlopsError('PREDICT_INVALID_INPUT', 'predict expects a Dataset, an array of row objects, or one row object.');
  }
  const { matrix, issues } = pipeline.transformRows(rows);
  if (issues.length > 0) throwInputIssues(issues);
  return matrix;
}

/**
 * A trained model: pipeline + predictor + run record. Returned by `Trainer.fit`;
 * packaged by `ModelArtifact.create`.
 *
 * @example
 * ```ts
 * const model = await new Trainer({ model: { type: 'logistic' }, target: 'fraud' }).fit(train);
 * const preds = await model.predict([{ amount: 120, country: 'DE' }]);
 * preds.labels; // [false]
 * ```
 */
export class Model implements PredictiveModel {
  constructor(
    /** The fitted preprocessing pipeline. */
    readonly pipeline: Pipeline,
    /** The loaded predictor. */
    readonly predictor: Predictor,
    /** Target column name. */
    readonly target: string,
    /** How it was trained. */
    readonly runRecord: RunRecord,
  ) {}

  /** Model family. */
  get type(): ModelType {
    return this.predictor.state.type;
  }
  /** What it predicts. */
  get task(): Task {
    return this.predictor.state.task;
  }
  /** Class labels in output order (classification). */
  get classes(): readonly ClassLabel[] | undefined {
    return this.predictor.state.classes;
  }
  /** Input columns, in order. */
  get features(): string[] {
    return this.pipeline.inputColumns;
  }
  /** The serialisable model state. */
  get state(): ModelState {
    return this.predictor.state;
  }
  /** The serialisable pipeline state. */
  get pipelineState(): PipelineState {
    return this.pipeline.toJSON();
  }

  /**
   * Predicts a Dataset, an array of rows, or one row. Rows are validated against the
   * input signature; every problem is listed in one `PREDICT_INVALID_INPUT` error.
   */
  async predict(input: PredictInput): Promise<Predictions> {
    return this.predictSync(input);
  }

  /** Synchronous {@link Model.predict}. */
  predictSync(input: PredictInput): Predictions {
    const m = toMatrix(this.pipeline, input);
    const raw = this.predictor.predictMatrix(m.data, m.rows);
    return new Predictions(this.task, raw, this.predictor.outputWidth, this.classes);
  }
}
