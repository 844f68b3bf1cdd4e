/**
 * The metrics an {@link EvaluationReport} holds per task, with their direction and a
 * one-line meaning. Gates, comparisons and the HTML report read this table.
 *
 * @module
 */
import type { Task } from '../models/types';

/** What one report metric means. */
export interface MetricInfo {
  /** Key in `report.metrics` and in gate rules. */
  name: string;
  /** Whether a larger value is better (`higher`) or worse (`lower`). */
  better: 'higher' | 'lower';
  /** Smallest and largest possible values (`null` where unbounded). */
  range: [number | null, number | null];
  /** Display name. */
  title: string;
  /** One sentence for a non-specialist. */
  description: string;
  /**
   * The paired test {@link compare} uses: McNemar for accuracy (it compares right/wrong
   * per row), a paired bootstrap for everything else.
   */
  test: 'mcnemar' | 'bootstrap';
}

const m = (name: string, better: 'higher' | 'lower', range: [number | null, number | null], title: string, description: string, test: 'mcnemar' | 'bootstrap' = 'bootstrap'): MetricInfo => ({
  name,
  better,
  range,
  title,
  description,
  test,
});

const ACCURACY = m('accuracy', 'higher', [0, 1], 'Accuracy', 'Share of rows whose predicted class is right.', 'mcnemar');
const BALANCED = m('balancedAccuracy', 'higher', [0, 1], 'Balanced accuracy', 'Mean recall over the classes: a majority-class guesser scores 1 / classes.');
const MCC = m('matthewsCorrelation', 'higher', [-1, 1], 'Matthews correlation', 'Correlation of predicted and true classes: 0 is chance, 1 perfect; robust to imbalance.');
const KAPPA = m('cohenKappa', 'higher', [-1, 1], "Cohen's kappa", 'Agreement with the truth beyond chance: 0 is chance, 1 perfect.');
const LOGLOSS = m('logLoss', 'lower', [0, null], 'Log loss', 'Penalty for the probability given to the true class; punishes confident mistakes.');

/** Metrics of a binary classifier (positive class: the model's second class). */
export const BINARY_METRICS: readonly MetricInfo[] = [
  m('rocAuc', 'higher', [0, 1], 'ROC AUC', 'Chance that a random positive scores above a random negative: 0.5 is a coin flip.'),
  m('averagePrecision', 'higher', [0, 1], 'Average precision', 'Precision averaged over recall levels; the ranking summary to watch when positives are rare.'),
  m('prAuc', 'higher', [0, 1], 'PR AUC (trapezoid)', 'Area under the precision-recall curve by linear interpolation; optimistic, prefer average precision.'),
  ACCURACY,
  BALANCED,
  m('precision', 'higher', [0, 1], 'Precision', 'Of the rows flagged positive, the share that are positive.'),
  m('recall', 'higher', [0, 1], 'Recall', 'Of the positive rows, the share that are flagged.'),
  m('f1', 'higher', [0, 1], 'F1', 'Harmonic mean of precision and recall at the decision threshold.'),
  MCC,
  KAPPA,
  LOGLOSS,
  m('brier', 'lower', [0, 1], 'Brier score', 'Mean squared error of the predicted probability: 0 is perfect, 0.25 a 50/50 guess.'),
];

/** Metrics of a multiclass classifier. */
export const MULTICLASS_METRICS: readonly MetricInfo[] = [
  ACCURACY,
  BALANCED,
  m('f1Macro', 'higher', [0, 1], 'F1 (macro)', 'F1 per class, averaged with every class counting the same.'),
  m('f1Weighted', 'higher', [0, 1], 'F1 (weighted)', 'F1 per class, averaged by class frequency.'),
  m('precisionMacro', 'higher', [0, 1], 'Precision (macro)', 'Precision per class, averaged over classes.'),
  m('recallMacro', 'higher', [0, 1], 'Recall (macro)', 'Recall per class, averaged over classes.'),
  m('rocAucOvr', 'higher', [0, 1], 'ROC AUC (one-vs-rest)', 'ROC AUC of each class against the rest, averaged over classes.'),
  m('top2Accuracy', 'higher', [0, 1], 'Top-2 accuracy', 'Share of rows whose true class is among the two highest-scored.'),
  MCC,
  KAPPA,
  LOGLOSS,
];

/** Metrics of a regression model. */
export const REGRESSION_METRICS: readonly MetricInfo[] = [
  m('mae', 'lower', [0, null], 'MAE', 'Average size of a miss, in the target unit.'),
  m('rmse', 'lower', [0, null], 'RMSE', 'Root of the mean squared miss: like MAE but large misses weigh more.'),
  m('mse', 'lower', [0, null], 'MSE', 'Mean squared miss (the square of RMSE).'),
  m('r2', 'higher', [null, 1], 'R²', 'Share of the target variance explained: 1 perfect, 0 no better than the mean.'),
  m('explainedVariance', 'higher', [null, 1], 'Explained variance', 'Like R² but blind to a constant bias.'),
  m('mape', 'lower', [0, null], 'MAPE', 'Mean miss relative to the true value (0.1 = 10%); huge when true values are near 0.'),
  m('medianAbsoluteError', 'lower', [0, null], 'Median absolute error', 'The typical miss, insensitive to outliers.'),
];

/** The metric table for a task. */
export function metricsFor(task: Task): readonly MetricInfo[] {
  return task === 'binary' ? BINARY_METRICS : task === 'multiclass' ? MULTICLASS_METRICS : REGRESSION_METRICS;
}

/** Information about a metric name in a task, or undefined. */
export function metricInfo(task: Task, name: string): MetricInfo | undefined {
  return metricsFor(task).find((i) => i.name === name);
}

/**
 * The metrics a "not worse than production" gate compares by default, per task: the
 * ranking quality of a binary classifier (ROC AUC, average precision), the accuracy and
 * macro F1 of a multiclass one, the typical errors of a regressor (RMSE, MAE). Every
 * other metric can still be named in `notWorseMetrics`.
 */
export const HEADLINE_METRICS: Readonly<Record<Task, readonly string[]>> = {
  binary: ['rocAuc', 'averagePrecision'],
  multiclass: ['accuracy', 'f1Macro'],
  regression: ['rmse', 'mae'],
};
