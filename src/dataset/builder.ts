/**
 * Turning untyped cells (strings from text formats, JavaScript values from rows) into
 * typed columns: type inference, parsing, and the per-cell error report shared by every
 * loader.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { BooleanColumn, CategoryColumn, type Column, type ColumnType, DateColumn, NumberColumn } from './column';
import type { Field } from './schema';

/** How loaders treat cells that cannot be read as their column's type. */
export type InvalidCellPolicy = 'strict' | 'coerce';

/** Options shared by every loader. */
export interface ParseOptions {
  /**
   * `'strict'` (default): a cell that does not fit its column's type fails the load with
   * a `SCHEMA_VIOLATION` error listing the offending cells. `'coerce'`: such cells become
   * missing, are counted in `dataset.loadIssueCount` and listed (the first 10,000) in
   * `dataset.loadIssues`.
   */
  mode?: InvalidCellPolicy;
  /**
   * What to do with `NaN`, `Infinity` and `-Infinity` in numeric columns (as JavaScript
   * numbers or as the texts `NaN`, `Inf`, `Infinity`): `'error'` (default) reports them
   * as bad cells with code `DATA_NON_FINITE`; `'missing'` stores them as missing.
   */
  nonFinite?: 'error' | 'missing';
  /** Texts read as missing. Default: `''`, `'NA'`, `'N/A'`, `'null'`, `'NULL'`, `'None'`. */
  missingValues?: readonly string[];
  /** Store numbers as `Float32Array` instead of `Float64Array` (half the memory). */
  float32?: boolean;
  /** How many bad cells a strict load lists before giving up (default 20). */
  maxErrors?: number;
}

/** One cell that could not be read as its column's type. */
export interface CellIssue {
  /** 0-based row index in the dataset. */
  row: number;
  /** 1-based line in the source text, where the loader knows it. */
  line?: number;
  /** Column name. */
  column: string;
  /** The offending value, as text (cut to 80 characters). */
  value: string;
  /** What is wrong with it. */
  reason: string;
  /** `DATA_NON_FINITE`, `DATA_INVALID_VALUE` or `SCHEMA_VIOLATION`. */
  code: 'DATA_NON_FINITE' | 'DATA_INVALID_VALUE' | 'SCHEMA_VIOLATION';
}

/** The default missing-value tokens. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'null', 'NULL', 'None'];

const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TRUE_TEXT = new Set(['true', 'TRUE', 'True']);
const FALSE_TEXT = new Set(['false', 'FALSE', 'False']);

/** Parses a number written in plain decimal or exponent notation; `undefined` if not one. @internal */
export function parseNumberText(text: string): number | undefined {
  const t = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  if (NUMBER_RE.test(t)) return Number(t);
  if (NON_FINITE_RE.test(t)) {
    const lower = t.toLowerCase();
    return lower.endsWith('nan') ? NaN : lower.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}

/** Parses an ISO-8601 date or date-time as UTC epoch ms; `undefined` if not one. @internal */
export function parseDateText(text: string): number | undefined {
  const t = text.trim();
  const m = ISO_DATE_RE.exec(t);
  if (m === null) return undefined;
  // Without an explicit zone a date-time is read as UTC (Date.parse would use local time).
  const iso = t.length > 10 && m[1] === undefined ? `${t.replace(' ', 'T')}Z` : t.replace(' ', 'T');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses `true`/`false` in lower, upper or title case; `undefined` if neither. @internal */
export function parseBooleanText(text: string): boolean | undefined {
  const t = text.trim();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return undefined;
}

function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value instanceof Date) s = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (typeof value === 'object' && value !== null) {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  } else s = String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Infers a column type from a sample of cells. Texts are read the way the CSV loader
 * reads them; JavaScript numbers, booleans and Dates keep their type. A column with no
 * present value is `number` (all missing).
 * @internal
 */
export class TypeInferrer {
  private couldBeNumber = true;
  private couldBeBoolean = true;
  private couldBeDate = true;
  private sawValue = false;
  private readonly missing: ReadonlySet<string>;

  constructor(missingValues: readonly string[] = DEFAULT_MISSING_VALUES) {
    this.missing = new Set(missingValues);
  }

  /** Looks at one cell. */
  add(value: unknown): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (this.missing.has(value)) return;
      this.sawValue = true;
      if (this.couldBeNumber && parseNumberText(value) === undefined) this.couldBeNumber = false;
      if (this.couldBeBoolean && parseBooleanText(value) === undefined) this.couldBeBoolean = false;
      if (this.couldBeDate && parseDateText(value) === undefined) this.couldBeDate = false;
      return;
    }
    this.sawValue = true;
    if (typeof value === 'number' || typeof value === 'bigint') {
      this.couldBeBoolean = false;
      this.couldBeDate = false;
    } else if (typeof value === 'boolean') {
      this.couldBeNumber = false;
      this.couldBeDate = false;
    } else if (value instanceof Date) {
      this.couldBeNumber = false;
      this.couldBeBoolean = false;
    } else {
      this.couldBeNumber = this.couldBeBoolean = this.couldBeDate = false;
    }
  }

  /** The narrowest type that fits every cell seen. */
  result(): ColumnType {
    if (!this.sawValue) return 'number';
    if (this.couldBeBoolean) return 'boolean';
    if (this.couldBeNumber) return 'number';
    if (this.couldBeDate) return 'date';
    return 'category';
  }
}

/**
 * Collects the bad cells of a load. In strict mode it throws once `maxErrors` cells are
 * collected (or at the end); in coerce mode it only records them.
 * @internal
 */
export class IssueLog {
  /** The bad cells kept for the report: in coerce mode the first 10,000. */
  readonly issues: CellIssue[] = [];
  /** Every bad cell seen. */
  total = 0;
  private readonly inferredFrom = new Map<string, number>();
  constructor(
    readonly mode: InvalidCellPolicy,
    readonly maxErrors: number,
    private readonly source: string,
  ) {}

  /**
   * Records that a column's type was inferred from its first `sampleRows` rows, so a
   * report about a later bad cell can say how to fix the inference.
   */
  noteInferred(column: string, sampleRows: number): void {
    this.inferredFrom.set(column, sampleRows);
  }

  add(issue: CellIssue): void {
    this.total++;
    if (this.issues.length < Math.max(this.maxErrors, 1) || this.mode === 'coerce') {
      if (this.issues.length < 10_000) this.issues.push(issue);
    }
    if (this.mode === 'strict' && this.total >= this.maxErrors) this.throw();
  }

  /** Throws the collected report if strict mode saw any bad cell. */
  finish(): void {
    if (this.mode === 'strict' && this.total > 0) this.throw();
  }

  private throw(): never {
    const shown = this.issues.slice(0, this.maxErrors);
    const lines = shown.map(formatIssue);
    const more = this.total > lines.length ? `\n  ... and more (stopped after ${lines.length})` : '';
    const allNonFinite = this.issues.every((i) => i.code === 'DATA_NON_FINITE');
    let hint = allNonFinite
      ? "Fix the data, or pass { nonFinite: 'missing' } to store non-finite numbers as missing."
      : "Fix the data, declare the column's type in `schema`, or pass { mode: 'coerce' } to load bad cells as missing.";
    const inferred = [...new Set(shown.filter((i) => i.code !== 'DATA_NON_FINITE').map((i) => i.column))].filter((c) => this.inferredFrom.has(c));
    for (const c of inferred) {
      hint += `\nColumn "${c}" was inferred as a type from its first ${this.inferredFrom.get(c)} rows and a later cell does not fit it: declare its type (e.g. { schema: { ${JSON.stringify(c)}: 'category' } }) or raise inferSampleSize.`;
    }
    throw new MlopsError(
      allNonFinite ? 'DATA_NON_FINITE' : 'SCHEMA_VIOLATION',
      `${this.source}: ${this.total === 1 ? 'a cell does' : `${lines.length}${more ? '+' : ''} cells do`} not fit the schema:\n  ${lines.join('\n  ')}${more}\n${hint}`,
      { details: { issues: shown } },
    );
  }
}

/** `row 1042 (line 1044), column "amount": "abc" is not a number`. @internal */
export function formatIssue(issue: CellIssue): string {
  const where = issue.line !== undefined ? `row ${issue.row} (line ${issue.line})` : `row ${issue.row}`;
  return `${where}, column "${issue.column}": ${issue.value} ${issue.reason}`;
}

const FIRST_BLOCK = 256;
const MAX_BLOCK = 65_536;

/**
 * Builds one typed column from cells pushed in row order. Bad cells are reported to the
 * {@link IssueLog} and stored as missing.
 *
 * Values go into blocks that grow from 256 to 65,536 cells, so a streaming load never
 * copies a whole column while it grows and wastes at most one block; `finish()` copies
 * the blocks into one array (none when a `capacity` hint was exact). Missing cells are
 * `NaN` (numbers, dates, booleans) or code `-1` (categories) while building: present
 * numbers are always finite, so the missing mask is derived at the end.
 * @internal
 */
export class ColumnBuilder {
  /** Current block for number, boolean (0/1) and date columns. */
  private num: Float64Array | Float32Array;
  /** Current block for category columns. */
  private codes: Int32Array;
  /** Filled earlier blocks. */
  private blocks: (Float64Array | Float32Array | Int32Array)[] = [];
  /** Cells in `blocks`. */
  private filled = 0;
  /** Cells in the current block. */
  private pos = 0;
  private anyMissing = false;
  private readonly dict = new Map<string, number>();
  private readonly categories: string[] = [];
  private readonly allowed: Set<string> | null;
  private readonly missingTokens: ReadonlySet<string>;
  private readonly nonFiniteMissing: boolean;
  private readonly float32: boolean;

  constructor(
    readonly field: Field,
    private readonly log: IssueLog,
    options: ParseOptions = {},
    capacity = FIRST_BLOCK,
  ) {
    const cap = Math.max(16, capacity);
    this.float32 = field.type === 'number' && options.float32 === true;
    const isCategory = field.type === 'category';
    this.num = this.float32 ? new Float32Array(cap) : new Float64Array(isCategory ? 0 : cap);
    this.codes = new Int32Array(isCategory ? cap : 0);
    this.allowed = field.categories ? new Set(field.categories) : null;
    if (field.categories) {
      for (const c of field.categories) this.code(c);
    }
    this.missingTokens = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);
    this.nonFiniteMissing = options.nonFinite === 'missing';
  }

  private grow(): void {
    const isCategory = this.field.type === 'category';
    const current = isCategory ? this.codes : this.num;
    this.blocks.push(current);
    this.filled += current.length;
    const size = Math.min(MAX_BLOCK, Math.max(FIRST_BLOCK, current.length * 2));
    if (isCategory) this.codes = new Int32Array(size);
    else this.num = this.float32 ? new Float32Array(size) : new Float64Array(size);
    this.pos = 0;
  }

  private code(value: string): number {
    let c = this.dict.get(value);
    if (c === undefined) {
      c = this.categories.length;
      this.categories.push(value);
      this.dict.set(value, c);
    }
    return c;
  }

  private setMissing(i: number, row: number, line: number | undefined, raw: unknown): void {
    this.anyMissing = true;
    if (this.field.type === 'category') this.codes[i] = -1;
    else this.num[i] = NaN;
    if (!this.field.nullable && raw !== undefined) {
      this.log.add({
        row,
        line,
        column: this.field.name,
        value: raw === null ? 'null' : show(raw),
        reason: 'is missing but the column is declared nullable: false',
        code: 'SCHEMA_VIOLATION',
      });
    }
  }

  private bad(i: number, row: number, line: number | undefined, raw: unknown, reason: string, code: CellIssue['code']): void {
    this.anyMissing = true;
    if (this.field.type === 'category') this.codes[i] = -1;
    else this.num[i] = NaN;
    this.log.add({ row, line, column: this.field.name, value: show(raw), reason, code });
  }

  /**
   * Appends a finite number to a `number` column: the loaders' fast path for values
   * they parsed themselves. The caller guarantees the column type and finiteness.
   * Returns false, appending nothing, when a float32 column cannot hold the value (it
   * would become Infinity): the caller then pushes the text, which reports the cell.
   */
  pushNumber(value: number): boolean {
    if (this.float32 && !Number.isFinite(Math.fround(value))) return false;
    if (this.pos === this.num.length) this.grow();
    this.num[this.pos++] = value;
    return true;
  }

  /**
   * Direct writing, for a loader that parses many numbers itself: returns the current
   * block of a `number` column with room for at least one cell. Cells from
   * {@link blockPos} to the block's end are free; write finite numbers that a float32
   * column can hold (or `NaN` for a missing cell) there, then {@link commit} them.
   * Writes past what is committed are ignored.
   */
  openBlock(): Float64Array | Float32Array {
    if (this.pos === this.num.length) this.grow();
    return this.num;
  }

  /** Index in the current block of the next cell (see {@link openBlock}). */
  get blockPos(): number {
    return this.pos;
  }

  /** Keeps `count` cells written after {@link openBlock}; `missing`: some of them are `NaN`. */
  commit(count: number, missing: boolean): void {
    this.pos += count;
    if (missing) this.anyMissing = true;
  }

  /** Appends a cell. `row` is the dataset row index used in reports. */
  push(raw: unknown, row: number, line?: number): void {
    if (this.pos === (this.field.type === 'category' ? this.codes.length : this.num.length)) this.grow();
    const i = this.pos++;
    if (raw === null || raw === undefined || (typeof raw === 'string' && this.missingTokens.has(raw))) {
      this.setMissing(i, row, line, raw ?? null);
      return;
    }
    switch (this.field.type) {
      case 'number': {
        let v: number | undefined;
        if (typeof raw === 'number') v = raw;
        else if (typeof raw === 'string') v = parseNumberText(raw);
        else if (typeof raw === 'bigint') v = Number(raw);
        else if (typeof raw === 'boolean') v = raw ? 1 : 0;
        if (v === undefined) return this.bad(i, row, line, raw, 'is not a number', 'DATA_INVALID_VALUE');
        if (!Number.isFinite(v)) {
          if (this.nonFiniteMissing) return this.setMissing(i, row, line, undefined);
          return this.bad(i, row, line, raw, 'is not a finite number', 'DATA_NON_FINITE');
        }
        if (this.float32 && !Number.isFinite(Math.fround(v))) {
          return this.bad(i, row, line, raw, 'is too large for a float32 column (beyond ±3.4e38); load without float32: true', 'DATA_INVALID_VALUE');
        }
        this.num[i] = v;
        return;
      }
      case 'boolean': {
        let v: boolean | undefined;
        if (typeof raw === 'boolean') v = raw;
        else if (typeof raw === 'string') v = parseBooleanText(raw);
        else if (raw === 0 || raw === 1) v = raw === 1;
        if (v === undefined) return this.bad(i, row, line, raw, 'is not a boolean (true/false)', 'DATA_INVALID_VALUE');
        this.num[i] = v ? 1 : 0;
        return;
      }
      case 'date': {
        let v: number | undefined;
        if (raw instanceof Date) v = raw.getTime();
        else if (typeof raw === 'string') v = parseDateText(raw);
        else if (typeof raw === 'number') v = raw;
        if (v === undefined || !Number.isFinite(v)) {
          return this.bad(i, row, line, raw, 'is not a date (ISO 8601 text, a Date or epoch milliseconds)', 'DATA_INVALID_VALUE');
        }
        this.num[i] = v;
        return;
      }
      case 'category': {
        let v: string;
        if (typeof raw === 'string') v = raw;
        else if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') v = String(raw);
        else if (raw instanceof Date) v = raw.toISOString();
        else return this.bad(i, row, line, raw, 'is not a text value', 'DATA_INVALID_VALUE');
        if (this.allowed !== null && !this.allowed.has(v)) {
          return this.bad(i, row, line, raw, `is not one of the declared categories (${[...this.allowed].slice(0, 10).join(', ')})`, 'SCHEMA_VIOLATION');
        }
        this.codes[i] = this.code(v);
        return;
      }
    }
  }

  /** Number of cells pushed so far. */
  get size(): number {
    return this.filled + this.pos;
  }

  /**
   * Makes room for `total` cells in one array, so a loader that can estimate the row
   * count (from the source's byte size) avoids the final copy in `finish()`.
   */
  reserve(total: number): void {
    const n = this.size;
    if (total <= n + (this.field.type === 'category' ? this.codes.length : this.num.length) - this.pos) return;
    const isCategory = this.field.type === 'category';
    const current = isCategory ? this.codes : this.num;
    const next = new (current.constructor as { new (n: number): typeof current })(total);
    let offset = 0;
    for (const b of this.blocks) {
      next.set(b, offset);
      offset += b.length;
    }
    next.set(current.subarray(0, this.pos), offset);
    this.blocks = [];
    this.filled = 0;
    this.pos = n;
    if (isCategory) this.codes = next as Int32Array;
    else this.num = next as Float64Array | Float32Array;
  }

  /** Joins the blocks into one array of `size` cells and releases them. */
  private joined<T extends Float64Array | Float32Array | Int32Array>(current: T): T {
    const n = this.size;
    if (this.blocks.length === 0) {
      // One array: hand it over as it is, or as a view when the spare room is small.
      if (current.length === n) return current;
      if ((current.length - n) * 16 <= current.length) return current.subarray(0, n) as T;
    }
    const out = new (current.constructor as { new (n: number): T })(n);
    let offset = 0;
    for (const b of this.blocks) {
      out.set(b as T, offset);
      offset += b.length;
    }
    out.set(current.subarray(0, this.pos) as T, offset);
    this.blocks = [];
    return out;
  }

  /** The finished column. The builder must not be used afterwards. */
  finish(): Column {
    const name = this.field.name;
    if (this.field.type === 'category') return new CategoryColumn(name, this.joined(this.codes), this.categories.slice());
    const values = this.joined(this.num);
    const n = values.length;
    let mask: Uint8Array | null = null;
    if (this.anyMissing) {
      mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (values[i] !== values[i]) mask[i] = 1;
    }
    switch (this.field.type) {
      case 'number':
        return new NumberColumn(name, values, mask);
      case 'boolean': {
        const bools = new Uint8Array(n);
        for (let i = 0; i < n; i++) bools[i] = values[i] === 1 ? 1 : 0;
        return new BooleanColumn(name, bools, mask);
      }
      case 'date':
        return new DateColumn(name, values as Float64Array, mask);
    }
  }
}
