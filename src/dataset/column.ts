/**
 * Typed, immutable column storage.
 *
 * - `number`: `Float64Array` (or `Float32Array` when loaded with `float32: true`); a
 *   missing cell holds `NaN` and is flagged in the `missing` mask.
 * - `category`: dictionary-encoded; `codes` is an `Int32Array` of indices into
 *   `categories`, `-1` marks a missing cell.
 * - `boolean`: `Uint8Array` of 0/1 with a `missing` mask.
 * - `date`: `Float64Array` of epoch milliseconds (UTC) with a `missing` mask.
 *
 * Operations return new columns; `slice` shares the underlying buffers.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** The logical type of a column. */
export type ColumnType = 'number' | 'category' | 'boolean' | 'date';

/** A single cell as it appears in a row object. `null` is a missing cell. */
export type CellValue = number | string | boolean | Date | null;

/** A row as a plain object keyed by column name. */
export type Row = Record<string, CellValue>;

/** The typed array that stores a numeric column. */
export type NumericArray = Float64Array | Float32Array;

/** Indices accepted by `take`: any array-like of non-negative integers. */
export type IndexArray = ArrayLike<number>;

function checkIndex(i: number, length: number, name: string): void {
  if (!(i >= 0 && i < length) || !Number.isInteger(i)) {
    throw new MlopsError('INVALID_ARGUMENT', `Row index ${i} is out of range for column "${name}" of length ${length}.`);
  }
}

function takeMask(mask: Uint8Array | null, indices: IndexArray): Uint8Array | null {
  if (mask === null) return null;
  const out = new Uint8Array(indices.length);
  let any = false;
  for (let k = 0; k < indices.length; k++) {
    const m = mask[indices[k]];
    out[k] = m;
    if (m) any = true;
  }
  return any ? out : null;
}

function countMask(mask: Uint8Array | null): number {
  if (mask === null) return 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

function sliceMask(mask: Uint8Array | null, start: number, end: number): Uint8Array | null {
  if (mask === null) return null;
  const sub = mask.subarray(start, end);
  for (let i = 0; i < sub.length; i++) if (sub[i]) return sub;
  return null;
}

/** Behaviour shared by every column type. */
export interface ColumnBase {
  /** Column name. */
  readonly name: string;
  /** Number of rows. */
  readonly length: number;
  /** True when row `i` is missing. */
  isMissing(i: number): boolean;
  /** Number of missing cells. */
  missingCount(): number;
  /** The cell at row `i`, `null` when missing. */
  get(i: number): CellValue;
  /** Rows `[start, end)`, sharing buffers. */
  slice(start: number, end: number): Column;
  /** Rows at `indices`, in that order (copies). */
  take(indices: IndexArray): Column;
  /** The same data under another name (shares buffers). */
  withName(name: string): Column;
  /** Every cell as a plain JavaScript array. */
  toArray(): CellValue[];
}

/**
 * What the number, boolean and date columns share: a typed array of values and a
 * missing mask. Subclasses say how a stored value reads as a cell.
 */
abstract class MaskedColumn<V extends NumericArray | Uint8Array, T extends number | boolean | Date, Self extends Column> implements ColumnBase {
  constructor(
    readonly name: string,
    /** The stored values (`NaN` or 0 where missing). */
    readonly values: V,
    /** 1 where the cell is missing; `null` when none is. */
    readonly missing: Uint8Array | null = null,
  ) {}

  /** A column of the same type. */
  protected abstract make(name: string, values: V, missing: Uint8Array | null): Self;
  /** A stored value as a cell. */
  protected abstract cell(value: number): T;

  get length(): number {
    return this.values.length;
  }
  isMissing(i: number): boolean {
    return this.missing !== null && this.missing[i] === 1;
  }
  missingCount(): number {
    return countMask(this.missing);
  }
  get(i: number): T | null {
    checkIndex(i, this.length, this.name);
    return this.isMissing(i) ? null : this.cell(this.values[i]);
  }
  slice(start: number, end: number): Self {
    return this.make(this.name, this.values.subarray(start, end) as V, sliceMask(this.missing, start, end));
  }
  take(indices: IndexArray): Self {
    const v = this.values;
    const out = new (v.constructor as new (n: number) => V)(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = v[indices[k]];
    return this.make(this.name, out, takeMask(this.missing, indices));
  }
  withName(name: string): Self {
    return this.make(name, this.values, this.missing);
  }
  toArray(): (T | null)[] {
    const out = new Array<T | null>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.isMissing(i) ? null : this.cell(this.values[i]);
    return out;
  }
}

/** A numeric column. Missing cells hold `NaN` and are set in `missing`. */
export class NumberColumn extends MaskedColumn<NumericArray, number, NumberColumn> {
  readonly type = 'number' as const;

  /** Builds a column from values, deriving the missing mask from `NaN`s. */
  static fromValues(name: string, values: NumericArray): NumberColumn {
    let mask: Uint8Array | null = null;
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== values[i]) {
        mask ??= new Uint8Array(values.length);
        mask[i] = 1;
      }
    }
    return new NumberColumn(name, values, mask);
  }

  protected make(name: string, values: NumericArray, missing: Uint8Array | null): NumberColumn {
    return new NumberColumn(name, values, missing);
  }
  protected cell(value: number): number {
    return value;
  }
}

/** A dictionary-encoded categorical (string) column. `-1` codes are missing. */
export class CategoryColumn implements ColumnBase {
  readonly type = 'category' as const;
  constructor(
    readonly name: string,
    /** Index into `categories` per row; `-1` where missing. */
    readonly codes: Int32Array,
    /** The dictionary. It may hold values no row uses (after a filter, say). */
    readonly categories: readonly string[],
  ) {}

  /** Builds a column from strings (`null` = missing), in first-seen dictionary order. */
  static fromStrings(name: string, values: ArrayLike<string | null | undefined>): CategoryColumn {
    const index = new Map<string, number>();
    const categories: string[] = [];
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        codes[i] = -1;
        continue;
      }
      let code = index.get(v);
      if (code === undefined) {
        code = categories.length;
        categories.push(v);
        index.set(v, code);
      }
      codes[i] = code;
    }
    return new CategoryColumn(name, codes, categories);
  }

  get length(): number {
    return this.codes.length;
  }
  isMissing(i: number): boolean {
    return this.codes[i] < 0;
  }
  missingCount(): number {
    let n = 0;
    for (let i = 0; i < this.codes.length; i++) if (this.codes[i] < 0) n++;
    return n;
  }
  get(i: number): string | null {
    checkIndex(i, this.length, this.name);
    const c = this.codes[i];
    return c < 0 ? null : this.categories[c];
  }
  /** The missing mask, or `null` when no cell is missing. */
  get missing(): Uint8Array | null {
    let mask: Uint8Array | null = null;
    for (let i = 0; i < this.codes.length; i++) {
      if (this.codes[i] < 0) {
        mask ??= new Uint8Array(this.codes.length);
        mask[i] = 1;
      }
    }
    return mask;
  }
  slice(start: number, end: number): CategoryColumn {
    return new CategoryColumn(this.name, this.codes.subarray(start, end), this.categories);
  }
  take(indices: IndexArray): CategoryColumn {
    const out = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = this.codes[indices[k]];
    return new CategoryColumn(this.name, out, this.categories);
  }
  withName(name: string): CategoryColumn {
    return new CategoryColumn(name, this.codes, this.categories);
  }
  toArray(): (string | null)[] {
    const out = new Array<string | null>(this.length);
    for (let i = 0; i < this.length; i++) {
      const c = this.codes[i];
      out[i] = c < 0 ? null : this.categories[c];
    }
    return out;
  }
  /** Count of rows per dictionary entry (missing rows excluded). */
  counts(): Float64Array {
    const out = new Float64Array(this.categories.length);
    for (let i = 0; i < this.codes.length; i++) {
      const c = this.codes[i];
      if (c >= 0) out[c]++;
    }
    return out;
  }
  /** A copy whose dictionary holds only the categories rows use, in first-seen order. */
  compact(): CategoryColumn {
    const remap = new Int32Array(this.categories.length).fill(-1);
    const categories: string[] = [];
    const codes = new Int32Array(this.codes.length);
    for (let i = 0; i < this.codes.length; i++) {
      const c = this.codes[i];
      if (c < 0) {
        codes[i] = -1;
        continue;
      }
      if (remap[c] < 0) {
        remap[c] = categories.length;
        categories.push(this.categories[c]);
      }
      codes[i] = remap[c];
    }
    return new CategoryColumn(this.name, codes, categories);
  }
}

/** A boolean column stored as 0/1 bytes (0 where missing). */
export class BooleanColumn extends MaskedColumn<Uint8Array, boolean, BooleanColumn> {
  readonly type = 'boolean' as const;
  protected make(name: string, values: Uint8Array, missing: Uint8Array | null): BooleanColumn {
    return new BooleanColumn(name, values, missing);
  }
  protected cell(value: number): boolean {
    return value === 1;
  }
}

/** A timestamp column: epoch milliseconds (UTC) in a `Float64Array`, `NaN` where missing. */
export class DateColumn extends MaskedColumn<Float64Array, Date, DateColumn> {
  readonly type = 'date' as const;
  protected make(name: string, values: Float64Array, missing: Uint8Array | null): DateColumn {
    return new DateColumn(name, values, missing);
  }
  protected cell(value: number): Date {
    return new Date(value);
  }
}

/** Any column. Narrow on `column.type`. */
export type Column = NumberColumn | CategoryColumn | BooleanColumn | DateColumn;

/**
 * A column's values as float64, `NaN` where missing: numbers as they are, booleans as
 * 0/1, dates as epoch ms, categories as their codes. Shares the buffer for float64
 * numeric and date columns.
 * @internal
 */
export function columnAsFloat64(column: Column): Float64Array {
  switch (column.type) {
    case 'number':
    case 'date':
      return column.values instanceof Float64Array ? column.values : Float64Array.from(column.values);
    case 'boolean': {
      const out = new Float64Array(column.length);
      for (let i = 0; i < out.length; i++) out[i] = column.isMissing(i) ? NaN : column.values[i];
      return out;
    }
    case 'category': {
      const out = new Float64Array(column.length);
      for (let i = 0; i < out.length; i++) out[i] = column.codes[i] < 0 ? NaN : column.codes[i];
      return out;
    }
  }
}
