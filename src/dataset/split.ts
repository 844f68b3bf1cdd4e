/**
 * Seeded splits: train/test (optionally stratified), k-fold (optionally stratified) and
 * time-based. All return row indices; the Dataset methods turn them into datasets.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { createRng, type Seed } from '../random';
import type { Column } from './column';
import type { Dataset } from './dataset';

/** Options for a train/test split. */
export interface SplitOptions {
  /** Share of rows in the test part, in (0, 1). Default 0.2. The test part has ceil(n * testFraction) rows. */
  testFraction?: number;
  /** Seed of the shuffle. Default 42. */
  seed?: Seed;
  /** Column whose class proportions both parts keep (a category, boolean or integer column). */
  stratifyBy?: string;
  /** Shuffle before splitting (default true). With `false` the test part is the last rows. */
  shuffle?: boolean;
}

/** Options for k-fold splits. */
export interface KFoldOptions {
  /** Seed of the shuffle. Default 42. */
  seed?: Seed;
  /** Column whose class proportions every fold keeps. */
  stratifyBy?: string;
  /** Shuffle before assigning folds (default true). */
  shuffle?: boolean;
}

/** Options for a time-based split. */
export interface TimeSplitOptions {
  /** A date or numeric column holding each row's time. */
  column: string;
  /** The cut: rows before it train, rows at or after it test. */
  at?: Date | number;
  /** When `at` is not given: the share of the latest rows held out. Default 0.2. */
  testFraction?: number;
}

/** Row indices of a split. */
export interface SplitIndices {
  /** Training row indices, ascending. */
  train: Uint32Array;
  /** Test row indices, ascending. */
  test: Uint32Array;
}

function checkFraction(f: number, what: string): void {
  if (!(f > 0 && f < 1)) {
    throw new MlopsError('SPLIT_INVALID', `${what} must be between 0 and 1 (exclusive), got ${f}.`);
  }
}

/**
 * Groups row indices by the value of a stratification column, in order of first
 * appearance. Missing values form their own group.
 * @internal
 */
export function strataOf(column: Column): number[][] {
  const groups = new Map<string | number, number[]>();
  for (let i = 0; i < column.length; i++) {
    let key: string | number;
    if (column.isMissing(i)) key = '\u0000missing';
    else if (column.type === 'category') key = column.codes[i];
    else key = column.values[i];
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
    }
    g.push(i);
  }
  if (column.type === 'number' && groups.size > Math.max(50, column.length / 2)) {
    throw new MlopsError(
      'SPLIT_INVALID',
      `stratifyBy: column "${column.name}" has ${groups.size} distinct values; stratification needs a class column (category, boolean or a few integer values).`,
    );
  }
  return [...groups.values()];
}

function sorted(indices: number[]): Uint32Array {
  return Uint32Array.from(indices).sort();
}

/**
 * Train/test row indices. The test part gets ceil(n * testFraction) rows; when
 * stratified, each class gets its proportional share (largest remainders break ties),
 * and every class with at least two rows keeps at least one row in each part.
 * @internal
 */
export function splitIndices(ds: Dataset, options: SplitOptions): SplitIndices {
  const testFraction = options.testFraction ?? 0.2;
  checkFraction(testFraction, 'testFraction');
  const n = ds.numRows;
  if (n < 2) throw new MlopsError('SPLIT_INVALID', `A train/test split needs at least 2 rows; the dataset has ${n}.`);
  const rng = createRng(options.seed);
  const nTest = Math.min(n - 1, Math.max(1, Math.ceil(n * testFraction)));
  if (options.stratifyBy === undefined) {
    const order = options.shuffle === false ? Uint32Array.from({ length: n }, (_, i) => i) : rng.permutation(n);
    return { train: order.slice(0, n - nTest).sort(), test: order.slice(n - nTest).sort() };
  }
  const groups = strataOf(ds.column(options.stratifyBy));
  // Proportional allocation with largest remainders.
  const quotas = groups.map((g) => (g.length * nTest) / n);
  const alloc = quotas.map(Math.floor);
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => ({ i, r: q - Math.floor(q), tie: rng.next() })).sort((a, b) => b.r - a.r || a.tie - b.tie);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    alloc[i]++;
    left--;
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, gi) => {
    const rows = options.shuffle === false ? g : rng.shuffle(g.slice());
    let k = alloc[gi];
    if (g.length >= 2) k = Math.min(Math.max(k, 1), g.length - 1);
    for (let j = 0; j < rows.length; j++) (j < rows.length - k ? train : test).push(rows[j]);
  });
  return { train: sorted(train), test: sorted(test) };
}

/**
 * k-fold row indices. Plain: rows (shuffled) are cut into k nearly equal folds.
 * Stratified: rows are ordered class by class and dealt to folds in turn, so each
 * fold's class counts differ by at most one from any other's.
 * @internal
 */
export function kFoldIndices(ds: Dataset, k: number, options: KFoldOptions): SplitIndices[] {
  const n = ds.numRows;
  if (!Number.isInteger(k) || k < 2) {
    throw new MlopsError('SPLIT_INVALID', `k-fold needs an integer k >= 2, got ${k}.`);
  }
  if (k > n) {
    throw new MlopsError('TRAIN_TOO_FEW_ROWS', `k-fold with k = ${k} needs at least ${k} rows; the dataset has ${n}. Use fewer folds.`, {
      details: { k, rows: n },
    });
  }
  const rng = createRng(options.seed);
  const foldOf = new Uint32Array(n);
  if (options.stratifyBy === undefined) {
    const order = options.shuffle === false ? Uint32Array.from({ length: n }, (_, i) => i) : rng.permutation(n);
    // Fold sizes: the first n % k folds get one extra row (as sklearn's KFold).
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
      for (let j = 0; j < size; j++) foldOf[order[pos++]] = f;
    }
  } else {
    const groups = strataOf(ds.column(options.stratifyBy));
    let next = 0;
    for (const g of groups) {
      const rows = options.shuffle === false ? g : rng.shuffle(g.slice());
      for (const r of rows) {
        foldOf[r] = next;
        next = (next + 1) % k;
      }
    }
  }
  const folds: SplitIndices[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Uint32Array.from(train), test: Uint32Array.from(test) });
  }
  return folds;
}

/**
 * Time-split row indices. Rows with a missing time are left out of both parts.
 * @internal
 */
export function timeSplitIndices(ds: Dataset, options: TimeSplitOptions): SplitIndices {
  const col = ds.column(options.column);
  if (col.type !== 'date' && col.type !== 'number') {
    throw new MlopsError('SPLIT_INVALID', `timeSplit: column "${col.name}" is ${col.type}; it must be a date or numeric column.`);
  }
  const times = col.values;
  let cut: number;
  if (options.at !== undefined) {
    cut = options.at instanceof Date ? options.at.getTime() : options.at;
    if (!Number.isFinite(cut)) throw new MlopsError('SPLIT_INVALID', 'timeSplit: `at` is not a valid time.');
  } else {
    const f = options.testFraction ?? 0.2;
    checkFraction(f, 'testFraction');
    const present: number[] = [];
    for (let i = 0; i < col.length; i++) if (!col.isMissing(i)) present.push(times[i]);
    if (present.length < 2) throw new MlopsError('SPLIT_INVALID', `timeSplit: column "${col.name}" has fewer than 2 non-missing times.`);
    const s = Float64Array.from(present).sort();
    cut = s[Math.min(s.length - 1, Math.floor(s.length * (1 - f)))];
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < col.length; i++) {
    if (col.isMissing(i)) continue;
    (times[i] < cut ? train : test).push(i);
  }
  if (train.length === 0 || test.length === 0) {
    const at = col.type === 'date' && Math.abs(cut) <= 8.64e15 ? new Date(cut).toISOString() : String(cut);
    throw new MlopsError('SPLIT_INVALID', `timeSplit: the cut at ${at} leaves ${train.length} training and ${test.length} test rows; choose another cut.`, {
      details: { cut, train: train.length, test: test.length },
    });
  }
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}
