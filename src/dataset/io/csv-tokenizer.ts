/**
 * A resumable, byte-level RFC 4180 tokenizer. Bytes arrive in chunks of any size; for
 * every complete row it reports the byte range of each field in its buffer, so callers
 * can parse numbers from bytes and decode only the cells they need as strings.
 *
 * Unquoted fields that are numbers are parsed while they are scanned (see
 * {@link scanNumber}): their values come with the row, so a numeric column never looks
 * at its bytes twice.
 *
 * Grammar: fields separated by a one-byte delimiter; rows end at `\n`, `\r\n` or a lone
 * `\r`; a field that starts with `"` is quoted, may contain delimiters, line breaks and
 * doubled quotes (`""` for one `"`), and must be followed by a delimiter, a line break
 * or the end of input. A `"` inside an unquoted field is kept as it is. Empty lines are
 * skipped.
 *
 * Memory: the buffer holds at most one incomplete row plus the current chunk; a row or
 * field over its limit fails as soon as the limit is passed (`DATA_TOO_LARGE`).
 *
 * @module
 */
import { MlopsError } from '../../errors';
import { scanEnd, scanNumber } from './number-bytes';

const LF = 10;
const CR = 13;
const QUOTE = 34;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3; // a quote seen inside a quoted field: the end, or the first of `""`

/** Field flag: the field was quoted (its range excludes the quotes). */
export const FIELD_QUOTED = 1;
/** Field flag: the field contains doubled quotes to unescape. */
export const FIELD_ESCAPED = 2;

/** Limits the tokenizer enforces. @internal */
export interface CsvLimits {
  /** Largest field, in bytes. */
  maxFieldBytes: number;
  /** Largest row, in bytes. */
  maxRowBytes: number;
  /** Most fields in a row. */
  maxColumns: number;
}

/** Receives each complete row: `fieldCount` fields in `starts/ends/flags/values`, starting at `line`. */
export type CsvRowHandler = (fieldCount: number, line: number) => void;

/**
 * Reads simple rows in bulk, bypassing the per-field path (see `NumericRows`). It is
 * offered every row start that lies before the last line break of the buffer.
 * @internal
 */
export interface BulkRowReader {
  /**
   * Reads whole rows from `buf[start, end)`, where `end` is just past a `\n`, each row
   * one line; returns where it stopped: just past the last row it read (`start` when it
   * read none). The general path reads the row there.
   */
  read(buf: Uint8Array, start: number, end: number): number;
  /** Rows read by the last {@link read}. */
  readonly lastRows: number;
}

/** @internal */
export class CsvTokenizer {
  /** The bytes; valid in `[0, length)`. Field offsets point into it during a row callback. */
  buf = new Uint8Array(1 << 16);
  /** Start offset of each field of the current row. */
  starts = new Int32Array(64);
  /** End offset (exclusive) of each field of the current row. */
  ends = new Int32Array(64);
  /** {@link FIELD_QUOTED} / {@link FIELD_ESCAPED} bits per field. */
  flags = new Uint8Array(64);
  /**
   * Per field: its value when it is an unquoted number that {@link scanNumber} reads
   * exactly, else `NaN` (then the text must be parsed; always `NaN` while
   * {@link parseNumbers} is off).
   */
  values = new Float64Array(64);
  /** Parse numbers while scanning (on by default; off when no column needs them). */
  parseNumbers = true;
  /** Takes over runs of simple rows when set. */
  bulk: BulkRowReader | null = null;

  private length = 0;
  private base = 0; // source offset of buf[0]
  private pos = 0;
  private state = FIELD_START;
  private fieldStart = 0;
  private fieldFlags = 0;
  private count = 0; // fields recorded in the current row
  private rowStart = 0;
  private rowLine = 1; // line where the current row starts
  private line = 1; // line at `pos`
  private quoteLine = 1; // line where the open quoted field started
  /**
   * False when the delimiter could be part of a number (`.`, `e`, a sign, a digit): then
   * numbers are never read while scanning (`1.5` is two fields with delimiter `.`).
   */
  readonly numberSafe: boolean;

  constructor(
    private readonly delimiter: number,
    private readonly limits: CsvLimits,
    private readonly onRow: CsvRowHandler,
    private readonly label: string,
  ) {
    this.numberSafe = !/[-+.0-9eE]/.test(String.fromCharCode(delimiter));
  }

  /** Source byte offset where the current row starts (during a row callback: that row). */
  get rowOffset(): number {
    return this.base + this.rowStart;
  }

  /** Feeds a chunk (it may be reused by the caller afterwards). */
  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.scan(false);
    this.compact();
  }

  /** Ends the input: emits the last row, or fails on an unterminated quote. */
  end(): void {
    this.scan(true);
    if (this.state === QUOTED) {
      throw new MlopsError(
        'CSV_PARSE',
        `${this.label}: a quoted field that starts on line ${this.quoteLine} is never closed (the input ends inside it). Close the quote, or double any " inside a quoted field ("").`,
        { details: { line: this.quoteLine } },
      );
    }
    if (this.state === UNQUOTED) this.record(this.fieldStart, this.length, this.fieldFlags, NaN);
    else if (this.state === AFTER_QUOTE) this.record(this.fieldStart, this.length - 1, this.fieldFlags, NaN);
    else if (this.count > 0) this.record(this.length, this.length, 0, NaN); // "a,b," at the very end
    if (this.count > 0) this.emit();
  }

  private append(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(chunk, this.length);
    this.length = need;
  }

  /** Moves the incomplete row to the front of the buffer and checks the size limits. */
  private compact(): void {
    const shift = this.rowStart;
    const pending = this.length - shift;
    if (pending > this.limits.maxRowBytes) this.tooLarge('row', this.limits.maxRowBytes, 'maxRowBytes');
    if ((this.state === UNQUOTED || this.state === QUOTED) && this.length - this.fieldStart > this.limits.maxFieldBytes) {
      this.tooLarge('field', this.limits.maxFieldBytes, 'maxFieldBytes');
    }
    if (shift === 0) return;
    this.buf.copyWithin(0, shift, this.length);
    this.base += shift;
    this.length = pending;
    this.pos -= shift;
    this.fieldStart -= shift;
    this.rowStart = 0;
    for (let k = 0; k < this.count; k++) {
      this.starts[k] -= shift;
      this.ends[k] -= shift;
    }
    // Let a buffer that grew for one long row shrink back.
    if (this.buf.length > 1 << 22 && pending < this.buf.length >> 2) this.buf = this.buf.slice(0, Math.max(1 << 16, pending * 2));
  }

  private tooLarge(what: 'row' | 'field', limit: number, option: string): never {
    const quoted = this.state === QUOTED ? ` It is inside a quoted field that opens on line ${this.quoteLine}: an unclosed quote there would make the rest of the file one field.` : '';
    throw new MlopsError(
      'DATA_TOO_LARGE',
      `${this.label}: the ${what} starting on line ${what === 'row' ? this.rowLine : this.state === QUOTED ? this.quoteLine : this.line} is longer than ${limit} bytes (the ${option} limit).${quoted} Raise ${option} if the data really has ${what}s this long.`,
      { details: { line: this.rowLine, limit, option } },
    );
  }

  private record(start: number, end: number, flags: number, value: number): void {
    const k = this.count;
    if (end - start > this.limits.maxFieldBytes) this.tooLarge('field', this.limits.maxFieldBytes, 'maxFieldBytes');
    if (k === this.starts.length) {
      if (k >= this.limits.maxColumns) {
        throw new MlopsError(
          'DATA_TOO_LARGE',
          `${this.label}: the row on line ${this.rowLine} has more than ${this.limits.maxColumns} fields (the maxColumns limit). Check the delimiter, or raise maxColumns for a table this wide.`,
          { details: { line: this.rowLine, limit: this.limits.maxColumns } },
        );
      }
      const size = Math.min(k * 2, this.limits.maxColumns);
      const starts = new Int32Array(size);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(size);
      ends.set(this.ends);
      this.ends = ends;
      const fl = new Uint8Array(size);
      fl.set(this.flags);
      this.flags = fl;
      const values = new Float64Array(size);
      values.set(this.values);
      this.values = values;
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.flags[k] = flags;
    this.values[k] = value;
    this.count = k + 1;
  }

  private emit(): void {
    const n = this.count;
    this.count = 0;
    this.onRow(n, this.rowLine);
  }

  /**
   * Tokenizes `buf[pos, length)`. An unquoted field is first read as a number
   * ({@link scanNumber}); when the number ends the field its value is recorded, otherwise
   * the scan goes on to the field's end with no value. Fields are recorded inline (no
   * call per field); `record` handles the ends of input and quoted fields.
   */
  private scan(final: boolean): void {
    const buf = this.buf;
    const len = this.length;
    const delim = this.delimiter;
    const numbers = this.parseNumbers && this.numberSafe;
    const maxField = this.limits.maxFieldBytes;
    const bulk = this.bulk;
    let i = this.pos;
    // The bulk reader only sees complete lines.
    const bulkEnd = bulk === null || i >= len ? 0 : buf.lastIndexOf(LF, len - 1) + 1;
    let state = this.state;
    while (i < len) {
      if (i < bulkEnd && state === FIELD_START && this.count === 0) {
        const stop = (bulk as BulkRowReader).read(buf, i, bulkEnd);
        if (stop > i) {
          i = stop;
          this.line += (bulk as BulkRowReader).lastRows;
          this.rowStart = i;
          this.rowLine = this.line;
          continue;
        }
      }
      let c = buf[i];
      let value = NaN;
      if (state === FIELD_START) {
        if (c === QUOTE) {
          state = QUOTED;
          this.fieldStart = i + 1;
          this.fieldFlags = FIELD_QUOTED;
          this.quoteLine = this.line;
          i++;
          continue;
        }
        if ((c === LF || c === CR) && this.count === 0) {
          // An empty line: skip it.
          if (c === CR) {
            if (i + 1 === len && !final) break;
            if (i + 1 < len && buf[i + 1] === LF) i++;
          }
          i++;
          this.line++;
          this.rowStart = i;
          this.rowLine = this.line;
          continue;
        }
        this.fieldStart = i;
        this.fieldFlags = 0;
        state = UNQUOTED;
        if (numbers) {
          // A field cut by the end of the chunk keeps no value (it is read as text).
          const v = scanNumber(buf, i, len);
          if (scanEnd < len) {
            i = scanEnd;
            c = buf[i];
            if (c === delim || c === LF || c === CR) value = v;
          } else {
            i = len;
            break;
          }
        }
      }
      if (state === UNQUOTED) {
        while (c !== delim && c !== LF && c !== CR) {
          if (++i === len) break;
          c = buf[i];
        }
        if (i === len) break;
        if (c === CR && i + 1 === len && !final) break;
        // Record the field (the hot path, kept inline).
        const k = this.count;
        const start = this.fieldStart;
        if (k === this.starts.length || i - start > maxField) this.record(start, i, this.fieldFlags, value);
        else {
          this.starts[k] = start;
          this.ends[k] = i;
          this.flags[k] = this.fieldFlags;
          this.values[k] = value;
          this.count = k + 1;
        }
      } else if (state === QUOTED) {
        while (c !== QUOTE) {
          if (c === LF) this.line++;
          if (++i === len) break;
          c = buf[i];
        }
        if (i === len) break;
        state = AFTER_QUOTE;
        i++;
        continue;
      } else {
        // AFTER_QUOTE: `c` follows a quote inside a quoted field.
        if (c === QUOTE) {
          this.fieldFlags |= FIELD_ESCAPED;
          state = QUOTED;
          i++;
          continue;
        }
        if (c !== delim && c !== LF && c !== CR) {
          const shown = String.fromCharCode(c);
          throw new MlopsError(
            'CSV_PARSE',
            `${this.label}: line ${this.line}: unexpected ${JSON.stringify(shown)} after the closing quote of a quoted field (row starting on line ${this.rowLine}, field ${this.count + 1}). A quoted field must be followed by the delimiter or a line break; write a quote inside a quoted field as "".`,
            { details: { line: this.line, row: this.rowLine, field: this.count + 1 } },
          );
        }
        if (c === CR && i + 1 === len && !final) break;
        this.record(this.fieldStart, i - 1, this.fieldFlags, NaN);
      }
      // `c` ends a field: a delimiter or a line break.
      if (c === delim) {
        state = FIELD_START;
        i++;
        // A delimiter right before a line break or the end leaves an empty last field.
        continue;
      }
      if (c === CR && i + 1 < len && buf[i + 1] === LF) i++;
      i++;
      this.line++;
      this.emit();
      this.rowStart = i;
      this.rowLine = this.line;
      state = FIELD_START;
    }
    this.pos = i;
    this.state = state;
  }
}
