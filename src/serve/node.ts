/**
 * `mlops-kit/serve/node`: runs a web-standard handler (`createPredictHandler`, or any
 * `(Request) => Promise<Response>`) in Node's `http` server, with graceful shutdown.
 *
 * @example
 * ```ts
 * import { createPredictHandler, Registry } from 'mlops-kit';
 * import { FsStore } from 'mlops-kit/storage/fs';
 * import { serve } from 'mlops-kit/serve/node';
 *
 * const registry = new Registry({ store: new FsStore({ root: './models' }) });
 * const server = await serve(createPredictHandler({ registry, model: 'fraud' }), { port: 8080 });
 * console.log(`listening on ${server.url}`); // SIGTERM drains requests, then closes
 * ```
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlopsError } from '../errors';
import { concat, CORE, tooLarge, type CoreHandler, type ServeRequest } from './exchange';

/** A web-standard request handler. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Receives failures of the handler itself (it rejected) or of writing the response (default: `console.error`). */
  onError?: (error: unknown) => void;
}

/**
 * The request body as a web stream, with back-pressure. A handler that stops reading
 * early (a body over its size limit) cancels it; the connection then closes after the
 * response (see `writeResponse`), so the rest of the upload is not received.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => controller.close());
      req.once('error', (error) => controller.error(error));
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.pause();
    },
  });
}

function requestOf(req: IncomingMessage): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].charCodeAt(0) !== 58 /* ':' */) headers.append(raw[i], raw[i + 1]);
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  const host = req.headers.host ?? 'localhost';
  return new Request(`http://${host}${req.url ?? '/'}`, init);
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, head: boolean): Promise<void> {
  if (!req.complete) res.shouldKeepAlive = false; // see the fast path in toNodeListener
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (response.body === null || head) {
    if (response.body !== null) await response.body.cancel();
    res.writeHead(response.status, headers).end();
    return;
  }
  const reader = response.body.getReader();
  const first = await reader.read();
  const second = first.done ? first : await reader.read();
  if (second.done) {
    // The usual case, a body of one chunk: one write with a Content-Length.
    const bytes = first.value ?? new Uint8Array(0);
    headers['content-length'] = String(bytes.byteLength);
    res.writeHead(response.status, headers).end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  for (let chunk: ReadableStreamReadResult<Uint8Array> = first; !chunk.done; chunk = chunk === first ? second : await reader.read()) {
    if (!res.write(chunk.value)) await new Promise<void>((resolve) => res.once('drain', resolve));
    if (res.destroyed) {
      await reader.cancel();
      return;
    }
  }
  res.end();
}

/**
 * The Node request as the handler core's request: headers read from the parsed
 * message, the body counted as it arrives; past the limit, reading stops (and the
 * connection closes after the response, so the rest of the upload is not received).
 */
function serveRequestOf(req: IncomingMessage): ServeRequest {
  return {
    method: req.method ?? 'GET',
    url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    header(name) {
      const v = req.headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    readBody(limit) {
      return new Promise<Uint8Array>((resolve, reject) => {
        const chunks: Uint8Array[] = [];
        let size = 0;
        const onData = (chunk: Buffer): void => {
          size += chunk.byteLength;
          if (size > limit) {
            cleanup();
            req.pause();
            reject(tooLarge(limit, undefined));
          } else chunks.push(chunk);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(concat(chunks, size));
        };
        const onError = (error: Error): void => {
          cleanup();
          reject(error);
        };
        const cleanup = (): void => {
          req.off('data', onData).off('end', onEnd).off('error', onError);
        };
        req.on('data', onData).once('end', onEnd).once('error', onError);
      });
    },
  };
}

/**
 * Adapts a web-standard handler to a `node:http` request listener: the Node request
 * becomes a `Request` (its body streamed, not buffered, so the handler's size limit
 * applies as it arrives), the `Response` is written back, streamed.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(handler)).listen(8080);
 * ```
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  if (typeof handler !== 'function') throw new MlopsError('INVALID_ARGUMENT', 'toNodeListener needs a handler function (request) => Response.');
  const onError = options.onError ?? ((error: unknown) => console.error('[mlops-kit] serve:', error));
  const core = (handler as { [CORE]?: CoreHandler })[CORE];
  const failed = (res: ServerResponse, error: unknown): void => {
    onError(error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":{"code":"INTERNAL","message":"The server failed to answer; the cause is in the server log."}}');
    else res.destroy();
  };
  if (typeof core === 'function') {
    // A handler from createPredictHandler: call its core directly, no Request/Response objects.
    return (req, res) => {
      core(serveRequestOf(req))
        .then((r) => {
          // A body left unread (refused before or while reading it): close the connection
          // after the answer rather than let Node read and discard the rest of the upload.
          if (!req.complete) res.shouldKeepAlive = false;
          r.headers['content-length'] = String(Buffer.byteLength(r.body));
          res.writeHead(r.status, r.headers).end(req.method === 'HEAD' ? undefined : r.body);
        })
        // Also a failure to write the answer (an invalid header value): a 500, never an unhandled rejection.
        .catch((error: unknown) => failed(res, error));
    };
  }
  return (req, res) => {
    let request: Request;
    try {
      request = requestOf(req);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":{"code":"SERVE_BAD_REQUEST","message":"The request URL or headers are malformed."}}');
      return;
    }
    Promise.resolve()
      .then(() => handler(request))
      .then((response) => writeResponse(req, res, response, req.method === 'HEAD'))
      .catch((error: unknown) => failed(res, error));
  };
}

/** Options of {@link serve}. */
export interface ServeOptions extends NodeListenerOptions {
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default: every interface, as Node does; `'127.0.0.1'` for local only). */
  host?: string;
  /**
   * Signals that start a graceful shutdown (default `['SIGTERM', 'SIGINT']`); `false`
   * installs no signal handler (call `close()` yourself).
   */
  signals?: readonly NodeJS.Signals[] | false;
  /** How long a shutdown waits for in-flight requests before cutting connections (default 10,000 ms). */
  shutdownTimeoutMs?: number;
  /** How long a client may take to send the request headers (default 10,000 ms; Node's `headersTimeout`). */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request (default 30,000 ms; Node's `requestTimeout`; 0 disables it). */
  requestTimeoutMs?: number;
  /** Called once the server is closed after a signal (e.g. to flush logs or monitor state). */
  onShutdown?: (signal: NodeJS.Signals) => void | Promise<void>;
}

/** A running server. */
export interface RunningServer {
  /** The Node server. */
  readonly server: Server;
  /** The port it listens on. */
  readonly port: number;
  /** `http://host:port` (with `127.0.0.1` for a wildcard host). */
  readonly url: string;
  /**
   * Graceful shutdown: the handler is closed (`/ready` answers 503, polling stops), the
   * server stops accepting connections, idle keep-alive connections close, in-flight
   * requests finish (up to `shutdownTimeoutMs`), then remaining connections are cut.
   */
  close(): Promise<void>;
  /** Settles when the server has closed. */
  readonly closed: Promise<void>;
}

/**
 * Serves a web-standard handler on a port, with graceful shutdown on SIGTERM and SIGINT
 * (what Kubernetes, Docker and systemd send). Resolves once listening.
 *
 * @example
 * ```ts
 * const server = await serve(handler, { port: 8080, host: '0.0.0.0' });
 * // later, or on SIGTERM:
 * await server.close();
 * ```
 */
export async function serve(handler: FetchHandler & { close?: () => Promise<void> }, options: ServeOptions = {}): Promise<RunningServer> {
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new MlopsError('INVALID_ARGUMENT', `serve: port must be an integer from 0 to 65535, got ${String(port)}.`);
  const timeout = options.shutdownTimeoutMs ?? 10_000;
  if (!(timeout >= 0)) throw new MlopsError('INVALID_ARGUMENT', `serve: shutdownTimeoutMs must be >= 0, got ${String(timeout)}.`);
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  if (!(headersTimeout > 0)) throw new MlopsError('INVALID_ARGUMENT', `serve: headersTimeoutMs must be > 0, got ${String(headersTimeout)}.`);
  if (!(requestTimeout >= 0)) throw new MlopsError('INVALID_ARGUMENT', `serve: requestTimeoutMs must be >= 0, got ${String(requestTimeout)}.`);
  // Slow clients cannot hold a connection for Node's default five minutes.
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default).
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, headersTimeout / 2));
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval }, toNodeListener(handler, options));
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const signals = options.signals === false ? [] : (options.signals ?? ['SIGTERM', 'SIGINT']);

  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      await handler.close?.();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response is sent: close them then.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), timeout);
      await done;
      clearInterval(sweep);
      clearTimeout(timer);
      markClosed();
    })();
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    void close().then(() => options.onShutdown?.(signal));
  }
  for (const s of signals) process.on(s, onSignal);
  return { server, port: address.port, url: `http://${shown}:${address.port}`, close, closed };
}
