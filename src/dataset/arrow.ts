/**
 * Apache Arrow interop, the `mlops-kit/dataset/arrow` entry. `apache-arrow` is an
 * optional peer dependency, loaded only by the functions that build Arrow objects;
 * {@link fromArrow} reads any Arrow table structurally and needs no import at all.
 *
 * | Arrow type                                  | Dataset column                |
 * |---------------------------------------------|-------------------------------|
 * | Float64, Float32 (kept as Float32Array)     | number                        |
 * | Float16, Int8..Int32, Uint8..Uint32         | number                        |
 * | Int64, Uint64 (bigint)                      | number (exact below 2^53), or category with `int64: 'category'` |
 * | Bool                                        | boolean                       |
 * | Utf8, LargeUtf8, Utf8View, Dictionary<Utf8> | category                      |
 * | Date (day, ms), Timestamp (any unit)        | date (epoch ms)               |
 * | Null                                        | number, all missing           |
 *
 * Arrow nulls are missing cells; strings are never read as missing-value tokens.
 *
 * @module
 */
import type { Table } from 'apache-arrow';
import { MlopsError } from '../errors';
import { ColumnBuilder, IssueLog, type ParseOptions } from './builder';
import { NumberColumn, type Column, type ColumnType } from './column';
import { Dataset } from './dataset';
import { fileSourceError } from './io/byte-source';
import { importOptional } from '../optional';
import { checkLoadOptions } from './io/options';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The parts of an Arrow `DataType` that {@link fromArrow} reads. */
export interface ArrowTypeLike {
  readonly typeId: number;
  readonly bitWidth?: number;
  readonly precision?: number;
  readonly dictionary?: ArrowTypeLike;
  toString(): string;
}

/** The parts of an Arrow `Data` chunk that {@link fromArrow} reads. */
export interface ArrowDataLike {
  readonly length: number;
  readonly offset: number;
  readonly nullCount: number;
  readonly values: unknown;
  readonly nullBitmap?: Uint8Array | null;
}

/** The parts of an Arrow `Vector` that {@link fromArrow} reads. */
export interface ArrowVectorLike extends Iterable<unknown> {
  readonly length: number;
  readonly data: readonly ArrowDataLike[];
}

/**
 * The parts of an Arrow `Table` (or `RecordBatch`) that {@link fromArrow} reads, so any
 * apache-arrow version (15 or later) works without loading the package.
 */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string; readonly type: ArrowTypeLike }[] };
  getChildAt(index: number): ArrowVectorLike | null;
}

/** Options for {@link fromArrow} and {@link readArrowIPC}. */
export interface FromArrowOptions extends Pick<ParseOptions, 'mode' | 'nonFinite' | 'maxErrors'> {
  /** Load only these columns, in this order. */
  columns?: readonly string[];
  /**
   * 64-bit integer columns: `'number'` (default) stores them as float64 and fails with
   * `DATA_INVALID_VALUE` on a value beyond ±2^53, which a float64 cannot hold exactly;
   * `'category'` stores them as decimal text (right for IDs).
   */
  int64?: 'number' | 'category';
}

// Arrow's type ids (the format's `Type` enum; stable across apache-arrow versions).
const NULL = 1;
const INT = 2;
const FLOAT = 3;
const UTF8 = 5;
const BOOL = 6;
const DATE = 8;
const TIMESTAMP = 10;
const LARGE_UTF8 = 20;
const UTF8_VIEW = 24;
const DICTIONARY = -1;

type Kind = 'float64' | 'float32' | 'int' | 'int64' | ColumnType;

function kindOf(type: ArrowTypeLike): Kind | null {
  switch (type.typeId) {
    case FLOAT:
      return type.precision === 2 ? 'float64' : type.precision === 1 ? 'float32' : 'number';
    case INT:
      return type.bitWidth === 64 ? 'int64' : 'int';
    case BOOL:
      return 'boolean';
    case UTF8:
    case LARGE_UTF8:
    case UTF8_VIEW:
      return 'category';
    case DATE:
    case TIMESTAMP:
      return 'date';
    case NULL:
      return 'number';
    case DICTIONARY: {
      const inner = type.dictionary === undefined ? null : kindOf(type.dictionary);
      return inner === 'float64' || inner === 'float32' || inner === 'int' || inner === 'int64' ? 'number' : inner;
    }
    default:
      return null;
  }
}

function isNull(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] >> (index & 7)) & 1) === 0;
}

/** Float and 8-32-bit integer columns, copied chunk by chunk straight from the buffers. */
function numberColumn(name: string, vector: ArrowVectorLike, float32: boolean, log: IssueLog, nonFiniteMissing: boolean): NumberColumn {
  const n = vector.length;
  const out = float32 ? new Float32Array(n) : new Float64Array(n);
  let mask: Uint8Array | null = null;
  let row = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number>;
    const bitmap = data.nullCount > 0 && data.nullBitmap ? data.nullBitmap : null;
    for (let i = 0; i < data.length; i++, row++) {
      const v = values[i];
      if (bitmap !== null && isNull(bitmap, data.offset + i)) {
        out[row] = NaN;
        (mask ??= new Uint8Array(n))[row] = 1;
      } else if (v - v !== 0) {
        if (!nonFiniteMissing) log.add({ row, column: name, value: String(v), reason: 'is not a finite number', code: 'DATA_NON_FINITE' });
        out[row] = NaN;
        (mask ??= new Uint8Array(n))[row] = 1;
      } else out[row] = v;
    }
  }
  return new NumberColumn(name, out, mask);
}

function unsafeInteger(name: string, row: number, value: bigint): never {
  throw new MlopsError(
    'DATA_INVALID_VALUE',
    `Arrow column "${name}", row ${row}: the 64-bit integer ${value} is beyond ±2^53, where a float64 (a number column) cannot hold it exactly. Pass { int64: 'category' } to load 64-bit integer columns as text (right for IDs), or leave the column out with \`columns\`.`,
    { details: { column: name, row, value: String(value) } },
  );
}

/** Every other supported type, value by value through the typed column builder. */
function builtColumn(name: string, vector: ArrowVectorLike, type: ColumnType, log: IssueLog, options: ParseOptions, int64AsText: boolean): Column {
  const builder = new ColumnBuilder({ name, type, nullable: true }, log, { ...options, missingValues: [] }, vector.length);
  let row = 0;
  for (const raw of vector) {
    let v = raw;
    if (typeof v === 'bigint') {
      if (int64AsText) v = v.toString();
      else if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) unsafeInteger(name, row, v);
    }
    builder.push(v, row);
    row++;
  }
  return builder.finish();
}

/**
 * Converts an Apache Arrow `Table` (or `RecordBatch`) to a {@link Dataset}. Needs no
 * import of apache-arrow: the table is read through its public structure.
 *
 * @throws MlopsError `DATA_TYPE_MISMATCH` for a column type a Dataset cannot hold
 * (lists, structs, decimals, binary, ...), `DATA_NON_FINITE` for NaN/Infinity unless
 * `nonFinite: 'missing'`, `DATA_INVALID_VALUE` for 64-bit integers beyond ±2^53,
 * `DATA_COLUMN_NOT_FOUND` for an unknown name in `columns`.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from 'apache-arrow';
 * import { fromArrow, toArrow } from 'mlops-kit/dataset/arrow';
 * const ds = fromArrow(tableFromArrays({ amount: new Float64Array([1.5, 2]), country: ['DE', 'US'] }));
 * const table = await toArrow(ds); // and back
 * ```
 */
export function fromArrow(table: ArrowTableLike, options: FromArrowOptions = {}): Dataset {
  if (typeof table !== 'object' || table === null || typeof table.getChildAt !== 'function' || !Array.isArray(table.schema?.fields)) {
    throw new MlopsError('INVALID_ARGUMENT', 'fromArrow expects an apache-arrow Table or RecordBatch.');
  }
  checkLoadOptions(options, 'fromArrow');
  const fields = table.schema.fields;
  const names = fields.map((f) => f.name);
  const wanted = options.columns ?? names;
  const missing = wanted.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new MlopsError('DATA_COLUMN_NOT_FOUND', `fromArrow: no column named ${missing.map((c) => `"${c}"`).join(', ')}. Columns in the table: ${names.map((c) => `"${c}"`).join(', ')}.`, {
      details: { missing, available: names },
    });
  }
  const log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, 'fromArrow');
  const parse: ParseOptions = { mode: options.mode, nonFinite: options.nonFinite, maxErrors: options.maxErrors };
  const columns = wanted.map((name) => {
    const index = names.indexOf(name);
    const type = fields[index].type;
    const vector = table.getChildAt(index) as ArrowVectorLike;
    const kind = kindOf(type);
    switch (kind) {
      case null:
        throw new MlopsError(
          'DATA_TYPE_MISMATCH',
          `fromArrow: column "${name}" has Arrow type ${String(type)}, which a Dataset cannot hold (it holds numbers, booleans, text categories and dates). Leave it out with { columns: [...] }, or cast it before loading.`,
          { details: { column: name, arrowType: String(type) } },
        );
      case 'float64':
      case 'float32':
      case 'int':
        return numberColumn(name, vector, kind === 'float32', log, options.nonFinite === 'missing');
      case 'int64':
        return builtColumn(name, vector, options.int64 === 'category' ? 'category' : 'number', log, parse, options.int64 === 'category');
      default:
        return builtColumn(name, vector, kind, log, parse, false);
    }
  });
  log.finish();
  return new Dataset(columns, { loadIssues: log.issues, loadIssueCount: log.total, numRows: table.numRows });
}

function loadArrow(): Promise<typeof import('apache-arrow')> {
  return importOptional(() => import('apache-arrow'), { package: 'apache-arrow', feature: 'mlops-kit/dataset/arrow', probe: 'tableFromIPC' });
}

function validityBitmap(column: Column): { bitmap: Uint8Array | undefined; nullCount: number } {
  const n = column.length;
  const nullCount = column.missingCount();
  if (nullCount === 0) return { bitmap: undefined, nullCount };
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (!column.isMissing(i)) bitmap[i >> 3] |= 1 << (i & 7);
  return { bitmap, nullCount };
}

/**
 * Converts a {@link Dataset} to an Apache Arrow `Table`: numbers as Float64 (Float32 when
 * stored so), categories as Dictionary<Int32, Utf8>, booleans as Bool, dates as
 * Timestamp in UTC (milliseconds, or microseconds when a value has a fraction of a
 * millisecond). Missing cells are Arrow nulls. Number buffers are shared, not copied.
 *
 * @throws MlopsError `DEPENDENCY_MISSING` when apache-arrow is not installed.
 */
export async function toArrow(ds: Dataset): Promise<Table> {
  const arrow = await loadArrow();
  const n = ds.numRows;
  const fields = [];
  const children = [];
  for (const column of ds.columns) {
    const { bitmap, nullCount } = validityBitmap(column);
    let data;
    switch (column.type) {
      case 'number':
        data =
          column.values instanceof Float32Array
            ? arrow.makeData({ type: new arrow.Float32(), length: n, nullCount, nullBitmap: bitmap, data: column.values })
            : arrow.makeData({ type: new arrow.Float64(), length: n, nullCount, nullBitmap: bitmap, data: column.values });
        break;
      case 'boolean': {
        const bits = new Uint8Array((n + 7) >> 3);
        for (let i = 0; i < n; i++) if (column.values[i] === 1) bits[i >> 3] |= 1 << (i & 7);
        data = arrow.makeData({ type: new arrow.Bool(), length: n, nullCount, nullBitmap: bitmap, data: bits });
        break;
      }
      case 'date': {
        const micro = column.values.some((v, i) => !column.isMissing(i) && !Number.isInteger(v));
        const ticks = new BigInt64Array(n);
        for (let i = 0; i < n; i++) if (!column.isMissing(i)) ticks[i] = BigInt(micro ? Math.round(column.values[i] * 1000) : column.values[i]);
        data = micro
          ? arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, nullCount, nullBitmap: bitmap, data: ticks })
          : arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: n, nullCount, nullBitmap: bitmap, data: ticks });
        break;
      }
      case 'category': {
        const codes = new Int32Array(n);
        for (let i = 0; i < n; i++) codes[i] = Math.max(0, column.codes[i]);
        const dictionary = arrow.vectorFromArray([...column.categories], new arrow.Utf8());
        data = arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), length: n, nullCount, nullBitmap: bitmap, data: codes, dictionary });
        break;
      }
    }
    fields.push(new arrow.Field(column.name, data.type, true));
    children.push(data);
  }
  const schema = new arrow.Schema(fields);
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children }));
  return new arrow.Table(schema, [batch]);
}

/**
 * Reads an Arrow IPC file or stream (`.arrow`, `.feather` v2) from bytes, a path or a
 * `file:` URL into a {@link Dataset}. The file is read whole (Arrow IPC is not
 * streamed row by row).
 *
 * @throws MlopsError `DATA_SOURCE` for an unreadable file, `DATA_ENCODING` for bytes
 * that are not Arrow IPC, and what {@link fromArrow} throws.
 */
export async function readArrowIPC(source: Uint8Array | ArrayBuffer | string | URL, options: FromArrowOptions = {}): Promise<Dataset> {
  const arrow = await loadArrow();
  let bytes: Uint8Array;
  if (typeof source === 'string' || source instanceof URL) {
    const path = source instanceof URL ? fileURLToPath(source) : source;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw fileSourceError(path, 'Arrow', err);
    }
  } else bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
  let table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (err) {
    throw new MlopsError('DATA_ENCODING', `The input is not Arrow IPC data (${(err as Error).message}).`, { cause: err });
  }
  return fromArrow(table, options);
}

/**
 * Serialises a {@link Dataset} as Arrow IPC bytes: `'file'` (default, `.arrow`) or
 * `'stream'` format. Readable by pyarrow, pandas, polars, DuckDB.
 */
export async function toArrowIPC(ds: Dataset, options: { format?: 'file' | 'stream' } = {}): Promise<Uint8Array> {
  const arrow = await loadArrow();
  return arrow.tableToIPC(await toArrow(ds), options.format ?? 'file');
}
