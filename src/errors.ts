/**
 * Every failure the SDK reports on purpose is an {@link MlopsError} with a stable
 * string {@link ErrorCode}. Codes never change meaning between releases; messages may
 * be reworded. Programs branch on `error.code`; people read `error.message`, which
 * says what was wrong and how to fix it.
 *
 * @module
 */

/**
 * The closed set of error codes, grouped by the part of the SDK that raises them.
 *
 * - `INVALID_ARGUMENT`: an option or argument has the wrong type or value.
 * - `NOT_IMPLEMENTED`: the feature exists in the API but not for this input.
 * - `ABORTED`: an AbortSignal fired.
 * - `DEPENDENCY_MISSING`: an optional package is needed and not installed.
 * - Data (`DATA_*`, `SCHEMA_*`, `CSV_*`): loading, schema and column problems.
 * - `PIPELINE_*`: preprocessing fit/transform problems.
 * - `BACKEND_*`: compute-backend selection.
 * - `TRAIN_*`: training problems (bad target, too few rows, diverged).
 * - `METRIC_*`, `GATE_*`, `COMPARE_*`, `REPORT_*`: evaluation input, gate rules,
 *   comparisons of reports from different data, unreadable report documents.
 * - `ARTIFACT_*`: artifact file format and integrity.
 * - `PREDICT_*`: prediction input that does not match a model's signature.
 * - `REGISTRY_*`, `STORE_*`: registry and storage adapters.
 * - `MONITOR_*`: drift monitoring.
 * - `SERVE_*`: the prediction handler.
 * - `CLI_USAGE`: the `mlops-kit` command was called with unknown or missing arguments.
 */
export type ErrorCode =
  // general
  | 'INVALID_ARGUMENT'
  | 'NOT_IMPLEMENTED'
  | 'ABORTED'
  | 'DEPENDENCY_MISSING'
  | 'INTERNAL'
  // data
  | 'DATA_EMPTY'
  | 'DATA_COLUMN_NOT_FOUND'
  | 'DATA_DUPLICATE_COLUMN'
  | 'DATA_LENGTH_MISMATCH'
  | 'DATA_TYPE_MISMATCH'
  | 'DATA_INVALID_VALUE'
  | 'DATA_NON_FINITE'
  | 'DATA_ENCODING'
  | 'DATA_TOO_LARGE'
  | 'DATA_SOURCE'
  | 'SCHEMA_MISMATCH'
  | 'SCHEMA_VIOLATION'
  | 'CSV_PARSE'
  | 'CSV_RAGGED_ROW'
  | 'NDJSON_PARSE'
  | 'SPLIT_INVALID'
  // preprocessing
  | 'PIPELINE_UNSEEN_CATEGORY'
  | 'PIPELINE_INVALID'
  // backends
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_NOT_FOUND'
  // training
  | 'TRAIN_TARGET_MISSING'
  | 'TRAIN_TARGET_INVALID'
  | 'TRAIN_TARGET_CONSTANT'
  | 'TRAIN_NO_FEATURES'
  | 'TRAIN_TOO_FEW_ROWS'
  | 'TRAIN_DIVERGED'
  | 'TRAIN_INVALID_PARAMS'
  // evaluation
  | 'METRIC_INVALID_INPUT'
  | 'METRIC_UNDEFINED'
  | 'GATE_INVALID'
  | 'COMPARE_INCOMPATIBLE'
  | 'REPORT_INVALID'
  // artifacts
  | 'ARTIFACT_CORRUPT'
  | 'ARTIFACT_INTEGRITY'
  | 'ARTIFACT_UNSUPPORTED_VERSION'
  | 'ARTIFACT_TOO_LARGE'
  | 'ARTIFACT_UNSUPPORTED_MODEL'
  | 'ONNX_EXPORT'
  | 'ONNX_IMPORT'
  // prediction
  | 'PREDICT_INVALID_INPUT'
  // registry and storage
  | 'REGISTRY_INVALID_NAME'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_CONFLICT'
  | 'REGISTRY_ALIAS_IN_USE'
  | 'REGISTRY_GATE_FAILED'
  | 'REGISTRY_INTEGRITY'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CONFLICT'
  | 'STORE_CORRUPT'
  // monitoring
  | 'MONITOR_INVALID_INPUT'
  | 'MONITOR_NO_DATA'
  | 'MONITOR_INCOMPATIBLE'
  // serving
  | 'SERVE_NOT_READY'
  | 'SERVE_BAD_REQUEST'
  | 'SERVE_UNSUPPORTED_MEDIA_TYPE'
  | 'SERVE_PAYLOAD_TOO_LARGE'
  | 'SERVE_NOT_FOUND'
  | 'SERVE_METHOD_NOT_ALLOWED'
  | 'SERVE_RELOAD_FAILED'
  // command line
  | 'CLI_USAGE';

const BRAND = Symbol.for('mlops-kit.MlopsError');

/** Options accepted by the {@link MlopsError} constructor. */
export interface MlopsErrorOptions {
  /** Structured, JSON-serialisable facts about the failure (row, column, value, ...). */
  details?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class of the SDK.
 *
 * `instanceof MlopsError` works even when two copies of the library are loaded in one
 * process (the ESM and the CJS build, say): the check is a brand, not a prototype
 * comparison.
 *
 * @example
 * ```ts
 * import { MlopsError, Dataset } from 'mlops-kit';
 * try {
 *   Dataset.fromRows([{ a: 1 }]).column('b');
 * } catch (err) {
 *   if (err instanceof MlopsError && err.code === 'DATA_COLUMN_NOT_FOUND') {
 *     console.error(err.message); // says which columns exist
 *   }
 * }
 * ```
 */
export class MlopsError extends Error {
  /** Stable, machine-readable code. */
  readonly code: ErrorCode;
  /** Structured facts about the failure; safe to log and to serialise. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: MlopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlopsError';
    this.code = code;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** Brand check so `instanceof` survives duplicate copies of the library. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A plain object for logs and HTTP error bodies (no stack trace). */
  toJSON(): { name: string; code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { name: this.name, code: this.code, message: this.message }
      : { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True when `value` is an {@link MlopsError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isMlopsError(err, 'ARTIFACT_INTEGRITY')) alertOnCall(err.message);
 * ```
 */
export function isMlopsError(value: unknown, code?: ErrorCode): value is MlopsError {
  return value instanceof MlopsError && (code === undefined || value.code === code);
}

/** Throws an `ABORTED` MlopsError when the signal has fired. @internal */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) {
    throw new MlopsError('ABORTED', `The ${what} was cancelled by its AbortSignal.`, {
      cause: signal.reason,
    });
  }
}
