/**
 * Rows of values to typed columns, for loaders that stream JavaScript values (NDJSON): a
 * column whose type is not declared buffers its first `sampleSize` cells, infers its type
 * from them, replays them into a typed {@link ColumnBuilder}, and from then on parses
 * each cell as it arrives.
 * A column that first appears late (a new NDJSON key) gets its own sample window and
 * missing cells for the rows before it.
 *
 * @module
 */
import { ColumnBuilder, IssueLog, type ParseOptions, TypeInferrer } from '../builder';
import type { Column } from '../column';
import type { Field } from '../schema';

/** What a {@link TableBuilder} needs to know. @internal */
export interface TableOptions {
  /** Declared fields by column name. */
  declared: ReadonlyMap<string, Field>;
  /** Parsing options for every column. */
  parse: ParseOptions;
  /** Cells per column looked at before a type is fixed. */
  sampleSize: number;
  /** Where bad cells go. */
  log: IssueLog;
}

/** One column being loaded. @internal */
export class ColumnSlot {
  /** The typed builder, once the type is known; `null` while sampling. */
  builder: ColumnBuilder | null = null;
  private sample: unknown[] = [];
  private sampleLines: (number | undefined)[] = [];

  constructor(
    readonly name: string,
    /** Row at which the column first appeared. */
    readonly firstRow: number,
    private readonly table: TableBuilder,
  ) {}

  /** Appends the cell of row `row`. Cells must come in row order, one per row. */
  push(raw: unknown, row: number, line?: number): void {
    if (this.builder !== null) this.builder.push(raw, row, line);
    else {
      this.sample.push(raw);
      this.sampleLines.push(line);
    }
  }

  /** Cells pushed so far, counting the missing cells before the column appeared. */
  get size(): number {
    return this.builder !== null ? this.builder.size : this.firstRow + this.sample.length;
  }

  /** Cells buffered for inference. */
  get sampled(): number {
    return this.sample.length;
  }

  /** Fixes the type (declared, or inferred from the sample) and replays the sample. */
  settle(complete: boolean): void {
    if (this.builder !== null) return;
    const { declared, parse, log } = this.table.options;
    let field = declared.get(this.name);
    if (field === undefined) {
      const inferrer = new TypeInferrer(parse.missingValues);
      for (const v of this.sample) inferrer.add(v);
      field = { name: this.name, type: inferrer.result(), nullable: true };
      if (!complete) log.noteInferred(this.name, this.sample.length);
    }
    const builder = new ColumnBuilder(field, log, parse);
    for (let r = 0; r < this.firstRow; r++) builder.push(undefined, r);
    for (let k = 0; k < this.sample.length; k++) builder.push(this.sample[k], this.firstRow + k, this.sampleLines[k]);
    this.sample = [];
    this.sampleLines = [];
    this.builder = builder;
  }
}

/** @internal */
export class TableBuilder {
  /** Columns in order of appearance. */
  readonly slots: ColumnSlot[] = [];
  /** Completed rows. */
  rows = 0;
  private readonly byName = new Map<string, ColumnSlot>();
  private sampling = 0;

  constructor(readonly options: TableOptions) {}

  /** The column of this name, if it appeared. */
  get(name: string): ColumnSlot | undefined {
    return this.byName.get(name);
  }

  /** Adds a column at the current row (earlier rows get missing cells). */
  add(name: string): ColumnSlot {
    const slot = new ColumnSlot(name, this.rows, this);
    this.slots.push(slot);
    this.byName.set(name, slot);
    if (this.options.declared.has(name)) slot.settle(false);
    else this.sampling++;
    return slot;
  }

  /** Marks the end of a row; columns whose sample is full get their type. */
  endRow(): void {
    this.rows++;
    if (this.sampling === 0) return;
    const size = this.options.sampleSize;
    for (const slot of this.slots) {
      if (slot.builder === null && slot.sampled >= size) {
        slot.settle(false);
        this.sampling--;
      }
    }
  }

  /** Settles every column, raises the strict-mode report if any, and returns the columns. */
  finish(): Column[] {
    for (const slot of this.slots) slot.settle(true);
    this.sampling = 0;
    this.options.log.finish();
    return this.slots.map((s) => (s.builder as ColumnBuilder).finish());
  }
}
