/**
 * Defaults and validation for the options the streaming loaders share.
 *
 * @module
 */
import { MlopsError } from '../../errors';

/** Rows looked at to infer a column's type when it is not declared. */
export const DEFAULT_INFER_SAMPLE_SIZE = 10_000;
/** Largest row (CSV) or line (NDJSON), in bytes. */
export const DEFAULT_MAX_ROW_BYTES = 64 << 20;

function fail(where: string, message: string): never {
  throw new MlopsError('INVALID_ARGUMENT', `${where}: ${message}`);
}

function isPositiveCount(value: unknown, allowInfinity: boolean): boolean {
  return typeof value === 'number' && value >= 1 && (Number.isInteger(value) || (allowInfinity && value === Infinity));
}

/**
 * Checks the shared loader options up front, so a typo fails before any byte is read.
 * @internal
 */
export function checkLoadOptions(input: object, where: string): void {
  if (typeof input !== 'object' || input === null) fail(where, 'options must be an object.');
  const options = input as Record<string, unknown>;
  if (options.mode !== undefined && options.mode !== 'strict' && options.mode !== 'coerce') {
    fail(where, `mode must be 'strict' or 'coerce'; got ${JSON.stringify(options.mode)}.`);
  }
  if (options.nonFinite !== undefined && options.nonFinite !== 'error' && options.nonFinite !== 'missing') {
    fail(where, `nonFinite must be 'error' or 'missing'; got ${JSON.stringify(options.nonFinite)}.`);
  }
  if (options.missingValues !== undefined && !(Array.isArray(options.missingValues) && options.missingValues.every((v) => typeof v === 'string'))) {
    fail(where, 'missingValues must be an array of strings.');
  }
  if (options.inferSampleSize !== undefined && !isPositiveCount(options.inferSampleSize, true)) {
    fail(where, `inferSampleSize must be a whole number >= 1 (or Infinity); got ${String(options.inferSampleSize)}.`);
  }
  if (options.maxErrors !== undefined && !isPositiveCount(options.maxErrors, false)) {
    fail(where, `maxErrors must be a whole number >= 1; got ${String(options.maxErrors)}.`);
  }
  for (const key of Object.keys(options)) {
    if (/^max.*Bytes$|^maxColumns$/.test(key) && options[key] !== undefined && !isPositiveCount(options[key], false)) {
      fail(where, `${key} must be a whole number >= 1; got ${String(options[key])}.`);
    }
  }
  if (options.columns !== undefined) {
    const cols = options.columns;
    if (!Array.isArray(cols) || cols.length === 0 || !cols.every((c) => typeof c === 'string')) fail(where, 'columns must be a non-empty array of column names.');
    if (new Set(cols).size !== cols.length) fail(where, 'columns lists a name twice.');
  }
  if (options.int64 !== undefined && options.int64 !== 'number' && options.int64 !== 'category') {
    fail(where, `int64 must be 'number' or 'category'; got ${JSON.stringify(options.int64)}.`);
  }
  if (options.signal !== undefined && !(typeof options.signal === 'object' && options.signal !== null && 'aborted' in options.signal)) {
    fail(where, 'signal must be an AbortSignal.');
  }
}
