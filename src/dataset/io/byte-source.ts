/**
 * Byte sources for the streaming loaders: one function turns every accepted input (a
 * file path or `file:` URL, text, bytes, a web `ReadableStream`, a Node readable, any
 * `AsyncIterable` of bytes) into an async iterable of `Uint8Array` chunks that honours
 * an `AbortSignal`, even while a stream is stalled.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MlopsError, throwIfAborted } from '../../errors';

/**
 * Where a text format comes from:
 * - a `string` that contains a line break (`\n` or `\r`) is the text itself;
 * - any other `string` is a file path, and a `URL` must be a `file:` URL (the SDK never
 *   fetches over the network: pass `(await fetch(url)).body` instead);
 * - a `Uint8Array` (a Node `Buffer` too) holds the bytes;
 * - a web `ReadableStream`, a Node `Readable` or any `AsyncIterable` yields the bytes in
 *   chunks (string chunks are accepted and encoded as UTF-8).
 */
export type ByteSource = string | URL | Uint8Array | ReadableStream<Uint8Array> | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Chunk size for files and in-memory sources. */
export const CHUNK_BYTES = 1 << 20;
/** In-memory sources yield to the event loop after this many bytes, so timers and aborts run. */
const YIELD_EVERY = 16 << 20;

/** Options for {@link openByteSource}. @internal */
export interface OpenOptions {
  /** Cancels reading; the stream is released and `ABORTED` is thrown. */
  signal?: AbortSignal;
  /** What is being read, for messages (`'CSV'`, `'NDJSON'`). */
  format: string;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isWebStream(value: unknown): value is ReadableStream<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function';
}

/** True when a string source is the text itself rather than a file path. @internal */
export function isInlineText(source: string): boolean {
  return source.includes('\n') || source.includes('\r');
}

/**
 * A short description of a source for error messages: `CSV file "/data/x.csv"`,
 * `CSV text`, `CSV bytes`, `CSV stream`.
 * @internal
 */
export function describeSource(source: unknown, format: string): string {
  if (typeof source === 'string') return isInlineText(source) ? `${format} text` : `${format} file "${source}"`;
  if (source instanceof URL) return `${format} file "${source.protocol === 'file:' ? fileURLToPath(source) : source.href}"`;
  if (source instanceof Uint8Array) return `${format} bytes`;
  return `${format} stream`;
}

/**
 * The size in bytes of a source when it is known up front (a file, bytes, text; for
 * text, its length in UTF-16 units as an estimate), else `undefined`. Loaders use it to
 * size their columns; it is never trusted for correctness.
 * @internal
 */
export async function sourceByteLength(source: ByteSource): Promise<number | undefined> {
  if (source instanceof Uint8Array) return source.length;
  if (typeof source === 'string' && isInlineText(source)) return source.length;
  if (typeof source === 'string' || (source instanceof URL && source.protocol === 'file:')) {
    try {
      return (await stat(source)).size;
    } catch {
      return undefined; // reading it reports the problem
    }
  }
  return undefined;
}

/**
 * The `DATA_SOURCE` error for a file that cannot be opened or read, saying why.
 * @internal
 */
export function fileSourceError(path: string, format: string, err: unknown): MlopsError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? `does not exist (resolved against the working directory ${process.cwd()})`
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read: permission denied'
          : `cannot be read (${(err as Error | undefined)?.message ?? String(err)})`;
  const hint = code === 'ENOENT' ? ` Check the path; to pass ${format} text directly, use a string that contains a line break.` : '';
  return new MlopsError('DATA_SOURCE', `${format} file "${path}" ${why}.${hint}`, { details: { path, errno: code }, cause: err });
}

async function* fileChunks(path: string, format: string): AsyncGenerator<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileSourceError(path, format, err);
  }
  // Two buffers in turn: the next chunk is read (on the thread pool) while the consumer
  // parses this one, which it may use until it asks for the next.
  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  const read = (buf: Uint8Array): Promise<number> =>
    handle.read(buf, 0, CHUNK_BYTES, null).then(
      (r) => r.bytesRead,
      (err: unknown) => Promise.reject(fileSourceError(path, format, err)),
    );
  let pending = read(buffers[0]);
  pending.catch(() => undefined);
  try {
    for (let n = 0; ; n++) {
      const bytesRead = await pending;
      if (bytesRead === 0) return;
      const buf = buffers[n & 1];
      pending = read(buffers[(n + 1) & 1]);
      pending.catch(() => undefined); // handled: it is awaited (and rethrown) next
      yield bytesRead === CHUNK_BYTES ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    // Never close the handle under a read in flight.
    await pending.catch(() => undefined);
    await handle.close();
  }
}

async function* memoryChunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    if (start > 0 && start % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    yield bytes.subarray(start, Math.min(bytes.length, start + CHUNK_BYTES));
  }
}

async function* textChunks(text: string): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  // About CHUNK_BYTES of UTF-8 per step without encoding the whole string at once.
  const step = CHUNK_BYTES / 4;
  let done = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + step);
    // Never split a surrogate pair.
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    const bytes = encoder.encode(text.slice(start, end));
    done += bytes.length;
    if (done >= YIELD_EVERY) {
      done = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    yield bytes;
    start = end;
  }
}

function toBytes(chunk: unknown, format: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new MlopsError('INVALID_ARGUMENT', `The ${format} stream yielded a ${chunk === null ? 'null' : typeof chunk} chunk; a byte stream must yield Uint8Array (or string) chunks.`);
}

/**
 * Pulls from `next` until done, racing every pull against the signal so a stalled
 * stream is still cancellable; `release` frees the underlying stream when the consumer
 * stops early, fails or is aborted.
 */
async function* pull(
  next: () => Promise<IteratorResult<unknown>>,
  release: () => Promise<unknown> | void,
  format: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  let onAbort: (() => void) | undefined;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          onAbort = () => reject(new MlopsError('ABORTED', `The ${format} load was cancelled by its AbortSignal.`, { cause: signal.reason }));
          signal.addEventListener('abort', onAbort, { once: true });
        });
  aborted?.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal, `${format} load`);
      let result: IteratorResult<unknown>;
      try {
        result = aborted === undefined ? await next() : await Promise.race([next(), aborted]);
      } catch (err) {
        if (err instanceof MlopsError) throw err;
        finished = true; // a failed stream has nothing to release
        throw new MlopsError('DATA_SOURCE', `The ${format} source failed while reading: ${(err as Error | undefined)?.message ?? String(err)}`, { cause: err });
      }
      if (result.done) {
        finished = true;
        return;
      }
      yield toBytes(result.value, format);
    }
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      // Not awaited: a stalled stream may never settle its pending read. Its own error,
      // if any, is not the one to report.
      Promise.resolve()
        .then(release)
        .catch(() => undefined);
    }
  }
}

function rejectUrl(url: URL, format: string): never {
  throw new MlopsError(
    'INVALID_ARGUMENT',
    `${format} source ${url.href} is not a file: URL. mlops-kit never fetches over the network; fetch it yourself and pass the body: Dataset.from${format}((await fetch(url)).body).`,
  );
}

/**
 * Opens any {@link ByteSource} as an async iterable of byte chunks. Chunks are only
 * valid until the next one is requested (a consumer that keeps bytes must copy them).
 * @internal
 */
export function openByteSource(source: ByteSource, options: OpenOptions): AsyncIterable<Uint8Array> {
  const { format, signal } = options;
  let next: () => Promise<IteratorResult<unknown>>;
  let release: () => Promise<unknown> | void;
  if (isWebStream(source)) {
    if (source.locked) {
      throw new MlopsError('INVALID_ARGUMENT', `The ${format} ReadableStream is locked (another reader holds it); pass a stream nobody has started reading.`);
    }
    const reader = source.getReader();
    next = () => reader.read() as Promise<IteratorResult<unknown>>;
    release = () => reader.cancel();
  } else {
    let inner: AsyncIterator<unknown>;
    if (typeof source === 'string') inner = isInlineText(source) ? textChunks(source) : fileChunks(source, format);
    else if (source instanceof URL) {
      if (source.protocol !== 'file:') rejectUrl(source, format);
      inner = fileChunks(fileURLToPath(source), format);
    } else if (source instanceof Uint8Array) inner = memoryChunks(source);
    else if (isAsyncIterable(source)) inner = source[Symbol.asyncIterator]();
    else {
      throw new MlopsError(
        'INVALID_ARGUMENT',
        `Unsupported ${format} source (${source === null ? 'null' : typeof source}). Pass a file path, ${format} text (a string with a line break), a file: URL, a Uint8Array, a ReadableStream, a Node Readable or an AsyncIterable of Uint8Array.`,
      );
    }
    next = () => inner.next();
    release = () => inner.return?.();
  }
  return { [Symbol.asyncIterator]: () => pull(next, release, format, signal) };
}
