/**
 * `createPredictHandler`: a model from the registry behind a web-standard
 * `(Request) => Promise<Response>` with health, readiness, metrics and hot reload.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ModelArtifact, PredictionRow } from '../artifact/index';
import { Predictions } from '../models/model';
import { validateAlias, validateModelName } from '../registry/names';
import { isJsonContentType, parseJson, readBodyText } from './body';
import { ServeMetrics } from './metrics';
import { CORE, fromWebRequest, toWebResponse, type ServeRequest, type ServeResponse } from './exchange';
import { ModelSlot, type ModelSource, type SlotEntry } from './model-slot';
import { errorBody, json, statusOf } from './responses';
import type { PredictHandler, PredictHandlerOptions, ServeEvent } from './types';

/** Default `maxBodyBytes`: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default `maxRows`. */
export const DEFAULT_MAX_ROWS = 10_000;

type Route = 'predict' | 'health' | 'ready' | 'metrics' | 'model' | 'other';
const ROUTES: readonly Route[] = ['predict', 'health', 'ready', 'metrics', 'model'];
/** Methods counted by name in the metrics; any other counts as `other` (bounded labels). */
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new MlopsError('INVALID_ARGUMENT', `createPredictHandler: ${name} must be a positive integer, got ${String(value)}.`);
  }
  return value;
}

/** The path of a request URL, without parsing the whole URL. */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  if (start < 0) return '/';
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0) end = q;
  const h = url.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  return url.slice(start, end);
}

function defaultOnEvent(event: ServeEvent): void {
  switch (event.type) {
    case 'model-rejected':
      console.warn(`[mlops-kit] ${event.error.message}${event.serving === null ? '' : ` Still serving ${event.serving.name}/${event.serving.version ?? '-'}.`}`);
      break;
    case 'load-error':
    case 'monitor-error':
      console.warn(`[mlops-kit] ${event.type}:`, event.error);
      break;
    case 'request-error':
      console.error(`[mlops-kit] request ${event.requestId} failed:`, event.error);
      break;
    default:
      break;
  }
}

/** Rows of a predict body: one row object, an array of rows, or `{ rows: [...] }`. */
function rowsOf(payload: unknown): { rows: unknown[]; single: boolean } {
  if (Array.isArray(payload)) return { rows: payload, single: false };
  if (typeof payload === 'object' && payload !== null) {
    const rows = (payload as { rows?: unknown }).rows;
    if (Array.isArray(rows)) return { rows, single: false };
    return { rows: [payload], single: true };
  }
  throw new MlopsError('SERVE_BAD_REQUEST', `The request body must be a row object, an array of rows or { "rows": [...] }, got ${payload === null ? 'null' : typeof payload}.`);
}

/** One row's outputs as a Predictions object, for the monitor. */
function predictionsOf(artifact: ModelArtifact, out: PredictionRow): Predictions {
  const task = artifact.task;
  if ('value' in out) return new Predictions(task, Float64Array.of(out.value), 1, undefined);
  const classes = artifact.classes!;
  const raw = task === 'binary' ? Float64Array.of(out.probabilities[String(classes[1])]) : Float64Array.from(classes, (c) => out.probabilities[String(c)]);
  return new Predictions(task, raw, raw.length, classes);
}

/**
 * Serves a model behind a web-standard handler, `(request: Request) => Promise<Response>`,
 * which runs in Node (through `mlops-kit/serve/node`), in serverless functions (AWS
 * Lambda), and in Deno and Bun.
 *
 * Routes (under `basePath`):
 * - `POST /predict`: JSON body, one row object (answer `{ model, prediction }`), or an
 *   array of rows or `{ "rows": [...] }` (answer `{ model, predictions: [...] }`).
 *   A prediction is `{ label, probabilities }` (classification) or `{ value }` (regression).
 * - `GET /health`: liveness, 200 while the process answers.
 * - `GET /ready`: readiness, 200 once a verified model is loaded, 503 before and while
 *   shutting down.
 * - `GET /model`: the served version, its signature and metrics.
 * - `GET /metrics`: Prometheus text (requests, latency histogram, errors, model info, reloads).
 *
 * Every response names the version that answered, in the body (`model`) and in the
 * `x-model-name`, `x-model-version`, `x-model-alias` and `x-model-digest` headers.
 * Errors are `{ "error": { code, message, details? } }`: 400 invalid JSON
 * (`SERVE_BAD_REQUEST`) or rows failing the signature (`PREDICT_INVALID_INPUT`, with
 * `details.issues` listing row, column and problem), 404, 405, 413 body or row count too
 * large, 415 not JSON, 503 no model yet, 500 anything else (no stack trace; the error
 * goes to `onEvent`).
 *
 * Hot reload: the alias is polled every `refreshMs`; a new version is loaded, its digest
 * checked, a warm-up prediction run and the `verify` hook called, all in the background;
 * then the handler switches to it in one step. A version that fails is not served, is
 * reported (`model-rejected`, the `model_reloads_total{result="failure"}` metric) and
 * the previous version keeps answering.
 *
 * @example
 * ```ts
 * import { Registry, createPredictHandler } from 'mlops-kit';
 * import { FsStore } from 'mlops-kit/storage/fs';
 * import { serve } from 'mlops-kit/serve/node';
 *
 * const registry = new Registry({ store: new FsStore({ root: './models' }) });
 * const handler = createPredictHandler({ registry, model: 'fraud', alias: 'production', refreshMs: 5000 });
 * await serve(handler, { port: 8080 });
 * // curl -H 'content-type: application/json' -d '{"amount": 120, "hour": 3}' localhost:8080/predict
 * ```
 */
export function createPredictHandler(options: PredictHandlerOptions): PredictHandler {
  if (typeof options !== 'object' || options === null) throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler needs options: { registry, model, alias } or { artifact }.');
  const maxBodyBytes = positiveInt(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES);
  const maxRows = positiveInt(options.maxRows, 'maxRows', DEFAULT_MAX_ROWS);
  const refreshMs = positiveInt(options.refreshMs, 'refreshMs', 5000);
  if (refreshMs < 10) throw new MlopsError('INVALID_ARGUMENT', `createPredictHandler: refreshMs must be at least 10, got ${refreshMs}.`);
  const base = options.basePath ?? '';
  if (typeof base !== 'string' || (base !== '' && (!base.startsWith('/') || base.endsWith('/')))) {
    throw new MlopsError('INVALID_ARGUMENT', `createPredictHandler: basePath must be '' or start with "/" and not end with one, e.g. '/v1', got ${JSON.stringify(base)}.`);
  }
  let source: ModelSource;
  if (options.artifact !== undefined) {
    if (options.registry !== undefined) throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler: pass either { artifact } or { registry, model, alias }, not both.');
    if (typeof options.artifact?.predict !== 'function') throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler: artifact must be a ModelArtifact.');
    source = { kind: 'artifact', artifact: options.artifact };
  } else {
    const registry = options.registry;
    if (registry === undefined || typeof registry.watch !== 'function' || typeof registry.load !== 'function') {
      throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler needs { registry, model, alias } (a Registry and the model to serve) or { artifact }.');
    }
    source = { kind: 'registry', registry, name: validateModelName(options.model), alias: validateAlias(options.alias ?? 'production', true), refreshMs };
  }
  const onEvent = options.onEvent ?? defaultOnEvent;
  const emit = (event: ServeEvent): void => {
    try {
      onEvent(event);
    } catch {
      // A failing log hook must not break serving.
    }
  };
  const now = options.now ?? Date.now;
  const metricsOptions = options.metrics === undefined || options.metrics === true ? {} : options.metrics === false ? null : options.metrics;
  let slot: ModelSlot;
  const metrics = metricsOptions === null ? null : new ServeMetrics(metricsOptions, () => slot.current !== null && !slot.closed);
  if (options.monitor !== undefined && typeof options.monitor !== 'function' && typeof options.monitor?.observe !== 'function') {
    throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler: monitor must have an observe(rows, { predictions }) method (a DriftMonitor), or be a function returning one per served version.');
  }
  slot = new ModelSlot(source, emit, metrics, options.verify, now, options.monitor);
  const paths = new Map<string, Route>(ROUTES.map((r) => [`${base}/${r}`, r]));

  const predict = async (request: ServeRequest, entry: SlotEntry): Promise<string> => {
    const type = request.header('content-type');
    if (!isJsonContentType(type)) {
      throw new MlopsError('SERVE_UNSUPPORTED_MEDIA_TYPE', `Send the rows as JSON with the header Content-Type: application/json (got ${JSON.stringify(type ?? 'none')}).`);
    }
    const { rows, single } = rowsOf(parseJson(await readBodyText(request, maxBodyBytes)));
    if (rows.length === 0) throw new MlopsError('SERVE_BAD_REQUEST', 'The request has no rows. Send a row object, or { "rows": [ ... ] } with at least one row.');
    if (rows.length > maxRows) {
      throw new MlopsError('SERVE_PAYLOAD_TOO_LARGE', `The request has ${rows.length} rows; the limit is ${maxRows}. Split it into smaller requests.`, { details: { rows: rows.length, limit: maxRows } });
    }
    const artifact = entry.model.artifact;
    const monitor = entry.sink;
    let body: string;
    let predictions: Predictions | undefined;
    if (single) {
      const out = artifact.pipeline !== undefined ? artifact.predictOne(rows[0] as Record<string, unknown>) : (await artifact.predict(rows[0] as Record<string, unknown>)).toRows()[0];
      body = `{"model":${entry.json},"prediction":${JSON.stringify(out)}}`;
      if (monitor !== undefined) predictions = predictionsOf(artifact, out);
    } else {
      predictions = await artifact.predict(rows as Record<string, unknown>[]);
      body = `{"model":${entry.json},"predictions":${JSON.stringify(predictions.toRows())}}`;
    }
    metrics?.predicted(entry.facts, rows.length);
    if (monitor !== undefined) {
      try {
        monitor.observe(rows as Record<string, unknown>[], { predictions: predictions! });
      } catch (error) {
        emit({ type: 'monitor-error', error });
      }
    }
    return body;
  };

  const info = (entry: SlotEntry): string => {
    const a = entry.model.artifact;
    return JSON.stringify({
      model: { name: entry.model.name, version: entry.model.version, alias: entry.model.alias, digest: entry.model.digest },
      type: a.type,
      task: a.task,
      target: a.target ?? null,
      classes: a.classes ?? null,
      loadedAt: entry.model.loadedAt,
      createdAt: a.manifest.createdAt,
      metrics: a.manifest.metrics ?? {},
      signature: a.signature,
    });
  };

  const route = async (request: ServeRequest, path: Route, entry: SlotEntry | null, requestId: string | null): Promise<ServeResponse> => {
    const method = request.method;
    const read = method === 'GET' || method === 'HEAD';
    const headers: Record<string, string> = entry === null ? {} : { ...entry.headers };
    if (requestId !== null) headers['x-request-id'] = requestId;
    const modelJson = entry === null ? null : entry.json;
    if (path === 'other') throw new MlopsError('SERVE_NOT_FOUND', `No route ${base}${pathOf(request.url).slice(base.length)}; routes are POST ${base}/predict, GET ${base}/health, ${base}/ready, ${base}/model${metrics === null ? '' : ` and ${base}/metrics`}.`);
    if (path === 'predict' ? method !== 'POST' : !read) {
      throw new MlopsError('SERVE_METHOD_NOT_ALLOWED', `${method} is not allowed on ${base}/${path}; use ${path === 'predict' ? 'POST' : 'GET'}.`, { details: { allow: path === 'predict' ? 'POST' : 'GET, HEAD' } });
    }
    switch (path) {
      case 'health':
        return json(200, modelJson === null ? '{"status":"ok"}' : `{"status":"ok","model":${modelJson}}`, headers);
      case 'ready':
        if (entry === null || slot.closed) {
          return json(503, `{"status":"not-ready","reason":${JSON.stringify(slot.closed ? 'shutting down' : 'no verified model loaded yet')}}`, { ...headers, 'retry-after': '1' });
        }
        return json(200, `{"status":"ready","model":${modelJson}}`, headers);
      case 'metrics':
        if (metrics === null) throw new MlopsError('SERVE_NOT_FOUND', `Metrics are turned off (metrics: false); routes are POST ${base}/predict, GET ${base}/health, ${base}/ready and ${base}/model.`);
        return { status: 200, body: await metrics.render(metricsOptions?.extra), headers: { ...headers, 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' } };
      case 'model':
        if (entry === null) throw new MlopsError('SERVE_NOT_READY', 'No verified model is loaded yet; retry shortly.');
        return json(200, info(entry), headers);
      default:
        if (entry === null || slot.closed) throw new MlopsError('SERVE_NOT_READY', slot.closed ? 'The server is shutting down; retry on another instance.' : 'No verified model is loaded yet; retry shortly.');
        return json(200, await predict(request, entry), headers);
    }
  };

  const core = async (request: ServeRequest): Promise<ServeResponse> => {
    const started = performance.now();
    if (metrics !== null) metrics.inFlight++;
    const path = paths.get(pathOf(request.url)) ?? 'other';
    const entry = slot.current;
    if (entry !== null) slot.acquire(entry);
    let requestId = request.header('x-request-id')?.slice(0, 200) ?? null;
    let response: ServeResponse;
    try {
      response = await route(request, path, entry, requestId);
    } catch (error) {
      const status = statusOf(error);
      if (status === 500) {
        requestId ??= crypto.randomUUID();
        emit({ type: 'request-error', requestId, error });
      }
      const headers: Record<string, string> = entry === null ? {} : { ...entry.headers };
      if (requestId !== null) headers['x-request-id'] = requestId;
      if (status === 503) headers['retry-after'] = '1';
      if (status === 405) headers.allow = (error as MlopsError).details?.allow as string;
      response = json(status, errorBody(error, status, requestId, entry === null ? null : entry.json), headers);
      metrics?.error(status === 500 ? 'INTERNAL' : (error as MlopsError).code);
    } finally {
      if (entry !== null) slot.release(entry);
      if (metrics !== null) metrics.inFlight--;
    }
    metrics?.request(path, METHODS.has(request.method) ? request.method : 'other', response.status, (performance.now() - started) / 1000);
    return response;
  };

  const handler = async (request: Request): Promise<Response> => toWebResponse(await core(fromWebRequest(request)), request.method === 'HEAD');
  slot.start();
  const api = Object.assign(handler, {
    [CORE]: core,
    ready: slot.ready,
    refresh: () => slot.refresh(),
    close: () => slot.close(),
    [Symbol.asyncDispose]: () => slot.close(),
  });
  Object.defineProperty(api, 'model', { get: () => slot.current?.model ?? null, enumerable: true });
  return api as unknown as PredictHandler;
}
