/**
 * `describe()`: a per-column summary in the spirit of pandas' `DataFrame.describe`.
 *
 * @module
 */
import { moments, quantileSorted, sortedPresent } from '../math/summary';
import type { ColumnType } from './column';
import type { Dataset } from './dataset';

/** Summary of one column. Numeric fields are absent for categorical columns and vice versa. */
export interface ColumnDescription {
  /** Column name. */
  name: string;
  /** Column type. */
  type: ColumnType;
  /** Non-missing cells. */
  count: number;
  /** Missing cells. */
  missing: number;
  /** Mean (number, boolean, date as epoch ms). */
  mean?: number;
  /** Sample standard deviation (ddof 1). */
  std?: number;
  /** Minimum. */
  min?: number;
  /** 25th percentile (linear interpolation). */
  q25?: number;
  /** Median. */
  median?: number;
  /** 75th percentile. */
  q75?: number;
  /** Maximum. */
  max?: number;
  /** Distinct non-missing values (category and boolean). */
  unique?: number;
  /** Most frequent value (category and boolean); ties go to the first seen. */
  top?: string;
  /** Count of the most frequent value. */
  topCount?: number;
}

/** @internal */
export function describeDataset(ds: Dataset): ColumnDescription[] {
  return ds.columns.map((col) => {
    const missing = col.missingCount();
    const base: ColumnDescription = { name: col.name, type: col.type, count: col.length - missing, missing };
    if (col.type === 'category') {
      const counts = col.counts();
      let top = -1;
      let unique = 0;
      counts.forEach((c, i) => {
        if (c > 0) unique++;
        if (c > 0 && (top < 0 || c > counts[top])) top = i;
      });
      return { ...base, unique, top: top >= 0 ? col.categories[top] : undefined, topCount: top >= 0 ? counts[top] : undefined };
    }
    const m = moments(col.values, col.missing);
    const s = sortedPresent(col.values, col.missing);
    const d: ColumnDescription = {
      ...base,
      mean: m.mean,
      // Sample standard deviation (ddof 1) is undefined for a single value, as in pandas.
      std: m.count > 1 ? m.std : NaN,
      min: m.min,
      q25: quantileSorted(s, 0.25),
      median: quantileSorted(s, 0.5),
      q75: quantileSorted(s, 0.75),
      max: m.max,
    };
    if (col.type === 'boolean') {
      const trues = Math.round(m.mean * m.count);
      const falses = m.count - trues;
      d.unique = (trues > 0 ? 1 : 0) + (falses > 0 ? 1 : 0);
      if (m.count > 0) {
        d.top = trues > falses ? 'true' : 'false';
        d.topCount = Math.max(trues, falses);
      }
    }
    return d;
  });
}
