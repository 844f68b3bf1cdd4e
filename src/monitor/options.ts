/**
 * DriftMonitor options, their defaults and their validation.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Dataset } from '../dataset/dataset';
import type { ColumnProfile, DatasetProfile } from '../dataset/profile';
import type { ClassLabel, Task } from '../models/types';
import type { Seed } from '../random';

/** Something that carries a training profile: a `ModelArtifact`, or its manifest wrapped as `{ manifest }`. */
export interface ArtifactLike {
  manifest: {
    /** Where artifacts keep the training profile. */
    trainingData?: { profile?: DatasetProfile | unknown };
    /** Accepted as well: a profile directly on the manifest. */
    profile?: DatasetProfile | unknown;
    /** The label column (excluded from the monitored features; used for label drift). */
    target?: string;
    /** What the model predicts. */
    task?: Task;
    /** Headline metrics at training time: the performance baseline. */
    metrics?: Record<string, number>;
    /** The full evaluation report; numeric metrics are read from it when `metrics` is absent. */
    evaluation?: Record<string, unknown>;
  };
}

/**
 * A count window (rows) or a time window (milliseconds, or a duration such as `'15m'`).
 *
 * A sliding window keeps one pane per slide (`size / slide` panes, at most 1,000), and
 * every pane holds its own sketch per feature: up to about 25 KB per numeric feature once
 * a pane has seen a few thousand rows. Budget `panes x features x 25 KB` of memory (a
 * tumbling window is one pane; 24 hourly slides of a day over 40 features stay under 25 MB).
 */
export type WindowOptions =
  | {
      /** Windows of `size` rows. */
      type: 'count';
      /** Rows per window. */
      size: number;
      /** Rows between two windows (default `size`: tumbling). `size` must be a multiple of it. */
      slide?: number;
    }
  | {
      /** Windows of `size` time, by the batch timestamps or the clock. */
      type: 'time';
      /** Window length: milliseconds or a duration (`'500ms'`, `'30s'`, `'15m'`, `'1h'`, `'1d'`). */
      size: number | string;
      /** Time between two windows (default `size`). `size` must be a multiple of it. */
      slide?: number | string;
    };

/** Effect sizes available for numeric features. */
export type NumericEffectSize = 'normalized-wasserstein' | 'psi' | 'ks';
/** Effect sizes available for categorical (and boolean) features. */
export type CategoricalEffectSize = 'jensen-shannon' | 'psi';

/** How a feature is declared drifted. */
export type DriftRule = 'both' | 'p-value' | 'effect-size';

/** Thresholds of the drift decision (all optional; defaults in brackets). */
export interface DriftThresholds {
  /** Significance level after multiple-testing correction [0.05]. */
  alpha?: number;
  /** Correction across features [`'benjamini-hochberg'`]. */
  correction?: 'benjamini-hochberg' | 'bonferroni' | 'none';
  /**
   * `'both'` (the default): drifted when the corrected p-value is below `alpha` AND the
   * effect size reaches its threshold. `'p-value'` or `'effect-size'`: that test alone.
   */
  rule?: DriftRule;
  /** Numeric features: effect size [`'normalized-wasserstein'`] and threshold [0.1; psi 0.2; ks 0.1]. */
  numeric?: { effectSize?: NumericEffectSize; threshold?: number };
  /** Categorical and boolean features: effect size [`'jensen-shannon'`] and threshold [0.1; psi 0.2]. */
  categorical?: { effectSize?: CategoricalEffectSize; threshold?: number };
  /** Per-feature overrides of the effect size and threshold. */
  features?: Record<string, { effectSize?: NumericEffectSize | CategoricalEffectSize; threshold?: number }>;
  /** Missing-value rate: smallest absolute change that counts [0.02], besides significance. */
  missingRate?: { minChange?: number };
  /** Share of drifted features at which the dataset is declared drifted [0.5]. */
  driftShare?: number;
  /** Fewest non-missing current values for a distribution test [30]. */
  minSamples?: number;
  /** Bins of the PSI reported for numeric features (reference quantiles) [10]. */
  psiBins?: number;
}

/** Performance monitoring (needs predictions and labels). */
export interface PerformanceOptions {
  /** What the model predicts (default: the artifact's task, the Predictions' task, else inferred). */
  task?: Task;
  /** Baseline metrics, e.g. `{ accuracy: 0.95, rocAuc: 0.97 }` (default: the artifact's `manifest.metrics`). */
  baseline?: Record<string, number>;
  /**
   * Largest tolerated worsening before a metric counts as decayed: one absolute number
   * for every metric, or per metric. Default 0.05 absolute for metrics in [0, 1]
   * (accuracy, precision, recall, f1, rocAuc, brier, r2) and 10% of the baseline for
   * the others (logLoss, mae, mse, rmse).
   */
  tolerance?: number | Record<string, number>;
  /** Positive class of a binary model (default: the Predictions' `classes[1]`, `1` or `true`). */
  positiveLabel?: ClassLabel;
  /**
   * Decision threshold on binary scores (default: the `threshold` of the artifact's stored
   * evaluation, so live accuracy, precision, recall and f1 are measured as their baselines
   * were; else 0.5).
   */
  threshold?: number;
  /** Confidence level of the intervals [0.95]. */
  confidence?: number;
  /** Fewest labelled rows before decay is judged [30]. */
  minLabels?: number;
}

/** Options of a {@link DriftMonitor}. */
export interface DriftMonitorOptions {
  /** The reference: a Dataset, its profile (`ds.profile()` or parsed JSON), or an artifact carrying one. */
  reference: Dataset | DatasetProfile | ArtifactLike;
  /** Features to monitor (default: every reference column except date columns and the target). */
  features?: readonly string[];
  /** The label column in the reference (default: the artifact's target). Never monitored as a feature. */
  target?: string;
  /** The window compared with the reference [`{ type: 'count', size: 10000 }`]. */
  window?: WindowOptions;
  /** Drift decision thresholds. */
  thresholds?: DriftThresholds;
  /** Performance decay settings. */
  performance?: PerformanceOptions;
  /** Reference predictions (scores, values or labels, or their column profile) for prediction drift. */
  referencePredictions?: ArrayLike<number> | readonly (string | boolean)[] | ColumnProfile;
  /** Milliseconds since the epoch, injectable for tests and replays [`Date.now`]. */
  clock?: () => number;
  /** Window sketch sizes (default: the reference profile's). */
  sketch?: { k?: number; maxCategories?: number };
  /**
   * Seed of the window sketches' coin flips [42]. Monitors whose states are merged should
   * each have their own (a worker or invocation id), so that their coin flips are
   * independent and the sketches' 99% error bounds hold after the merge. A Dataset
   * reference is always profiled with the default seed, so monitors with different seeds
   * share the same reference.
   */
  seed?: Seed;
}

/** Thresholds with every default filled in. @internal */
export interface ResolvedThresholds {
  alpha: number;
  correction: 'benjamini-hochberg' | 'bonferroni' | 'none';
  rule: DriftRule;
  numeric: { effectSize: NumericEffectSize; threshold: number };
  categorical: { effectSize: CategoricalEffectSize; threshold: number };
  features: Record<string, { effectSize?: NumericEffectSize | CategoricalEffectSize; threshold?: number }>;
  missingRate: { minChange: number };
  driftShare: number;
  minSamples: number;
  psiBins: number;
}

const NUMERIC_DEFAULTS: Record<NumericEffectSize, number> = { 'normalized-wasserstein': 0.1, psi: 0.2, ks: 0.1 };
const CATEGORICAL_DEFAULTS: Record<CategoricalEffectSize, number> = { 'jensen-shannon': 0.1, psi: 0.2 };

function invalid(message: string): MlopsError {
  return new MlopsError('INVALID_ARGUMENT', message);
}

function checkFraction(value: number, name: string, open = true): number {
  if (typeof value !== 'number' || !(open ? value > 0 && value < 1 : value >= 0 && value <= 1)) {
    throw invalid(`DriftMonitor: ${name} must be a number in ${open ? '(0, 1)' : '[0, 1]'}, got ${String(value)}.`);
  }
  return value;
}

function checkThreshold(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw invalid(`DriftMonitor: ${name} must be a finite number >= 0, got ${String(value)}.`);
  }
  return value;
}

/** Fills in and validates drift thresholds. @internal */
export function resolveThresholds(t: DriftThresholds = {}): ResolvedThresholds {
  const correction = t.correction ?? 'benjamini-hochberg';
  if (!['benjamini-hochberg', 'bonferroni', 'none'].includes(correction)) {
    throw invalid(`DriftMonitor: thresholds.correction must be 'benjamini-hochberg', 'bonferroni' or 'none', got ${JSON.stringify(correction)}.`);
  }
  const rule = t.rule ?? 'both';
  if (!['both', 'p-value', 'effect-size'].includes(rule)) {
    throw invalid(`DriftMonitor: thresholds.rule must be 'both', 'p-value' or 'effect-size', got ${JSON.stringify(rule)}.`);
  }
  const numericEffect = t.numeric?.effectSize ?? 'normalized-wasserstein';
  if (!(numericEffect in NUMERIC_DEFAULTS)) {
    throw invalid(`DriftMonitor: thresholds.numeric.effectSize must be one of ${Object.keys(NUMERIC_DEFAULTS).join(', ')}, got ${JSON.stringify(numericEffect)}.`);
  }
  const categoricalEffect = t.categorical?.effectSize ?? 'jensen-shannon';
  if (!(categoricalEffect in CATEGORICAL_DEFAULTS)) {
    throw invalid(`DriftMonitor: thresholds.categorical.effectSize must be one of ${Object.keys(CATEGORICAL_DEFAULTS).join(', ')}, got ${JSON.stringify(categoricalEffect)}.`);
  }
  const minSamples = t.minSamples ?? 30;
  if (!Number.isInteger(minSamples) || minSamples < 1) throw invalid(`DriftMonitor: thresholds.minSamples must be a positive integer, got ${String(minSamples)}.`);
  const psiBins = t.psiBins ?? 10;
  if (!Number.isInteger(psiBins) || psiBins < 2 || psiBins > 1000) throw invalid(`DriftMonitor: thresholds.psiBins must be an integer in [2, 1000], got ${String(psiBins)}.`);
  for (const [name, o] of Object.entries(t.features ?? {})) {
    if (o.threshold !== undefined) checkThreshold(o.threshold, `thresholds.features.${name}.threshold`);
    if (o.effectSize !== undefined && !(o.effectSize in NUMERIC_DEFAULTS) && !(o.effectSize in CATEGORICAL_DEFAULTS)) {
      throw invalid(`DriftMonitor: thresholds.features.${name}.effectSize ${JSON.stringify(o.effectSize)} is not an effect size.`);
    }
  }
  return {
    alpha: checkFraction(t.alpha ?? 0.05, 'thresholds.alpha'),
    correction,
    rule,
    numeric: { effectSize: numericEffect, threshold: checkThreshold(t.numeric?.threshold ?? NUMERIC_DEFAULTS[numericEffect], 'thresholds.numeric.threshold') },
    categorical: {
      effectSize: categoricalEffect,
      threshold: checkThreshold(t.categorical?.threshold ?? CATEGORICAL_DEFAULTS[categoricalEffect], 'thresholds.categorical.threshold'),
    },
    features: { ...(t.features ?? {}) },
    missingRate: { minChange: checkFraction(t.missingRate?.minChange ?? 0.02, 'thresholds.missingRate.minChange', false) },
    driftShare: checkFraction(t.driftShare ?? 0.5, 'thresholds.driftShare', false),
    minSamples,
    psiBins,
  };
}

/** The effect size and threshold that apply to one feature. @internal */
export function effectFor(
  t: ResolvedThresholds,
  feature: string,
  kind: 'numeric' | 'categorical',
): { effectSize: NumericEffectSize | CategoricalEffectSize; threshold: number } {
  const base = kind === 'numeric' ? t.numeric : t.categorical;
  const o = t.features[feature];
  if (o === undefined) return base;
  const effectSize = o.effectSize ?? base.effectSize;
  const valid = kind === 'numeric' ? effectSize in NUMERIC_DEFAULTS : effectSize in CATEGORICAL_DEFAULTS;
  if (!valid) throw invalid(`DriftMonitor: effect size '${effectSize}' does not apply to the ${kind} feature "${feature}".`);
  const defaults: Record<string, number> = kind === 'numeric' ? NUMERIC_DEFAULTS : CATEGORICAL_DEFAULTS;
  return { effectSize, threshold: o.threshold ?? (o.effectSize !== undefined ? defaults[effectSize] : base.threshold) };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds from a number or a duration string (`'15m'`). @internal */
export function parseDuration(value: number | string, name: string): number {
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) throw invalid(`DriftMonitor: ${name} must be a positive number of milliseconds, got ${value}.`);
    return value;
  }
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value) : null;
  if (m === null) throw invalid(`DriftMonitor: ${name} must be milliseconds or a duration like '30s', '15m', '1h', '1d', got ${JSON.stringify(value)}.`);
  const ms = Number(m[1]) * UNITS[m[2]];
  if (!(ms > 0)) throw invalid(`DriftMonitor: ${name} must be positive, got ${JSON.stringify(value)}.`);
  return ms;
}

/** A window with sizes in rows or milliseconds. @internal */
export interface ResolvedWindow {
  type: 'count' | 'time';
  size: number;
  slide: number;
  /** size / slide. */
  panes: number;
}

/** Validates window options. @internal */
export function resolveWindow(w: WindowOptions | undefined): ResolvedWindow {
  const spec = w ?? { type: 'count' as const, size: 10_000 };
  if (typeof spec !== 'object' || spec === null || (spec.type !== 'count' && spec.type !== 'time')) {
    throw invalid(`DriftMonitor: window must be { type: 'count' | 'time', size, slide? }, got ${JSON.stringify(w)}.`);
  }
  let size: number;
  let slide: number;
  if (spec.type === 'count') {
    size = spec.size;
    slide = spec.slide ?? size;
    for (const [name, v] of [
      ['window.size', size],
      ['window.slide', slide],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw invalid(`DriftMonitor: ${name} must be a positive integer number of rows, got ${String(v)}.`);
    }
  } else {
    size = parseDuration(spec.size, 'window.size');
    slide = spec.slide === undefined ? size : parseDuration(spec.slide, 'window.slide');
  }
  const panes = size / slide;
  if (!Number.isInteger(panes) || panes > 1000) {
    throw invalid(
      `DriftMonitor: window.size (${size}) must be a whole multiple of window.slide (${slide}), at most 1000 slides (each slide keeps its own sketches: memory grows with their number).`,
    );
  }
  return { type: spec.type, size, slide, panes };
}

/** Validates performance options up front, so a typo fails at construction rather than inside `observe()` or as silent nonsense. @internal */
export function checkPerformanceOptions(o: PerformanceOptions): PerformanceOptions {
  if (typeof o !== 'object' || o === null) throw invalid('DriftMonitor: performance must be an object like { baseline: { accuracy: 0.95 } }.');
  if (o.task !== undefined && !['regression', 'binary', 'multiclass'].includes(o.task)) {
    throw invalid(`DriftMonitor: performance.task must be 'regression', 'binary' or 'multiclass', got ${JSON.stringify(o.task)}.`);
  }
  if (o.threshold !== undefined) checkFraction(o.threshold, 'performance.threshold');
  if (o.confidence !== undefined) checkFraction(o.confidence, 'performance.confidence');
  if (o.minLabels !== undefined && (!Number.isSafeInteger(o.minLabels) || o.minLabels < 0)) {
    throw invalid(`DriftMonitor: performance.minLabels must be a non-negative integer, got ${String(o.minLabels)}.`);
  }
  const tolerances = typeof o.tolerance === 'number' ? { tolerance: o.tolerance } : (o.tolerance ?? {});
  for (const [name, v] of Object.entries(tolerances)) checkThreshold(v, name === 'tolerance' ? 'performance.tolerance' : `performance.tolerance.${name}`);
  for (const [name, v] of Object.entries(o.baseline ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`DriftMonitor: performance.baseline.${name} must be a finite number, got ${String(v)}.`);
  }
  return o;
}

/** Tolerance of one metric (absolute), given its baseline. @internal */
export function toleranceFor(metric: string, baseline: number, tolerance: PerformanceOptions['tolerance']): number {
  if (typeof tolerance === 'number') return tolerance;
  const own = tolerance?.[metric];
  if (own !== undefined) return own;
  return ['logLoss', 'mae', 'mse', 'rmse'].includes(metric) ? 0.1 * Math.abs(baseline) : 0.05;
}
