/**
 * Validation of paging and filter options shared by the listing methods.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** A page size: an integer from 1 to 1000, default 100. */
export function pageLimit(limit: number | undefined): number {
  const n = limit ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new MlopsError('INVALID_ARGUMENT', `limit must be an integer from 1 to 1000, got ${String(limit)}.`);
  return n;
}

/** A cursor: the `nextCursor` string of a previous page. */
export function checkCursor(cursor: unknown): string {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 256) {
    throw new MlopsError('INVALID_ARGUMENT', 'cursor must be the nextCursor string of a previous page.');
  }
  return cursor;
}

/** A Date, ISO string or epoch ms, as an ISO string. */
export function toIso(value: Date | string | number, field: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new MlopsError('INVALID_ARGUMENT', `${field} must be a Date, an ISO string or epoch milliseconds, got ${JSON.stringify(value)}.`);
  return d.toISOString();
}
