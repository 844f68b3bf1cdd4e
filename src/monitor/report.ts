/**
 * The result of `DriftMonitor.check()`.
 *
 * @module
 */
import type { DriftReportJSON, FeatureDrift, PerformanceReport, ReportWindow } from './report-types';
import { renderReportHtml } from './html/render';

/**
 * What a drift check found: per-feature tests and effect sizes, the missing-value signal,
 * prediction and label drift, performance decay, and the dataset-level verdict.
 *
 * @example
 * ```ts
 * const report = monitor.check();
 * if (report.drifted) console.warn('drift in', report.driftedFeatures);
 * await writeFile('drift.json', JSON.stringify(report)); // report.toJSON()
 * await writeFile('drift.html', report.toHTML());
 * ```
 */
export class DriftReport {
  /** Schema version of {@link toJSON}'s output. */
  readonly schemaVersion: number;
  /** ISO time of the check. */
  readonly generatedAt: string;
  /** `no-data` when the window holds nothing. */
  readonly status: 'ok' | 'no-data';
  /** The window compared. */
  readonly window: ReportWindow;
  /** Reference rows and profile digest. */
  readonly reference: DriftReportJSON['reference'];
  /** Decision settings used. */
  readonly rule: DriftReportJSON['rule'];
  /** Dataset-level verdict. */
  readonly drifted: boolean;
  /** Share of drifted features among those not errored. */
  readonly driftShare: number;
  /** Names of drifted features. */
  readonly driftedFeatures: string[];
  /** Names of features that could not be tested. */
  readonly erroredFeatures: string[];
  /** Per-feature results. */
  readonly features: FeatureDrift[];
  /** Prediction drift, when available. */
  readonly prediction: FeatureDrift | null;
  /** Label drift, when available. */
  readonly labels: FeatureDrift | null;
  /** Performance decay, when labels were observed. */
  readonly performance: PerformanceReport | null;

  /** @internal */
  constructor(data: DriftReportJSON) {
    this.schemaVersion = data.schemaVersion;
    this.generatedAt = data.generatedAt;
    this.status = data.status;
    this.window = data.window;
    this.reference = data.reference;
    this.rule = data.rule;
    this.drifted = data.drifted;
    this.driftShare = data.driftShare;
    this.driftedFeatures = data.driftedFeatures;
    this.erroredFeatures = data.erroredFeatures;
    this.features = data.features;
    this.prediction = data.prediction;
    this.labels = data.labels;
    this.performance = data.performance;
  }

  /** The result for one feature, or undefined. */
  feature(name: string): FeatureDrift | undefined {
    return this.features.find((f) => f.name === name);
  }

  /** True when drift (dataset or prediction) or decay was found. */
  get alerting(): boolean {
    return this.drifted || this.prediction?.drifted === true || this.performance?.decayed === true;
  }

  /**
   * A plain JSON object (see {@link DriftReportJSON} and docs/monitoring.md for the
   * schema). Numbers JSON cannot hold (infinite effect sizes) become `null`.
   */
  toJSON(): DriftReportJSON {
    return JSON.parse(
      JSON.stringify({
        schemaVersion: this.schemaVersion,
        generatedAt: this.generatedAt,
        status: this.status,
        window: this.window,
        reference: this.reference,
        rule: this.rule,
        drifted: this.drifted,
        driftShare: this.driftShare,
        driftedFeatures: this.driftedFeatures,
        erroredFeatures: this.erroredFeatures,
        features: this.features,
        prediction: this.prediction,
        labels: this.labels,
        performance: this.performance,
      }),
    ) as DriftReportJSON;
  }

  /**
   * A self-contained HTML page: verdict, summary table, performance table and, per
   * feature, reference and current histograms overlaid as inline SVG.
   */
  toHTML(options: { title?: string } = {}): string {
    return renderReportHtml(this, options.title);
  }
}
