/**
 * The Trainer: turns a Dataset into a {@link Model}, whatever the family.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { MlopsError, throwIfAborted } from '../errors';
import type { Column } from '../dataset/column';
import type { Dataset } from '../dataset/dataset';
import { mergePreprocessSpecs, Pipeline, type PreprocessSpec } from '../preprocess/pipeline';
import { createRng, type Seed, seedToUint32 } from '../random';
import { JS_BACKEND, resolveBackendHandle } from '../backend/handle';
import { getFamily } from '../models/families';
import { Model, type RunRecord } from '../models/model';
import type { BackendHandle, ClassLabel, FitData, ModelType, ProgressEvent, Task } from '../models/types';
import { VERSION } from '../version';
import { type CrossValidateOptions, type CrossValidationResult, crossValidate } from './cross-validate';
import { type SearchOptions, type SearchResult, search } from './search';
import { TASK_PARAMS, taskKind } from './task';

/** The model to train: a family and its parameters. */
export type ModelSpec = { type: ModelType; task?: 'regression' | 'classification' | Task } & Record<string, unknown>;

/** Options of a {@link Trainer}. */
export interface TrainerOptions {
  /** Family and parameters, e.g. `{ type: 'gbdt', numTrees: 200, maxDepth: 6 }`. */
  model: ModelSpec;
  /** Target column. */
  target: string;
  /** Input columns (default: every column except the target and `sampleWeight`). */
  features?: string[];
  /** Seed for everything random in the run (default 42). */
  seed?: Seed;
  /** Compute backend for families that use one (`'auto'`, `'cpu'`, `'wasm'`, `'webgpu'` or a registered name). */
  backend?: string;
  /** Called on every progress event (start, each epoch/tree, done). */
  onProgress?: (event: ProgressEvent) => void;
  /** Overrides of the family's default preprocessing. */
  preprocess?: PreprocessSpec;
  /**
   * Class weights (classification): `'balanced'` (n / (k * count) per class, as
   * scikit-learn) or a weight per class label.
   */
  classWeight?: 'balanced' | Record<string, number>;
  /** A numeric column of per-row weights. */
  sampleWeight?: string;
}

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /** Validation data for early stopping and validation loss. */
  validation?: Dataset;
  /** Cancels training; `fit` rejects with `ABORTED`. */
  signal?: AbortSignal;
}

interface PreparedTarget {
  task: Task;
  classes?: ClassLabel[];
  y: Float64Array;
}

function labelOf(col: Column, i: number): ClassLabel {
  const v = col.get(i);
  return v instanceof Date ? v.toISOString() : (v as ClassLabel);
}

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Trains models of any family with one API.
 *
 * @example
 * ```ts
 * import { Dataset, Trainer } from 'mlops-kit';
 * const trainer = new Trainer({ model: { type: 'gbdt', numTrees: 100 }, target: 'fraud', seed: 7 });
 * const model = await trainer.fit(train, { validation: test });
 * model.runRecord.dataFingerprint; // sha256 of the training data
 * ```
 */
export class Trainer {
  /** The options this trainer was created with. */
  readonly options: Readonly<TrainerOptions>;

  constructor(options: TrainerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new MlopsError('INVALID_ARGUMENT', 'new Trainer(options) needs an options object with `model` and `target`.');
    }
    if (typeof options.model !== 'object' || options.model === null || typeof options.model.type !== 'string') {
      throw new MlopsError('TRAIN_INVALID_PARAMS', "Trainer: `model` must be an object with a `type`, e.g. { type: 'logistic' }.");
    }
    getFamily(options.model.type);
    const task = options.model.task;
    if (task !== undefined && !(TASK_PARAMS as readonly unknown[]).includes(task)) {
      throw new MlopsError('TRAIN_INVALID_PARAMS', `Trainer: model.task must be one of ${TASK_PARAMS.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(task)}.`, {
        details: { parameter: 'task', value: String(task) },
      });
    }
    if (typeof options.target !== 'string' || options.target.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', 'Trainer: `target` must name the column to predict.');
    }
    const features = options.features;
    if (features !== undefined) {
      if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
        throw new MlopsError('INVALID_ARGUMENT', `Trainer: \`features\` must be an array of column names, e.g. ['amount', 'country']; got ${JSON.stringify(features)}.`);
      }
      const twice = features.find((f, i) => features.indexOf(f) !== i);
      if (twice !== undefined) throw new MlopsError('INVALID_ARGUMENT', `Trainer: \`features\` lists "${twice}" twice; list each column once.`, { details: { column: twice } });
    }
    this.options = { ...options };
  }

  /** Trains on `ds` and returns the model with its pipeline and run record. */
  async fit(ds: Dataset, options: FitOptions = {}): Promise<Model> {
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const { model: spec, target } = this.options;
    const { type, task: taskParam, ...params } = spec;
    const family = getFamily(type);
    const signal = options.signal;
    throwIfAborted(signal, 'training');

    if (!ds.has(target)) {
      throw new MlopsError('TRAIN_TARGET_MISSING', `The target column "${target}" is not in the dataset. Columns: ${ds.columnNames.slice(0, 30).join(', ')}. Set \`target\` to one of them.`, {
        details: { target, available: ds.columnNames.slice(0, 100) },
      });
    }
    if (ds.numRows < 2) {
      throw new MlopsError('TRAIN_TOO_FEW_ROWS', `Training needs at least 2 rows; the dataset has ${ds.numRows}. Check the data source or the filter/split that produced it.`, {
        details: { rows: ds.numRows },
      });
    }
    const features = this.resolveFeatures(ds);
    const prepared = this.prepareTarget(ds, family.type, taskParam);
    if (!family.tasks.includes(prepared.task)) {
      throw new MlopsError(
        'TRAIN_TARGET_INVALID',
        `The ${type} model does not support ${prepared.task} (it supports ${family.tasks.join(', ')}). ${
          prepared.task === 'multiclass' && type === 'logistic' ? "Use { type: 'softmax' } for more than two classes." : prepared.task === 'regression' ? 'Use linear, mlp or gbdt for a numeric target.' : 'Use logistic, softmax, mlp or gbdt for a class target.'
        }`,
        { details: { task: prepared.task, type } },
      );
    }
    const familyParams = family.validateParams(params, prepared.task);
    const perClass = this.classWeights(prepared);

    // Preprocessing, fitted on training data only.
    const tPre = performance.now();
    const pipeline = Pipeline.fit(ds, features, mergePreprocessSpecs(family.defaultPreprocess, this.options.preprocess));
    const train: FitData = { X: pipeline.transform(ds), y: prepared.y, sampleWeight: this.weights(ds, prepared.y, perClass) };
    let validation: FitData | undefined;
    if (options.validation !== undefined) {
      const v = options.validation;
      if (!v.has(target)) throw new MlopsError('TRAIN_TARGET_MISSING', `The validation set has no target column "${target}".`);
      if (v.numRows === 0) throw new MlopsError('DATA_EMPTY', 'The validation set has no rows; pass a non-empty one or leave `validation` out.');
      const y = this.encodeTarget(v, prepared);
      validation = { X: pipeline.transform(v), y, sampleWeight: this.weights(v, y, perClass) };
    }
    const preprocessMs = performance.now() - tPre;
    throwIfAborted(signal, 'training');

    const seed = seedToUint32(this.options.seed);
    const backend: BackendHandle = family.usesBackend ? await resolveBackendHandle(this.options.backend) : JS_BACKEND;
    const onProgress = this.options.onProgress;
    const tFit = performance.now();
    const result = await family.fit({
      train,
      validation,
      task: prepared.task,
      classes: prepared.classes,
      features: pipeline.features,
      params: familyParams,
      rng: createRng(seed),
      seed,
      backend,
      signal,
      progress: (e) => {
        if (onProgress === undefined) return;
        const elapsedMs = performance.now() - tFit;
        const event: ProgressEvent = { ...e, elapsedMs };
        if (e.totalEpochs !== undefined && e.epoch > 0) event.etaMs = (elapsedMs / e.epoch) * Math.max(0, e.totalEpochs - e.epoch);
        onProgress(event);
      },
    });
    const fitMs = performance.now() - tFit;
    const predictor = family.load(result.state);
    const runRecord: RunRecord = {
      runId: randomUUID(),
      modelType: family.type,
      task: prepared.task,
      params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
      seed,
      backend: backend.name,
      target,
      features,
      dataFingerprint: await ds.select([...features, target]).fingerprint(),
      trainRows: ds.numRows,
      validationRows: options.validation?.numRows,
      history: result.history,
      iterations: result.iterations,
      converged: result.converged,
      bestIteration: result.bestIteration,
      startedAt,
      durations: { preprocessMs, fitMs, totalMs: performance.now() - t0 },
      libraryVersion: VERSION,
      extras: result.extras,
    };
    return new Model(pipeline, predictor, target, runRecord);
  }

  /**
   * k-fold cross-validation: trains on k-1 folds and scores the held-out fold, k times
   * (stratified by the target for classification). Returns every metric per fold with
   * means and standard deviations.
   *
   * @example
   * ```ts
   * const cv = await trainer.crossValidate(ds, { folds: 5 });
   * console.log(`${cv.metric}: ${cv.mean[cv.metric]} ± ${cv.std[cv.metric]}`);
   * ```
   */
  crossValidate(ds: Dataset, options: CrossValidateOptions = {}): Promise<CrossValidationResult> {
    return crossValidate(this, ds, options);
  }

  /**
   * Hyper-parameter search, grid or seeded random, each candidate scored by
   * cross-validation (default 3 folds) or on a validation set. Returns every trial's
   * scores, the best parameters, and (unless `refit: false`) the best candidate trained
   * on all of `ds`.
   *
   * @example
   * ```ts
   * const result = await new Trainer({ model: { type: 'gbdt' }, target: 'fraud' }).search(train, {
   *   space: { maxDepth: [3, 6], learningRate: { min: 0.03, max: 0.3, log: true } },
   *   trials: 10,
   * });
   * result.bestParams; // e.g. { maxDepth: 6, learningRate: 0.11 }
   * ```
   */
  search(ds: Dataset, options: SearchOptions): Promise<SearchResult> {
    return search(this, ds, options);
  }

  /** A trainer with the same options and these model parameters merged over the current ones. */
  withParams(params: Record<string, unknown>): Trainer {
    if ('type' in params) {
      throw new MlopsError('TRAIN_INVALID_PARAMS', 'withParams cannot change the model type; create another Trainer.');
    }
    return new Trainer({ ...this.options, model: { ...this.options.model, ...params } });
  }

  private resolveFeatures(ds: Dataset): string[] {
    const { target, sampleWeight } = this.options;
    const features = this.options.features ?? ds.columnNames.filter((n) => n !== target && n !== sampleWeight);
    if (features.length === 0) {
      throw new MlopsError('TRAIN_NO_FEATURES', `There are no feature columns besides the target "${target}". Add input columns or pass \`features\`.`);
    }
    for (const f of features) {
      const col = ds.column(f);
      if (f === target) throw new MlopsError('TRAIN_INVALID_PARAMS', `The target "${target}" is also listed as a feature; remove it from \`features\`.`);
      if (col.missingCount() === col.length) {
        throw new MlopsError('TRAIN_NO_FEATURES', `Feature column "${f}" is missing in every row, so nothing can be learned from it. Drop it or fix the data.`, {
          details: { column: f },
        });
      }
    }
    return features;
  }

  private prepareTarget(ds: Dataset, type: ModelType, taskParam: ModelSpec['task']): PreparedTarget {
    const { target } = this.options;
    const col = ds.column(target);
    const missing = col.missingCount();
    if (missing > 0) {
      throw new MlopsError(
        'TRAIN_TARGET_INVALID',
        `The target column "${target}" has ${missing} missing value${missing === 1 ? '' : 's'}. Drop those rows first: ds.dropMissing(['${target}']).`,
        { details: { target, missing } },
      );
    }
    if (taskKind(type, taskParam, col.type) === 'regression') {
      if (col.type !== 'number') {
        throw new MlopsError(
          'TRAIN_TARGET_INVALID',
          `The target "${target}" is a ${col.type} column, but a regression model needs numbers. Use a classifier (logistic, softmax, or mlp/gbdt with task 'classification').`,
          { details: { target, type: col.type } },
        );
      }
      const y = Float64Array.from(col.values);
      let constant = true;
      for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) constant = false;
      if (constant) {
        throw new MlopsError('TRAIN_TARGET_CONSTANT', `The target "${target}" has the same value (${y[0]}) in every row; there is nothing to learn. Check the data or the target column.`);
      }
      return { task: 'regression', y };
    }
    // Classification: classes sorted (false < true, numbers ascending, texts by code unit).
    const seen = new Map<string, ClassLabel>();
    for (let i = 0; i < col.length; i++) {
      const l = labelOf(col, i);
      const key = `${typeof l}:${String(l)}`;
      if (!seen.has(key)) seen.set(key, l);
      if (seen.size > 1000) {
        throw new MlopsError('TRAIN_TARGET_INVALID', `The target "${target}" has more than 1000 distinct values; that is not a class column. Use a regression model or check the target.`);
      }
    }
    const classes = [...seen.values()].sort(compareLabels);
    if (classes.length < 2) {
      throw new MlopsError('TRAIN_TARGET_CONSTANT', `The target "${target}" has a single class (${String(classes[0])}); a classifier needs at least two. Check the data or the split.`, {
        details: { target, classes },
      });
    }
    const task: Task = classes.length === 2 && taskParam !== 'multiclass' && type !== 'softmax' ? 'binary' : 'multiclass';
    const prepared: PreparedTarget = { task, classes, y: new Float64Array(0) };
    prepared.y = this.encodeTarget(ds, prepared);
    return prepared;
  }

  private encodeTarget(ds: Dataset, prepared: PreparedTarget): Float64Array {
    const col = ds.column(this.options.target);
    if (prepared.task === 'regression') {
      if (col.type !== 'number' || col.missingCount() > 0) {
        throw new MlopsError('TRAIN_TARGET_INVALID', `The target "${this.options.target}" must be a number column without missing values in every dataset passed to fit.`);
      }
      return Float64Array.from(col.values);
    }
    const index = new Map(prepared.classes!.map((c, i) => [`${typeof c}:${String(c)}`, i]));
    const y = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) {
      if (col.isMissing(i)) throw new MlopsError('TRAIN_TARGET_INVALID', `The target "${this.options.target}" is missing at row ${i}.`);
      const l = labelOf(col, i);
      const k = index.get(`${typeof l}:${String(l)}`);
      if (k === undefined) {
        throw new MlopsError('TRAIN_TARGET_INVALID', `Row ${i} has target ${JSON.stringify(l)}, a class not in the training data (${prepared.classes!.join(', ')}).`, {
          details: { row: i, value: l },
        });
      }
      y[i] = k;
    }
    return y;
  }

  /**
   * The weight of each class (classification with `classWeight`), from the training
   * target: the validation set is weighted the same way, so its loss is the same objective.
   */
  private classWeights(prepared: PreparedTarget): Float64Array | undefined {
    const { classWeight } = this.options;
    if (classWeight === undefined) return undefined;
    if (prepared.task === 'regression') throw new MlopsError('TRAIN_INVALID_PARAMS', 'classWeight applies to classification only.');
    const { y, classes } = prepared;
    const k = classes!.length;
    const per = new Float64Array(k).fill(1);
    if (classWeight === 'balanced') {
      const counts = new Float64Array(k);
      for (let i = 0; i < y.length; i++) counts[y[i]]++;
      for (let c = 0; c < k; c++) per[c] = counts[c] > 0 ? y.length / (k * counts[c]) : 0;
    } else {
      for (const [label, weight] of Object.entries(classWeight)) {
        const c = classes!.findIndex((x) => String(x) === label);
        if (c < 0) throw new MlopsError('TRAIN_INVALID_PARAMS', `classWeight names class "${label}", which is not in the target (${classes!.join(', ')}).`);
        if (!(weight >= 0)) throw new MlopsError('TRAIN_INVALID_PARAMS', `classWeight for "${label}" must be >= 0.`);
        per[c] = weight;
      }
    }
    return per;
  }

  /** Row weights of `ds` (encoded target `y`): the sampleWeight column times the class weights. */
  private weights(ds: Dataset, y: Float64Array, perClass: Float64Array | undefined): Float64Array | undefined {
    const { sampleWeight } = this.options;
    let w: Float64Array | undefined;
    if (sampleWeight !== undefined) {
      const col = ds.column(sampleWeight);
      if (col.type !== 'number') throw new MlopsError('INVALID_ARGUMENT', `sampleWeight column "${sampleWeight}" must be numeric.`);
      w = Float64Array.from(col.values);
      for (let i = 0; i < w.length; i++) {
        if (!(w[i] >= 0) || !Number.isFinite(w[i])) {
          throw new MlopsError('INVALID_ARGUMENT', `sampleWeight column "${sampleWeight}" has ${col.isMissing(i) ? 'a missing' : `the invalid value ${w[i]}`} at row ${i}; weights must be finite and >= 0.`);
        }
      }
    }
    if (perClass !== undefined) {
      w ??= new Float64Array(y.length).fill(1);
      for (let i = 0; i < y.length; i++) w[i] *= perClass[y[i]];
    }
    return w;
  }
}
