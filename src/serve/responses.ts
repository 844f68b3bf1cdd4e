/**
 * JSON responses and the mapping from error codes to HTTP statuses.
 *
 * @module
 */
import { isMlopsError, type ErrorCode } from '../errors';
import type { ServeResponse } from './exchange';

const STATUS: Partial<Record<ErrorCode, number>> = {
  SERVE_BAD_REQUEST: 400,
  PREDICT_INVALID_INPUT: 400,
  SERVE_NOT_FOUND: 404,
  SERVE_METHOD_NOT_ALLOWED: 405,
  SERVE_PAYLOAD_TOO_LARGE: 413,
  SERVE_UNSUPPORTED_MEDIA_TYPE: 415,
  SERVE_NOT_READY: 503,
};

/** The HTTP status of an error: 4xx/503 for the codes a client can act on, 500 for anything else. */
export function statusOf(error: unknown): number {
  return (isMlopsError(error) && STATUS[error.code]) || 500;
}

/** A JSON response with `no-store` caching and the given extra headers. */
export function json(status: number, body: string, headers: Readonly<Record<string, string>>): ServeResponse {
  return { status, body, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } };
}

/**
 * The body of an error response: `{ "error": { code, message, details? } }`. A 500 says
 * only that something failed, with the request id to find it in the logs.
 */
export function errorBody(error: unknown, status: number, requestId: string | null, model: string | null): string {
  const e =
    status === 500 || !isMlopsError(error)
      ? { code: 'INTERNAL', message: `The prediction failed on the server${requestId === null ? '' : ` (request id ${requestId})`}; the cause is in the server log.` }
      : error.details === undefined
        ? { code: error.code, message: error.message }
        : { code: error.code, message: error.message, details: error.details };
  const parts = [`"error":${JSON.stringify(requestId === null ? e : { ...e, requestId })}`];
  if (model !== null) parts.unshift(`"model":${model}`);
  return `{${parts.join(',')}}`;
}
