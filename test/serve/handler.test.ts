// The prediction handler as a web-standard function: routes, answers, bad requests,
// metrics and the flow of predictions into a monitor.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriftMonitor } from '../../src/monitor/index';
import { isMlopsError } from '../../src/errors';
import { createPredictHandler, type PredictHandler, type PredictHandlerOptions, type ServeEvent } from '../../src/serve/index';
import { fraudArtifacts, fraudRegistry, get, post, requestRows } from './helpers';

let artifacts: Awaited<ReturnType<typeof fraudArtifacts>>;
const open: PredictHandler[] = [];
beforeAll(async () => {
  artifacts = await fraudArtifacts();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function handlerFor(options: Partial<PredictHandlerOptions> = {}): Promise<PredictHandler> {
  const h = createPredictHandler({ artifact: artifacts.logistic, ...options });
  open.push(h);
  await h.ready;
  return h;
}

/** A request body that streams `total` bytes in 64 KiB chunks and counts what was pulled. */
function countingBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

describe('predictions', () => {
  it('answers one row with the same prediction as the artifact, naming the model in headers and body', async () => {
    const h = await handlerFor();
    const row = requestRows(1)[0];
    const res = await h(post(row));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-model-name')).toBe('fraud-logistic');
    expect(res.headers.get('x-model-digest')).toBe(artifacts.logistic.digest);
    const body = await res.json();
    expect(body.model).toEqual({ name: 'fraud-logistic', version: null, alias: null, digest: artifacts.logistic.digest });
    expect(body.prediction).toEqual(artifacts.logistic.predictOne(row));
  });

  it('answers a batch given as { rows } or as an array, in order', async () => {
    const h = await handlerFor({ artifact: artifacts.gbdt });
    const rows = requestRows(25);
    const expected = (await artifacts.gbdt.predict(rows)).toRows();
    for (const body of [{ rows }, rows]) {
      const res = await h(post(body));
      expect(res.status).toBe(200);
      const json = await res.json();
      expect(json.predictions).toEqual(expected);
      expect(json.model.digest).toBe(artifacts.gbdt.digest);
    }
  });

  it('serves registry versions with their version and alias', async () => {
    const registry = await fraudRegistry();
    const h = await handlerFor({ artifact: undefined, registry, model: 'fraud', alias: 'production' });
    const res = await h(post(requestRows(1)[0]));
    expect(res.headers.get('x-model-version')).toBe('1');
    expect(res.headers.get('x-model-alias')).toBe('production');
    expect((await res.json()).model).toMatchObject({ name: 'fraud', version: 1, alias: 'production' });
    expect(h.model).toMatchObject({ name: 'fraud', version: 1, type: 'logistic' });
  });

  it('routes under a base path', async () => {
    const h = await handlerFor({ basePath: '/v1' });
    expect((await h(post(requestRows(1)[0], { path: '/v1/predict' }))).status).toBe(200);
    expect((await h(get('/v1/health'))).status).toBe(200);
    expect((await h(post(requestRows(1)[0]))).status).toBe(404);
  });
});

describe('probes and model info', () => {
  it('health is 200 at once; ready is 503 until a verified model is loaded', async () => {
    const registry = await fraudRegistry();
    const h = createPredictHandler({ registry, model: 'fraud', alias: 'production' });
    open.push(h);
    const health = await h(get('/health'));
    const early = await h(get('/ready'));
    expect(health.status).toBe(200);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    const early2 = await h(post(requestRows(1)[0]));
    expect(early2.status).toBe(503);
    expect((await early2.json()).error.code).toBe('SERVE_NOT_READY');
    await h.ready;
    const ready = await h(get('/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', model: { name: 'fraud', version: 1 } });
  });

  it('HEAD works on the probes, and GET /model describes the signature', async () => {
    const h = await handlerFor();
    expect((await h(new Request('http://test/ready', { method: 'HEAD' }))).status).toBe(200);
    const info = await (await h(get('/model'))).json();
    expect(info.type).toBe('logistic');
    expect(info.task).toBe('binary');
    expect(info.classes).toEqual([false, true]);
    expect(info.signature.inputs.map((i: { name: string }) => i.name)).toEqual(artifacts.logistic.signature.inputs.map((i) => i.name));
  });
});

describe('bad requests', () => {
  it('invalid JSON, an empty body and a body of the wrong shape are 400 SERVE_BAD_REQUEST', async () => {
    const h = await handlerFor();
    for (const body of ['{"amount": 1,', '', '42', 'null', '{"rows": []}']) {
      const res = await h(post(body));
      expect(res.status, body).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('SERVE_BAD_REQUEST');
      expect(json.model.digest).toBe(artifacts.logistic.digest);
    }
  });

  it('a body that is not JSON by its content type is 415', async () => {
    const h = await handlerFor();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await h(post(requestRows(1)[0], { headers: { 'content-type': type } }));
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe('SERVE_UNSUPPORTED_MEDIA_TYPE');
    }
    const bare = await h(new Request('http://test/predict', { method: 'POST', body: new Uint8Array([123, 125]) }));
    expect(bare.status).toBe(415);
    expect((await h(post(requestRows(1)[0], { headers: { 'content-type': 'application/json; charset=utf-8' } }))).status).toBe(200);
    expect((await h(post(requestRows(1)[0], { headers: { 'content-type': 'application/vnd.api+json' } }))).status).toBe(200);
  });

  it('a declared oversized body is refused with 413 without reading it', async () => {
    const h = await handlerFor({ maxBodyBytes: 1024 });
    const { stream, pulled } = countingBody(10 * 1024 * 1024);
    const res = await h(new Request('http://test/predict', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) } } as RequestInit));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'SERVE_PAYLOAD_TOO_LARGE', details: { limit: 1024, size: 10 * 1024 * 1024 } });
    expect(pulled()).toBeLessThanOrEqual(2 * 64 * 1024); // at most the stream's own read-ahead
  });

  it('an undeclared oversized body is cut off as soon as the count passes the limit', async () => {
    const h = await handlerFor({ maxBodyBytes: 100 * 1024 });
    const { stream, pulled } = countingBody(50 * 1024 * 1024);
    const res = await h(new Request('http://test/predict', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit));
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThan(100 * 1024 + 3 * 64 * 1024);
  });

  it('too many rows is 413; invalid UTF-8 is 400', async () => {
    const h = await handlerFor({ maxRows: 10 });
    const res = await h(post({ rows: requestRows(11) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.details).toEqual({ rows: 11, limit: 10 });
    const bad = await h(new Request('http://test/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }));
    expect(bad.status).toBe(400);
  });

  it('rows failing the signature are 400 with every issue listed by row and column', async () => {
    const h = await handlerFor();
    const rows = requestRows(5);
    rows[1].amount = 'lots';
    delete rows[3].hour;
    const res = await h(post({ rows }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('PREDICT_INVALID_INPUT');
    expect(error.details.issues).toEqual([
      expect.objectContaining({ row: 1, column: 'amount', problem: 'wrong_type' }),
      expect.objectContaining({ row: 3, column: 'hour', problem: 'missing_column' }),
    ]);
    const one = await h(post({ ...requestRows(1)[0], merchant_category: 42, card_present: 'maybe' }));
    expect(one.status).toBe(400);
    expect((await one.json()).error.details.issues.map((i: { column: string }) => i.column)).toEqual(['card_present']);
  });

  it('unknown routes are 404 and wrong methods 405 with Allow', async () => {
    const h = await handlerFor();
    const missing = await h(get('/predictions'));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('SERVE_NOT_FOUND');
    const wrong = await h(get('/predict'));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const wrong2 = await h(post({}, { path: '/ready' }));
    expect(wrong2.status).toBe(405);
    expect(wrong2.headers.get('allow')).toBe('GET, HEAD');
  });

  it('an internal failure is 500 with a request id and no detail; the error goes to onEvent', async () => {
    const events: ServeEvent[] = [];
    const h = await handlerFor({ onEvent: (e) => events.push(e) });
    // Break the served artifact after verification, as a bug deep in a model would.
    Object.defineProperty(h.model!.artifact, 'predictOne', { value: () => { throw new Error('secret: /etc/model-keys at line 42'); }, configurable: true });
    try {
      const res = await h(post(requestRows(1)[0], { headers: { 'x-request-id': 'req-7' } }));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/secret|at line|\.ts/);
      const json = JSON.parse(text);
      expect(json.error).toMatchObject({ code: 'INTERNAL', requestId: 'req-7' });
      expect(res.headers.get('x-request-id')).toBe('req-7');
      const logged = events.find((e) => e.type === 'request-error');
      expect(logged).toMatchObject({ requestId: 'req-7' });
      expect(String((logged as { error: Error }).error.message)).toMatch(/secret/);
    } finally {
      delete (h.model!.artifact as unknown as Record<string, unknown>).predictOne;
    }
  });

  it('refuses bad options with INVALID_ARGUMENT', () => {
    const cases: Partial<PredictHandlerOptions>[] = [
      {},
      { maxBodyBytes: 0 },
      { maxRows: 1.5 },
      { refreshMs: 5 },
      { basePath: 'v1' },
      { basePath: '/v1/' },
      { monitor: {} as never },
      { metrics: { prefix: '1bad' } },
      { metrics: { buckets: [0.1, 0.05] } },
    ];
    for (const c of cases) {
      const options = 'maxBodyBytes' in c || 'maxRows' in c || 'basePath' in c || 'monitor' in c || 'metrics' in c || 'refreshMs' in c ? { artifact: artifacts.logistic, ...c } : c;
      let caught: unknown;
      try {
        createPredictHandler(options as PredictHandlerOptions).close();
      } catch (err) {
        caught = err;
      }
      expect(isMlopsError(caught, 'INVALID_ARGUMENT') || isMlopsError(caught, 'REGISTRY_INVALID_NAME'), JSON.stringify(c)).toBe(true);
    }
  });
});

/** Parses the exposition text into sample name+labels -> value, checking every line's syntax. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    samples.set(m![1] + (m![2] ?? ''), Number(m![3].replace('+Inf', 'Infinity')));
  }
  return samples;
}

describe('metrics', () => {
  it('counts requests, errors and rows, with a consistent latency histogram and the model info', async () => {
    const registry = await fraudRegistry();
    const h = await handlerFor({ artifact: undefined, registry, model: 'fraud', metrics: { extra: () => 'custom_metric 7' } });
    for (let i = 0; i < 5; i++) await h(post(requestRows(1, i)[0]));
    await h(post({ rows: requestRows(10) }));
    await h(post('{oops'));
    await h(get('/nowhere'));
    const res = await h(get('/metrics'));
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const s = parseExposition(await res.text());
    expect(s.get('mlops_http_requests_total{route="predict",method="POST",status="200"}')).toBe(6);
    expect(s.get('mlops_http_requests_total{route="predict",method="POST",status="400"}')).toBe(1);
    expect(s.get('mlops_http_requests_total{route="other",method="GET",status="404"}')).toBe(1);
    expect(s.get('mlops_http_errors_total{code="SERVE_BAD_REQUEST"}')).toBe(1);
    expect(s.get('mlops_http_errors_total{code="SERVE_NOT_FOUND"}')).toBe(1);
    expect(s.get('mlops_predictions_total{model="fraud",version="1"}')).toBe(15);
    expect(s.get('mlops_http_request_duration_seconds_count{route="predict"}')).toBe(7);
    let previous = 0;
    for (const le of ['0.00025', '0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf']) {
      const v = s.get(`mlops_http_request_duration_seconds_bucket{route="predict",le="${le}"}`)!;
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    expect(previous).toBe(7);
    const version = registry.resolve('fraud@production');
    expect(s.get(`mlops_model_info{model="fraud",alias="production",version="1",digest="${(await version).digest}",type="logistic"}`)).toBe(1);
    expect(s.get('mlops_model_ready')).toBe(1);
    expect(s.get('mlops_model_reloads_total{result="success"}')).toBe(1);
    expect(s.get('custom_metric')).toBe(7);
  });

  it('metrics: false removes the route', async () => {
    const h = await handlerFor({ metrics: false });
    expect((await h(get('/metrics'))).status).toBe(404);
  });
});

describe('monitoring', () => {
  it('every predicted row, single or batched, flows into the DriftMonitor with its prediction', async () => {
    const referencePredictions = (await artifacts.logistic.predict(artifacts.data)).scores!;
    const monitor = new DriftMonitor({ reference: artifacts.logistic, referencePredictions, window: { type: 'count', size: 1000 } });
    const h = await handlerFor({ monitor });
    for (const row of requestRows(7)) await h(post(row));
    await h(post({ rows: requestRows(40, 3) }));
    await h(post({ rows: [{ amount: 'x' }] })); // refused: not observed
    expect(monitor.rowsObserved).toBe(47);
    const report = monitor.check();
    expect(report.prediction?.current.count).toBe(47);
  });

  it('a monitor factory gets each served version; a failing monitor never fails a request', async () => {
    const events: ServeEvent[] = [];
    const seen: string[] = [];
    const h = await handlerFor({
      onEvent: (e) => events.push(e),
      monitor: (model) => {
        seen.push(model.digest);
        return { observe: () => { throw new Error('monitor down'); } };
      },
    });
    expect(seen).toEqual([artifacts.logistic.digest]);
    expect((await h(post(requestRows(1)[0]))).status).toBe(200);
    expect(events.some((e) => e.type === 'monitor-error')).toBe(true);
  });
});
