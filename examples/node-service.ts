/**
 * A prediction service on Node's http server, as you would run it in production:
 * serves fraud@production from the registry, hot-reloads when the alias moves, feeds a
 * drift monitor for each served version, logs JSON lines, drains on SIGTERM.
 *
 *   npm start    # once: fills ./mlops-demo/registry
 *   REGISTRY_DIR=./mlops-demo/registry node --conditions=source --import tsx examples/node-service.ts
 *   curl -s localhost:8080/predict -H 'content-type: application/json' \
 *     -d '{"amount":320,"hour":2,"merchant_category":"electronics","card_present":false,"distance_km":800,"account_age_days":12,"txn_last_24h":1}'
 *
 * Environment: REGISTRY_DIR (default ./mlops-demo/registry), MODEL (fraud), ALIAS
 * (production), PORT (8080).
 */
import { createPredictHandler, DriftMonitor, Registry, type ServeEvent } from 'mlops-kit';
import { serve } from 'mlops-kit/serve/node';
import { FsStore } from 'mlops-kit/storage/fs';

const env = process.env;
const log = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));

function onEvent(e: ServeEvent): void {
  if (e.type === 'model-loaded') log('info', e.type, { version: e.model.version, digest: e.model.digest, previous: e.previous?.version ?? null });
  else if (e.type === 'model-rejected') log('error', e.type, { version: e.version, error: e.error.message });
  else if (e.type === 'alias-removed') log('warn', e.type, { alias: e.alias });
  else log('error', e.type, { error: String(e.error) });
}

const registry = new Registry({ store: new FsStore({ root: env.REGISTRY_DIR ?? './mlops-demo/registry' }) });

// One drift monitor per served version, with that version's training data as the reference.
let monitor: DriftMonitor | undefined;
const handler = createPredictHandler({
  registry,
  model: env.MODEL ?? 'fraud',
  alias: env.ALIAS ?? 'production',
  refreshMs: 5000,
  onEvent,
  monitor: (model) => {
    monitor = new DriftMonitor({ reference: model.artifact, window: { type: 'time', size: '1h', slide: '5m' } });
    monitor.on('drift', (report) => log('warn', 'drift', { version: model.version, features: report.driftedFeatures, share: report.driftShare }));
    monitor.on('recovered', (_report, signal) => log('info', 'recovered', { version: model.version, signal }));
    return monitor;
  },
});
const checks = setInterval(() => monitor?.check(), 60_000);
checks.unref();

const server = await serve(handler, {
  port: Number(env.PORT ?? 8080),
  onShutdown: async (signal) => {
    clearInterval(checks);
    await registry.close();
    log('info', 'stopped', { signal });
  },
});
log('info', 'listening', { url: server.url, port: server.port });
