/**
 * The Dataset: an immutable, columnar, typed table.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { createRng, type Seed } from '../random';
import {
  BooleanColumn,
  CategoryColumn,
  type CellValue,
  type Column,
  type ColumnType,
  DateColumn,
  type IndexArray,
  NumberColumn,
  type Row,
} from './column';
import { ColumnBuilder, type CellIssue, IssueLog, type ParseOptions, TypeInferrer } from './builder';
import { Schema, type Field, type SchemaInput, columnNotFound } from './schema';
import { fingerprintDataset } from './fingerprint';
import { describeDataset, type ColumnDescription } from './describe';
import { imputeDataset, type ImputeSpec } from './impute';
import { kFoldIndices, splitIndices, timeSplitIndices, type KFoldOptions, type SplitOptions, type TimeSplitOptions } from './split';
import { profileDataset, type DatasetProfile, type ProfileOptions } from './profile';
import { readCSV, type CSVOptions, type CSVSource } from './csv';
import { readNDJSON, type NDJSONOptions, type NDJSONSource } from './ndjson';
import { checkLoadOptions } from './io/options';

/** Options for {@link Dataset.fromRows} and {@link Dataset.fromColumns}. */
export interface FromValuesOptions extends ParseOptions {
  /** Declared column types (some or all columns); others are inferred. */
  schema?: SchemaInput;
  /** Rows looked at to infer undeclared types (default: all rows). */
  inferSampleSize?: number;
}

/** A train/test pair. */
export interface TrainTest {
  /** Training rows. */
  train: Dataset;
  /** Held-out rows. */
  test: Dataset;
}

/** One fold of a k-fold split. */
export interface Fold extends TrainTest {
  /** 0-based fold number. */
  fold: number;
}

/** Values accepted by {@link Dataset.withColumn}. */
export type ColumnInput = Column | ArrayLike<CellValue> | Float64Array | Float32Array | ((row: Row, index: number) => CellValue);

/**
 * Resolves a user's declared schema against the column names found in the data:
 * every declared column must exist.
 * @internal
 */
export function resolveDeclared(schema: SchemaInput | undefined, names: readonly string[], source: string): Map<string, Field> {
  const declared = new Map<string, Field>();
  if (schema === undefined) return declared;
  const s = Schema.from(schema);
  const present = new Set(names);
  const unknown = s.fields.filter((f) => !present.has(f.name)).map((f) => f.name);
  if (unknown.length > 0) {
    throw new MlopsError(
      'SCHEMA_MISMATCH',
      `${source}: the schema declares ${unknown.map((n) => `"${n}"`).join(', ')}, which the data does not have. Columns in the data: ${names
        .slice(0, 30)
        .map((n) => `"${n}"`)
        .join(', ')}. Remove the declaration or fix the column name.`,
      { details: { unknown, available: names.slice(0, 100) } },
    );
  }
  for (const f of s.fields) declared.set(f.name, f);
  return declared;
}

function checkUniqueNames(names: readonly string[], source: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new MlopsError('DATA_DUPLICATE_COLUMN', `${source}: column name "${n}" appears more than once. Column names must be unique; rename the duplicates.`, {
        details: { column: n },
      });
    }
    seen.add(n);
  }
}

/**
 * An immutable table of typed columns.
 *
 * Every operation returns a new Dataset and shares column buffers where it can
 * (`select`, `drop`, `rename` and `slice` copy no values).
 *
 * @example
 * ```ts
 * import { Dataset } from 'mlops-kit';
 * const ds = Dataset.fromRows([
 *   { amount: 12.5, country: 'DE', fraud: false },
 *   { amount: 830, country: 'US', fraud: true },
 * ]);
 * ds.schema.field('country').type; // 'category'
 * const { train, test } = ds.split({ testFraction: 0.5, seed: 1 });
 * ```
 */
export class Dataset {
  /** The schema (one field per column, in order). */
  readonly schema: Schema;
  /** Number of rows. */
  readonly numRows: number;
  /**
   * Cells a `mode: 'coerce'` load stored as missing because they were bad: the first
   * 10,000 of them (see {@link Dataset.loadIssueCount} for how many there were).
   */
  readonly loadIssues: readonly CellIssue[];
  /** How many cells a `mode: 'coerce'` load stored as missing because they were bad (all of them, not only those in `loadIssues`). */
  readonly loadIssueCount: number;
  private readonly cols: readonly Column[];
  private readonly byName: Map<string, Column>;

  /**
   * Builds a Dataset from columns of equal length. Most code should use the `from*`
   * factories instead.
   */
  constructor(columns: readonly Column[], options: { loadIssues?: readonly CellIssue[]; loadIssueCount?: number; numRows?: number } = {}) {
    const names = columns.map((c) => c.name);
    checkUniqueNames(names, 'Dataset');
    const n = columns.length > 0 ? columns[0].length : (options.numRows ?? 0);
    for (const c of columns) {
      if (c.length !== n) {
        throw new MlopsError('DATA_LENGTH_MISMATCH', `Column "${c.name}" has ${c.length} rows but column "${columns[0].name}" has ${n}; all columns must be the same length.`, {
          details: { column: c.name, length: c.length, expected: n },
        });
      }
    }
    this.cols = Object.freeze([...columns]);
    this.byName = new Map(columns.map((c) => [c.name, c]));
    this.numRows = n;
    this.schema = new Schema(
      columns.map((c) => {
        const f: Field = { name: c.name, type: c.type, nullable: true };
        return f;
      }),
    );
    this.loadIssues = options.loadIssues ?? [];
    this.loadIssueCount = options.loadIssueCount ?? this.loadIssues.length;
  }

  // ---------------------------------------------------------------- loaders

  /**
   * Builds a Dataset from an array of row objects. Column order is first-seen key order.
   * Types come from `schema` where declared and are inferred from the values otherwise:
   * JavaScript numbers, booleans and Dates keep their type; strings are read as numbers,
   * booleans or ISO dates when every value in the column reads so, else as categories.
   *
   * @throws MlopsError `SCHEMA_VIOLATION` / `DATA_NON_FINITE` for bad cells in strict
   * mode, `SCHEMA_MISMATCH` for a declared column no row has.
   */
  static fromRows(rows: readonly Record<string, unknown>[], options: FromValuesOptions = {}): Dataset {
    if (!Array.isArray(rows)) {
      throw new MlopsError('INVALID_ARGUMENT', `Dataset.fromRows expects an array of objects, got ${typeof rows}.`);
    }
    checkLoadOptions(options, 'Dataset.fromRows');
    const names: string[] = [];
    const seen = new Set<string>();
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new MlopsError('INVALID_ARGUMENT', `Dataset.fromRows: row ${r} is ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}, not an object.`, {
          details: { row: r },
        });
      }
      for (const k in row) {
        if (!seen.has(k)) {
          seen.add(k);
          names.push(k);
        }
      }
    }
    const declared = resolveDeclared(options.schema, names, 'Dataset.fromRows');
    const sample = Math.min(rows.length, options.inferSampleSize ?? rows.length);
    const log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, 'Dataset.fromRows');
    const builders = names.map((name) => {
      let field = declared.get(name);
      if (field === undefined) {
        const inf = new TypeInferrer(options.missingValues);
        for (let r = 0; r < sample; r++) inf.add(rows[r][name]);
        field = { name, type: inf.result(), nullable: true };
      }
      return new ColumnBuilder(field, log, options, rows.length);
    });
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      for (let c = 0; c < builders.length; c++) builders[c].push(row[names[c]], r);
    }
    log.finish();
    return new Dataset(
      builders.map((b) => b.finish()),
      { loadIssues: log.issues, loadIssueCount: log.total, numRows: rows.length },
    );
  }

  /**
   * Builds a Dataset from columns: `{ name: values }` where values is an array, a
   * `Float64Array`/`Float32Array` (stored without copying) or a {@link Column}.
   */
  static fromColumns(columns: Record<string, ArrayLike<unknown> | Column>, options: FromValuesOptions = {}): Dataset {
    if (typeof columns !== 'object' || columns === null) {
      throw new MlopsError('INVALID_ARGUMENT', 'Dataset.fromColumns expects an object mapping column names to arrays.');
    }
    checkLoadOptions(options, 'Dataset.fromColumns');
    const names = Object.keys(columns);
    const declared = resolveDeclared(options.schema, names, 'Dataset.fromColumns');
    const log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, 'Dataset.fromColumns');
    const out: Column[] = [];
    let length = -1;
    for (const name of names) {
      const values = columns[name];
      if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<unknown>).length !== 'number') {
        throw new MlopsError('INVALID_ARGUMENT', `Dataset.fromColumns: column "${name}" must be an array, a typed array or a Column.`);
      }
      if (length >= 0 && values.length !== length) {
        throw new MlopsError('DATA_LENGTH_MISMATCH', `Dataset.fromColumns: column "${name}" has ${values.length} values but "${names[0]}" has ${length}.`, {
          details: { column: name, length: values.length, expected: length },
        });
      }
      length = values.length;
      out.push(toColumn(name, values, declared.get(name), log, options));
    }
    log.finish();
    return new Dataset(out, { loadIssues: log.issues, loadIssueCount: log.total, numRows: Math.max(length, 0) });
  }

  /**
   * Loads CSV text, streaming: `source` is a file path, the CSV text itself (a string
   * containing a newline), bytes, or a web `ReadableStream`/Node readable of bytes.
   * The text is never held in memory as a whole.
   *
   * @example
   * ```ts
   * const ds = await Dataset.fromCSV('./transactions.csv', {
   *   schema: { amount: 'number', country: 'category' }, // others are inferred
   *   mode: 'strict', // a bad cell fails the load with its row, line and column
   * });
   * ```
   */
  static fromCSV(source: CSVSource, options: CSVOptions = {}): Promise<Dataset> {
    return readCSV(source, options);
  }

  /** Loads newline-delimited JSON (one object per line), streaming like {@link Dataset.fromCSV}. */
  static fromNDJSON(source: NDJSONSource, options: NDJSONOptions = {}): Promise<Dataset> {
    return readNDJSON(source, options);
  }

  /** Stacks datasets with the same column names and types, in order. */
  static concat(datasets: readonly Dataset[]): Dataset {
    if (datasets.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', 'Dataset.concat needs at least one dataset.');
    }
    const first = datasets[0];
    for (const [k, d] of datasets.entries()) {
      const a = first.schema.fields.map((f) => `${f.name}:${f.type}`).join(',');
      const b = d.schema.fields.map((f) => `${f.name}:${f.type}`).join(',');
      if (a !== b) {
        throw new MlopsError('SCHEMA_MISMATCH', `Dataset.concat: dataset ${k} has columns (${b}) but dataset 0 has (${a}); select or rename columns so they match.`);
      }
    }
    const total = datasets.reduce((s, d) => s + d.numRows, 0);
    const cols = first.cols.map((c0, ci) => concatColumns(datasets.map((d) => d.cols[ci]), c0, total));
    return new Dataset(cols, { numRows: total });
  }

  // ---------------------------------------------------------------- access

  /** Column names in order. */
  get columnNames(): string[] {
    return this.cols.map((c) => c.name);
  }

  /** Number of columns. */
  get numColumns(): number {
    return this.cols.length;
  }

  /** All columns in order. */
  get columns(): readonly Column[] {
    return this.cols;
  }

  /** Whether a column of this name exists. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The column of this name; throws `DATA_COLUMN_NOT_FOUND` listing the columns when absent. */
  column(name: string): Column {
    const c = this.byName.get(name);
    if (c === undefined) throw columnNotFound(name, this.columnNames);
    return c;
  }

  /** The row at `index` as an object (`null` for missing cells). */
  row(index: number): Row {
    if (!(index >= 0 && index < this.numRows) || !Number.isInteger(index)) {
      throw new MlopsError('INVALID_ARGUMENT', `Row index ${index} is out of range (0..${this.numRows - 1}).`);
    }
    const out: Row = {};
    for (const c of this.cols) out[c.name] = c.get(index);
    return out;
  }

  /** Every row as a plain object (`null` for missing cells). */
  toRows(): Row[] {
    const arrays = this.cols.map((c) => c.toArray());
    const out = new Array<Row>(this.numRows);
    for (let i = 0; i < this.numRows; i++) {
      const r: Row = {};
      for (let c = 0; c < arrays.length; c++) r[this.cols[c].name] = arrays[c][i];
      out[i] = r;
    }
    return out;
  }

  /** Every column as a plain array, keyed by name. */
  toColumns(): Record<string, CellValue[]> {
    const out: Record<string, CellValue[]> = {};
    for (const c of this.cols) out[c.name] = c.toArray();
    return out;
  }

  // ---------------------------------------------------------------- column operations

  /** Only these columns, in this order. */
  select(names: readonly string[]): Dataset {
    return new Dataset(
      names.map((n) => this.column(n)),
      { numRows: this.numRows },
    );
  }

  /** All columns except these. Unknown names are an error. */
  drop(names: readonly string[]): Dataset {
    for (const n of names) this.column(n);
    const gone = new Set(names);
    return new Dataset(
      this.cols.filter((c) => !gone.has(c.name)),
      { numRows: this.numRows },
    );
  }

  /** Renames columns: `{ old: 'new' }`. */
  rename(mapping: Record<string, string>): Dataset {
    for (const n of Object.keys(mapping)) this.column(n);
    return new Dataset(
      this.cols.map((c) => (mapping[c.name] !== undefined ? c.withName(mapping[c.name]) : c)),
      { numRows: this.numRows },
    );
  }

  /**
   * Adds or replaces a column. `values` is a Column, an array, a typed array, or a
   * function of the row that computes each cell.
   */
  withColumn(name: string, values: ColumnInput, options: { type?: ColumnType } = {}): Dataset {
    let col: Column;
    if (typeof values === 'function') {
      const rows = this.toRows();
      const out = rows.map((r, i) => values(r, i));
      col = toColumn(name, out, options.type ? { name, type: options.type, nullable: true } : undefined, new IssueLog('strict', 20, 'withColumn'), {});
    } else {
      if (values.length !== this.numRows) {
        throw new MlopsError('DATA_LENGTH_MISMATCH', `withColumn("${name}"): got ${values.length} values for ${this.numRows} rows.`);
      }
      col = isColumn(values)
        ? values.withName(name)
        : toColumn(name, values, options.type ? { name, type: options.type, nullable: true } : undefined, new IssueLog('strict', 20, 'withColumn'), {});
    }
    const cols = this.has(name) ? this.cols.map((c) => (c.name === name ? col : c)) : [...this.cols, col];
    return new Dataset(cols, { numRows: this.numRows });
  }

  // ---------------------------------------------------------------- row operations

  /** Rows `[start, end)`, sharing buffers. Negative indices count from the end. */
  slice(start = 0, end = this.numRows): Dataset {
    const n = this.numRows;
    const s = Math.max(0, Math.min(n, start < 0 ? n + start : start));
    const e = Math.max(s, Math.min(n, end < 0 ? n + end : end));
    return new Dataset(
      this.cols.map((c) => c.slice(s, e)),
      { numRows: e - s },
    );
  }

  /** The first `n` rows (default 5). */
  head(n = 5): Dataset {
    return this.slice(0, n);
  }

  /** Rows at these indices, in this order (duplicates allowed). */
  take(indices: IndexArray): Dataset {
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(i >= 0 && i < this.numRows) || !Number.isInteger(i)) {
        throw new MlopsError('INVALID_ARGUMENT', `take: index ${i} at position ${k} is out of range (0..${this.numRows - 1}).`);
      }
    }
    return new Dataset(
      this.cols.map((c) => c.take(indices)),
      { numRows: indices.length },
    );
  }

  /**
   * Rows for which the predicate is true. The predicate receives the row object; or pass
   * a mask (one truthy/falsy value per row) to filter without building row objects.
   */
  filter(predicate: ((row: Row, index: number) => boolean) | ArrayLike<boolean | number>): Dataset {
    const keep: number[] = [];
    if (typeof predicate === 'function') {
      const rows = this.toRows();
      for (let i = 0; i < rows.length; i++) if (predicate(rows[i], i)) keep.push(i);
    } else {
      if (predicate.length !== this.numRows) {
        throw new MlopsError('DATA_LENGTH_MISMATCH', `filter: the mask has ${predicate.length} entries for ${this.numRows} rows.`);
      }
      for (let i = 0; i < predicate.length; i++) if (predicate[i]) keep.push(i);
    }
    return this.take(keep);
  }

  /** This dataset followed by the others (see {@link Dataset.concat}). */
  concat(...others: Dataset[]): Dataset {
    return Dataset.concat([this, ...others]);
  }

  /** Rows with no missing cell in `columns` (default: all columns). */
  dropMissing(columns?: readonly string[]): Dataset {
    const cols = (columns ?? this.columnNames).map((n) => this.column(n));
    const mask = new Uint8Array(this.numRows).fill(1);
    for (const c of cols) {
      for (let i = 0; i < this.numRows; i++) if (c.isMissing(i)) mask[i] = 0;
    }
    return this.filter(mask);
  }

  /**
   * Fills missing cells: one strategy for every column it applies to (`'mean'`,
   * `'median'`, `'mode'`, `{ constant }`), or a strategy per column.
   */
  impute(spec: ImputeSpec): Dataset {
    return new Dataset(imputeDataset(this, spec), { numRows: this.numRows });
  }

  /** The rows in a seeded random order. */
  shuffle(seed?: Seed): Dataset {
    return this.take(createRng(seed).permutation(this.numRows));
  }

  // ---------------------------------------------------------------- splits

  /**
   * A seeded train/test split, optionally stratified by a column so both parts keep its
   * class proportions.
   */
  split(options: SplitOptions = {}): TrainTest {
    const { train, test } = splitIndices(this, options);
    return { train: this.take(train), test: this.take(test) };
  }

  /** `k` train/test folds; every row is in exactly one test fold. Optionally stratified. */
  kFold(k: number, options: KFoldOptions = {}): Fold[] {
    return kFoldIndices(this, k, options).map(({ train, test }, fold) => ({ fold, train: this.take(train), test: this.take(test) }));
  }

  /**
   * A time-based split on a date or numeric column: training rows are strictly before the
   * cut, test rows at or after it. The cut is `at`, or the time below which
   * `1 - testFraction` of the rows fall.
   */
  timeSplit(options: TimeSplitOptions): TrainTest {
    const { train, test } = timeSplitIndices(this, options);
    return { train: this.take(train), test: this.take(test) };
  }

  // ---------------------------------------------------------------- summaries

  /**
   * SHA-256 (hex) of a canonical encoding of the content: column names, types and
   * values. The same table gives the same fingerprint whatever it was loaded from.
   */
  fingerprint(): Promise<string> {
    return fingerprintDataset(this);
  }

  /** JSON-serialisable reference statistics per column; the input to drift monitoring. */
  profile(options: ProfileOptions = {}): DatasetProfile {
    return profileDataset(this, options);
  }

  /** A summary per column: count, missing, mean, std, min, quartiles, max, unique, top. */
  describe(): ColumnDescription[] {
    return describeDataset(this);
  }

  /** A short text rendering of the first rows. */
  toString(): string {
    const head = this.head(5).toRows();
    const lines = head.map((r) => this.columnNames.map((n) => String(r[n] instanceof Date ? (r[n] as Date).toISOString() : r[n])).join('\t'));
    return `Dataset ${this.numRows} rows x ${this.numColumns} columns\n${this.columnNames.join('\t')}\n${lines.join('\n')}`;
  }
}

function isColumn(value: unknown): value is Column {
  return value instanceof NumberColumn || value instanceof CategoryColumn || value instanceof BooleanColumn || value instanceof DateColumn;
}

function toColumn(name: string, values: ArrayLike<unknown> | Column, declared: Field | undefined, log: IssueLog, options: ParseOptions): Column {
  if (isColumn(values)) {
    if (declared !== undefined && declared.type !== values.type) {
      throw new MlopsError('SCHEMA_MISMATCH', `Column "${name}" is a ${values.type} column but the schema declares ${declared.type}.`);
    }
    return values.withName(name);
  }
  if ((values instanceof Float64Array || values instanceof Float32Array) && (declared === undefined || declared.type === 'number')) {
    // Zero-copy path: typed arrays are stored as they are unless a non-finite value
    // must be turned into a missing cell.
    let mask: Uint8Array | null = null;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) {
        if (options.nonFinite !== 'missing') {
          log.add({ row: i, column: name, value: String(v), reason: 'is not a finite number', code: 'DATA_NON_FINITE' });
        }
        mask ??= new Uint8Array(values.length);
        mask[i] = 1;
      }
    }
    if (mask === null) return new NumberColumn(name, values, null);
    const copy = values.slice();
    for (let i = 0; i < copy.length; i++) if (mask[i]) copy[i] = NaN;
    return new NumberColumn(name, copy, mask);
  }
  let field = declared;
  if (field === undefined) {
    const inf = new TypeInferrer(options.missingValues);
    for (let i = 0; i < values.length; i++) inf.add(values[i]);
    field = { name, type: inf.result(), nullable: true };
  }
  const b = new ColumnBuilder(field, log, options, values.length);
  for (let i = 0; i < values.length; i++) b.push(values[i], i);
  return b.finish();
}

function concatColumns(parts: Column[], first: Column, total: number): Column {
  const anyMissing = parts.some((p) => p.missingCount() > 0);
  const mask = anyMissing ? new Uint8Array(total) : null;
  let offset = 0;
  if (first.type === 'category') {
    const index = new Map<string, number>();
    const categories: string[] = [];
    const codes = new Int32Array(total);
    for (const p of parts as CategoryColumn[]) {
      const remap = p.categories.map((c) => {
        let k = index.get(c);
        if (k === undefined) {
          k = categories.length;
          categories.push(c);
          index.set(c, k);
        }
        return k;
      });
      for (let i = 0; i < p.length; i++) codes[offset + i] = p.codes[i] < 0 ? -1 : remap[p.codes[i]];
      offset += p.length;
    }
    return new CategoryColumn(first.name, codes, categories);
  }
  const values =
    first.type === 'boolean'
      ? new Uint8Array(total)
      : first.type === 'number' && first.values instanceof Float32Array && parts.every((p) => (p as NumberColumn).values instanceof Float32Array)
        ? new Float32Array(total)
        : new Float64Array(total);
  for (const p of parts as (NumberColumn | BooleanColumn | DateColumn)[]) {
    values.set(p.values, offset);
    if (mask !== null && p.missing !== null) mask.set(p.missing, offset);
    offset += p.length;
  }
  switch (first.type) {
    case 'number':
      return new NumberColumn(first.name, values as Float64Array, mask);
    case 'boolean':
      return new BooleanColumn(first.name, values as Uint8Array, mask);
    case 'date':
      return new DateColumn(first.name, values as Float64Array, mask);
  }
}
