/**
 * Blob keys are SHA-256 digests; adapters check them before using them in a path or an
 * object key, so a malformed key can never escape the store's directory or prefix.
 *
 * @module
 */
import { MlopsError } from '../errors';

const DIGEST = /^[0-9a-f]{64}$/;

/** Whether `value` is a SHA-256 digest in lowercase hex. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Returns `digest` when it is 64 lowercase hex characters; throws `INVALID_ARGUMENT` otherwise. */
export function checkDigest(digest: unknown): string {
  if (!isDigest(digest)) {
    throw new MlopsError('INVALID_ARGUMENT', `A blob key must be a SHA-256 digest (64 lowercase hex characters), got ${JSON.stringify(String(digest).slice(0, 80))}.`);
  }
  return digest;
}
