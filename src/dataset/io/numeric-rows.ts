/**
 * The bulk path for all-numeric CSV: once every loaded column is known to be a number
 * column, whole lines of plain numbers are parsed in one tight loop straight into the
 * columns' blocks, with no per-field bookkeeping and no call per cell.
 *
 * A line qualifies when it has exactly the header's field count, no quotes, and every
 * loaded field is a number that {@link scanNumber} reads exactly (or an empty cell that
 * the column may store as missing). Anything else (a quote, an `NA`, a bad cell, a ragged
 * row, an over-long field, an empty line) stops the loop at the start of that line, and
 * the tokenizer's general path reads it, with its usual errors and reports. Writes for a
 * line that stops part-way are never committed.
 *
 * @module
 */
import type { ColumnBuilder } from '../builder';
import type { BulkRowReader } from './csv-tokenizer';
import { scanEnd, scanNumber } from './number-bytes';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Lines the bulk path may stop at before it checks its worth: past this many, it turns
 * itself off when they are over a quarter of the lines it read (rows with an `NA` or a
 * quote in most lines are better read by the general path alone).
 */
const MISS_ALLOWANCE = 1000;

/** @internal */
export class NumericRows implements BulkRowReader {
  lastRows = 0;
  /** Lines read by this path. */
  private total = 0;
  /** Lines it stopped at and handed to the general path. */
  private misses = 0;
  private readonly blocks: (Float64Array | Float32Array)[];
  /** Per column: 1 when this batch stored a missing cell. */
  private readonly missing: Uint8Array;

  constructor(
    /** The loaded columns, all `number`. */
    private readonly builders: readonly ColumnBuilder[],
    /** Per field of the file: the loaded column it goes to, or -1 when it is skipped. */
    private readonly target: Int32Array,
    /** Per column: 1 when an empty cell is a missing value it may hold. */
    private readonly emptyMissing: Uint8Array,
    private readonly delimiter: number,
    private readonly maxFieldBytes: number,
    /** Receives the count of rows read. */
    private readonly counter: { rows: number },
  ) {
    this.blocks = builders.map(() => new Float64Array(0)); // set by each read
    this.missing = new Uint8Array(builders.length);
  }

  read(buf: Uint8Array, start: number, end: number): number {
    this.lastRows = 0;
    if (this.misses > MISS_ALLOWANCE && this.misses * 4 > this.total) return start;
    const { builders, blocks, target, emptyMissing, missing } = this;
    const delim = this.delimiter;
    const maxField = this.maxFieldBytes;
    for (let k = 0; k < builders.length; k++) {
      blocks[k] = builders[k].openBlock();
      missing[k] = 0;
    }
    // Every column holds one cell per row and grows its blocks alike, so all stand at
    // the same position.
    const pos = builders[0].blockPos;
    let room = 1 << 30;
    for (let k = 0; k < builders.length; k++) {
      if (builders[k].blockPos !== pos) return start;
      room = Math.min(room, blocks[k].length - pos);
    }
    const last = target.length - 1;
    let rows = 0;
    let i = start;
    let next = start; // just past the last whole row read
    let stopped = false;
    row: while (rows < room && i < end) {
      let c = buf[i];
      if (c === LF || c === CR) {
        stopped = true; // an empty line: the general path skips it
        break;
      }
      for (let f = 0; f <= last; f++) {
        const k = target[f];
        const cellStart = i;
        c = buf[i];
        if (k < 0) {
          // A skipped field: find its end.
          if (c === QUOTE) {
            stopped = true;
            break row;
          }
          while (c !== delim && c !== LF && c !== CR) c = buf[++i];
        } else {
          const v = scanNumber(buf, i, end);
          i = scanEnd;
          c = buf[i];
          if (v !== v) {
            // Not a number the fast path reads: the general path takes the row, unless
            // the cell is empty and the column stores that as missing.
            if (i !== cellStart || emptyMissing[k] === 0) {
              stopped = true;
              break row;
            }
            // (A row stopped later is read again by the general path, which stores
            // this same cell as missing.)
            missing[k] = 1;
          }
          blocks[k][pos + rows] = v;
        }
        if (i - cellStart > maxField) {
          stopped = true;
          break row;
        }
        if (f < last) {
          if (c !== delim) {
            stopped = true;
            break row;
          }
          i++;
        } else if (c === LF) i++;
        else if (c === CR) i += buf[i + 1] === LF ? 2 : 1;
        else {
          stopped = true;
          break row;
        }
      }
      rows++;
      next = i;
    }
    for (let k = 0; k < builders.length; k++) builders[k].commit(rows, missing[k] === 1);
    if (stopped) this.misses++;
    this.total += rows;
    this.lastRows = rows;
    this.counter.rows += rows;
    return next;
  }
}
