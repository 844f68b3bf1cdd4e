/**
 * The evaluation report and its JSON schema (`schemaVersion` 1).
 *
 * The JSON form is stable: fields are only ever added within a schema version, and a
 * reader rejects a version it does not know. `NaN` (an undefined metric) is written as
 * `null`, with the reason in `notes`. See docs/evaluation.md for the field reference.
 *
 * @module
 */
import { decodeBase64, encodeBase64, littleEndianBytes, readLittleEndian } from '../encoding/base64';
import { MlopsError } from '../errors';
import type { ClassLabel, Task } from '../models/types';
import type { Interval } from './bootstrap';
import type { EvalData } from './suite';
import { renderReportHTML, type ReportHTMLOptions } from './report-html';

/** The schema version this library writes and reads. */
export const REPORT_SCHEMA_VERSION = 1;

/** Metric values by name; `null` where undefined (see `notes`). */
export type MetricValues = Record<string, number | null>;

/** One ROC curve (binary: the positive class; multiclass: one class against the rest). */
export interface RocSeries {
  /** The class treated as positive. */
  label: ClassLabel;
  /** Its ROC AUC, `null` when undefined. */
  auc: number | null;
  /** False positive rates (thinned for display, ends kept). */
  fpr: number[];
  /** True positive rates. */
  tpr: number[];
  /** Score thresholds (decreasing; the first is one above the highest score). */
  thresholds: number[];
}

/** One precision-recall curve. */
export interface PrSeries {
  /** The class treated as positive. */
  label: ClassLabel;
  /** Its average precision, `null` when undefined. */
  averagePrecision: number | null;
  /** Share of positives: the precision of a random ranking. */
  prevalence: number;
  /** Precision (thinned for display, ends kept). */
  precision: number[];
  /** Recall, decreasing. */
  recall: number[];
  /** Thresholds, increasing (one fewer than points). */
  thresholds: number[];
}

/** One calibration (reliability) curve. */
export interface CalibrationSeries {
  /** The class whose probability is binned. */
  label: ClassLabel;
  /** `uniform` or `quantile` bins. */
  strategy: 'uniform' | 'quantile';
  /** Number of bins requested (empty bins are left out). */
  bins: number;
  /** Mean predicted probability per non-empty bin. */
  meanPredicted: number[];
  /** Observed share of the class per bin. */
  fractionPositive: number[];
  /** (Weighted) rows per bin. */
  count: number[];
}

/** Classification quality per class. */
export interface PerClassRow {
  /** The class. */
  label: ClassLabel;
  /** Precision of this class. */
  precision: number;
  /** Recall of this class. */
  recall: number;
  /** F1 of this class. */
  f1: number;
  /** (Weighted) rows of this class. */
  support: number;
  /** ROC AUC of this class against the rest, `null` when undefined. */
  rocAuc: number | null;
}

/** Regression residuals (truth minus prediction). */
export interface ResidualSummary {
  /** Histogram of residuals between the 0.5th and 99.5th percentiles (outliers in the end bins). */
  histogram: { edges: number[]; counts: number[] };
  /** Percentiles 5, 25, 50, 75 and 95 of the residuals. */
  quantiles: { p5: number; p25: number; p50: number; p75: number; p95: number };
  /** Mean residual (bias): positive means the model predicts too low on average. */
  mean: number;
}

/** Metrics of one slice of the test data. */
export interface SliceReport {
  /** `column=value`, or the predicate's name. */
  name: string;
  /** Column the slice comes from (column slices). */
  column?: string;
  /** The value, or the bin as `[low, high)` text (column slices). */
  value?: string | number | boolean | null;
  /** Rows in the slice. */
  rows: number;
  /** Sum of weights (equals `rows` when unweighted). */
  weightTotal: number;
  /** Metric values. */
  metrics: MetricValues;
  /** Bootstrap intervals (empty when the bootstrap is off). */
  intervals: Record<string, Interval | null>;
  /** Why a metric is `null`, or a convention that applied. */
  notes: Record<string, string>;
}

/**
 * The predictions behind a report, kept so that {@link compare} can pair two reports on
 * the same rows: truth (`y`: class index or value), model output (P(classes[1]) per row
 * for binary, the class probabilities for multiclass, the value for regression) and
 * weights. About 12 bytes per row for binary models in JSON.
 */
export interface StoredPredictions {
  /** Rows. */
  rows: number;
  /** Outputs per row. */
  width: number;
  /** Truth per row: class index into `classes`, or the value. */
  y: Float64Array;
  /** Model output, `rows * width` values. */
  output: Float64Array;
  /** Sample weights, when weighted. */
  weights?: Float64Array;
}

/** JSON form of {@link StoredPredictions}: little-endian arrays in base64. */
export interface StoredPredictionsJSON {
  /** Always `base64-le`. */
  encoding: 'base64-le';
  rows: number;
  width: number;
  /** int32 class indices (classification) or float64 values (regression). */
  y: string;
  /** `int32` or `float64`. */
  yType: 'int32' | 'float64';
  /** float64 outputs. */
  output: string;
  /** float64 weights, when weighted. */
  weights?: string;
}

/** The JSON document of a report (`schemaVersion` 1). */
export interface EvaluationReportJSON {
  schemaVersion: 1;
  kind: 'mlops-kit.evaluation-report';
  /** ISO time of the evaluation. */
  createdAt: string;
  /** mlops-kit version that wrote it. */
  libraryVersion: string;
  task: Task;
  /** Target column. */
  target: string;
  /** Classes in model output order (classification). */
  classes?: ClassLabel[];
  /** Binary: the class whose probability the model outputs (`classes[1]`). */
  positiveClass?: ClassLabel;
  /** Binary: decision threshold on that probability. */
  threshold?: number;
  /** What was evaluated. */
  model: { name?: string; type?: string; runId?: string };
  /** The evaluated data. */
  data: { rows: number; fingerprint: string; weightColumn?: string; weightTotal: number };
  metrics: MetricValues;
  intervals: Record<string, Interval | null>;
  /** Bootstrap settings, `null` when intervals were not computed. */
  bootstrap: { resamples: number; confidence: number; seed: number | string } | null;
  notes: Record<string, string>;
  confusionMatrix?: { labels: ClassLabel[]; matrix: number[][] };
  perClass?: PerClassRow[];
  curves?: { roc: RocSeries[]; pr: PrSeries[]; calibration: CalibrationSeries[] };
  residuals?: ResidualSummary;
  slices: SliceReport[];
  predictions: StoredPredictionsJSON | null;
}

/** Everything a report holds (the constructor's argument). */
export type EvaluationReportData = Omit<EvaluationReportJSON, 'schemaVersion' | 'kind' | 'predictions'> & { predictions: StoredPredictions | null };

function encodeArray(a: Float64Array | Int32Array): string {
  return encodeBase64(littleEndianBytes(a, a instanceof Float64Array ? 'float64' : 'int32'));
}

function decodeArray(text: string, type: 'float64' | 'int32', length: number, what: string): Float64Array {
  const bytes = decodeBase64(text);
  if (bytes === undefined) invalidReport(`predictions.${what} is not base64 (standard alphabet, padded).`);
  const size = type === 'float64' ? 8 : 4;
  if (bytes.length !== length * size) invalidReport(`predictions.${what} holds ${bytes.length} bytes; ${length} ${type} values need ${length * size}.`);
  return readLittleEndian(bytes, type);
}

function invalidReport(message: string): never {
  throw new MlopsError('REPORT_INVALID', `Not a valid evaluation report: ${message}`);
}

/** Metric values with `NaN` turned into `null`. @internal */
export function nullable(values: Record<string, number>): MetricValues {
  const out: MetricValues = {};
  for (const [k, v] of Object.entries(values)) out[k] = Number.isFinite(v) ? v : null;
  return out;
}

/**
 * The result of {@link Evaluator.evaluate}: metrics with confidence intervals, the
 * confusion matrix, curves, slices and the predictions needed to compare it with
 * another report. Serialise with `JSON.stringify(report)` (or `toJSON()`), restore with
 * {@link EvaluationReport.fromJSON}, render with {@link EvaluationReport.toHTML}.
 */
export class EvaluationReport {
  /** Schema version of the JSON form. */
  readonly schemaVersion = REPORT_SCHEMA_VERSION;
  readonly createdAt: string;
  readonly libraryVersion: string;
  readonly task: Task;
  readonly target: string;
  readonly classes?: ClassLabel[];
  readonly positiveClass?: ClassLabel;
  readonly threshold?: number;
  readonly model: EvaluationReportJSON['model'];
  readonly data: EvaluationReportJSON['data'];
  /** Metric values on the whole data; `null` where undefined (see `notes`). */
  readonly metrics: MetricValues;
  /** Bootstrap confidence intervals per metric (empty without bootstrap). */
  readonly intervals: Record<string, Interval | null>;
  readonly bootstrap: EvaluationReportJSON['bootstrap'];
  /** Why a metric is `null`, or which convention applied. */
  readonly notes: Record<string, string>;
  readonly confusionMatrix?: EvaluationReportJSON['confusionMatrix'];
  readonly perClass?: PerClassRow[];
  readonly curves?: EvaluationReportJSON['curves'];
  readonly residuals?: ResidualSummary;
  readonly slices: SliceReport[];
  /** The paired-comparison data, or `null` when evaluated with `keepPredictions: false`. */
  readonly predictions: StoredPredictions | null;

  constructor(data: EvaluationReportData) {
    this.createdAt = data.createdAt;
    this.libraryVersion = data.libraryVersion;
    this.task = data.task;
    this.target = data.target;
    if (data.classes !== undefined) this.classes = data.classes;
    if (data.positiveClass !== undefined) this.positiveClass = data.positiveClass;
    if (data.threshold !== undefined) this.threshold = data.threshold;
    this.model = data.model;
    this.data = data.data;
    this.metrics = data.metrics;
    this.intervals = data.intervals;
    this.bootstrap = data.bootstrap;
    this.notes = data.notes;
    if (data.confusionMatrix !== undefined) this.confusionMatrix = data.confusionMatrix;
    if (data.perClass !== undefined) this.perClass = data.perClass;
    if (data.curves !== undefined) this.curves = data.curves;
    if (data.residuals !== undefined) this.residuals = data.residuals;
    this.slices = data.slices;
    this.predictions = data.predictions;
  }

  /** Names of the metrics in this report. */
  get metricNames(): string[] {
    return Object.keys(this.metrics);
  }

  /** A slice by name; undefined when absent. */
  slice(name: string): SliceReport | undefined {
    return this.slices.find((s) => s.name === name);
  }

  /** The predictions as evaluation data. @internal */
  evalData(): EvalData | undefined {
    const p = this.predictions;
    if (p === null) return undefined;
    return {
      task: this.task,
      n: p.rows,
      classes: this.classes,
      y: p.y,
      output: p.output,
      width: p.width,
      weights: p.weights,
      threshold: this.threshold ?? 0.5,
    };
  }

  /** The JSON document (what `JSON.stringify(report)` writes). */
  toJSON(): EvaluationReportJSON {
    const p = this.predictions;
    const classification = this.task !== 'regression';
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      kind: 'mlops-kit.evaluation-report',
      createdAt: this.createdAt,
      libraryVersion: this.libraryVersion,
      task: this.task,
      target: this.target,
      ...(this.classes !== undefined ? { classes: this.classes } : {}),
      ...(this.positiveClass !== undefined ? { positiveClass: this.positiveClass } : {}),
      ...(this.threshold !== undefined ? { threshold: this.threshold } : {}),
      model: this.model,
      data: this.data,
      metrics: this.metrics,
      intervals: this.intervals,
      bootstrap: this.bootstrap,
      notes: this.notes,
      ...(this.confusionMatrix !== undefined ? { confusionMatrix: this.confusionMatrix } : {}),
      ...(this.perClass !== undefined ? { perClass: this.perClass } : {}),
      ...(this.curves !== undefined ? { curves: this.curves } : {}),
      ...(this.residuals !== undefined ? { residuals: this.residuals } : {}),
      slices: this.slices,
      predictions:
        p === null
          ? null
          : {
              encoding: 'base64-le',
              rows: p.rows,
              width: p.width,
              y: encodeArray(classification ? Int32Array.from(p.y) : p.y),
              yType: classification ? 'int32' : 'float64',
              output: encodeArray(p.output),
              ...(p.weights !== undefined ? { weights: encodeArray(p.weights) } : {}),
            },
    };
  }

  /**
   * Restores a report from its JSON document (an object or the JSON text).
   *
   * @throws MlopsError `REPORT_INVALID` when it is not a report, or has a
   * `schemaVersion` this version of mlops-kit does not read.
   */
  static fromJSON(json: unknown): EvaluationReport {
    let doc = json;
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch (err) {
        throw new MlopsError('REPORT_INVALID', `Not a valid evaluation report: the text is not JSON (${(err as Error).message}).`, { cause: err });
      }
    }
    if (typeof doc !== 'object' || doc === null) invalidReport('expected an object.');
    const j = doc as Partial<EvaluationReportJSON> & Record<string, unknown>;
    if (j.kind !== 'mlops-kit.evaluation-report') invalidReport(`"kind" is ${JSON.stringify(j.kind)}, not "mlops-kit.evaluation-report".`);
    if (j.schemaVersion !== REPORT_SCHEMA_VERSION) {
      invalidReport(`schemaVersion ${JSON.stringify(j.schemaVersion)} is not supported (this version reads ${REPORT_SCHEMA_VERSION}); upgrade mlops-kit to read it.`);
    }
    if (j.task !== 'binary' && j.task !== 'multiclass' && j.task !== 'regression') invalidReport(`task ${JSON.stringify(j.task)} is unknown.`);
    for (const key of ['metrics', 'intervals', 'notes', 'data', 'model'] as const) {
      if (typeof j[key] !== 'object' || j[key] === null) invalidReport(`"${key}" is missing.`);
    }
    if (!Array.isArray(j.slices)) invalidReport('"slices" is missing.');
    if (j.task !== 'regression' && !Array.isArray(j.classes)) invalidReport('"classes" is missing for a classification report.');
    let predictions: StoredPredictions | null = null;
    if (j.predictions !== null && j.predictions !== undefined) {
      const p = j.predictions;
      if (p.encoding !== 'base64-le' || !Number.isInteger(p.rows) || !Number.isInteger(p.width) || p.width < 1) invalidReport('"predictions" is malformed.');
      predictions = {
        rows: p.rows,
        width: p.width,
        y: decodeArray(p.y, p.yType === 'int32' ? 'int32' : 'float64', p.rows, 'y'),
        output: decodeArray(p.output, 'float64', p.rows * p.width, 'output'),
        ...(p.weights !== undefined ? { weights: decodeArray(p.weights, 'float64', p.rows, 'weights') } : {}),
      };
    }
    const { schemaVersion: _v, kind: _k, predictions: _p, ...rest } = j as EvaluationReportJSON;
    return new EvaluationReport({ ...rest, predictions });
  }

  /** A self-contained HTML page: metrics with intervals, curves as inline SVG, confusion matrix, slices. No scripts, no network. */
  toHTML(options: ReportHTMLOptions = {}): string {
    return renderReportHTML(this, options);
  }
}
