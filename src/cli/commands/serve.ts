/**
 * `mlops-kit serve`: the prediction server (HTTP, Node), following a registry alias with
 * hot reload, JSON-lines logs, graceful shutdown on SIGTERM.
 *
 * @module
 */
import { resolve } from 'node:path';
import { ModelArtifact } from '../../artifact/index';
import { createPredictHandler, type PredictHandlerOptions, type ServeEvent } from '../../serve/index';
import { serve } from '../../serve/node';
import { bytes, duration, num, str, usage } from '../args';
import { HELP_OPTION, type Command } from '../command';
import type { CliContext } from '../context';
import { openRegistry, STORE_OPTION } from '../store';

/** One JSON log line. */
function log(ctx: CliContext, level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
  ctx.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
}

const errorFields = (error: unknown): Record<string, unknown> =>
  error instanceof Error ? { error: error.message, ...((error as { code?: unknown }).code !== undefined && { code: (error as { code?: unknown }).code }) } : { error: String(error) };

function logEvent(ctx: CliContext, e: ServeEvent): void {
  switch (e.type) {
    case 'model-loaded':
      return log(ctx, 'info', e.type, { model: e.model.name, version: e.model.version, digest: e.model.digest, previous: e.previous?.version ?? null });
    case 'model-rejected':
      return log(ctx, 'error', e.type, { model: e.name, version: e.version, digest: e.digest, serving: e.serving?.version ?? null, ...errorFields(e.error) });
    case 'alias-removed':
      return log(ctx, 'warn', e.type, { model: e.name, alias: e.alias });
    case 'request-error':
      return log(ctx, 'error', e.type, { requestId: e.requestId, ...errorFields(e.error), stack: e.error instanceof Error ? e.error.stack : undefined });
    default:
      return log(ctx, 'warn', e.type, errorFields(e.error));
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve a model over HTTP: POST /predict, GET /health, /ready, /model, /metrics; follows the alias and hot-reloads.',
  spec: {
    positionals: [],
    options: {
      ...STORE_OPTION,
      model: { type: 'string', value: '<name>', help: 'Model to serve from the registry.' },
      alias: { type: 'string', value: '<alias>', help: 'Alias to follow (default production).' },
      artifact: { type: 'string', value: '<file.mlpk>', help: 'Serve this artifact file instead of a registry alias.' },
      port: { type: 'string', short: 'p', value: '<port>', help: 'Port (default $PORT, else 8080).' },
      host: { type: 'string', value: '<host>', help: 'Interface (default 0.0.0.0: every interface, as containers need).' },
      refresh: { type: 'string', value: '<duration>', help: 'How often to poll the alias (default 5s).' },
      'max-body': { type: 'string', value: '<size>', help: 'Largest request body (default 1mb).' },
      'max-rows': { type: 'string', value: '<n>', help: 'Most rows per request (default 10000).' },
      'base-path': { type: 'string', value: '<path>', help: 'Prefix of every route, e.g. /v1.' },
      'no-metrics': { type: 'boolean', help: 'Do not serve /metrics.' },
      'shutdown-timeout': { type: 'string', value: '<duration>', help: 'How long SIGTERM waits for in-flight requests (default 10s).' },
      ...HELP_OPTION,
    },
  },
  examples: ['mlops-kit serve --store fs:./models --model fraud --alias production --port 8080', 'mlops-kit serve --artifact model.mlpk --port 8080'],
  async run(args, ctx) {
    const artifactPath = str(args, 'artifact');
    const model = str(args, 'model');
    if ((artifactPath === undefined) === (model === undefined)) throw usage('serve', 'Pass --model <name> (with --store) to follow a registry alias, or --artifact <file.mlpk>.');
    const port = num('serve', args, 'port', { integer: true, min: 0, max: 65535 }) ?? (ctx.env.PORT !== undefined ? Number(ctx.env.PORT) : 8080);
    const refreshMs = duration('serve', args, 'refresh');
    const maxBodyBytes = bytes('serve', args, 'max-body');
    const maxRows = num('serve', args, 'max-rows', { integer: true, min: 1 });
    const shutdownTimeoutMs = duration('serve', args, 'shutdown-timeout');
    const common: PredictHandlerOptions = {
      ...(maxBodyBytes !== undefined && { maxBodyBytes }),
      ...(maxRows !== undefined && { maxRows }),
      ...(str(args, 'base-path') !== undefined && { basePath: str(args, 'base-path') }),
      metrics: args.values['no-metrics'] !== true,
      onEvent: (e) => logEvent(ctx, e),
    };
    const registry = model === undefined ? undefined : await openRegistry('serve', str(args, 'store'), ctx);
    const handler =
      registry === undefined
        ? createPredictHandler({ ...common, artifact: await ModelArtifact.fromFile(resolve(ctx.cwd, artifactPath!)) })
        : createPredictHandler({ ...common, registry, model, alias: str(args, 'alias') ?? 'production', ...(refreshMs !== undefined && { refreshMs: Math.max(10, Math.round(refreshMs)) }) });
    try {
      const server = await serve(handler, {
        port,
        host: str(args, 'host') ?? '0.0.0.0',
        ...(shutdownTimeoutMs !== undefined && { shutdownTimeoutMs }),
        onShutdown: (signal) => log(ctx, 'info', 'shutdown', { signal }),
        onError: (error) => log(ctx, 'error', 'server-error', errorFields(error)),
      });
      log(ctx, 'info', 'listening', { url: server.url, port: server.port, model: model ?? artifactPath, alias: model === undefined ? null : (str(args, 'alias') ?? 'production') });
      await server.closed;
    } finally {
      await handler.close();
      await registry?.close();
    }
    return 0;
  },
};
