export { DriftMonitor, type ObserveOptions, type PredictionsLike, type MonitorState } from './monitor';
export { DriftReport } from './report';
export { retrainWhen, type RetrainPolicy, type RetrainPolicyOptions, type RetrainDecision } from './retrain';
export type { MonitorEvents, MonitorEventName, MonitorEventHandler } from './events';
export type {
  DriftMonitorOptions,
  DriftThresholds,
  WindowOptions,
  PerformanceOptions,
  ArtifactLike,
  DriftRule,
  NumericEffectSize,
  CategoricalEffectSize,
  ResolvedThresholds,
  ResolvedWindow,
} from './options';
export type { FeatureKind, FeatureStateJSON, SketchSettings } from './feature-state';
export type { MetricResult, OutcomeSpec, PerformanceStateJSON } from './performance';
export {
  DRIFT_REPORT_SCHEMA_VERSION,
  type DriftReportJSON,
  type FeatureDrift,
  type DriftTest,
  type MissingRateDrift,
  type DistributionSummary,
  type DriftHistogram,
  type PerformanceReport,
  type ReportWindow,
} from './report-types';
export { sketchKsDistance } from './sketch-stats';
export * from '../sketch/index';
export * from './stats/index';
