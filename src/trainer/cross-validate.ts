/**
 * k-fold cross-validation: train on k-1 folds, score on the held-out fold, k times.
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../errors';
import type { Dataset } from '../dataset/dataset';
import { Evaluator } from '../evaluator/evaluator';
import { metricInfo, metricsFor } from '../evaluator/catalog';
import type { Seed } from '../random';
import type { Model } from '../models/model';
import type { ModelType, Task } from '../models/types';
import { taskKind } from './task';

/** Options of `trainer.crossValidate`. */
export interface CrossValidateOptions {
  /** Number of folds (default 5). The dataset needs at least this many rows. */
  folds?: number;
  /** Seed of the fold assignment (default: the trainer's seed). */
  seed?: Seed;
  /**
   * Keep the target's class proportions in every fold (default true for classification;
   * ignored for regression).
   */
  stratify?: boolean;
  /**
   * The metric that summarises a fold (default: `rocAuc` for binary, `logLoss` for
   * multiclass, `rmse` for regression). Every metric of the task is reported anyway.
   */
  metric?: string;
  /** Cancels between folds (and inside training). */
  signal?: AbortSignal;
  /** Called after each fold. */
  onFold?: (result: FoldResult) => void;
}

/** The outcome of one fold. */
export interface FoldResult {
  /** 0-based fold number. */
  fold: number;
  /** Every metric of the task on the held-out fold (`NaN` where undefined, e.g. one class). */
  metrics: Record<string, number>;
  /** Training rows. */
  trainRows: number;
  /** Held-out rows. */
  testRows: number;
  /** Training time in milliseconds. */
  fitMs: number;
}

/** The outcome of a cross-validation. */
export interface CrossValidationResult {
  /** The summary metric. */
  metric: string;
  /** Whether a larger value of `metric` is better. */
  better: 'higher' | 'lower';
  /** The task that was cross-validated. */
  task: Task;
  /** Mean of `metric` over the folds. */
  score: number;
  /** Per-fold results. */
  folds: FoldResult[];
  /** Mean of every metric over the folds (folds where it is undefined are left out). */
  mean: Record<string, number>;
  /** Sample standard deviation of every metric over the folds. */
  std: Record<string, number>;
}

/** The default summary metric of a task. */
export function defaultMetric(task: Task): string {
  return task === 'binary' ? 'rocAuc' : task === 'multiclass' ? 'logLoss' : 'rmse';
}

/**
 * Whether larger values of `metric` are better for a `task` model; throws
 * `INVALID_ARGUMENT` listing the task's metrics when the name is unknown. @internal
 */
export function checkMetric(task: Task, metric: string): 'higher' | 'lower' {
  const info = metricInfo(task, metric);
  if (info === undefined) {
    throw new MlopsError('INVALID_ARGUMENT', `Unknown metric "${metric}" for a ${task} model; use one of ${metricsFor(task).map((m) => m.name).join(', ')}.`);
  }
  return info.better;
}

/** What `crossValidate` needs from a trainer (kept structural to avoid an import cycle). @internal */
export interface FitsModels {
  readonly options: { readonly target: string; readonly seed?: Seed; readonly model: { readonly type: ModelType; readonly task?: string } };
  fit(ds: Dataset, options?: { signal?: AbortSignal }): Promise<Model>;
}

/** @internal */
export async function crossValidate(trainer: FitsModels, ds: Dataset, options: CrossValidateOptions = {}): Promise<CrossValidationResult> {
  const k = options.folds ?? 5;
  const target = trainer.options.target;
  if (!ds.has(target)) {
    throw new MlopsError('TRAIN_TARGET_MISSING', `The target column "${target}" is not in the dataset.`);
  }
  if (!Number.isInteger(k) || k < 2) {
    throw new MlopsError('INVALID_ARGUMENT', `crossValidate: folds must be an integer >= 2, got ${k}.`);
  }
  if (ds.numRows < k) {
    throw new MlopsError('TRAIN_TOO_FEW_ROWS', `Cross-validation with ${k} folds needs at least ${k} rows; the dataset has ${ds.numRows}. Use fewer folds.`, {
      details: { folds: k, rows: ds.numRows },
    });
  }
  const { type, task: taskParam } = trainer.options.model;
  const classification = taskKind(type, taskParam, ds.column(target).type) === 'classification';
  const stratify = options.stratify ?? classification;
  const splits = ds.kFold(k, { seed: options.seed ?? trainer.options.seed, stratifyBy: stratify && classification ? target : undefined });
  const evaluator = new Evaluator({ target, bootstrap: false });
  const folds: FoldResult[] = [];
  let task: Task | undefined;
  let metric = options.metric;
  let better: 'higher' | 'lower' = 'higher';
  for (const { fold, train, test } of splits) {
    throwIfAborted(options.signal, 'cross-validation');
    const t0 = performance.now();
    const model = await trainer.fit(train, { signal: options.signal });
    const fitMs = performance.now() - t0;
    if (task === undefined) {
      // The task is known once a model exists: check the metric before training the other folds.
      task = model.task;
      metric ??= defaultMetric(task);
      better = checkMetric(task, metric);
    }
    const report = await evaluator.evaluate(model, test, { signal: options.signal });
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(report.metrics)) metrics[name] = value ?? NaN;
    const result: FoldResult = { fold, metrics, trainRows: train.numRows, testRows: test.numRows, fitMs };
    folds.push(result);
    options.onFold?.(result);
  }
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const name of Object.keys(folds[0].metrics)) {
    const values = folds.map((f) => f.metrics[name]).filter((v) => Number.isFinite(v));
    const mu = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
    mean[name] = mu;
    std[name] = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mu) ** 2, 0) / (values.length - 1)) : values.length === 1 ? 0 : NaN;
  }
  return { metric: metric!, better, task: task!, score: mean[metric!], folds, mean, std };
}
