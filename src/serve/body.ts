/**
 * Reading a JSON request body safely: the content type is checked first, the declared
 * length is checked before reading, and the stream is counted as it arrives, so a body
 * larger than the limit is refused without being buffered.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { tooLarge, type ServeRequest } from './exchange';

/** Whether a Content-Type names JSON (`application/json`, `application/*+json`, with any parameters). */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads the body as UTF-8 text: refused (`SERVE_PAYLOAD_TOO_LARGE`) when its declared
 * length is over `limit` (before reading anything) or as soon as the bytes received pass
 * it; invalid UTF-8 is `SERVE_BAD_REQUEST`.
 */
export async function readBodyText(request: ServeRequest, limit: number): Promise<string> {
  const declared = request.header('content-length');
  if (declared !== null) {
    const size = Number(declared);
    if (Number.isFinite(size) && size > limit) throw tooLarge(limit, size);
  }
  const bytes = await request.readBody(limit);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MlopsError('SERVE_BAD_REQUEST', 'The request body is not valid UTF-8 text. Send JSON encoded as UTF-8.');
  }
}

/** Parses JSON text; `SERVE_BAD_REQUEST` naming the parser's complaint when it is not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim().length === 0) throw new MlopsError('SERVE_BAD_REQUEST', 'The request body is empty. Send a row object, an array of rows or { "rows": [...] } as JSON.');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MlopsError('SERVE_BAD_REQUEST', `The request body is not valid JSON: ${(err as Error).message}.`);
  }
}
