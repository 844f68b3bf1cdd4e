/**
 * The fitted feature pipeline: turns a Dataset (or rows) into a dense Float32 matrix.
 *
 * Fitting learns, from training data only: imputation values, scaling constants, and
 * category lists. The result is plain JSON ({@link PipelineState}), travels inside every
 * model and artifact, and gives bit-identical output after a JSON round trip.
 *
 * Per input column, by type:
 * - number, date (epoch ms), boolean (0/1): optional imputation (mean, median,
 *   constant, or none: missing stays `NaN`), then optional scaling (standard: subtract
 *   the mean, divide by the population standard deviation; minmax: map [min, max] to
 *   [0, 1]; a constant column is left unscaled). One output feature.
 * - category: one-hot (one output per training category, all zeros for a missing or
 *   unseen value) or ordinal (one output holding the category's index, `NaN` for a
 *   missing or unseen value). Unseen values are an error under `unseen: 'error'`.
 *
 * Output column order is fixed at fit time: input columns in order, one-hot outputs in
 * the order of the training categories (sorted).
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Column, ColumnType } from '../dataset/column';
import type { Dataset } from '../dataset/dataset';
import { parseBooleanText, parseDateText, parseNumberText } from '../dataset/builder';
import { moments, quantileSorted, sortedPresent } from '../math/summary';

/** How numeric (number, date, boolean) columns are prepared. */
export interface NumericSpec {
  /** Fill for missing cells, learned from training data. Default `'mean'`. `'none'` keeps `NaN`. */
  impute?: 'mean' | 'median' | 'none' | { constant: number };
  /** Default `'standard'`. */
  scale?: 'standard' | 'minmax' | 'none';
}

/** How category columns are prepared. */
export interface CategoricalSpec {
  /** Default `'onehot'`. */
  encode?: 'onehot' | 'ordinal';
  /**
   * A value never seen in training: `'ignore'` (default) encodes it like a missing value;
   * `'error'` rejects the row with `PREDICT_INVALID_INPUT`.
   */
  unseen?: 'ignore' | 'error';
  /**
   * Keep at most this many categories (the most frequent); rarer ones are treated as
   * unseen. Default 256.
   */
  maxCategories?: number;
}

/** What to learn for a pipeline: defaults per type, overridable per column. */
export interface PreprocessSpec {
  /** Number, date and boolean columns. */
  numeric?: NumericSpec;
  /** Category columns. */
  categorical?: CategoricalSpec;
  /** Per-column overrides. */
  columns?: Record<string, NumericSpec | CategoricalSpec>;
}

/** A fitted step for one numeric input column. */
export interface NumericStep {
  kind: 'numeric';
  /** Input column. */
  column: string;
  /** Input type (number, date or boolean). */
  type: 'number' | 'date' | 'boolean';
  /** Value used for missing cells; `null` keeps `NaN`. */
  fill: number | null;
  /** Subtracted before dividing by `scale`. */
  center: number;
  /** Divisor (1 when not scaled). */
  scale: number;
}

/** A fitted step for one category input column. */
export interface CategoricalStep {
  kind: 'onehot' | 'ordinal';
  /** Input column. */
  column: string;
  /** Training categories, sorted; their order defines output positions / codes. */
  categories: string[];
  /** Policy for values not in `categories`. */
  unseen: 'ignore' | 'error';
}

/** One fitted step per input column. */
export type PipelineStep = NumericStep | CategoricalStep;

/** Description of one output feature. */
export interface FeatureInfo {
  /** Output name: the column, or `column=category` for one-hot outputs. */
  name: string;
  /** Input column it comes from. */
  source: string;
  /** `numeric`, a `onehot` indicator, or an ordinal-coded `categorical` feature. */
  kind: 'numeric' | 'onehot' | 'categorical';
  /** For `categorical`: the number of categories (codes are 0..n-1, `NaN` missing). */
  numCategories?: number;
}

/** One input column as the pipeline expects it: the model's input signature. */
export interface InputField {
  /** Column name. */
  name: string;
  /** Expected type. */
  type: ColumnType;
  /** Known categories (category columns). */
  categories?: string[];
}

/** The serialisable form of a fitted pipeline. */
export interface PipelineState {
  /** Format version of this object. */
  version: 1;
  /** Steps, one per input column, in input order. */
  steps: PipelineStep[];
}

/** A dense row-major matrix. */
export interface Matrix {
  /** `rows * cols` values, row by row. */
  data: Float32Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** One problem found while preparing prediction input. */
export interface InputIssue {
  /** Row index in the request (0-based). */
  row: number;
  /** Column name. */
  column: string;
  /** What is wrong. */
  problem: 'missing_column' | 'wrong_type' | 'unseen_category' | 'not_finite';
  /** Human-readable description. */
  message: string;
}

const DEFAULT_NUMERIC: Required<NumericSpec> = { impute: 'mean', scale: 'standard' };
const DEFAULT_CATEGORICAL: Required<CategoricalSpec> = { encode: 'onehot', unseen: 'ignore', maxCategories: 256 };

/** `base` with the options of `over` that are not undefined (an explicit undefined keeps the default). */
function withDefaults<T extends object>(base: T, over: Partial<T> | undefined): T {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * Overlays one preprocessing spec on another (a model family's defaults with the user's
 * choices): per-type options and per-column overrides key by key, where a key set to
 * `undefined` keeps the base's value.
 */
export function mergePreprocessSpecs(base: PreprocessSpec, over: PreprocessSpec | undefined): PreprocessSpec {
  if (over === undefined) return base;
  return {
    numeric: withDefaults(base.numeric ?? {}, over.numeric),
    categorical: withDefaults(base.categorical ?? {}, over.categorical),
    columns: withDefaults(base.columns ?? {}, over.columns),
  };
}

function badSpec(where: string, value: unknown, allowed: string): never {
  const shown = typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value);
  throw new MlopsError('INVALID_ARGUMENT', `preprocess: ${where} must be ${allowed}; got ${shown}.`, { details: { option: where } });
}

function unknownOption(where: string, key: string, known: object, what: string): never {
  throw new MlopsError('INVALID_ARGUMENT', `preprocess: unknown option ${where}.${key}; the options for ${what} are ${Object.keys(known).join(', ')}.`, {
    details: { option: `${where}.${key}` },
  });
}

/** Rejects unknown keys and values in a resolved spec, so a typo fails instead of silently encoding wrong. */
function checkNumeric(s: Required<NumericSpec>, where: string): void {
  for (const key of Object.keys(s)) if (!(key in DEFAULT_NUMERIC)) unknownOption(where, key, DEFAULT_NUMERIC, 'a number, date or boolean column');
  const imp = s.impute;
  const constantOk = typeof imp === 'object' && imp !== null && Object.keys(imp).length === 1 && typeof imp.constant === 'number' && Number.isFinite(imp.constant);
  if (imp !== 'mean' && imp !== 'median' && imp !== 'none' && !constantOk) badSpec(`${where}.impute`, imp, "'mean', 'median', 'none' or { constant: <finite number> }");
  if (s.scale !== 'standard' && s.scale !== 'minmax' && s.scale !== 'none') badSpec(`${where}.scale`, s.scale, "'standard', 'minmax' or 'none'");
}

function checkCategorical(s: Required<CategoricalSpec>, where: string): void {
  for (const key of Object.keys(s)) if (!(key in DEFAULT_CATEGORICAL)) unknownOption(where, key, DEFAULT_CATEGORICAL, 'a category column');
  if (s.encode !== 'onehot' && s.encode !== 'ordinal') badSpec(`${where}.encode`, s.encode, "'onehot' or 'ordinal'");
  if (s.unseen !== 'ignore' && s.unseen !== 'error') badSpec(`${where}.unseen`, s.unseen, "'ignore' or 'error'");
  if (!(Number.isInteger(s.maxCategories) && s.maxCategories >= 1)) badSpec(`${where}.maxCategories`, s.maxCategories, 'a whole number >= 1');
}

function fitNumeric(col: Column & { values: ArrayLike<number> }, spec: Required<NumericSpec>): NumericStep {
  const values = col.values;
  const mask = col.missing;
  let fill: number | null = null;
  const m = moments(values, mask);
  if (spec.impute === 'mean') fill = m.count > 0 ? m.mean : 0;
  else if (spec.impute === 'median') fill = m.count > 0 ? quantileSorted(sortedPresent(values, mask), 0.5) : 0;
  else if (typeof spec.impute === 'object') fill = spec.impute.constant;
  let center = 0;
  let scale = 1;
  if (spec.scale === 'standard' && m.count > 0) {
    // Population standard deviation (ddof 0), as scikit-learn's StandardScaler. Missing
    // cells are left out, as they are before imputation.
    const popStd = Math.sqrt(m.m2 / m.count);
    center = m.mean;
    scale = popStd > 0 && Number.isFinite(popStd) ? popStd : 1;
  } else if (spec.scale === 'minmax' && m.count > 0) {
    center = m.min;
    const range = m.max - m.min;
    scale = range > 0 ? range : 1;
  }
  return { kind: 'numeric', column: col.name, type: col.type as NumericStep['type'], fill, center, scale };
}

function fitCategorical(col: Column & { type: 'category' }, spec: Required<CategoricalSpec>): CategoricalStep {
  const counts = col.counts();
  let present = col.categories.map((c, i) => ({ c, n: counts[i] })).filter((e) => e.n > 0);
  if (present.length > spec.maxCategories) {
    present = present.sort((a, b) => b.n - a.n || (a.c < b.c ? -1 : 1)).slice(0, spec.maxCategories);
  }
  const categories = present.map((e) => e.c).sort();
  return { kind: spec.encode, column: col.name, categories, unseen: spec.unseen };
}

/**
 * A fitted, serialisable feature pipeline.
 *
 * @example
 * ```ts
 * import { Dataset, Pipeline } from 'mlops-kit';
 * const ds = Dataset.fromRows([{ x: 1, c: 'a' }, { x: 3, c: 'b' }]);
 * const p = Pipeline.fit(ds, ['x', 'c']);
 * const { data, cols } = p.transform(ds); // cols === 3: x, c=a, c=b
 * const again = Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
 * ```
 */
export class Pipeline {
  /** The fitted steps. */
  readonly steps: readonly PipelineStep[];
  /** One entry per output feature. */
  readonly features: readonly FeatureInfo[];
  private readonly lookups: (Map<string, number> | null)[];
  private readonly offsets: Int32Array;

  private constructor(state: PipelineState) {
    this.steps = state.steps;
    const features: FeatureInfo[] = [];
    this.offsets = new Int32Array(state.steps.length);
    this.lookups = state.steps.map((step, i) => {
      this.offsets[i] = features.length;
      if (step.kind === 'numeric') {
        features.push({ name: step.column, source: step.column, kind: 'numeric' });
        return null;
      }
      if (step.kind === 'onehot') {
        for (const c of step.categories) features.push({ name: `${step.column}=${c}`, source: step.column, kind: 'onehot' });
      } else {
        features.push({ name: step.column, source: step.column, kind: 'categorical', numCategories: step.categories.length });
      }
      return new Map(step.categories.map((c, k) => [c, k]));
    });
    this.features = features;
  }

  /**
   * Learns a pipeline from training data.
   *
   * @param ds - training data.
   * @param columns - the input columns, in the order they will be encoded.
   * @param spec - per-type defaults and per-column overrides.
   * @throws MlopsError `INVALID_ARGUMENT` for an unknown option or value in `spec`, or an
   * override naming a column that is not in `columns`.
   */
  static fit(ds: Dataset, columns: readonly string[], spec: PreprocessSpec = {}): Pipeline {
    if (columns.length === 0) {
      throw new MlopsError('TRAIN_NO_FEATURES', 'The pipeline has no input columns; pass at least one feature column.');
    }
    const unknown = Object.keys(spec.columns ?? {}).filter((name) => !columns.includes(name));
    if (unknown.length > 0) {
      badSpec('columns', unknown, `names of input columns (${columns.slice(0, 20).join(', ')}${columns.length > 20 ? ', ...' : ''})`);
    }
    const numeric = withDefaults(DEFAULT_NUMERIC, spec.numeric);
    const categorical = withDefaults(DEFAULT_CATEGORICAL, spec.categorical);
    checkNumeric(numeric, 'numeric');
    checkCategorical(categorical, 'categorical');
    const steps = columns.map((name): PipelineStep => {
      const col = ds.column(name);
      const override = spec.columns?.[name];
      if (col.type === 'category') {
        const s = override === undefined ? categorical : withDefaults(categorical, override as CategoricalSpec);
        if (override !== undefined) checkCategorical(s, `columns.${name}`);
        return fitCategorical(col, s);
      }
      const s = override === undefined ? numeric : withDefaults(numeric, override as NumericSpec);
      if (override !== undefined) checkNumeric(s, `columns.${name}`);
      return fitNumeric(col, s);
    });
    return new Pipeline({ version: 1, steps });
  }

  /** Rebuilds a pipeline from {@link Pipeline.toJSON} output, validating its shape. */
  static fromJSON(state: unknown): Pipeline {
    const s = state as PipelineState;
    if (typeof s !== 'object' || s === null || s.version !== 1 || !Array.isArray(s.steps)) {
      throw new MlopsError('PIPELINE_INVALID', 'Not a pipeline state: expected { version: 1, steps: [...] }.');
    }
    for (const [i, step] of s.steps.entries()) {
      const ok =
        typeof step === 'object' &&
        step !== null &&
        typeof step.column === 'string' &&
        ((step.kind === 'numeric' &&
          ['number', 'date', 'boolean'].includes(step.type) &&
          (step.fill === null || typeof step.fill === 'number') &&
          typeof step.center === 'number' &&
          typeof step.scale === 'number' &&
          step.scale !== 0) ||
          ((step.kind === 'onehot' || step.kind === 'ordinal') &&
            Array.isArray(step.categories) &&
            step.categories.every((c) => typeof c === 'string') &&
            (step.unseen === 'ignore' || step.unseen === 'error')));
      if (!ok) throw new MlopsError('PIPELINE_INVALID', `Pipeline step ${i} is malformed.`, { details: { step: i } });
    }
    return new Pipeline({ version: 1, steps: s.steps.map((st) => ({ ...st, ...(st.kind !== 'numeric' ? { categories: [...st.categories] } : {}) })) });
  }

  /** The serialisable state (plain JSON). */
  toJSON(): PipelineState {
    return { version: 1, steps: this.steps.map((s) => (s.kind === 'numeric' ? { ...s } : { ...s, categories: [...s.categories] })) };
  }

  /** Number of output features. */
  get numFeatures(): number {
    return this.features.length;
  }

  /** The input columns this pipeline reads, in order. */
  get inputColumns(): string[] {
    return this.steps.map((s) => s.column);
  }

  /** The input signature: each input column's expected type (and categories). */
  get inputs(): InputField[] {
    return this.steps.map((s) =>
      s.kind === 'numeric' ? { name: s.column, type: s.type } : { name: s.column, type: 'category' as const, categories: [...s.categories] },
    );
  }

  /**
   * Transforms a dataset into a row-major Float32 matrix. Columns not used by the
   * pipeline are ignored. Throws `DATA_COLUMN_NOT_FOUND` for a missing input column and
   * `PIPELINE_UNSEEN_CATEGORY` for an unseen category under `unseen: 'error'`.
   */
  transform(ds: Dataset): Matrix {
    const rows = ds.numRows;
    const cols = this.features.length;
    const data = new Float32Array(rows * cols);
    // Per step, the source column as a numeric view or as codes in training order.
    const sources = this.steps.map((step, si) => {
      const col = ds.column(step.column);
      return step.kind === 'numeric' ? numericView(col, step) : this.codesFor(col, si);
    });
    // Rows are processed in blocks so the block of output stays in cache while every
    // step writes its columns into it (a column-at-a-time pass over a row-major matrix
    // touches a new cache line per row).
    const BLOCK = 512;
    for (let start = 0; start < rows; start += BLOCK) {
      const end = Math.min(rows, start + BLOCK);
      for (let si = 0; si < this.steps.length; si++) {
        const step = this.steps[si];
        const off = this.offsets[si];
        if (step.kind === 'numeric') {
          fillNumeric(data, sources[si] as ArrayLike<number>, start, end, cols, off, step.fill === null ? NaN : step.fill, step.center, step.scale);
        } else if (step.kind === 'ordinal') {
          const codes = sources[si] as Int32Array;
          for (let r = start, p = start * cols + off; r < end; r++, p += cols) data[p] = codes[r] >= 0 ? codes[r] : NaN;
        } else {
          const codes = sources[si] as Int32Array;
          for (let r = start, p = start * cols + off; r < end; r++, p += cols) if (codes[r] >= 0) data[p + codes[r]] = 1;
        }
      }
    }
    return { data, rows, cols };
  }

  /**
   * Validates and transforms plain row objects (a prediction request). Collects every
   * problem (missing column, wrong type, non-finite number, unseen category under
   * `unseen: 'error'`) instead of stopping at the first; returns them with the matrix.
   * Extra keys in a row are ignored.
   */
  transformRows(rows: readonly Record<string, unknown>[], maxIssues = 100): { matrix: Matrix; issues: InputIssue[] } {
    const n = rows.length;
    const cols = this.features.length;
    const data = new Float32Array(n * cols);
    const issues: InputIssue[] = [];
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        if (issues.length < maxIssues) issues.push({ row: r, column: '*', problem: 'wrong_type', message: `row ${r} is not an object` });
        continue;
      }
      this.encodeRow(row, data, r * cols, r, issues, maxIssues);
    }
    return { matrix: { data, rows: n, cols }, issues };
  }

  /**
   * Encodes one row into `out` starting at `offset`, with no allocation on the happy
   * path. Returns false (and pushes to `issues`) when the row has a problem.
   */
  encodeRow(row: Record<string, unknown>, out: Float32Array, offset: number, rowIndex: number, issues: InputIssue[], maxIssues = 100): boolean {
    let ok = true;
    const steps = this.steps;
    for (let si = 0; si < steps.length; si++) {
      const step = steps[si];
      const p = offset + this.offsets[si];
      const raw = row[step.column];
      if (raw === undefined) {
        ok = false;
        if (issues.length < maxIssues) {
          issues.push({ row: rowIndex, column: step.column, problem: 'missing_column', message: `row ${rowIndex} has no "${step.column}" (send null for a missing value)` });
        }
        continue;
      }
      if (step.kind === 'numeric') {
        let v: number;
        if (raw === null) v = NaN;
        else {
          const parsed = readNumeric(raw, step.type);
          if (parsed === undefined || !Number.isFinite(parsed)) {
            ok = false;
            if (issues.length < maxIssues) {
              const notFinite = parsed !== undefined;
              issues.push({
                row: rowIndex,
                column: step.column,
                problem: notFinite ? 'not_finite' : 'wrong_type',
                message: notFinite
                  ? `row ${rowIndex}, column "${step.column}": ${String(raw)} is not a finite number (send null for a missing value)`
                  : `row ${rowIndex}, column "${step.column}": ${describe(raw)} is not a ${step.type === 'number' ? 'number' : step.type}`,
              });
            }
            continue;
          }
          v = parsed;
        }
        out[p] = ((v === v ? v : step.fill === null ? NaN : step.fill) - step.center) / step.scale;
        continue;
      }
      let code = -1;
      if (raw !== null) {
        const key = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
        if (key === undefined) {
          ok = false;
          if (issues.length < maxIssues) {
            issues.push({ row: rowIndex, column: step.column, problem: 'wrong_type', message: `row ${rowIndex}, column "${step.column}": ${describe(raw)} is not a category (text)` });
          }
          continue;
        }
        code = this.lookups[si]!.get(key) ?? -1;
        if (code < 0 && step.unseen === 'error') {
          ok = false;
          if (issues.length < maxIssues) {
            issues.push({
              row: rowIndex,
              column: step.column,
              problem: 'unseen_category',
              message: `row ${rowIndex}, column "${step.column}": ${JSON.stringify(key)} was not seen in training (known: ${step.categories.slice(0, 10).join(', ')}${step.categories.length > 10 ? ', ...' : ''})`,
            });
          }
          continue;
        }
      }
      if (step.kind === 'ordinal') out[p] = code >= 0 ? code : NaN;
      else {
        const k = step.categories.length;
        for (let j = 0; j < k; j++) out[p + j] = 0;
        if (code >= 0) out[p + code] = 1;
      }
    }
    return ok;
  }

  private codesFor(col: Column, si: number): Int32Array {
    const step = this.steps[si] as CategoricalStep;
    const lookup = this.lookups[si]!;
    const n = col.length;
    const out = new Int32Array(n);
    const unseen = (value: string, row: number): number => {
      if (step.unseen === 'error') {
        throw new MlopsError(
          'PIPELINE_UNSEEN_CATEGORY',
          `Column "${step.column}", row ${row}: ${JSON.stringify(value)} was not seen in training. Retrain with it, or fit the pipeline with { unseen: 'ignore' }.`,
          { details: { column: step.column, row, value } },
        );
      }
      return -1;
    };
    if (col.type === 'category') {
      const remap = col.categories.map((c) => lookup.get(c) ?? -2);
      for (let r = 0; r < n; r++) {
        const c = col.codes[r];
        if (c < 0) out[r] = -1;
        else {
          const k = remap[c];
          out[r] = k === -2 ? unseen(col.categories[c], r) : k;
        }
      }
      return out;
    }
    for (let r = 0; r < n; r++) {
      const v = col.get(r);
      if (v === null) out[r] = -1;
      else {
        const key = v instanceof Date ? v.toISOString() : String(v);
        out[r] = lookup.get(key) ?? unseen(key, r);
      }
    }
    return out;
  }
}

function fillNumeric(
  data: Float32Array,
  values: ArrayLike<number>,
  start: number,
  end: number,
  cols: number,
  off: number,
  fill: number,
  center: number,
  scale: number,
): void {
  for (let r = start, p = start * cols + off; r < end; r++, p += cols) {
    const v = values[r];
    data[p] = ((v === v ? v : fill) - center) / scale;
  }
}

function numericView(col: Column, step: NumericStep): ArrayLike<number> {
  if (col.type === 'number' || col.type === 'date') return col.values;
  if (col.type === 'boolean') {
    const out = new Float64Array(col.length);
    for (let i = 0; i < out.length; i++) out[i] = col.isMissing(i) ? NaN : col.values[i];
    return out;
  }
  // A category column where a number was expected: parse its texts.
  const out = new Float64Array(col.length);
  for (let i = 0; i < out.length; i++) {
    const c = col.codes[i];
    if (c < 0) {
      out[i] = NaN;
      continue;
    }
    const v = readNumeric(col.categories[c], step.type);
    if (v === undefined || !Number.isFinite(v)) {
      throw new MlopsError('DATA_TYPE_MISMATCH', `Column "${col.name}", row ${i}: ${JSON.stringify(col.categories[c])} is not a ${step.type}; the model was trained on a ${step.type} column.`, {
        details: { column: col.name, row: i },
      });
    }
    out[i] = v;
  }
  return out;
}

function readNumeric(raw: unknown, type: NumericStep['type']): number | undefined {
  switch (type) {
    case 'number':
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'string') return parseNumberText(raw);
      return undefined;
    case 'boolean':
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      if (raw === 0 || raw === 1) return raw;
      if (typeof raw === 'string') {
        const b = parseBooleanText(raw);
        return b === undefined ? undefined : b ? 1 : 0;
      }
      return undefined;
    case 'date':
      if (raw instanceof Date) return raw.getTime();
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'string') return parseDateText(raw);
      return undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
