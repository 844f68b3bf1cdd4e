/**
 * CSV loading. (Being replaced by the streaming loader.)
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ParseOptions } from './builder';
import type { Dataset } from './dataset';
import type { SchemaInput } from './schema';

/** Where CSV comes from: a file path, CSV text (a string containing a newline), bytes, or a byte stream. */
export type CSVSource = string | URL | Uint8Array | ReadableStream<Uint8Array> | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Options for {@link readCSV}. */
export interface CSVOptions extends ParseOptions {
  /** Declared column types (some or all columns); others are inferred. */
  schema?: SchemaInput;
  /** Rows looked at to infer undeclared types (default 10,000). */
  inferSampleSize?: number;
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** `true` (default): the first row names the columns. `false`: columns are `column_1`, ... . An array: these names, and the first row is data. */
  header?: boolean | string[];
  /** Cancels the load. */
  signal?: AbortSignal;
}

/** @internal */
export async function readCSV(_source: CSVSource, _options: CSVOptions): Promise<Dataset> {
  throw new MlopsError('NOT_IMPLEMENTED', 'CSV loading is not available yet.');
}
