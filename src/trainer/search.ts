/**
 * Hyper-parameter search: grid or seeded random sampling over a parameter space, each
 * candidate scored by cross-validation or on a validation set.
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../errors';
import type { Dataset } from '../dataset/dataset';
import { Evaluator } from '../evaluator/evaluator';
import { createRng, type Seed } from '../random';
import type { Model } from '../models/model';
import { checkMetric, crossValidate, defaultMetric, type FitsModels } from './cross-validate';

/** A numeric range to sample from (random search only). */
export interface ParamRange {
  /** Lower bound (inclusive). */
  min: number;
  /** Upper bound (inclusive for integers, exclusive otherwise). */
  max: number;
  /** Sample uniformly in log space (for learning rates, regularisation). */
  log?: boolean;
  /** Round to an integer (for depths, layer sizes). */
  integer?: boolean;
}

/** The values to try per model parameter: a list of values, or (random search) a range. */
export type ParamSpace = Record<string, readonly unknown[] | ParamRange>;

/** Options of `trainer.search`. */
export interface SearchOptions {
  /** Values to try per model parameter, e.g. `{ maxDepth: [3, 6], learningRate: { min: 0.01, max: 0.3, log: true } }`. */
  space: ParamSpace;
  /** `'grid'` tries every combination of the lists; `'random'` (default) samples `trials` candidates. */
  strategy?: 'grid' | 'random';
  /** Candidates in a random search (default 20). */
  trials?: number;
  /** Score each candidate by k-fold cross-validation with this many folds (default 3). */
  folds?: number;
  /** Score each candidate on this validation set instead of cross-validation (faster). */
  validation?: Dataset;
  /** The metric to optimise (default: rocAuc / logLoss / rmse by task). */
  metric?: string;
  /** Seed of the sampling and of the folds (default: the trainer's seed). */
  seed?: Seed;
  /** Train the best candidate on the whole dataset and return it as `model` (default true). */
  refit?: boolean;
  /** Cancels between candidates (and inside training). */
  signal?: AbortSignal;
  /** Called after each candidate. */
  onTrial?: (trial: Trial) => void;
}

/** One candidate's outcome. */
export interface Trial {
  /** 0-based candidate number. */
  index: number;
  /** The parameters tried (merged over the trainer's). */
  params: Record<string, unknown>;
  /** Its score on `metric` (mean over folds, or on the validation set). */
  score: number;
  /** Every metric of the task (means over folds, or on the validation set). */
  metrics: Record<string, number>;
  /** Standard deviation of `metric` over folds (cross-validation only). */
  std?: number;
}

/** The outcome of a search. */
export interface SearchResult {
  /** The metric optimised. */
  metric: string;
  /** Whether larger is better. */
  better: 'higher' | 'lower';
  /** Every candidate, in the order tried. */
  trials: Trial[];
  /** The best candidate. */
  best: Trial;
  /** The best candidate's parameters (only the searched ones). */
  bestParams: Record<string, unknown>;
  /** The best candidate trained on the whole dataset (when `refit` is not false). */
  model?: Model;
}

/** What `search` needs from a trainer. @internal */
export interface SearchableTrainer extends FitsModels {
  withParams(params: Record<string, unknown>): SearchableTrainer;
}

function isRange(v: unknown): v is ParamRange {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ParamRange).min === 'number' && typeof (v as ParamRange).max === 'number';
}

function candidates(options: SearchOptions, seed: Seed | undefined): Record<string, unknown>[] {
  const entries = Object.entries(options.space ?? {});
  if (entries.length === 0) throw new MlopsError('INVALID_ARGUMENT', 'search: `space` must name at least one parameter with values to try.');
  for (const [name, values] of entries) {
    if (isRange(values)) {
      if (!(values.max > values.min) || (values.log && values.min <= 0)) {
        throw new MlopsError('INVALID_ARGUMENT', `search: the range for "${name}" needs min < max${values.log ? ' and min > 0 for a log range' : ''}.`);
      }
    } else if (!Array.isArray(values) || values.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', `search: "${name}" must be a non-empty array of values or a { min, max } range.`);
    }
  }
  const strategy = options.strategy ?? 'random';
  if (strategy === 'grid') {
    const ranged = entries.filter(([, v]) => isRange(v)).map(([n]) => n);
    if (ranged.length > 0) throw new MlopsError('INVALID_ARGUMENT', `search: a grid needs lists of values; ${ranged.join(', ')} ${ranged.length === 1 ? 'is a range' : 'are ranges'}. Use strategy 'random' or list the values.`);
    let combos: Record<string, unknown>[] = [{}];
    for (const [name, values] of entries as [string, unknown[]][]) {
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
      if (combos.length > 10_000) throw new MlopsError('INVALID_ARGUMENT', 'search: the grid has more than 10,000 combinations; use a random search.');
    }
    return combos;
  }
  if (strategy !== 'random') throw new MlopsError('INVALID_ARGUMENT', `search: strategy must be 'grid' or 'random', got ${JSON.stringify(strategy)}.`);
  const trials = options.trials ?? 20;
  if (!Number.isInteger(trials) || trials < 1) throw new MlopsError('INVALID_ARGUMENT', `search: trials must be a positive integer, got ${trials}.`);
  const rng = createRng(seed).fork('search');
  return Array.from({ length: trials }, () => {
    const c: Record<string, unknown> = {};
    for (const [name, values] of entries) {
      if (isRange(values)) {
        const { min, max } = values;
        if (values.integer && !values.log) {
          // Every integer in [min, max] equally likely.
          c[name] = Math.ceil(min) + rng.int(Math.floor(max) - Math.ceil(min) + 1);
        } else {
          const u = rng.next();
          const v = values.log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
          c[name] = values.integer ? Math.max(Math.ceil(min), Math.min(Math.floor(max), Math.round(v))) : v;
        }
      } else {
        const list = values as readonly unknown[];
        c[name] = list[rng.int(list.length)];
      }
    }
    return c;
  });
}

/** @internal */
export async function search(trainer: SearchableTrainer, ds: Dataset, options: SearchOptions): Promise<SearchResult> {
  if (typeof options !== 'object' || options === null) throw new MlopsError('INVALID_ARGUMENT', 'search(ds, options) needs an options object with `space`.');
  const seed = options.seed ?? trainer.options.seed;
  const list = candidates(options, seed);
  const trials: Trial[] = [];
  let metric = options.metric;
  let better: 'higher' | 'lower' = 'higher';
  for (const [index, params] of list.entries()) {
    throwIfAborted(options.signal, 'search');
    const candidate = trainer.withParams(params);
    let trial: Trial;
    if (options.validation !== undefined) {
      const model = await candidate.fit(ds, { signal: options.signal });
      const report = await new Evaluator({ target: trainer.options.target, bootstrap: false }).evaluate(model, options.validation, { signal: options.signal });
      metric ??= defaultMetric(model.task);
      better = checkMetric(model.task, metric);
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(report.metrics)) metrics[k] = v ?? NaN;
      trial = { index, params, score: metrics[metric], metrics };
    } else {
      const cv = await crossValidate(candidate, ds, { folds: options.folds ?? 3, seed, metric, signal: options.signal });
      metric = cv.metric;
      better = cv.better;
      trial = { index, params, score: cv.score, metrics: cv.mean, std: cv.std[cv.metric] };
    }
    trials.push(trial);
    options.onTrial?.(trial);
  }
  const sign = better === 'higher' ? 1 : -1;
  // The best finite score wins; ties keep the earlier candidate.
  let best: Trial | undefined;
  for (const t of trials) {
    if (!Number.isFinite(t.score)) continue;
    if (best === undefined || sign * (t.score - best.score) > 0) best = t;
  }
  if (best === undefined) {
    throw new MlopsError('METRIC_UNDEFINED', `search: "${metric}" was undefined for every candidate (e.g. a fold with a single class). Choose another metric or more data per fold.`);
  }
  const result: SearchResult = { metric: metric!, better, trials, best, bestParams: { ...best.params } };
  if (options.refit !== false) result.model = await trainer.withParams(best.params).fit(ds, { signal: options.signal });
  return result;
}
