/**
 * The drift report's data: what `check()` found, as plain JSON-ready objects. The schema
 * is versioned by {@link DRIFT_REPORT_SCHEMA_VERSION} and documented in
 * docs/monitoring.md. Numbers that JSON cannot hold (an infinite effect size between
 * two different constant columns) are written as `null`.
 *
 * @module
 */
import type { MetricResult } from './performance';

/** Version of the report schema; bumped on any incompatible change. */
export const DRIFT_REPORT_SCHEMA_VERSION = 1;

/** Summary of one side (reference or current) of a feature. */
export interface DistributionSummary {
  /** Non-missing values. */
  count: number;
  /** Missing cells (for the current window: missing + unreadable + absent). */
  missing: number;
  /** `missing / rows` (`null` with no rows). */
  missingRate: number | null;
  /** Numeric: mean, sample std, exact min and max. */
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
  /** Numeric: 5th, 25th, 50th, 75th and 95th percentiles (from the sketch). */
  quantiles?: { p05: number | null; p25: number | null; p50: number | null; p75: number | null; p95: number | null };
  /** Categorical: distinct values seen. */
  distinct?: number;
  /** Categorical: the most frequent values with their share of non-missing values. */
  top?: { value: string; count: number; share: number }[];
}

/** The missing-value-rate signal of a feature. */
export interface MissingRateDrift {
  /** Reference missing rate. */
  referenceRate: number | null;
  /** Current missing rate (missing, unreadable and absent cells). */
  currentRate: number | null;
  /** `currentRate - referenceRate`. */
  change: number | null;
  /** Two-proportion z statistic. */
  statistic: number | null;
  /** Two-sided p-value. */
  pValue: number | null;
  /** p-value after the correction across features. */
  adjustedPValue: number | null;
  /** Smallest absolute change that counts. */
  threshold: number;
  /** Significant and at least `threshold`. */
  drifted: boolean;
}

/** The distribution test of a feature. */
export interface DriftTest {
  /** `ks` (numeric) or `chi-square` (categorical). */
  name: 'ks' | 'chi-square';
  /**
   * `exact` / `asymp`: scipy-compatible tests on the raw values (windows small enough for
   * the sketches to be exact); `sketch`: KS distance from the sketches with the
   * asymptotic p-value; `pearson`: chi-square on the 2 x K contingency table.
   */
  method: 'exact' | 'asymp' | 'sketch' | 'pearson';
  /** KS distance D or chi-square statistic. */
  statistic: number;
  /** Raw p-value. */
  pValue: number;
  /** p-value after the correction across features. */
  adjustedPValue: number;
  /** Chi-square degrees of freedom. */
  dof?: number;
  /** `sketch` method: bound on |D̂ - D|, the sum of both sketches' 99% rank-error bounds (so it holds with probability at least 98%). */
  statisticError?: number;
}

/** Shares per bin for the overlaid histograms. */
export type DriftHistogram =
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };

/** Drift of one feature (or of the predictions, or of the labels). */
export interface FeatureDrift {
  /** Feature name. */
  name: string;
  /** How it is tested. */
  kind: 'numeric' | 'categorical';
  /**
   * `ok`: tested. `insufficient-data`: fewer than `minSamples` current values.
   * `no-data`: no current value (all missing or absent). `errored`: could not be
   * tested (see `reason`); excluded from the drift share.
   */
  status: 'ok' | 'insufficient-data' | 'no-data' | 'errored';
  /** Why the feature is not `ok`. */
  reason: string | null;
  /** Distribution drift OR missing-rate drift. */
  drifted: boolean;
  /** The distribution test and effect size both say drift (per the rule). */
  distributionDrifted: boolean;
  /** The p-value test, when run. */
  test: DriftTest | null;
  /** The effect size the rule uses. */
  effectSize: { name: string; value: number; threshold: number } | null;
  /** Every distance computed: `ks`, `wasserstein`, `normalizedWasserstein`, `psi`, `jensenShannon`. */
  metrics: Record<string, number>;
  /** Missing-value-rate change, a signal of its own. */
  missing: MissingRateDrift;
  /** Reference side. */
  reference: DistributionSummary;
  /** Current window. */
  current: DistributionSummary;
  /** Overlaid histograms (shares) for the HTML report. */
  histogram: DriftHistogram | null;
  /** Categories seen in the window but never in the reference (first 20). */
  newCategories: string[];
  /** Cells that could not be read as the reference type. */
  invalid: number;
  /** Remarks (constant columns, absent column, unreadable values). */
  notes: string[];
}

/** Performance decay over the labelled rows of the window. */
export interface PerformanceReport {
  /** `ok`, or `insufficient-data` below `minLabels` labelled rows. */
  status: 'ok' | 'insufficient-data';
  /** The task the outcomes were read as. */
  task: 'regression' | 'binary' | 'multiclass';
  /** Labelled rows. */
  labelled: number;
  /** Rows with a missing label or prediction. */
  skipped: number;
  /** Any metric decayed. */
  decayed: boolean;
  /** Names of the decayed metrics. */
  decayedMetrics: string[];
  /** Metrics with intervals and baselines. */
  metrics: MetricResult[];
}

/** The window a report covers. */
export interface ReportWindow {
  /** Window type. */
  type: 'count' | 'time';
  /** Rows (count) or milliseconds (time). */
  size: number;
  /** Rows or milliseconds between windows. */
  slide: number;
  /** False while fewer than `size` rows (or `size` time) have been observed: the partial window was used. */
  complete: boolean;
  /** Rows in the window. */
  rows: number;
  /** Time windows: ISO start and end; count windows: null. */
  start: string | null;
  end: string | null;
  /** Rows observed since the monitor started (all windows). */
  rowsObserved: number;
  /** Rows dropped because their timestamp was older than every retained window. */
  lateRows: number;
}

/** The full report, as `report.toJSON()` returns it. */
export interface DriftReportJSON {
  /** {@link DRIFT_REPORT_SCHEMA_VERSION}. */
  schemaVersion: number;
  /** ISO time of the check (from the monitor's clock). */
  generatedAt: string;
  /** `no-data` when the window holds no row and no outcome. */
  status: 'ok' | 'no-data';
  /** The window compared. */
  window: ReportWindow;
  /** The reference: rows and a digest of its profile. */
  reference: { rows: number; digest: string };
  /** Decision settings used. */
  rule: {
    alpha: number;
    correction: string;
    rule: string;
    driftShare: number;
    minSamples: number;
    numeric: { effectSize: string; threshold: number };
    categorical: { effectSize: string; threshold: number };
    missingRateMinChange: number;
  };
  /** Dataset-level verdict: `driftShare >= rule.driftShare` (and at least one drifted feature). */
  drifted: boolean;
  /** Drifted features / features not errored. */
  driftShare: number;
  /** Names of drifted features. */
  driftedFeatures: string[];
  /** Names of errored features. */
  erroredFeatures: string[];
  /** One entry per monitored feature. */
  features: FeatureDrift[];
  /** Prediction drift (when reference predictions were given and predictions observed). */
  prediction: FeatureDrift | null;
  /** Label drift against the reference target column (when labels were observed). */
  labels: FeatureDrift | null;
  /** Performance decay (when predictions and labels were observed). */
  performance: PerformanceReport | null;
}
