// Public exports of the evaluator area: metric functions, curves, threshold selection,
// the Evaluator and its report, paired comparison and promotion gates.
export {
  type Average,
  type AveragingOptions,
  type ConfusionMatrix,
  type PerClassMetrics,
  type ZeroDivision,
  accuracy,
  balancedAccuracy,
  cohenKappa,
  confusionMatrix,
  f1,
  fbeta,
  matthewsCorrelation,
  perClassMetrics,
  precision,
  recall,
} from './metrics/classification';
export { type RocAucOptions, averagePrecision, prAuc, rocAuc } from './metrics/ranking';
export { LOG_LOSS_EPS, brier, logLoss, topKAccuracy } from './metrics/probability';
export { explainedVariance, mae, mape, medianAbsoluteError, mse, pinballLoss, r2, rmse } from './metrics/regression';
export {
  type CalibrationCurve,
  type CalibrationOptions,
  type CurveOptions,
  type PrecisionRecallCurve,
  type RocCurve,
  calibrationCurve,
  precisionRecallCurve,
  rocCurve,
} from './curves';
export { type OutcomeCosts, type ThresholdChoice, thresholdForCost, thresholdForMaxF1, thresholdForPrecision, thresholdForRecall } from './thresholds';
export { type LabelArray, type ScoreMatrix, type WeightOptions, PROBABILITY_SUM_TOLERANCE } from './inputs';
export { type McNemarResult, mcnemarTest } from './stats';
export { type MetricInfo, BINARY_METRICS, HEADLINE_METRICS, MULTICLASS_METRICS, REGRESSION_METRICS, metricsFor } from './catalog';
export { type BootstrapOptions, type Interval } from './bootstrap';
export { type EvaluateOptions, type EvaluatorOptions, type SlicePredicate, type SliceSpec, Evaluator } from './evaluator';
export {
  type CalibrationSeries,
  type EvaluationReportData,
  type EvaluationReportJSON,
  type MetricValues,
  type PerClassRow,
  type PrSeries,
  type ResidualSummary,
  type RocSeries,
  type SliceReport,
  type StoredPredictions,
  type StoredPredictionsJSON,
  EvaluationReport,
  REPORT_SCHEMA_VERSION,
} from './report';
export { type ReportHTMLOptions } from './report-html';
export { type CompareOptions, type Comparison, type MetricComparison, compare } from './compare';
export { type GateCheck, type GateResult, type GateRules, type Limits, gate } from './gate';
