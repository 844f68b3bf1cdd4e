/**
 * Classifying and wrapping driver errors.
 *
 * @module
 */
import { MlopsError, isMlopsError } from '../../errors';

/** SQLSTATEs worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/** Whether a failed transaction should be retried (serialization failure, deadlock, unique violation). */
export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string })?.code ?? '');
}

/** Passes MlopsErrors through; wraps anything else as `STORE_UNAVAILABLE` with the SQLSTATE in `details`. */
export function wrapError(err: unknown, what: string): MlopsError {
  if (isMlopsError(err)) return err;
  const code = (err as { code?: string })?.code;
  return new MlopsError('STORE_UNAVAILABLE', `PostgreSQL ${what} failed: ${(err as Error)?.message ?? String(err)}. Check that the server is reachable and the user may use the schema.`, {
    details: { sqlstate: code },
    cause: err,
  });
}
