/**
 * Dataset profiles: JSON-serialisable, mergeable reference statistics per column, the
 * input to drift monitoring.
 *
 * A profile stores, per column, the *mergeable state* (exact counts, moments, a KLL
 * quantile sketch for numbers and dates, a frequency sketch for categories and booleans)
 * plus *derived views* computed from that state: mean/std, quantiles, a histogram, the
 * top categories. Derived views are recomputed whenever state changes (merge, load), so
 * they are always consistent with the sketches:
 *
 * - counts, missing counts, category frequencies, min and max merge exactly; mean and
 *   standard deviation to floating-point rounding (Chan et al.);
 * - quantiles and histogram counts come from the quantile sketch. They are exact while
 *   the sketch holds every value (small columns) and otherwise within the sketch's rank
 *   error (`rankError`, a bound that holds with 99% probability for every rank at once);
 * - histogram edges are equal-width between the column's exact min and max, computed at
 *   read time from the merged sketch (`[e_i, e_i+1)`, the last bin closed, as numpy).
 *   So a merged profile's histogram is the histogram of the union, not a sum of
 *   histograms with different edges.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { createRng, type Seed } from '../random';
import { QuantileSketch, DEFAULT_SKETCH_K, type QuantileSketchJSON } from '../sketch/quantile-sketch';
import { FrequencySketch, DEFAULT_MAX_CATEGORIES, type FrequencySketchJSON, type FrequencyItem } from '../sketch/frequency-sketch';
import { MomentsSketch, type MomentsJSON } from '../sketch/moments-sketch';
import type { Column, ColumnType } from './column';
import type { Dataset } from './dataset';

/** The `format` tag of a profile. */
export const PROFILE_FORMAT = 'mlops-kit.profile';
/** The profile format version this release writes and reads. */
export const PROFILE_VERSION = 1;
/** Quantiles stored by default. */
export const DEFAULT_PROFILE_QUANTILES: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

/** Options for `ds.profile()` / {@link profileDataset}. */
export interface ProfileOptions {
  /** Columns to profile (default: all). */
  columns?: readonly string[];
  /** Histogram bins for numeric and date columns (default 20). */
  bins?: number;
  /** Quantile probabilities to report (default {@link DEFAULT_PROFILE_QUANTILES}). */
  quantiles?: readonly number[];
  /** Most frequent categories listed in `top` (default 20; the rest is `other`). */
  topK?: number;
  /** Quantile sketch accuracy `k` (default 512: rank error below 1% for any stream, far less for one bulk column). */
  sketchK?: number;
  /** Distinct categories counted exactly per column (default 1000). */
  maxCategories?: number;
  /** Seed of the sketches' coin flips (default 42). */
  seed?: Seed;
}

/** The options a profile was built with (merges and derived views reuse them). */
export interface ResolvedProfileOptions {
  /** Histogram bins. */
  bins: number;
  /** Quantile probabilities. */
  quantiles: number[];
  /** Categories listed in `top`. */
  topK: number;
  /** Quantile sketch `k`. */
  sketchK: number;
  /** Categories counted exactly. */
  maxCategories: number;
}

/** Fields every column profile has. */
export interface ColumnProfileBase {
  /** Column name. */
  name: string;
  /** Column type. */
  type: ColumnType;
  /** Non-missing cells. */
  count: number;
  /** Missing cells. */
  missing: number;
}

/** A histogram: `counts[i]` values in `[edges[i], edges[i+1])` (the last bin closed). */
export interface Histogram {
  /** `counts.length + 1` ascending edges. */
  edges: number[];
  /** Values per bin. */
  counts: number[];
}

/** Profile of a `number` or `date` column (dates as epoch milliseconds). */
export interface NumericColumnProfile extends ColumnProfileBase {
  type: 'number' | 'date';
  /** Mean (`null` when no value). */
  mean: number | null;
  /** Sample standard deviation, ddof 1 (`null` when no value). */
  std: number | null;
  /** Exact minimum (`null` when no value). */
  min: number | null;
  /** Exact maximum (`null` when no value). */
  max: number | null;
  /** Quantiles (inverted-CDF definition) from the sketch. */
  quantiles: { probs: number[]; values: (number | null)[] };
  /** Equal-width histogram between min and max, from the sketch. */
  histogram: Histogram;
  /** Bound on the normalised rank error of quantiles and histogram counts (99%); 0 when exact. */
  rankError: number;
  /** Mergeable moments. */
  moments: MomentsJSON;
  /** Mergeable quantile sketch. */
  sketch: QuantileSketchJSON;
}

/** Profile of a `category` or `boolean` column (booleans as `"true"` / `"false"`). */
export interface CategoricalColumnProfile extends ColumnProfileBase {
  type: 'category' | 'boolean';
  /** Distinct values seen (exact while `exact`). */
  distinct: number;
  /** True while every category count is exact (at most `maxCategories` distinct values). */
  exact: boolean;
  /** The `topK` most frequent values, largest first. */
  top: FrequencyItem[];
  /** Non-missing values outside `top`. */
  other: number;
  /** Mergeable frequency sketch. */
  sketch: FrequencySketchJSON;
}

/** The profile of one column. Narrow on `type`. */
export type ColumnProfile = NumericColumnProfile | CategoricalColumnProfile;

/** Reference statistics of a dataset: versioned, JSON-serialisable, mergeable. */
export interface DatasetProfile {
  /** Always {@link PROFILE_FORMAT}. */
  format: typeof PROFILE_FORMAT;
  /** Always {@link PROFILE_VERSION} for profiles written by this release. */
  version: 1;
  /** Rows profiled. */
  rows: number;
  /** Options the profile was built with. */
  options: ResolvedProfileOptions;
  /** One entry per column, in dataset order. */
  columns: ColumnProfile[];
}

/** The mergeable state behind a column profile. @internal */
export type ColumnState =
  | { name: string; type: 'number' | 'date'; missing: number; moments: MomentsSketch; sketch: QuantileSketch }
  | { name: string; type: 'category' | 'boolean'; missing: number; freq: FrequencySketch };

/** Validates and fills in profile options. @internal */
export function resolveProfileOptions(options: ProfileOptions = {}): ResolvedProfileOptions {
  const bins = options.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 1 || bins > 10_000) {
    throw new MlopsError('INVALID_ARGUMENT', `profile: bins must be an integer between 1 and 10000, got ${String(bins)}.`);
  }
  const quantiles = [...(options.quantiles ?? DEFAULT_PROFILE_QUANTILES)];
  if (quantiles.some((q) => typeof q !== 'number' || !(q >= 0 && q <= 1))) {
    throw new MlopsError('INVALID_ARGUMENT', `profile: quantiles must be numbers in [0, 1], got ${JSON.stringify(options.quantiles)}.`);
  }
  const topK = options.topK ?? 20;
  if (!Number.isInteger(topK) || topK < 1) throw new MlopsError('INVALID_ARGUMENT', `profile: topK must be a positive integer, got ${String(topK)}.`);
  const sketchK = options.sketchK ?? DEFAULT_SKETCH_K;
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  // Constructing once validates k and capacity with the sketches' own messages.
  new QuantileSketch({ k: sketchK });
  new FrequencySketch({ capacity: maxCategories });
  return { bins, quantiles, topK, sketchK, maxCategories };
}

/** The seed of one column's sketch, derived from the profile seed and the column name. @internal */
export function columnSeed(seed: Seed | undefined, name: string): number {
  return createRng(seed).fork(name).seed;
}

/** Summarises one column into its mergeable state. @internal */
export function columnState(column: Column, options: ResolvedProfileOptions, seed?: Seed): ColumnState {
  const missing = column.missingCount();
  switch (column.type) {
    case 'number':
    case 'date': {
      const sketch = new QuantileSketch({ k: options.sketchK, seed: columnSeed(seed, column.name) });
      sketch.updateMany(column.values);
      return { name: column.name, type: column.type, missing, moments: MomentsSketch.of(column.values), sketch };
    }
    case 'category': {
      const freq = new FrequencySketch({ capacity: options.maxCategories }).addCounts(column.categories, column.counts());
      return { name: column.name, type: 'category', missing, freq };
    }
    case 'boolean': {
      let trues = 0;
      for (let i = 0; i < column.length; i++) trues += column.values[i]; // 0 where missing
      const freq = new FrequencySketch({ capacity: options.maxCategories });
      freq.add('true', trues).add('false', column.length - missing - trues);
      return { name: column.name, type: 'boolean', missing, freq };
    }
  }
}

/** Merges `b` into `a` (same name and type). @internal */
export function mergeColumnState(a: ColumnState, b: ColumnState): void {
  if (a.type !== b.type) {
    throw new MlopsError('MONITOR_INCOMPATIBLE', `Column "${a.name}" is ${a.type} in one profile and ${b.type} in the other; profiles of different schemas cannot be merged.`);
  }
  a.missing += b.missing;
  if ('freq' in a) a.freq.merge((b as typeof a).freq);
  else {
    a.moments.merge((b as typeof a).moments);
    a.sketch.merge((b as typeof a).sketch);
  }
}

/** Equal-width histogram between the sketch's min and max. @internal */
export function sketchHistogram(sketch: QuantileSketch, bins: number): Histogram {
  if (sketch.n === 0) return { edges: [], counts: [] };
  const lo = sketch.min;
  const hi = sketch.max;
  if (lo === hi) return { edges: [lo, hi], counts: [sketch.n] };
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + ((hi - lo) * i) / bins);
  return { edges, counts: binCounts(sketch, edges) };
}

/**
 * Values per bin `[edges[i], edges[i+1])` estimated from a sketch, values below the first
 * edge counted in the first bin and values at or above the last edge in the last bin.
 * @internal
 */
export function binCounts(sketch: QuantileSketch, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let prev = 0;
  for (let i = 1; i < edges.length - 1; i++) {
    const below = sketch.rankBelow(edges[i]);
    counts.push(below - prev);
    prev = below;
  }
  counts.push(sketch.n - prev);
  return counts;
}

/** Builds the public profile of a column from its state. @internal */
export function columnProfile(state: ColumnState, options: ResolvedProfileOptions): ColumnProfile {
  if ('freq' in state) {
    const top = state.freq.top(options.topK);
    const inTop = top.reduce((a, t) => a + t.count, 0);
    return {
      name: state.name,
      type: state.type,
      count: state.freq.n,
      missing: state.missing,
      distinct: state.freq.distinct,
      exact: state.freq.isExact,
      top,
      other: state.freq.n - inTop,
      sketch: state.freq.toJSON(),
    };
  }
  const { moments: m, sketch } = state;
  const empty = m.count === 0;
  return {
    name: state.name,
    type: state.type,
    count: m.count,
    missing: state.missing,
    mean: empty ? null : m.mean,
    std: empty ? null : m.std,
    min: empty ? null : m.min,
    max: empty ? null : m.max,
    quantiles: { probs: options.quantiles.slice(), values: options.quantiles.map((q) => (empty ? null : sketch.quantile(q))) },
    histogram: sketchHistogram(sketch, options.bins),
    rankError: sketch.rankError(),
    moments: m.toJSON(),
    sketch: sketch.toJSON(),
  };
}

/** Rebuilds (and checks) the mergeable state stored in a column profile. @internal */
export function columnStateFromProfile(col: ColumnProfile, where = `profile column "${col.name}"`): ColumnState {
  if (col.type === 'number' || col.type === 'date') {
    const moments = MomentsSketch.fromJSON(col.moments, `${where} moments`);
    const sketch = QuantileSketch.fromJSON(col.sketch, `${where} sketch`);
    if (moments.count !== sketch.n) {
      throw new MlopsError('INVALID_ARGUMENT', `Invalid ${where}: its moments count ${moments.count} values but its sketch ${sketch.n}.`);
    }
    if (moments.count > 0 && (moments.min !== sketch.min || moments.max !== sketch.max)) {
      throw new MlopsError('INVALID_ARGUMENT', `Invalid ${where}: min/max of its moments and of its sketch differ.`);
    }
    return { name: col.name, type: col.type, missing: col.missing, moments, sketch };
  }
  return { name: col.name, type: col.type, missing: col.missing, freq: FrequencySketch.fromJSON(col.sketch, `${where} sketch`) };
}

/**
 * Profiles a dataset (what `ds.profile(options)` calls).
 *
 * @example
 * ```ts
 * import { Dataset, mergeProfiles } from 'mlops-kit';
 * const ds = Dataset.fromRows([{ amount: 12.5, country: 'FR' }, { amount: 80, country: 'DE' }]);
 * const profile = ds.profile();           // JSON-serialisable
 * profile.columns[0];                     // { name: 'amount', type: 'number', count: 2, mean: 46.25, ... }
 * const total = mergeProfiles(profile, ds.profile()); // as if profiling both datasets at once
 * ```
 */
export function profileDataset(ds: Dataset, options: ProfileOptions = {}): DatasetProfile {
  const resolved = resolveProfileOptions(options);
  const names = options.columns ?? ds.columnNames;
  const columns = names.map((name) => columnProfile(columnState(ds.column(name), resolved, options.seed), resolved));
  return { format: PROFILE_FORMAT, version: 1, rows: ds.numRows, options: resolved, columns };
}

/**
 * Merges profiles of datasets with the same columns into the profile of their union
 * (rows appended). Counts, missing counts, category frequencies, min and max are exact;
 * mean and std equal a direct profile to rounding; quantiles and histograms come from the
 * merged sketches (within `rankError`). Options (bins, quantiles, topK) are taken from the
 * first profile. Throws `MONITOR_INCOMPATIBLE` when the column names or types differ.
 *
 * @example
 * ```ts
 * const merged = mergeProfiles(mondayProfile, tuesdayProfile);
 * ```
 */
export function mergeProfiles(...profiles: (DatasetProfile | readonly DatasetProfile[])[]): DatasetProfile {
  const list = profiles.flat() as DatasetProfile[];
  if (list.length === 0) throw new MlopsError('INVALID_ARGUMENT', 'mergeProfiles needs at least one profile.');
  const parsed = list.map((p, i) => parseProfile(p, `profile ${i}`));
  const first = parsed[0];
  const names = first.columns.map((c) => `${c.name}:${c.type}`).join(', ');
  const states = first.columns.map((c) => columnStateFromProfile(c));
  let rows = first.rows;
  for (let i = 1; i < parsed.length; i++) {
    const p = parsed[i];
    const these = p.columns.map((c) => `${c.name}:${c.type}`).join(', ');
    if (these !== names) {
      throw new MlopsError('MONITOR_INCOMPATIBLE', `mergeProfiles: profile ${i} has columns [${these}] but profile 0 has [${names}]; only profiles of the same schema can be merged.`);
    }
    p.columns.forEach((c, j) => mergeColumnState(states[j], columnStateFromProfile(c)));
    rows += p.rows;
  }
  return { format: PROFILE_FORMAT, version: 1, rows, options: first.options, columns: states.map((s) => columnProfile(s, first.options)) };
}

/**
 * Loads and validates a profile from parsed JSON (an artifact manifest, a file). Derived
 * views are recomputed from the stored sketches, so the result is always consistent.
 * Throws `MONITOR_INCOMPATIBLE` for another format version, `INVALID_ARGUMENT` for
 * anything malformed, naming the field.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { parseProfile } from 'mlops-kit';
 * const reference = parseProfile(JSON.parse(readFileSync('profile.json', 'utf8')));
 * ```
 */
export function parseProfile(json: unknown, what = 'profile'): DatasetProfile {
  const bad = (why: string): MlopsError => new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${why}.`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('expected a profile object (the output of ds.profile())');
  const p = json as Partial<DatasetProfile>;
  if (p.format !== PROFILE_FORMAT) throw bad(`format is ${JSON.stringify(p.format)}, expected "${PROFILE_FORMAT}"`);
  if (p.version !== PROFILE_VERSION) {
    throw new MlopsError(
      'MONITOR_INCOMPATIBLE',
      `The ${what} has version ${JSON.stringify(p.version)}; this release of mlops-kit reads version ${PROFILE_VERSION}. Re-create the profile with this release or upgrade mlops-kit.`,
    );
  }
  if (!Number.isSafeInteger(p.rows) || (p.rows as number) < 0) throw bad('rows must be a non-negative integer');
  if (typeof p.options !== 'object' || p.options === null) throw bad('options are missing');
  const options = resolveProfileOptions(p.options);
  if (!Array.isArray(p.columns)) throw bad('columns must be an array');
  const seen = new Set<string>();
  const columns = p.columns.map((c: ColumnProfile, i: number) => {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string') throw bad(`column ${i} has no name`);
    if (seen.has(c.name)) throw bad(`column "${c.name}" appears twice`);
    seen.add(c.name);
    if (!['number', 'date', 'category', 'boolean'].includes(c.type)) throw bad(`column "${c.name}" has unknown type ${JSON.stringify(c.type)}`);
    if (!Number.isSafeInteger(c.missing) || c.missing < 0) throw bad(`column "${c.name}": missing must be a non-negative integer`);
    const state = columnStateFromProfile(c, `${what} column "${c.name}"`);
    const count = 'freq' in state ? state.freq.n : state.moments.count;
    if (count + c.missing !== p.rows) {
      throw bad(`column "${c.name}" has ${count} values and ${c.missing} missing, which does not add up to ${p.rows} rows`);
    }
    return columnProfile(state, options);
  });
  return { format: PROFILE_FORMAT, version: 1, rows: p.rows as number, options, columns };
}
