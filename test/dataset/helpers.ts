import { MlopsError } from '../../src/errors';

/** Yields `bytes` in chunks of `size` bytes. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** The MlopsError a promise rejects with (fails the test on anything else). */
export async function rejection(promise: Promise<unknown>): Promise<MlopsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MlopsError) return err;
    throw err;
  }
  throw new Error('expected the promise to reject');
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
