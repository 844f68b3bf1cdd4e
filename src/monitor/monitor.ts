/**
 * The DriftMonitor: compares live traffic with a reference profile, window by window,
 * in bounded memory, and merges across processes.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { Dataset } from '../dataset/dataset';
import {
  columnStateFromProfile,
  parseProfile,
  profileDataset,
  type ColumnProfile,
  type ColumnState,
  type DatasetProfile,
} from '../dataset/profile';
import type { ClassLabel, Task } from '../models/types';
import { createRng, seedToUint32 } from '../random';
import {
  addArray,
  addColumn,
  addRowValues,
  emptyState,
  mergeState,
  stateFromJSON,
  stateToJSON,
  type FeatureKind,
  type FeatureSpec,
  type FeatureState,
  type FeatureStateJSON,
  type SketchSettings,
} from './feature-state';
import { decide, evaluateFeature, type ReferenceSide } from './evaluate';
import { Emitter, type MonitorEventHandler, type MonitorEventName } from './events';
import {
  checkPerformanceOptions,
  effectFor,
  resolveThresholds,
  resolveWindow,
  type ArtifactLike,
  type DriftMonitorOptions,
  type PerformanceOptions,
  type ResolvedThresholds,
  type ResolvedWindow,
} from './options';
import {
  addOutcomes,
  defaultPositive,
  performanceMetrics,
  PerformanceState,
  type NormalizedPredictions,
  type OutcomeSpec,
  type PerformanceStateJSON,
} from './performance';
import { DriftReport } from './report';
import { DRIFT_REPORT_SCHEMA_VERSION, type FeatureDrift, type PerformanceReport } from './report-types';
import { PaneStore, type Pane, type Segment } from './window';

/** Predictions as `model.predict()` returns them (structurally). */
export interface PredictionsLike {
  readonly task: Task;
  readonly length: number;
  readonly scores?: ArrayLike<number>;
  readonly values?: ArrayLike<number>;
  readonly labels?: readonly ClassLabel[];
  readonly classes?: readonly ClassLabel[];
}

/** What `observe()` accepts besides the feature rows. */
export interface ObserveOptions {
  /** Model outputs for the rows: scores, values or labels, or a `Predictions` object. */
  predictions?: ArrayLike<number> | readonly (ClassLabel | null)[] | PredictionsLike;
  /** True labels for the rows (often known later: see {@link DriftMonitor.observeOutcomes}). */
  labels?: ArrayLike<number> | readonly (ClassLabel | null)[];
  /** Event time of each row (epoch ms, Date or ISO string), or the name of a batch column holding it. Time windows only; default: the clock. */
  timestamps?: ArrayLike<number | Date | string> | string;
}

/** The serialised state of a monitor (see {@link DriftMonitor.serialize}). */
export interface MonitorState {
  format: 'mlops-kit.monitor-state';
  version: 1;
  /** Digest of the reference profile: states merge only with the same reference. */
  reference: string;
  window: { type: 'count' | 'time'; size: number; slide: number };
  features: { name: string; kind: FeatureKind }[];
  sketch: SketchSettings;
  rowsObserved: number;
  droppedRows: number;
  count: { current: number; filled: number } | null;
  outcome: OutcomeSpec | null;
  prediction: FeatureKind | null;
  labels: FeatureKind | null;
  panes: {
    key: number;
    rows: number;
    features: FeatureStateJSON[];
    prediction: FeatureStateJSON | null;
    labels: FeatureStateJSON | null;
    performance: PerformanceStateJSON | null;
  }[];
}

function invalidInput(message: string): MlopsError {
  return new MlopsError('MONITOR_INVALID_INPUT', message);
}

function isArtifactLike(value: unknown): value is ArtifactLike {
  return typeof value === 'object' && value !== null && typeof (value as ArtifactLike).manifest === 'object' && (value as ArtifactLike).manifest !== null;
}

/** Numeric metrics from an evaluation report of unknown shape: `{ metrics: { name: number | { value } } }` or top-level numbers. */
function numericMetrics(obj: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (obj === undefined) return out;
  const source = typeof obj.metrics === 'object' && obj.metrics !== null ? (obj.metrics as Record<string, unknown>) : obj;
  for (const [k, v] of Object.entries(source)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { value?: unknown }).value === 'number') out[k] = (v as { value: number }).value;
  }
  return out;
}

/** A 53-bit string hash (cyrb53) as hex: identifies a reference profile. */
function digest(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

function kindOf(col: ColumnProfile): FeatureKind {
  return col.type === 'number' || col.type === 'date' ? 'numeric' : 'categorical';
}

function isNumericArray(values: ArrayLike<unknown>): boolean {
  if (ArrayBuffer.isView(values)) return true;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') return false;
    any = true;
  }
  return any;
}

function isPredictionsLike(p: unknown): p is PredictionsLike {
  return typeof p === 'object' && p !== null && !ArrayBuffer.isView(p) && !Array.isArray(p) && typeof (p as PredictionsLike).task === 'string';
}

/** Predictions reduced to numbers and/or label strings, plus what they reveal. */
interface ReadPredictions extends NormalizedPredictions {
  length: number;
  task: Task | null;
  classes: readonly ClassLabel[] | undefined;
  /** The values prediction drift compares: numbers or label strings. */
  drift: ArrayLike<unknown>;
  driftKind: FeatureKind;
}

function readPredictions(p: ObserveOptions['predictions']): ReadPredictions {
  if (isPredictionsLike(p)) {
    if (p.task === 'multiclass') {
      const labels = (p.labels ?? []).map((l) => (l === null || l === undefined ? null : String(l)));
      return { length: p.length, task: p.task, classes: p.classes, numeric: null, labels, drift: labels, driftKind: 'categorical' };
    }
    const numeric = Float64Array.from((p.task === 'binary' ? p.scores : p.values) ?? []);
    return { length: p.length, task: p.task, classes: p.classes, numeric, labels: null, drift: numeric, driftKind: 'numeric' };
  }
  if (p === null || typeof p !== 'object' || typeof (p as ArrayLike<unknown>).length !== 'number') {
    throw invalidInput('observe: predictions must be an array, a typed array or a Predictions object.');
  }
  const values = p as ArrayLike<unknown>;
  if (isNumericArray(values)) {
    const numeric = Float64Array.from(values as ArrayLike<number>, (v) => (typeof v === 'number' ? v : NaN));
    return { length: values.length, task: null, classes: undefined, numeric, labels: null, drift: numeric, driftKind: 'numeric' };
  }
  const labels = Array.from(values, (v) => (v === null || v === undefined ? null : String(v)));
  return { length: values.length, task: null, classes: undefined, numeric: null, labels, drift: labels, driftKind: 'categorical' };
}

function readTimestamps(ts: ObserveOptions['timestamps'], batch: Dataset | readonly Record<string, unknown>[], n: number): Float64Array {
  let values: ArrayLike<unknown>;
  if (typeof ts === 'string') {
    if (batch instanceof Dataset) {
      if (!batch.has(ts)) throw invalidInput(`observe: timestamps names the column "${ts}", which the batch does not have.`);
      values = batch.column(ts).toArray();
    } else values = batch.map((r) => r[ts]);
  } else values = ts as ArrayLike<unknown>;
  if (values.length !== n) throw invalidInput(`observe: got ${values.length} timestamps for ${n} rows; pass one per row.`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const t = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) throw invalidInput(`observe: timestamp ${i} (${String(v)}) is not a valid time; use epoch milliseconds, a Date or an ISO string.`);
    // Epoch seconds read as milliseconds land in January 1970 and every row would be dropped
    // as too old for any window; a positive number below 1e11 (before March 1973 in ms) is
    // almost surely seconds.
    if (typeof v === 'number' && t > 0 && t < 1e11) {
      throw invalidInput(`observe: timestamp ${i} (${t}) looks like epoch seconds; timestamps are epoch milliseconds (multiply by 1000) or Dates.`);
    }
    out[i] = t;
  }
  return out;
}

/**
 * Watches live traffic for data drift, prediction drift and performance decay against a
 * reference (the training data's profile).
 *
 * - `observe(batch, { predictions, labels, timestamps })` summarises rows into bounded,
 *   mergeable sketches (a few kilobytes per feature and pane, whatever the traffic).
 * - `check()` compares the latest window with the reference and returns a
 *   {@link DriftReport}; it emits `'drift'`, `'decay'` and `'recovered'` when the state
 *   changes, and `'check'` every time.
 * - `serialize()` / `merge()` combine monitors of many processes or serverless
 *   invocations into one.
 *
 * @example
 * ```ts
 * import { DriftMonitor } from 'mlops-kit';
 * const monitor = new DriftMonitor({
 *   reference: artifact,                       // or trainingData.profile(), or a Dataset
 *   window: { type: 'time', size: '1h' },
 * });
 * monitor.on('drift', (report) => pager.warn(`drift in ${report.driftedFeatures.join(', ')}`));
 * app.post('/predict', async (req) => {
 *   const predictions = await model.predict(req.body.rows);
 *   monitor.observe(req.body.rows, { predictions });
 *   return predictions;
 * });
 * setInterval(() => monitor.check(), 60_000);
 * ```
 */
export class DriftMonitor {
  /** Monitored features, in order. */
  readonly features: readonly string[];
  /** The reference profile (validated). */
  readonly reference: DatasetProfile;
  /** The window settings. */
  readonly window: ResolvedWindow;
  /** The drift thresholds in force. */
  readonly thresholds: ResolvedThresholds;
  /** Baseline metrics for performance decay. */
  readonly baseline: Readonly<Record<string, number>>;
  /** The latest report, or null before the first check. */
  lastReport: DriftReport | null = null;

  private readonly specs: FeatureSpec[];
  private readonly refSides: ReferenceSide[];
  private readonly referenceDigest: string;
  private readonly clock: () => number;
  private readonly settings: SketchSettings;
  private readonly seed: number;
  private readonly store: PaneStore;
  private readonly emitter = new Emitter();
  private readonly performanceOptions: PerformanceOptions;
  private readonly declaredTask: Task | undefined;
  private readonly decisionThreshold: number;
  private predictionRef: ReferenceSide | null = null;
  private predictionKind: FeatureKind | null = null;
  private readonly labelRef: ReferenceSide | null = null;
  private readonly labelKind: FeatureKind | null = null;
  private outcome: OutcomeSpec | null = null;
  private rows = 0;
  private dropped = 0;
  private scratch = new Float64Array(1024);
  private alert = { drift: false, decay: false };

  constructor(options: DriftMonitorOptions) {
    if (typeof options !== 'object' || options === null || options.reference === undefined) {
      throw new MlopsError('INVALID_ARGUMENT', 'DriftMonitor needs { reference }: a Dataset, a profile (ds.profile()) or an artifact with a training profile.');
    }
    this.seed = seedToUint32(options.seed);
    this.clock = options.clock ?? Date.now;
    this.window = resolveWindow(options.window);
    this.thresholds = resolveThresholds(options.thresholds);
    this.performanceOptions = checkPerformanceOptions(options.performance ?? {});
    const ref = options.reference;
    let target = options.target;
    let baseline: Record<string, number> = {};
    let evaluatedThreshold = 0.5;
    if (ref instanceof Dataset) {
      this.reference = profileDataset(ref, { sketchK: options.sketch?.k, maxCategories: options.sketch?.maxCategories });
    } else if (isArtifactLike(ref)) {
      const m = ref.manifest;
      const profile = m.trainingData?.profile ?? m.profile;
      if (profile === undefined) {
        throw new MlopsError(
          'INVALID_ARGUMENT',
          'DriftMonitor: the artifact carries no training profile (manifest.trainingData.profile). Create the artifact with its training data, or pass reference: trainingData.profile().',
        );
      }
      this.reference = parseProfile(profile, 'artifact training profile');
      target ??= m.target;
      this.declaredTask = m.task;
      baseline = m.metrics !== undefined ? numericMetrics(m.metrics) : numericMetrics(m.evaluation);
      // The baseline's label metrics were measured at the evaluation's decision threshold.
      const evaluated = m.evaluation?.threshold;
      if (typeof evaluated === 'number' && evaluated > 0 && evaluated < 1) evaluatedThreshold = evaluated;
    } else {
      this.reference = parseProfile(ref, 'reference profile');
    }
    this.declaredTask = this.performanceOptions.task ?? this.declaredTask;
    this.decisionThreshold = this.performanceOptions.threshold ?? evaluatedThreshold;
    this.baseline = { ...baseline, ...(this.performanceOptions.baseline ?? {}) };
    this.settings = { k: options.sketch?.k ?? this.reference.options.sketchK, maxCategories: options.sketch?.maxCategories ?? this.reference.options.maxCategories };
    emptyState('numeric', this.settings, 0); // validates the sketch settings up front
    this.referenceDigest = digest(JSON.stringify(this.reference));

    const byName = new Map(this.reference.columns.map((c) => [c.name, c]));
    if (target !== undefined && byName.has(target)) {
      const col = byName.get(target)!;
      this.labelRef = { state: columnStateFromProfile(col), rows: this.reference.rows };
      this.labelKind = kindOf(col);
    }
    const names = options.features ?? this.reference.columns.filter((c) => c.type !== 'date' && c.name !== target).map((c) => c.name);
    const unknown = names.filter((n) => !byName.has(n));
    if (unknown.length > 0) {
      throw new MlopsError('INVALID_ARGUMENT', `DriftMonitor: the reference has no column ${unknown.map((n) => `"${n}"`).join(', ')}. Reference columns: ${[...byName.keys()].join(', ')}.`);
    }
    if (new Set(names).size !== names.length) throw new MlopsError('INVALID_ARGUMENT', 'DriftMonitor: features lists a column twice.');
    this.features = [...names];
    this.specs = names.map((name) => {
      const col = byName.get(name)!;
      return { name, kind: kindOf(col), boolean: col.type === 'boolean' };
    });
    this.refSides = names.map((name) => ({ state: columnStateFromProfile(byName.get(name)!), rows: this.reference.rows }));
    if (options.referencePredictions !== undefined) this.setReferencePredictions(options.referencePredictions);
    // Per-feature overrides: a typo or an effect size of the wrong kind fails here, not at every check.
    const kinds = new Map<string, FeatureKind | null>(this.specs.map((s) => [s.name, s.kind]));
    if (!kinds.has('prediction')) kinds.set('prediction', this.predictionKind);
    if (!kinds.has('label')) kinds.set('label', this.labelKind);
    for (const name of Object.keys(this.thresholds.features)) {
      if (!kinds.has(name)) {
        throw new MlopsError('INVALID_ARGUMENT', `DriftMonitor: thresholds.features names "${name}", which is not monitored. Monitored: ${[...kinds.keys()].join(', ')}.`);
      }
      const kind = kinds.get(name);
      if (kind) effectFor(this.thresholds, name, kind);
    }
    this.store = new PaneStore(this.window, (key) => this.newPane(key));
  }

  /** Rows observed since the monitor was created (or merged in). */
  get rowsObserved(): number {
    return this.rows;
  }

  /** Rows dropped because their timestamp fell outside every retained time window. */
  get droppedRows(): number {
    return this.dropped;
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. Handlers run
   * synchronously inside `check()`, after the monitor's state is updated.
   *
   * - `'check'`: every check.
   * - `'drift'`: drift started (dataset verdict, prediction drift or label drift).
   * - `'decay'`: performance decay started.
   * - `'recovered'`: a signal went back to normal; the second argument says which.
   */
  on<E extends MonitorEventName>(event: E, handler: MonitorEventHandler<E>): () => void {
    if (!['check', 'drift', 'decay', 'recovered'].includes(event)) {
      throw new MlopsError('INVALID_ARGUMENT', `DriftMonitor.on: unknown event ${JSON.stringify(event)}; use 'check', 'drift', 'decay' or 'recovered'.`);
    }
    return this.emitter.on(event, handler);
  }

  /**
   * Adds a batch of live rows (a Dataset or row objects) with, optionally, the model's
   * predictions, the true labels and the rows' timestamps. Validates everything before
   * changing any state: a bad batch throws `MONITOR_INVALID_INPUT` and leaves the
   * monitor as it was. Bad cells (a string in a numeric feature) do not throw: they are
   * counted per feature and reported.
   */
  observe(batch: Dataset | readonly Record<string, unknown>[], options: ObserveOptions = {}): this {
    const isDataset = batch instanceof Dataset;
    if (!isDataset && !Array.isArray(batch)) throw invalidInput('observe: the batch must be a Dataset or an array of row objects.');
    const n = isDataset ? batch.numRows : batch.length;
    if (!isDataset) {
      for (let i = 0; i < n; i++) {
        const r = batch[i];
        if (typeof r !== 'object' || r === null || Array.isArray(r)) throw invalidInput(`observe: row ${i} is ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}, not an object.`);
      }
    }
    const timestamps = options.timestamps === undefined ? null : readTimestamps(options.timestamps, batch, n);
    if (timestamps !== null && this.window.type === 'count') throw invalidInput('observe: timestamps need a time window ({ type: "time", size }); this monitor counts rows.');
    const prepared = this.prepareOutcomes(options, n);
    if (n > this.scratch.length) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));

    for (const seg of this.segments(n, timestamps)) {
      const pane = this.store.pane(seg.key);
      pane.rows += seg.end - seg.start;
      const rowsOf = seg.end - seg.start;
      if (isDataset) {
        const part = seg.start === 0 && seg.end === n ? batch : batch.slice(seg.start, seg.end);
        this.specs.forEach((spec, i) => addColumn(pane.features[i], spec, part.has(spec.name) ? part.column(spec.name) : undefined, rowsOf, this.scratch));
      } else {
        const part = seg.start === 0 && seg.end === n ? batch : batch.slice(seg.start, seg.end);
        this.specs.forEach((spec, i) => addRowValues(pane.features[i], spec, part, this.scratch));
      }
      this.addPrepared(pane, prepared, seg.start, seg.end);
    }
    this.rows += n;
    this.store.prune(this.clock());
    return this;
  }

  /**
   * Adds outcomes without feature rows: predictions and labels that arrive later (a
   * chargeback confirms fraud weeks after the transaction). `timestamps` (the prediction
   * times) place them in time windows; default: now.
   */
  observeOutcomes(options: ObserveOptions & { predictions: NonNullable<ObserveOptions['predictions']>; labels: NonNullable<ObserveOptions['labels']> }): this {
    if (options?.labels === undefined || options.predictions === undefined) throw invalidInput('observeOutcomes needs both predictions and labels.');
    const n = options.labels.length;
    const timestamps = options.timestamps === undefined ? null : readTimestamps(options.timestamps, [], n);
    const prepared = this.prepareOutcomes(options, n);
    for (const seg of this.window.type === 'count' ? [{ key: this.store.current, start: 0, end: n }] : this.segments(n, timestamps)) {
      this.addPrepared(this.store.pane(seg.key), prepared, seg.start, seg.end);
    }
    return this;
  }

  /**
   * Compares the latest window with the reference. Never throws on data problems: a
   * feature that cannot be tested is marked `errored` with the reason, an empty window
   * gives a report with `status: 'no-data'`.
   */
  check(): DriftReport {
    const now = this.clock();
    this.store.prune(now);
    const sel = this.store.select(now);
    const agg = this.newPane(0);
    for (const p of sel.panes) this.mergePane(agg, p);
    const t = this.thresholds;

    const features = this.specs.map((spec, i) => evaluateFeature(spec, this.refSides[i], agg.features[i], t));
    decide(features, t);
    const single = (spec: FeatureSpec, ref: ReferenceSide | null, state: FeatureState | null): FeatureDrift | null => {
      if (ref === null || state === null || state.rows === 0) return null;
      const f = evaluateFeature(spec, ref, state, t);
      decide([f], t, 'none');
      return f;
    };
    const prediction = this.predictionKind === null ? null : single({ name: 'prediction', kind: this.predictionKind, boolean: false }, this.predictionRef, agg.prediction);
    const labels = this.labelKind === null ? null : single({ name: 'label', kind: this.labelKind, boolean: this.labelRef!.state.type === 'boolean' }, this.labelRef, agg.labels);
    const performance = this.performanceReport(agg.performance);

    const evaluated = features.filter((f) => f.status !== 'errored');
    const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
    const driftShare = evaluated.length > 0 ? driftedFeatures.length / evaluated.length : 0;
    const empty = agg.rows === 0 && (agg.performance === null || agg.performance.n + agg.performance.skipped === 0);
    const report = new DriftReport({
      schemaVersion: DRIFT_REPORT_SCHEMA_VERSION,
      generatedAt: new Date(now).toISOString(),
      status: empty ? 'no-data' : 'ok',
      window: {
        type: this.window.type,
        size: this.window.size,
        slide: this.window.slide,
        complete: sel.complete,
        rows: agg.rows,
        start: sel.start === null ? null : new Date(sel.start).toISOString(),
        end: sel.end === null ? null : new Date(sel.end).toISOString(),
        rowsObserved: this.rows,
        lateRows: this.dropped,
      },
      reference: { rows: this.reference.rows, digest: this.referenceDigest },
      rule: {
        alpha: t.alpha,
        correction: t.correction,
        rule: t.rule,
        driftShare: t.driftShare,
        minSamples: t.minSamples,
        numeric: { ...t.numeric },
        categorical: { ...t.categorical },
        missingRateMinChange: t.missingRate.minChange,
      },
      drifted: driftedFeatures.length > 0 && driftShare >= t.driftShare,
      driftShare,
      driftedFeatures,
      erroredFeatures: features.filter((f) => f.status === 'errored').map((f) => f.name),
      features,
      prediction,
      labels,
      performance,
    });
    this.lastReport = report;
    this.transition(report);
    return report;
  }

  /**
   * The monitor's window state as JSON (no raw rows): ship it to another process and
   * {@link merge} it there. Small: a few kilobytes per feature and pane.
   */
  serialize(): MonitorState {
    return {
      format: 'mlops-kit.monitor-state',
      version: 1,
      reference: this.referenceDigest,
      window: { type: this.window.type, size: this.window.size, slide: this.window.slide },
      features: this.specs.map((s) => ({ name: s.name, kind: s.kind })),
      sketch: { ...this.settings },
      rowsObserved: this.rows,
      droppedRows: this.dropped,
      count: this.window.type === 'count' ? { current: this.store.current, filled: this.store.filled } : null,
      outcome: this.outcome,
      prediction: this.predictionKind,
      labels: this.labelKind,
      panes: [...this.store.panes.values()]
        .sort((a, b) => a.key - b.key)
        .map((p) => ({
          key: p.key,
          rows: p.rows,
          features: p.features.map(stateToJSON),
          prediction: p.prediction && stateToJSON(p.prediction),
          labels: p.labels && stateToJSON(p.labels),
          performance: p.performance && p.performance.toJSON(),
        })),
    };
  }

  /**
   * Folds other monitors (or their {@link serialize}d states) into this one, as if this
   * monitor had seen their traffic too. Time windows merge pane by pane (panes are
   * aligned to the epoch), so the result equals one monitor that saw everything. Count
   * windows count rows per monitor: panes are aligned newest with newest, so the merged
   * window holds each monitor's latest window (the partial panes add up into one, which
   * closes once it holds `slide` rows). Throws `MONITOR_INCOMPATIBLE` when a state has
   * another reference, window, feature list or sketch size, or reads outcomes or
   * predictions differently from the others, and
   * `INVALID_ARGUMENT` when it is malformed. Validates every state before merging any.
   *
   * @example
   * ```ts
   * // an aggregator combining the states of many serverless invocations
   * const monitor = new DriftMonitor({ reference, window: { type: 'time', size: '1h' } });
   * monitor.merge(...states);
   * const report = monitor.check();
   * ```
   */
  merge(...others: (DriftMonitor | MonitorState)[]): this {
    const parsed = others.map((o, i) => this.parseState(o instanceof DriftMonitor ? o.serialize() : o, `monitor state ${i}`));
    // Settings that states agree on among themselves too, checked before anything changes.
    let outcome = this.outcome;
    let predictionKind = this.predictionKind;
    parsed.forEach(({ state }, i) => {
      if (state.outcome !== null) {
        if (outcome === null) outcome = state.outcome;
        else if (outcome.task !== state.outcome.task || outcome.positive !== state.outcome.positive) {
          throw new MlopsError(
            'MONITOR_INCOMPATIBLE',
            `Cannot merge monitor state ${i}: its outcomes were read as ${state.outcome.task} (positive ${state.outcome.positive}), elsewhere as ${outcome.task} (positive ${outcome.positive}). Set performance.task and performance.positiveLabel in every monitor's options.`,
          );
        }
      }
      if (state.prediction !== null) {
        if (predictionKind === null) predictionKind = state.prediction;
        else if (predictionKind !== state.prediction) {
          throw new MlopsError('MONITOR_INCOMPATIBLE', `Cannot merge monitor state ${i}: its predictions are ${state.prediction}, elsewhere ${predictionKind}; observe the same kind of predictions (scores or labels) everywhere.`);
        }
      }
    });
    this.outcome = outcome;
    this.predictionKind = predictionKind;
    for (const { state, panes } of parsed) {
      for (const p of panes) {
        const key = state.count !== null ? this.store.current - (state.count.current - p.key) : p.key;
        this.mergePane(this.store.pane(key), p);
      }
      if (state.count !== null) {
        // The partial panes were merged into one; once it holds a slide of rows it is complete.
        this.store.filled += state.count.filled;
        if (this.store.filled >= this.window.slide) {
          this.store.current++;
          this.store.filled = 0;
        }
      }
      this.rows += state.rowsObserved;
      this.dropped += state.droppedRows;
    }
    this.store.prune(this.clock());
    return this;
  }

  // ---------------------------------------------------------------- internals

  private setReferencePredictions(ref: NonNullable<DriftMonitorOptions['referencePredictions']>): void {
    if (typeof ref === 'object' && ref !== null && !ArrayBuffer.isView(ref) && !Array.isArray(ref) && 'sketch' in ref) {
      const col = ref as ColumnProfile;
      this.predictionRef = { state: columnStateFromProfile(col, 'referencePredictions profile'), rows: col.count + col.missing };
      this.predictionKind = kindOf(col);
      return;
    }
    const values = ref as ArrayLike<unknown>;
    if (typeof values !== 'object' || values === null || typeof values.length !== 'number') {
      throw new MlopsError('INVALID_ARGUMENT', 'DriftMonitor: referencePredictions must be an array of predictions or a column profile.');
    }
    const kind: FeatureKind = isNumericArray(values) ? 'numeric' : 'categorical';
    const s = emptyState(kind, this.settings, this.seed);
    addArray(s, { name: 'prediction', kind, boolean: false }, values, new Float64Array(values.length));
    const state: ColumnState =
      kind === 'numeric'
        ? { name: 'prediction', type: 'number', missing: s.missing + s.invalid, moments: s.moments!, sketch: s.sketch! }
        : { name: 'prediction', type: 'category', missing: s.missing + s.invalid, freq: s.freq! };
    this.predictionRef = { state, rows: values.length };
    this.predictionKind = kind;
  }

  /** The two classes of a binary target column of the reference, sorted as the Trainer sorts them. */
  private targetClasses(): string[] | undefined {
    const state = this.labelRef?.state;
    if (state === undefined || !('freq' in state) || state.freq.distinct !== 2) return undefined;
    const classes = state.freq.items().map((i) => i.value);
    const numeric = classes.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
    return classes.sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  }

  private paneSeed(name: string, key: number): number {
    return createRng(this.seed).fork(name).fork(key).seed;
  }

  private newPane(key: number): Pane {
    return {
      key,
      rows: 0,
      features: this.specs.map((s) => emptyState(s.kind, this.settings, this.paneSeed(s.name, key))),
      prediction: this.predictionKind === null ? null : emptyState(this.predictionKind, this.settings, this.paneSeed('\u0000prediction', key)),
      labels: this.labelKind === null ? null : emptyState(this.labelKind, this.settings, this.paneSeed('\u0000label', key)),
      performance: null,
    };
  }

  private mergePane(into: Pane, from: Pane): void {
    into.rows += from.rows;
    from.features.forEach((s, i) => mergeState(into.features[i], s));
    if (from.prediction) {
      into.prediction ??= emptyState(this.predictionKind!, this.settings, this.paneSeed('\u0000prediction', into.key));
      mergeState(into.prediction, from.prediction);
    }
    if (from.labels && into.labels) mergeState(into.labels, from.labels);
    if (from.performance) {
      into.performance ??= new PerformanceState(this.settings.k, this.paneSeed('\u0000outcome', into.key));
      into.performance.merge(from.performance);
    }
  }

  private segments(n: number, timestamps: Float64Array | null): Segment[] {
    if (this.window.type === 'count') return this.store.countSegments(n);
    const now = this.clock();
    const segs: Segment[] = [];
    if (timestamps === null) {
      const key = this.store.timeKey(now);
      return n > 0 ? [{ key, start: 0, end: n }] : [];
    }
    // Runs of consecutive rows in the same pane (batches are usually time-ordered).
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i === n || this.store.timeKey(timestamps[i]) !== this.store.timeKey(timestamps[start])) {
        const key = this.store.timeKey(timestamps[start]);
        if (this.store.accepts(key, now)) segs.push({ key, start, end: i });
        else this.dropped += i - start;
        start = i;
      }
    }
    return segs;
  }

  private prepareOutcomes(options: ObserveOptions, n: number): { preds: ReadPredictions | null; labels: ArrayLike<unknown> | null } {
    const preds = options.predictions === undefined ? null : readPredictions(options.predictions);
    if (preds !== null && preds.length !== n) throw invalidInput(`observe: got ${preds.length} predictions for ${n} rows; pass one per row.`);
    const labels = options.labels ?? null;
    if (labels !== null) {
      if (typeof labels !== 'object' || typeof labels.length !== 'number') throw invalidInput('observe: labels must be an array or a typed array.');
      if (labels.length !== n) throw invalidInput(`observe: got ${labels.length} labels for ${n} rows; pass one per row.`);
    }
    if (preds !== null && labels !== null && this.outcome === null) this.outcome = this.resolveOutcome(preds, labels);
    return { preds, labels };
  }

  private resolveOutcome(preds: ReadPredictions, labels: ArrayLike<unknown>): OutcomeSpec {
    const o = this.performanceOptions;
    let task = this.declaredTask ?? preds.task ?? undefined;
    if (task === undefined) {
      if (preds.numeric === null) task = 'multiclass';
      else {
        let binaryScores = true;
        for (let i = 0; i < preds.numeric.length && binaryScores; i++) if (preds.numeric[i] < 0 || preds.numeric[i] > 1) binaryScores = false;
        task = binaryScores && defaultPositive(labels, undefined) !== null ? 'binary' : isNumericArray(labels) ? 'regression' : 'binary';
      }
    }
    let positive: string | null = null;
    if (task === 'binary') {
      positive = o.positiveLabel !== undefined ? String(o.positiveLabel) : defaultPositive(labels, preds.classes ?? this.targetClasses());
      if (positive === null) {
        throw invalidInput('observe: cannot tell the positive class of this binary model from its labels; set performance.positiveLabel in the DriftMonitor options.');
      }
    }
    return { task, positive, threshold: this.decisionThreshold };
  }

  private addPrepared(pane: Pane, prepared: { preds: ReadPredictions | null; labels: ArrayLike<unknown> | null }, start: number, end: number): void {
    const { preds, labels } = prepared;
    const slice = <T>(a: ArrayLike<T>): ArrayLike<T> => (start === 0 && end === a.length ? a : Array.prototype.slice.call(a, start, end));
    if (preds !== null && this.predictionKind !== null && preds.driftKind === this.predictionKind) {
      pane.prediction ??= emptyState(this.predictionKind, this.settings, this.paneSeed('\u0000prediction', pane.key));
      addArray(pane.prediction, { name: 'prediction', kind: this.predictionKind, boolean: false }, slice(preds.drift), this.scratch);
    }
    if (labels !== null && pane.labels !== null && this.labelKind !== null) {
      addArray(pane.labels, { name: 'label', kind: this.labelKind, boolean: this.labelRef!.state.type === 'boolean' }, slice(labels), this.scratch);
    }
    if (preds !== null && labels !== null && this.outcome !== null) {
      pane.performance ??= new PerformanceState(this.settings.k, this.paneSeed('\u0000outcome', pane.key));
      const part: NormalizedPredictions = {
        numeric: preds.numeric && (preds.numeric.subarray(start, end) as Float64Array),
        labels: preds.labels && preds.labels.slice(start, end),
      };
      addOutcomes(pane.performance, this.outcome, part, slice(labels));
    }
  }

  private performanceReport(state: PerformanceState | null): PerformanceReport | null {
    if (state === null || this.outcome === null) return null;
    const metrics = performanceMetrics(state, this.outcome, this.performanceOptions, this.baseline);
    const minLabels = this.performanceOptions.minLabels ?? 30;
    const enough = state.n >= minLabels;
    if (!enough) for (const m of metrics) m.decayed = false;
    const decayedMetrics = metrics.filter((m) => m.decayed).map((m) => m.name);
    return { status: enough ? 'ok' : 'insufficient-data', task: this.outcome.task, labelled: state.n, skipped: state.skipped, decayed: decayedMetrics.length > 0, decayedMetrics, metrics };
  }

  private transition(report: DriftReport): void {
    const before = { ...this.alert };
    if (report.status === 'ok') this.alert.drift = report.drifted || report.prediction?.drifted === true || report.labels?.drifted === true;
    if (report.performance !== null && report.performance.status === 'ok') this.alert.decay = report.performance.decayed;
    this.emitter.emit('check', report);
    if (this.alert.drift && !before.drift) this.emitter.emit('drift', report);
    if (this.alert.decay && !before.decay) this.emitter.emit('decay', report);
    if (!this.alert.drift && before.drift) this.emitter.emit('recovered', report, 'drift');
    if (!this.alert.decay && before.decay) this.emitter.emit('recovered', report, 'decay');
  }

  private parseState(json: unknown, what: string): { state: MonitorState; panes: Pane[] } {
    const incompatible = (why: string): MlopsError => new MlopsError('MONITOR_INCOMPATIBLE', `Cannot merge ${what}: ${why}.`);
    if (typeof json !== 'object' || json === null) throw new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: expected the object monitor.serialize() returns.`);
    const s = json as MonitorState;
    if (s.format !== 'mlops-kit.monitor-state') throw new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: format is ${JSON.stringify(s.format)}, expected "mlops-kit.monitor-state".`);
    if (s.version !== 1) throw incompatible(`it has version ${JSON.stringify(s.version)} and this release reads version 1`);
    if (s.reference !== this.referenceDigest) throw incompatible('it was built against another reference profile');
    const w = s.window;
    if (w?.type !== this.window.type || w.size !== this.window.size || w.slide !== this.window.slide) {
      throw incompatible(`its window ${JSON.stringify(w)} differs from this monitor's ${JSON.stringify({ type: this.window.type, size: this.window.size, slide: this.window.slide })}`);
    }
    const mine = this.specs.map((f) => `${f.name}:${f.kind}`).join(',');
    if (!Array.isArray(s.features) || s.features.map((f) => `${f.name}:${f.kind}`).join(',') !== mine) throw incompatible('it monitors other features');
    if (s.sketch?.k !== this.settings.k || s.sketch.maxCategories !== this.settings.maxCategories) throw incompatible('its sketch sizes differ');
    if (s.prediction !== null && this.predictionKind !== null && s.prediction !== this.predictionKind) throw incompatible('its predictions are of another kind');
    for (const key of ['rowsObserved', 'droppedRows'] as const) {
      if (!Number.isSafeInteger(s[key]) || s[key] < 0) throw new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${key} must be a non-negative integer.`);
    }
    if (!Array.isArray(s.panes)) throw new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: panes must be an array.`);
    const predictionKind = s.prediction ?? this.predictionKind;
    const panes = s.panes.map((p, i) => {
      const where = `${what} pane ${i}`;
      if (!Number.isSafeInteger(p?.key) || !Number.isSafeInteger(p.rows) || !Array.isArray(p.features) || p.features.length !== this.specs.length) {
        throw new MlopsError('INVALID_ARGUMENT', `Invalid ${where}: expected { key, rows, features[${this.specs.length}] }.`);
      }
      return {
        key: p.key,
        rows: p.rows,
        features: p.features.map((f, j) => stateFromJSON(f, this.specs[j].kind, `${where} feature "${this.specs[j].name}"`)),
        prediction: p.prediction && predictionKind ? stateFromJSON(p.prediction, predictionKind, `${where} predictions`) : null,
        labels: p.labels && this.labelKind ? stateFromJSON(p.labels, this.labelKind, `${where} labels`) : null,
        performance: p.performance ? PerformanceState.fromJSON(p.performance, this.settings.k, this.seed, `${where} outcomes`) : null,
      };
    });
    return { state: s, panes };
  }
}
