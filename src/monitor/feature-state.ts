/**
 * Per-feature window state: bounded, mergeable summaries of the values a monitor saw.
 *
 * Numeric features keep moments and a KLL quantile sketch; categorical and boolean
 * features keep a frequency sketch. Each also counts rows, missing cells, cells that
 * could not be read as the reference type (`invalid`) and rows where the column was
 * absent. Memory per feature is a few kilobytes whatever the traffic.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Column } from '../dataset/column';
import { DEFAULT_MISSING_VALUES } from '../dataset/builder';
import { QuantileSketch, type QuantileSketchJSON } from '../sketch/quantile-sketch';
import { FrequencySketch, type FrequencySketchJSON } from '../sketch/frequency-sketch';
import { MomentsSketch, type MomentsJSON } from '../sketch/moments-sketch';

/** How a feature is summarised and tested. */
export type FeatureKind = 'numeric' | 'categorical';

/** Static facts about a monitored column. @internal */
export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
  /** Boolean features read `true`/`1`/`"true"` and `false`/`0`/`"false"`. */
  boolean: boolean;
}

/** The summary of one feature over some rows. @internal */
export interface FeatureState {
  rows: number;
  missing: number;
  invalid: number;
  absent: number;
  /** One value that could not be read, for the error message. */
  example: string | null;
  moments: MomentsSketch | null;
  sketch: QuantileSketch | null;
  freq: FrequencySketch | null;
}

/** JSON form of a {@link FeatureState}. @internal */
export interface FeatureStateJSON {
  rows: number;
  missing: number;
  invalid: number;
  absent: number;
  example: string | null;
  moments?: MomentsJSON;
  sketch?: QuantileSketchJSON;
  freq?: FrequencySketchJSON;
}

/** Sketch settings shared by every state of a monitor. @internal */
export interface SketchSettings {
  k: number;
  maxCategories: number;
}

const MISSING = new Set(DEFAULT_MISSING_VALUES);

/** An empty state for a feature. @internal */
export function emptyState(kind: FeatureKind, settings: SketchSettings, seed: number): FeatureState {
  return {
    rows: 0,
    missing: 0,
    invalid: 0,
    absent: 0,
    example: null,
    moments: kind === 'numeric' ? new MomentsSketch() : null,
    sketch: kind === 'numeric' ? new QuantileSketch({ k: settings.k, seed }) : null,
    freq: kind === 'categorical' ? new FrequencySketch({ capacity: settings.maxCategories }) : null,
  };
}

/** Folds `b` into `a`. @internal */
export function mergeState(a: FeatureState, b: FeatureState): void {
  a.rows += b.rows;
  a.missing += b.missing;
  a.invalid += b.invalid;
  a.absent += b.absent;
  a.example ??= b.example;
  if (a.moments && b.moments) a.moments.merge(b.moments);
  if (a.sketch && b.sketch) a.sketch.merge(b.sketch);
  if (a.freq && b.freq) a.freq.merge(b.freq);
}

/** JSON form. @internal */
export function stateToJSON(s: FeatureState): FeatureStateJSON {
  const out: FeatureStateJSON = { rows: s.rows, missing: s.missing, invalid: s.invalid, absent: s.absent, example: s.example };
  if (s.moments) out.moments = s.moments.toJSON();
  if (s.sketch) out.sketch = s.sketch.toJSON();
  if (s.freq) out.freq = s.freq.toJSON();
  return out;
}

/** Restores a state, checking it. @internal */
export function stateFromJSON(json: unknown, kind: FeatureKind, what: string): FeatureState {
  const bad = (why: string): MlopsError => new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${why}.`);
  if (typeof json !== 'object' || json === null) throw bad('expected an object');
  const j = json as Partial<FeatureStateJSON>;
  for (const key of ['rows', 'missing', 'invalid', 'absent'] as const) {
    if (!Number.isSafeInteger(j[key]) || (j[key] as number) < 0) throw bad(`${key} must be a non-negative integer`);
  }
  const s: FeatureState = {
    rows: j.rows as number,
    missing: j.missing as number,
    invalid: j.invalid as number,
    absent: j.absent as number,
    example: typeof j.example === 'string' ? j.example : null,
    moments: null,
    sketch: null,
    freq: null,
  };
  if (kind === 'numeric') {
    s.moments = MomentsSketch.fromJSON(j.moments, `${what} moments`);
    s.sketch = QuantileSketch.fromJSON(j.sketch, `${what} sketch`);
    if (s.moments.count !== s.sketch.n) throw bad('moments and sketch disagree on the number of values');
  } else {
    s.freq = FrequencySketch.fromJSON(j.freq, `${what} frequencies`);
  }
  const values = s.moments ? s.moments.count : (s.freq as FrequencySketch).n;
  if (values + s.missing + s.invalid + s.absent !== s.rows) throw bad('values, missing, invalid and absent do not add up to rows');
  return s;
}

function noteInvalid(s: FeatureState, value: unknown): void {
  s.invalid++;
  if (s.example === null) s.example = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : Object.prototype.toString.call(value);
}

/**
 * Adds one Dataset column (or, when the batch lacks the column, `rows` absent cells).
 * `scratch` is a reusable buffer of at least `rows` float64s.
 * @internal
 */
export function addColumn(s: FeatureState, spec: FeatureSpec, column: Column | undefined, rows: number, scratch: Float64Array): void {
  s.rows += rows;
  if (column === undefined) {
    s.absent += rows;
    return;
  }
  if (spec.kind === 'numeric') {
    const invalidBefore = s.invalid;
    let values: ArrayLike<number>;
    if (column.type === 'number' || column.type === 'date') {
      values = column.values;
    } else if (column.type === 'boolean') {
      for (let i = 0; i < rows; i++) scratch[i] = column.isMissing(i) ? NaN : column.values[i];
      values = scratch.subarray(0, rows);
    } else {
      const parsed = column.categories.map(cellNumber);
      for (let i = 0; i < rows; i++) {
        const code = column.codes[i];
        const v = code < 0 ? NaN : parsed[code];
        if (v === Infinity) noteInvalid(s, column.categories[code]);
        scratch[i] = v === Infinity ? NaN : v;
      }
      values = scratch.subarray(0, rows);
    }
    const m = s.moments as MomentsSketch;
    const before = m.count;
    m.addValues(values);
    (s.sketch as QuantileSketch).updateMany(values, 0, rows);
    s.missing += rows - (m.count - before) - (s.invalid - invalidBefore);
    return;
  }
  const freq = s.freq as FrequencySketch;
  switch (column.type) {
    case 'category': {
      const counts = column.counts();
      let present = 0;
      for (let i = 0; i < counts.length; i++) present += counts[i];
      if (spec.boolean) {
        column.categories.forEach((c, i) => {
          if (counts[i] === 0) return;
          const b = booleanOf(c);
          if (b === null) {
            noteInvalid(s, c);
            s.invalid += counts[i] - 1;
          } else freq.add(b, counts[i]);
        });
      } else freq.addCounts(column.categories, counts);
      s.missing += rows - present;
      return;
    }
    case 'boolean': {
      let trues = 0;
      const missing = column.missingCount();
      for (let i = 0; i < rows; i++) trues += column.values[i];
      freq.add('true', trues).add('false', rows - missing - trues);
      s.missing += missing;
      return;
    }
    case 'number': {
      for (let i = 0; i < rows; i++) {
        const v = column.values[i];
        if (v !== v) s.missing++;
        else if (spec.boolean) {
          const b = booleanOf(v);
          if (b === null) noteInvalid(s, v);
          else freq.add(b);
        } else freq.add(String(v));
      }
      return;
    }
    case 'date': {
      for (let i = 0; i < rows; i++) {
        if (column.isMissing(i)) s.missing++;
        else noteInvalid(s, column.get(i));
      }
      return;
    }
  }
}

function booleanOf(v: unknown): 'true' | 'false' | null {
  if (v === true || v === 1 || v === 'true' || v === '1' || v === 'True' || v === 'TRUE') return 'true';
  if (v === false || v === 0 || v === 'false' || v === '0' || v === 'False' || v === 'FALSE') return 'false';
  return null;
}

/**
 * A cell read as a number: the finite number; `NaN` when missing (`null`, `NaN`,
 * infinities, the loaders' missing markers such as `''` or `'NA'`); `Infinity` when it
 * cannot be read as a number. Booleans read as 0/1, Dates as epoch ms.
 */
function cellNumber(v: unknown): number {
  if (typeof v === 'number') return v - v === 0 ? v : NaN;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'string') {
    const t = v.trim();
    const x = t === '' ? NaN : Number(t);
    if (Number.isFinite(x)) return x;
    return MISSING.has(t) || /^[+-]?(nan|inf|infinity)$/i.test(t) ? NaN : Infinity;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return Infinity;
}

/** A cell read as a category: the string; `null` when missing; `undefined` when unreadable. */
function cellCategory(v: unknown, boolean: boolean): string | null | undefined {
  if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return null;
  if (typeof v === 'string' && MISSING.has(v)) return null;
  if (boolean) return booleanOf(v) ?? undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Adds the `name` cell of each row object (see `cellNumber` and `cellCategory` for how
 * cells are read). A row without the key counts as absent.
 * @internal
 */
export function addRowValues(s: FeatureState, spec: FeatureSpec, rows: readonly Record<string, unknown>[], scratch: Float64Array): void {
  const name = spec.name;
  const n = rows.length;
  s.rows += n;
  if (spec.kind === 'numeric') {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const v = row[name];
      const x = cellNumber(v);
      if (x - x === 0) scratch[k++] = x;
      else if (x === Infinity) noteInvalid(s, v);
      else if (v === undefined && !(name in row)) s.absent++;
      else s.missing++;
    }
    addNumbers(s, scratch.subarray(0, k));
    return;
  }
  const freq = s.freq as FrequencySketch;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const v = row[name];
    const c = cellCategory(v, spec.boolean);
    if (typeof c === 'string') freq.add(c);
    else if (c === undefined) noteInvalid(s, v);
    else if (v === undefined && !(name in row)) s.absent++;
    else s.missing++;
  }
}

/** Adds values given as an array (predictions, labels); `null`/`undefined` are missing. @internal */
export function addArray(s: FeatureState, spec: FeatureSpec, values: ArrayLike<unknown>, scratch: Float64Array): void {
  const n = values.length;
  s.rows += n;
  if (spec.kind === 'numeric') {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = cellNumber(values[i]);
      if (x - x === 0) scratch[k++] = x;
      else if (x === Infinity) noteInvalid(s, values[i]);
      else s.missing++;
    }
    addNumbers(s, scratch.subarray(0, k));
    return;
  }
  const freq = s.freq as FrequencySketch;
  for (let i = 0; i < n; i++) {
    const c = cellCategory(values[i], spec.boolean);
    if (typeof c === 'string') freq.add(c);
    else if (c === undefined) noteInvalid(s, values[i]);
    else s.missing++;
  }
}

function addNumbers(s: FeatureState, values: Float64Array): void {
  const m = s.moments as MomentsSketch;
  const sketch = s.sketch as QuantileSketch;
  if (values.length > 16) {
    m.addValues(values);
    sketch.updateMany(values);
    return;
  }
  // A few values (one request's rows): skip the batch machinery.
  for (let i = 0; i < values.length; i++) {
    m.add(values[i]);
    sketch.update(values[i]);
  }
}
