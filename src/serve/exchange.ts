/**
 * The handler's core works on a minimal request/response pair, so that the web-standard
 * `(Request) => Response` function and the Node adapter are two thin translations of
 * the same logic. The Node adapter uses it directly (no `Request`/`Response` objects to
 * build per request, which costs more than the prediction itself); every other runtime
 * goes through `Request` and `Response`.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** A request as the handler's core reads it. @internal */
export interface ServeRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  /** A header value (name in lower case), or null. */
  header(name: string): string | null;
  /**
   * The body bytes, refusing (`SERVE_PAYLOAD_TOO_LARGE`) as soon as more than `limit`
   * bytes have arrived, without buffering the rest.
   */
  readBody(limit: number): Promise<Uint8Array>;
}

/** A response as the handler's core produces it. @internal */
export interface ServeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The core function, attached to a handler under this symbol for adapters that can call it. @internal */
export const CORE = Symbol.for('mlops-kit.serve.core');

/** The core: one request in, one response out. @internal */
export type CoreHandler = (request: ServeRequest) => Promise<ServeResponse>;

/** The error for a body over the limit. @internal */
export function tooLarge(limit: number, size: number | undefined): MlopsError {
  return new MlopsError(
    'SERVE_PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes${size === undefined ? '' : ` (${size} bytes declared)`}. Send fewer rows per request or raise maxBodyBytes.`,
    { details: { limit, ...(size !== undefined && { size }) } },
  );
}

/** Joins chunks into one array. @internal */
export function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A web `Request` as a {@link ServeRequest}: the body stream is read and counted chunk by chunk. @internal */
export function fromWebRequest(request: Request): ServeRequest {
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name),
    async readBody(limit) {
      const body = request.body;
      if (body === null) return new Uint8Array(0);
      const reader = body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge(limit, undefined);
        }
        chunks.push(value);
      }
      return concat(chunks, size);
    },
  };
}

/** A {@link ServeResponse} as a web `Response` (without a body for HEAD). @internal */
export function toWebResponse(r: ServeResponse, head: boolean): Response {
  return new Response(head ? null : r.body, { status: r.status, headers: r.headers });
}
