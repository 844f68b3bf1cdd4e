/**
 * Filling missing cells in a dataset. (The preprocessing pipeline has its own fitted
 * imputer that remembers training statistics; this is the one-off data-cleaning step.)
 *
 * @module
 */
import { MlopsError } from '../errors';
import { moments, quantileSorted, sortedPresent } from '../math/summary';
import { BooleanColumn, CategoryColumn, type Column, DateColumn, NumberColumn } from './column';
import type { Dataset } from './dataset';

/** How to fill one column. `mean` and `median` apply to number and date columns only. */
export type ImputeStrategy = 'mean' | 'median' | 'mode' | { constant: number | string | boolean | Date };

/** One strategy for all applicable columns, or a strategy per column name. */
export type ImputeSpec = ImputeStrategy | Record<string, ImputeStrategy>;

function isStrategy(spec: unknown): spec is ImputeStrategy {
  return spec === 'mean' || spec === 'median' || spec === 'mode' || (typeof spec === 'object' && spec !== null && 'constant' in spec && Object.keys(spec).length === 1);
}

function modeOfNumbers(values: ArrayLike<number>, missing: Uint8Array | null): number {
  const s = sortedPresent(values, missing);
  let best = NaN;
  let bestCount = 0;
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = s[i];
    }
    i = j;
  }
  return best;
}

function fillValue(col: Column, strategy: ImputeStrategy): number | string {
  if (typeof strategy === 'object') {
    const c = strategy.constant;
    if (col.type === 'category') return String(c);
    if (col.type === 'boolean') {
      if (typeof c !== 'boolean') throw new MlopsError('INVALID_ARGUMENT', `impute: column "${col.name}" is boolean; its constant must be true or false.`);
      return c ? 1 : 0;
    }
    const v = c instanceof Date ? c.getTime() : c;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new MlopsError('INVALID_ARGUMENT', `impute: column "${col.name}" is ${col.type}; its constant must be a finite number${col.type === 'date' ? ' or a Date' : ''}.`);
    }
    return v;
  }
  if (col.type === 'category') {
    if (strategy !== 'mode') {
      throw new MlopsError('INVALID_ARGUMENT', `impute: '${strategy}' does not apply to category column "${col.name}"; use 'mode' or { constant }.`);
    }
    const counts = col.counts();
    let top = -1;
    counts.forEach((c, i) => {
      if (c > 0 && (top < 0 || c > counts[top])) top = i;
    });
    if (top < 0) throw new MlopsError('DATA_EMPTY', `impute: column "${col.name}" has no values to take a mode from; use { constant }.`);
    return col.categories[top];
  }
  if (col.type === 'boolean' && strategy !== 'mode') {
    throw new MlopsError('INVALID_ARGUMENT', `impute: '${strategy}' does not apply to boolean column "${col.name}"; use 'mode' or { constant }.`);
  }
  let v: number;
  if (strategy === 'mean') v = moments(col.values, col.missing).mean;
  else if (strategy === 'median') v = quantileSorted(sortedPresent(col.values, col.missing), 0.5);
  else v = modeOfNumbers(col.values, col.missing);
  if (Number.isNaN(v)) throw new MlopsError('DATA_EMPTY', `impute: column "${col.name}" has no values to compute a ${strategy} from; use { constant }.`);
  return v;
}

function fill(col: Column, value: number | string): Column {
  if (col.missingCount() === 0) return col;
  if (col.type === 'category') {
    let code = col.categories.indexOf(value as string);
    const categories = code >= 0 ? col.categories : [...col.categories, value as string];
    if (code < 0) code = categories.length - 1;
    const codes = col.codes.slice();
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) codes[i] = code;
    return new CategoryColumn(col.name, codes, categories);
  }
  const values = col.values.slice();
  for (let i = 0; i < values.length; i++) if (col.isMissing(i)) values[i] = value as number;
  if (col.type === 'number') return new NumberColumn(col.name, values as Float64Array, null);
  if (col.type === 'boolean') return new BooleanColumn(col.name, values as Uint8Array, null);
  return new DateColumn(col.name, values as Float64Array, null);
}

/** @internal */
export function imputeDataset(ds: Dataset, spec: ImputeSpec): Column[] {
  if (isStrategy(spec)) {
    return ds.columns.map((col) => {
      if (col.missingCount() === 0) return col;
      // A global numeric strategy skips columns it cannot apply to.
      if ((spec === 'mean' || spec === 'median') && (col.type === 'category' || col.type === 'boolean')) return col;
      if (typeof spec === 'object' && typeof spec.constant !== (col.type === 'category' ? 'string' : col.type === 'boolean' ? 'boolean' : 'number') && !(col.type === 'date' && spec.constant instanceof Date)) {
        return col;
      }
      return fill(col, fillValue(col, spec));
    });
  }
  if (typeof spec !== 'object' || spec === null) {
    throw new MlopsError('INVALID_ARGUMENT', "impute expects 'mean', 'median', 'mode', { constant }, or an object of those per column.");
  }
  for (const [name, s] of Object.entries(spec)) {
    ds.column(name);
    if (!isStrategy(s)) {
      throw new MlopsError('INVALID_ARGUMENT', `impute: the strategy for "${name}" must be 'mean', 'median', 'mode' or { constant }, got ${JSON.stringify(s)}.`);
    }
  }
  return ds.columns.map((col) => {
    const s = (spec as Record<string, ImputeStrategy>)[col.name];
    return s === undefined ? col : fill(col, fillValue(col, s));
  });
}
