/**
 * Argument checks shared by the statistical functions. Every failure is an
 * `MONITOR_INVALID_INPUT` MlopsError naming the function, the argument and the first
 * offending position; option values of the wrong kind are `INVALID_ARGUMENT`.
 *
 * @module
 */
import { MlopsError } from '../../errors';

/** @internal */
export function invalidInput(fn: string, message: string, details?: Record<string, unknown>): MlopsError {
  return new MlopsError('MONITOR_INVALID_INPUT', `${fn}: ${message}`, details === undefined ? {} : { details });
}

/** @internal */
export function invalidOption(fn: string, message: string): MlopsError {
  return new MlopsError('INVALID_ARGUMENT', `${fn}: ${message}`);
}

/** Throws unless `values` is a non-empty array-like. @internal */
export function requireSample(fn: string, name: string, values: ArrayLike<number>): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw invalidInput(fn, `${name} must be an array or typed array of numbers.`, { argument: name });
  }
  if (values.length === 0) {
    throw invalidInput(fn, `${name} is empty; a test needs at least one value on each side (check that the window holds data).`, {
      argument: name,
    });
  }
}

/** Index of the first NaN (or non-number), or -1. @internal */
export function firstNaN(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || typeof v !== 'number') return i;
  }
  return -1;
}

/** @internal */
export function nanError(fn: string, name: string, index: number): MlopsError {
  return invalidInput(
    fn,
    `${name}[${index}] is NaN (or not a number). Remove missing values before testing; the DriftMonitor counts them as their own signal.`,
    { argument: name, index },
  );
}

/**
 * Copies counts (or weights) into a Float64Array, checking each is finite and `>= 0`
 * and that they sum to a positive number. @internal
 */
export function nonNegativeVector(fn: string, name: string, values: ArrayLike<number>, allowAllZero = false): Float64Array {
  requireSample(fn, name, values);
  const out = new Float64Array(values.length);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0) || v === Infinity) {
      throw invalidInput(fn, `${name}[${i}] = ${String(v)}; counts and weights must be finite and >= 0.`, { argument: name, index: i });
    }
    out[i] = v;
    total += v;
  }
  if (!(total > 0) && !allowAllZero) {
    throw invalidInput(fn, `${name} sums to ${total}; at least one count or weight must be positive.`, { argument: name });
  }
  if (total === Infinity) throw invalidInput(fn, `${name} sums to Infinity; rescale the weights.`, { argument: name });
  return out;
}

/** Throws when two vectors that index the same categories differ in length. @internal */
export function requireSameLength(fn: string, a: string, b: string, la: number, lb: number): void {
  if (la !== lb) {
    throw invalidInput(fn, `${a} has ${la} entries and ${b} has ${lb}; both must list the same categories (bins) in the same order.`, {
      [a]: la,
      [b]: lb,
    });
  }
}

/** Checks that `values` is ascending with no NaN (for the `*Sorted` variants). @internal */
export function requireSorted(fn: string, name: string, values: ArrayLike<number>): void {
  requireSample(fn, name, values);
  if (values[0] !== values[0]) throw nanError(fn, name, 0);
  for (let i = 1; i < values.length; i++) {
    if (!(values[i] >= values[i - 1])) {
      if (values[i] !== values[i]) throw nanError(fn, name, i);
      throw invalidInput(fn, `${name} is not sorted ascending at index ${i} (${values[i - 1]} > ${values[i]}); use the unsorted variant or sort it first.`, {
        argument: name,
        index: i,
      });
    }
  }
}
