/**
 * Public types of the prediction handler.
 *
 * @module
 */
import type { ModelArtifact } from '../artifact/index';
import type { MlopsError } from '../errors';
import type { ObserveOptions } from '../monitor/index';
import type { ServeMetricsOptions } from './metrics';
import type { ServingRegistry } from './model-slot';

/** The model version a handler is serving. */
export interface ServedModel {
  /** Registry model name (or, for a fixed artifact, its manifest name). */
  readonly name: string;
  /** The alias followed, or `null` for a fixed artifact. */
  readonly alias: string | null;
  /** Registry version number, or `null` for a fixed artifact. */
  readonly version: number | null;
  /** SHA-256 of the artifact. */
  readonly digest: string;
  /** Model family (`gbdt`, `logistic`, ...). */
  readonly type: string;
  /** What it predicts. */
  readonly task: string;
  /** When the handler switched to it (ISO-8601). */
  readonly loadedAt: string;
  /** The loaded artifact. */
  readonly artifact: ModelArtifact;
}

/** Identity of a version being verified, as the `verify` hook receives it. */
export interface CandidateModel {
  /** Model name. */
  name: string;
  /** Version number (`null` for a fixed artifact). */
  version: number | null;
  /** Digest recorded by the registry. */
  digest: string;
}

/**
 * An extra check of a loaded version before it is served, e.g. a smoke test on known
 * rows or "the signature still has the columns our clients send". Throw to refuse the
 * version: the handler keeps serving the current one and reports `model-rejected`.
 */
export type VerifyHook = (artifact: ModelArtifact, candidate: CandidateModel) => void | Promise<void>;

/** What a handler reports to `onEvent` (default: failures are written to `console.warn`). */
export type ServeEvent =
  | {
      /** A version was loaded, verified and switched to. */
      type: 'model-loaded';
      model: ServedModel;
      /** The version it replaced. */
      previous: ServedModel | null;
    }
  | {
      /** A version failed to load or verify and is not served (code `SERVE_RELOAD_FAILED`). It is not retried until the alias moves again. */
      type: 'model-rejected';
      name: string;
      version: number | null;
      digest: string;
      error: MlopsError;
      /** The version still served, if any. */
      serving: ServedModel | null;
    }
  | {
      /** Polling the registry or loading a version failed for a reason that may pass (a store outage); retried on the next poll. */
      type: 'load-error';
      error: unknown;
    }
  | {
      /** The watched alias was removed; the handler keeps serving the version it has. */
      type: 'alias-removed';
      name: string;
      alias: string;
    }
  | {
      /** `monitor.observe` threw; the prediction was still answered. */
      type: 'monitor-error';
      error: unknown;
    }
  | {
      /** A request failed with a 500. The response says only "internal error" and the request id; the error is here. */
      type: 'request-error';
      requestId: string;
      error: unknown;
    };

/** Anything predictions can flow into: a `DriftMonitor`, or your own sink. */
export interface PredictionSink {
  /** Receives each request's rows and the model's predictions for them. */
  observe(rows: readonly Record<string, unknown>[], options: Pick<ObserveOptions, 'predictions'>): unknown;
}

/** Options of {@link createPredictHandler}. */
export interface PredictHandlerOptions {
  /** The registry to serve from (with `model` and `alias`). */
  registry?: ServingRegistry;
  /** Model name in the registry. */
  model?: string;
  /** Alias to follow (default `'production'`). */
  alias?: string;
  /** How often to poll the alias, in milliseconds (default 5000; stores that push notices react at once). */
  refreshMs?: number;
  /** Serve this one artifact instead of a registry alias (no reloading). */
  artifact?: ModelArtifact;
  /** Largest request body in bytes (default 1 MiB); larger bodies get 413 without being read further. */
  maxBodyBytes?: number;
  /** Most rows in one request (default 10,000); more get 413. */
  maxRows?: number;
  /**
   * Every prediction's rows and outputs flow into this, typically a `DriftMonitor`;
   * call `monitor.check()` on your own schedule. A function is called with each version
   * the handler switches to and returns that version's sink, so the drift reference
   * follows the served model: `monitor: (m) => new DriftMonitor({ reference: m.artifact })`.
   */
  monitor?: PredictionSink | ((model: ServedModel) => PredictionSink | undefined);
  /** `GET /metrics` in the Prometheus text format (default `true`); `false` turns the route off. */
  metrics?: boolean | ServeMetricsOptions;
  /** Prefix of every route, e.g. `'/v1'` (default: none). */
  basePath?: string;
  /** An extra check of each version before it is served. */
  verify?: VerifyHook;
  /** Receives loads, rejected versions and failures, for logs and alerts. */
  onEvent?: (event: ServeEvent) => void;
  /** Milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/**
 * A web-standard request handler, `(request) => Promise<Response>`, with the served
 * model's state and lifecycle.
 */
export interface PredictHandler {
  /** Answers one request. Never rejects: every failure becomes a JSON error response. */
  (request: Request): Promise<Response>;
  /** Settles when the first verified model is being served (rejects if the handler is closed first). */
  readonly ready: Promise<ServedModel>;
  /** The version served now, or `null` before the first load. */
  readonly model: ServedModel | null;
  /** Polls the alias now instead of waiting for the next poll. */
  refresh(): Promise<void>;
  /** Stops polling; `/ready` answers 503 and new predictions are refused while in-flight ones finish. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
