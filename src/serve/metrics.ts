/**
 * The prediction handler's Prometheus metrics, written in the text exposition format
 * (version 0.0.4) without prom-client, so the core stays free of optional dependencies.
 * To serve the drift monitor's prom-client metrics on the same endpoint, pass
 * `metrics: { extra: () => promRegistry.metrics() }`.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** Latency buckets in seconds: 0.25 ms to 2.5 s. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = Object.freeze([0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);

/** Options of the `/metrics` endpoint. */
export interface ServeMetricsOptions {
  /** Metric name prefix (default `'mlops_'`). */
  prefix?: string;
  /** Upper bounds of the latency histogram buckets, in seconds (default 0.25 ms to 2.5 s). */
  buckets?: readonly number[];
  /**
   * More exposition text appended to every scrape, e.g. the drift monitor's metrics:
   * `extra: () => promRegistry.metrics()` with `createDriftMetrics` from
   * `mlops-kit/monitor/prometheus`.
   */
  extra?: () => string | Promise<string>;
}

/** The facts the model gauges describe. @internal */
export interface ModelFacts {
  name: string;
  alias: string | null;
  version: number | null;
  digest: string;
  type: string;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Record<string, string>): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
};
const num = (v: number): string => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

class Histogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += v;
    this.count++;
  }
}

/**
 * Counters, gauges and histograms of one handler. Label sets are bounded: routes are a
 * fixed list (unknown paths count as `other`), statuses and error codes are finite.
 * @internal
 */
export class ServeMetrics {
  readonly prefix: string;
  private readonly bounds: readonly number[];
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly errors = new Map<string, number>();
  private readonly rows = new Map<string, number>();
  private readonly reloads = { success: 0, failure: 0 };
  inFlight = 0;
  model: ModelFacts | null = null;
  loadedAt = 0;
  rejected: ModelFacts | null = null;

  constructor(
    options: ServeMetricsOptions,
    private readonly ready: () => boolean,
  ) {
    this.prefix = options.prefix ?? 'mlops_';
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${this.prefix}x`)) {
      throw new MlopsError('INVALID_ARGUMENT', `createPredictHandler: metrics.prefix ${JSON.stringify(this.prefix)} is not a valid Prometheus metric name prefix.`);
    }
    const bounds = options.buckets ?? DEFAULT_LATENCY_BUCKETS;
    if (!Array.isArray(bounds) || bounds.length === 0 || bounds.some((b, i) => !(b > 0) || !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]))) {
      throw new MlopsError('INVALID_ARGUMENT', 'createPredictHandler: metrics.buckets must be increasing positive numbers of seconds, e.g. [0.001, 0.01, 0.1, 1].');
    }
    this.bounds = bounds;
  }

  /** Counts one finished request. */
  request(route: string, method: string, status: number, seconds: number): void {
    const key = `${route}\u0000${method}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (h === undefined) this.latency.set(route, (h = new Histogram(this.bounds)));
    h.observe(seconds);
  }

  /** Counts one error response by its code. */
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Counts predicted rows of a model version. */
  predicted(model: ModelFacts, n: number): void {
    const key = `${model.name}\u0000${model.version ?? ''}`;
    this.rows.set(key, (this.rows.get(key) ?? 0) + n);
  }

  /** Records a model switch or a rejected version. */
  reload(result: 'success' | 'failure', facts: ModelFacts, at: number): void {
    this.reloads[result]++;
    if (result === 'success') {
      this.model = facts;
      this.loadedAt = at;
    } else this.rejected = facts;
  }

  /** The exposition text. */
  async render(extra?: () => string | Promise<string>): Promise<string> {
    const p = this.prefix;
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${p}${name} ${help}`, `# TYPE ${p}${name} ${type}`);
    };
    family('http_requests_total', 'counter', 'HTTP requests answered by the prediction handler.');
    for (const [key, v] of this.requests) {
      const [route, method, status] = key.split('\u0000');
      out.push(`${p}http_requests_total${labelText({ route, method, status })} ${v}`);
    }
    family('http_request_duration_seconds', 'histogram', 'Time from receiving a request to its response, in seconds.');
    for (const [route, h] of this.latency) {
      let cumulative = 0;
      h.bounds.forEach((b, i) => {
        cumulative += h.counts[i];
        out.push(`${p}http_request_duration_seconds_bucket${labelText({ route, le: num(b) })} ${cumulative}`);
      });
      out.push(`${p}http_request_duration_seconds_bucket${labelText({ route, le: '+Inf' })} ${h.count}`);
      out.push(`${p}http_request_duration_seconds_sum${labelText({ route })} ${h.sum}`);
      out.push(`${p}http_request_duration_seconds_count${labelText({ route })} ${h.count}`);
    }
    family('http_requests_in_flight', 'gauge', 'Requests being handled now.');
    out.push(`${p}http_requests_in_flight ${this.inFlight}`);
    family('http_errors_total', 'counter', 'Error responses by error code (PREDICT_INVALID_INPUT, SERVE_PAYLOAD_TOO_LARGE, INTERNAL, ...).');
    for (const [code, v] of this.errors) out.push(`${p}http_errors_total${labelText({ code })} ${v}`);
    family('predictions_total', 'counter', 'Rows predicted, by model version.');
    for (const [key, v] of this.rows) {
      const [model, version] = key.split('\u0000');
      out.push(`${p}predictions_total${labelText({ model, version })} ${v}`);
    }
    family('model_ready', 'gauge', '1 when a verified model is loaded and the handler is not shutting down.');
    out.push(`${p}model_ready ${this.ready() ? 1 : 0}`);
    family('model_info', 'gauge', 'The model version being served (value 1).');
    if (this.model !== null) out.push(`${p}model_info${labelText(factLabels(this.model))} 1`);
    family('model_loaded_timestamp_seconds', 'gauge', 'Unix time the served model version was switched to.');
    if (this.model !== null) out.push(`${p}model_loaded_timestamp_seconds ${this.loadedAt / 1000}`);
    family('model_reloads_total', 'counter', 'Model loads: result="success" (switched) or "failure" (the version failed to load or verify and was not served).');
    out.push(`${p}model_reloads_total{result="success"} ${this.reloads.success}`, `${p}model_reloads_total{result="failure"} ${this.reloads.failure}`);
    family('model_rejected_info', 'gauge', 'The last version that failed to load or verify (value 1).');
    if (this.rejected !== null) out.push(`${p}model_rejected_info${labelText(factLabels(this.rejected))} 1`);
    let text = `${out.join('\n')}\n`;
    if (extra !== undefined) {
      const more = await extra();
      if (more.length > 0) text += more.endsWith('\n') ? more : `${more}\n`;
    }
    return text;
  }
}

function factLabels(m: ModelFacts): Record<string, string> {
  return { model: m.name, alias: m.alias ?? '', version: m.version === null ? '' : String(m.version), digest: m.digest, type: m.type };
}
