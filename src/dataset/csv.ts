/**
 * Streaming CSV loading: bytes are tokenized chunk by chunk and each cell goes straight
 * into its typed column, numbers parsed from bytes without making a string. The text is
 * never held in memory as a whole: only the incomplete last row of a chunk is carried,
 * and the inference sample (the first `inferSampleSize` rows) is kept as raw bytes until
 * the column types are fixed.
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../errors';
import { ColumnBuilder, DEFAULT_MISSING_VALUES, IssueLog, parseNumberText, type ParseOptions, TypeInferrer } from './builder';
import { Dataset, resolveDeclared } from './dataset';
import { describeSource, openByteSource, sourceByteLength, type ByteSource } from './io/byte-source';
import { CsvTokenizer, FIELD_ESCAPED, FIELD_QUOTED } from './io/csv-tokenizer';
import { parseNumberBytes } from './io/number-bytes';
import { NumericRows } from './io/numeric-rows';
import { ByteSample } from './io/byte-sample';
import { decodeUtf8, utf8Chunks } from './io/utf8';
import type { Field, SchemaInput } from './schema';
import { checkLoadOptions, DEFAULT_INFER_SAMPLE_SIZE, DEFAULT_MAX_ROW_BYTES } from './io/options';

/**
 * Where CSV comes from. A `string` that contains a line break is the CSV text itself;
 * any other string is a file path. See {@link ByteSource} for the rest.
 */
export type CSVSource = ByteSource;

/** Options for {@link Dataset.fromCSV}. */
export interface CSVOptions extends ParseOptions {
  /** Declared column types (some or all columns); others are inferred. */
  schema?: SchemaInput;
  /**
   * Rows looked at to infer undeclared types (default 10,000). Only these rows are
   * buffered (as raw bytes); a later cell that does not fit the inferred type is a bad cell.
   */
  inferSampleSize?: number;
  /** Field delimiter: one ASCII character such as `','` (default), `';'`, `'\t'` or `'|'`. */
  delimiter?: string;
  /**
   * `true` (default): the first row names the columns. `false`: columns are named
   * `column_1`, `column_2`, ... . An array: these names, and the first row is data.
   */
  header?: boolean | readonly string[];
  /** Load only these columns, in this order (others are skipped while parsing). */
  columns?: readonly string[];
  /**
   * A row with fewer fields than the header: `'error'` (default) fails with
   * `CSV_RAGGED_ROW`; `'pad'` fills the absent trailing cells as missing. A row with more
   * fields than the header is always an error (data would be lost).
   */
  raggedRows?: 'error' | 'pad';
  /** Largest field in bytes (default 16 MiB); a longer one fails with `DATA_TOO_LARGE`. */
  maxFieldBytes?: number;
  /** Largest row in bytes (default 64 MiB); a longer one fails with `DATA_TOO_LARGE`. */
  maxRowBytes?: number;
  /** Most columns (default 10,000); a wider row fails with `DATA_TOO_LARGE`. */
  maxColumns?: number;
  /** Cancels the load (`ABORTED`). */
  signal?: AbortSignal;
}

const DEFAULT_MAX_FIELD_BYTES = 16 << 20;
const DEFAULT_MAX_COLUMNS = 10_000;

function delimiterByte(delimiter: string | undefined): number {
  const d = delimiter ?? ',';
  if (typeof d !== 'string' || d.length !== 1 || d.charCodeAt(0) >= 128 || d === '"' || d === '\n' || d === '\r') {
    throw new MlopsError('INVALID_ARGUMENT', `delimiter must be one ASCII character other than a quote or a line break (such as ',', ';', '\\t' or '|'); got ${JSON.stringify(delimiter)}.`);
  }
  return d.charCodeAt(0);
}

function fieldText(buf: Uint8Array, start: number, end: number, flags: number): string {
  const text = decodeUtf8(buf, start, end);
  return flags & FIELD_ESCAPED ? text.replaceAll('""', '"') : text;
}

/**
 * Turns the tokenizer's rows into columns. The first `sampleSize` rows are kept as bytes
 * (`ByteSample`) while undeclared columns' types are inferred; then every column gets a
 * typed builder, the sample is replayed into it, and later rows go straight in.
 */
class CsvLoader {
  readonly tokenizer: CsvTokenizer;
  private readonly log: IssueLog;
  private readonly sampleSize: number;
  /** True when a missing-value token looks like a number (then no byte fast path). */
  private readonly numericMissing: boolean;
  private names: string[] | null = null;
  /** Field index in the file of each loaded column. */
  private selected = new Int32Array(0);
  private width = 0;
  /** Data rows loaded so far (the bulk reader adds the rows it reads). */
  rows = 0;
  private declared = new Map<string, Field>();
  // Sampling phase.
  private sample: ByteSample | null = new ByteSample();
  private sampleLines: number[] = [];
  private inferrers: (TypeInferrer | null)[] = [];
  // After it.
  private builders: ColumnBuilder[] = [];
  /** Per column: true when numbers may be parsed from bytes into its builder. */
  private fast = new Uint8Array(0);

  constructor(
    private readonly label: string,
    private readonly options: CSVOptions,
    /** The source's size in bytes, when known: used to size the columns once. */
    private readonly byteLength: number | undefined,
  ) {
    this.sampleSize = options.inferSampleSize ?? DEFAULT_INFER_SAMPLE_SIZE;
    this.numericMissing = (options.missingValues ?? DEFAULT_MISSING_VALUES).some((t) => parseNumberText(t) !== undefined);
    this.log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, label);
    this.tokenizer = new CsvTokenizer(
      delimiterByte(options.delimiter),
      {
        maxFieldBytes: options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
        maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
        maxColumns: options.maxColumns ?? DEFAULT_MAX_COLUMNS,
      },
      (count, line) => this.onRow(count, line),
      label,
    );
    // Numbers parsed while tokenizing are only usable when no missing token looks like one.
    this.tokenizer.parseNumbers = !this.numericMissing;
  }

  private setColumns(names: string[]): void {
    const label = this.label;
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined) {
        throw new MlopsError(
          'DATA_DUPLICATE_COLUMN',
          `${label}: column name "${name}" appears twice in the header (columns ${first + 1} and ${i + 1}). Column names must be unique: rename one, or pass your own names with { header: [...] } and skip the header line.`,
          { details: { column: name, positions: [first + 1, i + 1] } },
        );
      }
      seen.set(name, i);
    });
    const wanted = this.options.columns ?? names;
    const missing = wanted.filter((n) => !seen.has(n));
    if (missing.length > 0) {
      throw new MlopsError(
        'DATA_COLUMN_NOT_FOUND',
        `${label}: no column named ${missing.map((n) => `"${n}"`).join(', ')} (asked for in \`columns\`). Columns in the file: ${names.slice(0, 30).map((n) => `"${n}"`).join(', ')}${names.length > 30 ? ', ...' : ''}.`,
        { details: { missing, available: names.slice(0, 100) } },
      );
    }
    const declared = resolveDeclared(this.options.schema, names, label);
    const skipped = [...declared.keys()].filter((n) => !wanted.includes(n));
    if (skipped.length > 0) {
      throw new MlopsError(
        'SCHEMA_MISMATCH',
        `${label}: the schema declares ${skipped.map((n) => `"${n}"`).join(', ')}, which \`columns\` does not load. Add it to \`columns\` or remove the declaration.`,
        { details: { columns: skipped } },
      );
    }
    this.names = [...wanted];
    this.width = names.length;
    this.selected = Int32Array.from(wanted, (n) => seen.get(n) as number);
    this.declared = declared;
    this.inferrers = wanted.map((n) => (declared.has(n) ? null : new TypeInferrer(this.options.missingValues)));
  }

  private onRow(count: number, line: number): void {
    const tok = this.tokenizer;
    if (this.names === null) {
      const header = this.options.header ?? true;
      if (header === true) {
        const names: string[] = [];
        for (let k = 0; k < count; k++) names.push(fieldText(tok.buf, tok.starts[k], tok.ends[k], tok.flags[k]) || `column_${k + 1}`);
        this.setColumns(names);
        return;
      }
      this.setColumns(header === false ? Array.from({ length: count }, (_, k) => `column_${k + 1}`) : [...header]);
    }
    const row = this.rows;
    if (count !== this.width && !(count < this.width && this.options.raggedRows === 'pad')) {
      throw new MlopsError(
        'CSV_RAGGED_ROW',
        `${this.label}: row ${row} (line ${line}) has ${count} field${count === 1 ? '' : 's'} but the header has ${this.width}. Look for a delimiter inside a value that is not quoted, or a missing one${count < this.width ? "; pass { raggedRows: 'pad' } to load short rows with missing cells" : ''}.`,
        { details: { row, line, fields: count, expected: this.width } },
      );
    }
    if (this.sample !== null) this.sampleRow(count, line);
    else this.loadRow(count, row, line);
    this.rows = row + 1;
  }

  /** Keeps a row of the inference sample as bytes and feeds the type inferrers. */
  private sampleRow(count: number, line: number): void {
    const sample = this.sample as ByteSample;
    const { buf, starts, ends, flags, values } = this.tokenizer;
    const selected = this.selected;
    for (let k = 0; k < selected.length; k++) {
      const f = selected[k];
      if (f >= count) {
        sample.addAbsent();
        continue;
      }
      const inferrer = this.inferrers[k];
      if (inferrer !== null) {
        // A number read from bytes tells the inferrer what its text would; else it sees the text.
        const v = this.numericMissing ? NaN : values[f];
        inferrer.add(v === v ? v : fieldText(buf, starts[f], ends[f], flags[f]));
      }
      sample.add(buf, starts[f], ends[f], flags[f], values[f]);
    }
    this.sampleLines.push(line);
    if (this.sampleLines.length === this.sampleSize) this.settle(false);
  }

  /** Appends one row to the typed builders: parsed numbers go straight in. */
  private loadRow(count: number, row: number, line: number): void {
    const { buf, starts, ends, flags, values } = this.tokenizer;
    const { selected, fast, builders } = this;
    for (let k = 0; k < selected.length; k++) {
      const f = selected[k];
      if (f >= count) builders[k].push(undefined, row, line);
      else if (!(fast[k] === 1 && values[f] === values[f] && builders[k].pushNumber(values[f]))) {
        this.pushCell(k, buf, starts[f], ends[f], flags[f], row, line);
      }
    }
  }

  /**
   * Appends the cell `buf[start, end)` that the tokenizer gave no number for to column
   * `k`: a quoted number is still read from bytes, anything else goes in as text.
   */
  private pushCell(k: number, buf: Uint8Array, start: number, end: number, flags: number, row: number, line: number): void {
    if (this.fast[k] === 1 && flags === FIELD_QUOTED) {
      const v = parseNumberBytes(buf, start, end);
      if (v === v && this.builders[k].pushNumber(v)) return;
    }
    this.builders[k].push(fieldText(buf, start, end, flags), row, line);
  }

  /** Fixes every column's type, creates the builders and replays the sample into them. */
  private settle(complete: boolean): void {
    const sample = this.sample as ByteSample;
    const names = this.names as string[];
    const fields = names.map((name, k): Field => {
      const declared = this.declared.get(name);
      if (declared !== undefined) return declared;
      if (!complete) this.log.noteInferred(name, this.sampleLines.length);
      return { name, type: (this.inferrers[k] as TypeInferrer).result(), nullable: true };
    });
    this.builders = fields.map((f) => new ColumnBuilder(f, this.log, this.options));
    this.fast = Uint8Array.from(fields, (f) => (f.type === 'number' && !this.numericMissing ? 1 : 0));
    this.tokenizer.parseNumbers = this.fast.includes(1);
    if (!complete && fields.length > 0 && !this.fast.includes(0) && this.tokenizer.numberSafe) {
      // Every loaded column is numeric: plain lines skip the per-field path.
      const target = new Int32Array(this.width).fill(-1);
      this.selected.forEach((f, k) => (target[f] = k));
      const emptyMissing = (this.options.missingValues ?? DEFAULT_MISSING_VALUES).includes('');
      this.tokenizer.bulk = new NumericRows(
        this.builders,
        target,
        Uint8Array.from(fields, (f) => (emptyMissing && f.nullable ? 1 : 0)),
        delimiterByte(this.options.delimiter),
        this.options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
        this,
      );
    }
    this.sample = null;
    this.inferrers = [];
    if (!complete && this.byteLength !== undefined) this.reserve();
    const width = names.length;
    const { bytes, starts, ends, flags, values } = sample;
    const { fast, builders } = this;
    for (let r = 0, i = 0; r < this.sampleLines.length; r++) {
      const line = this.sampleLines[r];
      for (let k = 0; k < width; k++, i++) {
        if (starts[i] < 0) builders[k].push(undefined, r, line);
        else if (!(fast[k] === 1 && values[i] === values[i] && builders[k].pushNumber(values[i]))) {
          this.pushCell(k, bytes, starts[i], ends[i], flags[i], r, line);
        }
      }
    }
    this.sampleLines = [];
  }

  /** Sizes every column for the rows the rest of the source probably holds. */
  private reserve(): void {
    const done = this.tokenizer.rowOffset;
    if (done <= 0 || this.byteLength === undefined) return;
    const rows = this.rows + 1;
    const total = Math.ceil((rows + ((this.byteLength - done) / done) * rows) * 1.02) + 256;
    for (const b of this.builders) b.reserve(total);
  }

  finish(): Dataset {
    if (this.names === null) {
      if (Array.isArray(this.options.header)) this.setColumns([...this.options.header]);
      else {
        throw new MlopsError(
          'DATA_EMPTY',
          this.options.header === false
            ? `${this.label} is empty: it has no rows.`
            : `${this.label} is empty: it has no header and no rows. (A file with only a header loads as a dataset with 0 rows.)`,
        );
      }
    }
    if (this.sample !== null) this.settle(true);
    this.log.finish();
    return new Dataset(
      this.builders.map((b) => b.finish()),
      { loadIssues: this.log.issues, loadIssueCount: this.log.total, numRows: this.rows },
    );
  }
}

/**
 * Loads CSV; the implementation of {@link Dataset.fromCSV}.
 * @internal
 */
export async function readCSV(source: CSVSource, options: CSVOptions = {}): Promise<Dataset> {
  checkLoadOptions(options, 'Dataset.fromCSV');
  if (options.header !== undefined && typeof options.header !== 'boolean' && !(Array.isArray(options.header) && options.header.every((h) => typeof h === 'string'))) {
    throw new MlopsError('INVALID_ARGUMENT', 'Dataset.fromCSV: header must be true, false or an array of column names.');
  }
  if (options.raggedRows !== undefined && options.raggedRows !== 'error' && options.raggedRows !== 'pad') {
    throw new MlopsError('INVALID_ARGUMENT', `Dataset.fromCSV: raggedRows must be 'error' or 'pad'; got ${JSON.stringify(options.raggedRows)}.`);
  }
  const label = describeSource(source, 'CSV');
  throwIfAborted(options.signal, 'CSV load');
  const loader = new CsvLoader(label, options, await sourceByteLength(source));
  for await (const chunk of utf8Chunks(openByteSource(source, { format: 'CSV', signal: options.signal }), label)) {
    loader.tokenizer.push(chunk);
  }
  loader.tokenizer.end();
  return loader.finish();
}
