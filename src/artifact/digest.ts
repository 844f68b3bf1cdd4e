/**
 * SHA-256 helpers for artifact digests and seals.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { MlopsError } from '../errors';

/** SHA-256 of `bytes` as 64 lowercase hex characters. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of `bytes` as 32 raw bytes. */
export function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * Normalises a digest given by a caller: 64 hex characters, optionally prefixed with
 * `sha256:`, any case. Throws `INVALID_ARGUMENT` otherwise.
 */
export function normalizeDigest(digest: unknown): string {
  const m = typeof digest === 'string' ? /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(digest) : null;
  if (m === null) {
    throw new MlopsError('INVALID_ARGUMENT', `expectedDigest must be a SHA-256 hex string (64 hex characters, optionally prefixed "sha256:"), got ${JSON.stringify(String(digest).slice(0, 80))}.`);
  }
  return m[1].toLowerCase();
}
