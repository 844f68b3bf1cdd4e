/**
 * Parquet files, the `mlops-kit/dataset/parquet` entry. Reading uses `hyparquet` and
 * writing `hyparquet-writer`, both optional peer dependencies loaded on first use.
 *
 * | Parquet column                                   | Dataset column             |
 * |--------------------------------------------------|----------------------------|
 * | DOUBLE, FLOAT (kept as Float32Array), INT32, DECIMAL, FLOAT16 | number        |
 * | INT64                                            | number (exact below 2^53), or category with `int64: 'category'` |
 * | BOOLEAN                                          | boolean                    |
 * | STRING / UTF8, ENUM, UUID, plain BYTE_ARRAY (as UTF-8) | category             |
 * | DATE, TIMESTAMP (any unit), INT96                | date (epoch ms)            |
 *
 * Nested columns (lists, maps, structs), JSON, TIME and INTERVAL are not loaded: leave
 * them out with `columns`. Nulls are missing cells.
 *
 * @module
 */
import type { AsyncBuffer, SchemaElement } from 'hyparquet';
import type { SchemaElement as WriterSchemaElement } from 'hyparquet-writer';
import { MlopsError, throwIfAborted } from '../errors';
import { ColumnBuilder, IssueLog, type ParseOptions } from './builder';
import type { Column, ColumnType } from './column';
import { Dataset } from './dataset';
import { fileSourceError } from './io/byte-source';
import { importOptional } from '../optional';
import { checkLoadOptions } from './io/options';
import { fileURLToPath } from 'node:url';

/** Where a Parquet file comes from: a path, a `file:` URL, or its bytes. */
export type ParquetSource = string | URL | Uint8Array | ArrayBuffer;

/** Options for {@link readParquet}. */
export interface ReadParquetOptions extends Pick<ParseOptions, 'mode' | 'nonFinite' | 'maxErrors'> {
  /** Load only these columns, in this order (others are not even read from disk). */
  columns?: readonly string[];
  /**
   * INT64 columns: `'number'` (default) fails with `DATA_INVALID_VALUE` on a value
   * beyond ±2^53, which a float64 cannot hold exactly; `'category'` stores them as
   * decimal text (right for IDs).
   */
  int64?: 'number' | 'category';
  /** Cancels the load (`ABORTED`), checked between column chunks. */
  signal?: AbortSignal;
}

/** Options for {@link writeParquet}. */
export interface WriteParquetOptions {
  /** Rows per row group (default 100,000): smaller groups read with less memory. */
  rowGroupSize?: number;
  /** Compression (default `'SNAPPY'`; `'UNCOMPRESSED'` is the other built-in codec). */
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

type Kind = ColumnType | 'int64' | 'float32';

/** The Dataset type of a top-level Parquet column, or `null` when it has none. */
function kindOf(el: SchemaElement): Kind | null {
  const logical = el.logical_type?.type;
  const converted = el.converted_type;
  if (logical === 'DATE' || logical === 'TIMESTAMP' || converted === 'DATE' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || el.type === 'INT96') {
    return 'date';
  }
  if (logical === 'STRING' || logical === 'ENUM' || logical === 'UUID' || converted === 'UTF8' || converted === 'ENUM') return 'category';
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'number';
  if (logical !== undefined && logical !== 'INTEGER') return null;
  if (converted !== undefined && !/^U?INT_(8|16|32|64)$/.test(converted)) return null;
  switch (el.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'FLOAT':
      return 'float32';
    case 'INT32':
    case 'DOUBLE':
      return 'number';
    case 'INT64':
      return 'int64';
    case 'BYTE_ARRAY':
      return 'category';
    default:
      return null;
  }
}

function describeType(el: SchemaElement): string {
  return [el.type, el.logical_type?.type ?? el.converted_type].filter(Boolean).join(' ') || 'group (nested)';
}

async function openParquet(source: ParquetSource, hp: typeof import('hyparquet')): Promise<{ file: AsyncBuffer; label: string }> {
  if (typeof source === 'string' || source instanceof URL) {
    const path = source instanceof URL ? fileURLToPath(source) : source;
    try {
      return { file: await hp.asyncBufferFromFile(path), label: `Parquet file "${path}"` };
    } catch (err) {
      throw fileSourceError(path, 'Parquet', err);
    }
  }
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
  if (!(bytes instanceof Uint8Array)) {
    throw new MlopsError('INVALID_ARGUMENT', 'readParquet expects a file path, a file: URL, a Uint8Array or an ArrayBuffer.');
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { file: { byteLength: buffer.byteLength, slice: (start: number, end?: number) => buffer.slice(start, end) }, label: 'Parquet bytes' };
}

/**
 * Reads a Parquet file into a {@link Dataset}, one row group and column at a time: a
 * path is read by ranges (only the requested columns' bytes), never whole.
 *
 * @throws MlopsError `DEPENDENCY_MISSING` without hyparquet, `DATA_SOURCE` for an
 * unreadable file, `DATA_ENCODING` for bytes that are not Parquet,
 * `DATA_TYPE_MISMATCH` for a column a Dataset cannot hold, `DATA_COLUMN_NOT_FOUND`,
 * `DATA_NON_FINITE` (NaN/Infinity unless `nonFinite: 'missing'`), `DATA_INVALID_VALUE`
 * (INT64 beyond ±2^53), `ABORTED`.
 *
 * @example
 * ```ts
 * import { readParquet } from 'mlops-kit/dataset/parquet';
 * const ds = await readParquet('transactions.parquet', { columns: ['amount', 'country', 'fraud'] });
 * ```
 */
export async function readParquet(source: ParquetSource, options: ReadParquetOptions = {}): Promise<Dataset> {
  checkLoadOptions(options, 'readParquet');
  const hp = await importOptional<typeof import('hyparquet')>(() => import('hyparquet'), { package: 'hyparquet', feature: 'mlops-kit/dataset/parquet', probe: 'parquetMetadataAsync' });
  throwIfAborted(options.signal, 'Parquet load');
  const { file, label } = await openParquet(source, hp);
  let metadata;
  try {
    metadata = await hp.parquetMetadataAsync(file);
  } catch (err) {
    throw new MlopsError('DATA_ENCODING', `${label} is not a readable Parquet file (${(err as Error).message}).`, { cause: err });
  }
  const top = hp.parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  const wanted = options.columns ?? names;
  const absent = wanted.filter((c) => !names.includes(c));
  if (absent.length > 0) {
    throw new MlopsError('DATA_COLUMN_NOT_FOUND', `${label}: no column named ${absent.map((c) => `"${c}"`).join(', ')}. Columns in the file: ${names.map((c) => `"${c}"`).join(', ')}.`, {
      details: { missing: absent, available: names },
    });
  }
  const numRows = Number(metadata.num_rows);
  const log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, label);
  const parse: ParseOptions = { mode: options.mode, nonFinite: options.nonFinite, maxErrors: options.maxErrors, missingValues: [] };
  const int64AsText = options.int64 === 'category';
  const builders = wanted.map((name) => {
    const node = top[names.indexOf(name)];
    const kind = node.children.length > 0 ? null : kindOf(node.element);
    if (kind === null) {
      throw new MlopsError(
        'DATA_TYPE_MISMATCH',
        `${label}: column "${name}" is ${describeType(node.element)}, which a Dataset cannot hold (it holds numbers, booleans, text categories and dates). Leave it out with { columns: [...] }.`,
        { details: { column: name } },
      );
    }
    const type: ColumnType = kind === 'int64' ? (int64AsText ? 'category' : 'number') : kind === 'float32' ? 'number' : kind;
    return new ColumnBuilder({ name, type, nullable: true }, log, { ...parse, float32: kind === 'float32' }, numRows);
  });

  const scan = await hp.parquetScan({
    file,
    metadata,
    columns: [...wanted],
    parsers: {
      timestampFromMilliseconds: (v: bigint) => Number(v),
      timestampFromMicroseconds: (v: bigint) => Number(v) / 1e3,
      timestampFromNanoseconds: (v: bigint) => Number(v) / 1e6,
      dateFromDays: (days: number) => days * 86_400_000,
    },
  });
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (const range of scan.ranges) {
    for (let c = 0; c < wanted.length; c++) {
      throwIfAborted(options.signal, 'Parquet load');
      const values = await scan.readColumn({ column: wanted[c], rowStart: range.rowStart, rowEnd: range.rowEnd });
      const builder = builders[c];
      for (let i = 0; i < values.length; i++) {
        let v: unknown = values[i];
        if (typeof v === 'bigint') {
          if (int64AsText) v = v.toString();
          else if (v > max || v < -max) {
            throw new MlopsError(
              'DATA_INVALID_VALUE',
              `${label}: column "${wanted[c]}", row ${range.rowStart + i}: the 64-bit integer ${v} is beyond ±2^53, where a float64 (a number column) cannot hold it exactly. Pass { int64: 'category' } to load INT64 columns as text (right for IDs), or leave the column out with \`columns\`.`,
              { details: { column: wanted[c], row: range.rowStart + i } },
            );
          }
        }
        builder.push(v, range.rowStart + i);
      }
    }
  }
  log.finish();
  const columns: Column[] = builders.map((b) => b.finish());
  return new Dataset(columns, { loadIssues: log.issues, loadIssueCount: log.total, numRows });
}

/**
 * Writes a {@link Dataset} as Parquet bytes: numbers as DOUBLE (FLOAT when stored as
 * float32), categories as UTF-8 strings, booleans as BOOLEAN, dates as INT64 UTC
 * timestamps (milliseconds, or microseconds when a value has a fraction of a
 * millisecond). Missing cells are nulls. Readable by pyarrow, pandas, DuckDB, Spark.
 *
 * @throws MlopsError `DEPENDENCY_MISSING` without hyparquet-writer.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { writeParquet } from 'mlops-kit/dataset/parquet';
 * await writeFile('train.parquet', await writeParquet(train));
 * ```
 */
export async function writeParquet(ds: Dataset, options: WriteParquetOptions = {}): Promise<Uint8Array> {
  const hw = await importOptional<typeof import('hyparquet-writer')>(() => import('hyparquet-writer'), { package: 'hyparquet-writer', feature: 'writeParquet (mlops-kit/dataset/parquet)', probe: 'parquetWriteBuffer' });
  const schema: WriterSchemaElement[] = [{ name: 'root', num_children: ds.numColumns }];
  const columnData = ds.columns.map((column) => {
    const name = column.name;
    const repetition_type = 'OPTIONAL' as const;
    switch (column.type) {
      case 'number': {
        const float = column.values instanceof Float32Array;
        schema.push({ name, type: float ? 'FLOAT' : 'DOUBLE', repetition_type });
        return { name, data: column.missing === null ? column.values : column.toArray() };
      }
      case 'boolean':
        schema.push({ name, type: 'BOOLEAN', repetition_type });
        return { name, data: column.toArray() };
      case 'category':
        schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type });
        return { name, data: column.toArray() };
      case 'date': {
        const micro = column.values.some((v, i) => !column.isMissing(i) && !Number.isInteger(v));
        schema.push({ name, type: 'INT64', converted_type: micro ? 'TIMESTAMP_MICROS' : 'TIMESTAMP_MILLIS', repetition_type });
        const data = Array.from(column.values, (v, i) => (column.isMissing(i) ? null : BigInt(micro ? Math.round(v * 1000) : v)));
        return { name, data };
      }
    }
  });
  const buffer = hw.parquetWriteBuffer({ columnData, schema, rowGroupSize: options.rowGroupSize ?? 100_000, codec: options.codec ?? 'SNAPPY' });
  return new Uint8Array(buffer);
}
