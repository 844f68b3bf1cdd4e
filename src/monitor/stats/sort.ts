/**
 * Sorting float64 samples fast, with the radix sort of `src/math/radix-sort.ts` (a
 * million values in about a third of the time of `Float64Array.prototype.sort`), plus the
 * NaN checks and copy semantics the statistics need.
 *
 * @module
 */
import { radixSort as sortKeys } from '../../math/radix-sort';
import { nanError, requireSample } from './input';

/**
 * Sorts `input` ascending (stable, -0 before +0), carrying `payload` along when given.
 * When `writable` is false the input arrays are left untouched; otherwise they are
 * sorted in place. Throws `MONITOR_INVALID_INPUT` on NaN, naming `fn` and `name`.
 * @internal
 */
export function radixSort(
  input: Float64Array,
  payload: Float64Array | null,
  writable: boolean,
  fn: string,
  name: string,
): { values: Float64Array; payload: Float64Array | null } {
  for (let i = 0; i < input.length; i++) if (input[i] !== input[i]) throw nanError(fn, name, i);
  const values = writable ? input : input.slice();
  const carried = payload === null ? null : writable ? payload : payload.slice();
  sortKeys(values, carried ?? undefined);
  return { values, payload: carried };
}

/**
 * A sorted copy of `values` (ascending; -0 before +0; ±Infinity allowed), by radix sort
 * for large inputs. The input is never modified. Throws `MONITOR_INVALID_INPUT` for an
 * empty input or a NaN.
 *
 * @example
 * ```ts
 * const sorted = sortFloat64(window); // then ksTestSorted(referenceSorted, sorted)
 * ```
 */
export function sortFloat64(values: ArrayLike<number>): Float64Array {
  requireSample('sortFloat64', 'values', values);
  return sortedCopy(values, 'sortFloat64', 'values');
}

/** A sorted copy, with the caller's function and argument names in errors. @internal */
export function sortedCopy(values: ArrayLike<number>, fn: string, name: string): Float64Array {
  if (values instanceof Float64Array) return radixSort(values, null, false, fn, name).values;
  return radixSort(Float64Array.from(values), null, true, fn, name).values;
}
