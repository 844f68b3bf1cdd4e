/**
 * NDJSON loading. (Being replaced by the streaming loader.)
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ParseOptions } from './builder';
import type { Dataset } from './dataset';
import type { SchemaInput } from './schema';

/** Where NDJSON comes from: a file path, NDJSON text (a string containing a newline), bytes, or a byte stream. */
export type NDJSONSource = string | URL | Uint8Array | ReadableStream<Uint8Array> | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Options for {@link readNDJSON}. */
export interface NDJSONOptions extends ParseOptions {
  /** Declared column types (some or all columns); others are inferred. */
  schema?: SchemaInput;
  /** Rows looked at to infer undeclared types (default 10,000). */
  inferSampleSize?: number;
  /** Cancels the load. */
  signal?: AbortSignal;
}

/** @internal */
export async function readNDJSON(_source: NDJSONSource, _options: NDJSONOptions): Promise<Dataset> {
  throw new MlopsError('NOT_IMPLEMENTED', 'NDJSON loading is not available yet.');
}
