/**
 * Streaming NDJSON (JSON Lines) loading: one JSON object per line, blank lines skipped.
 * Values are typed the way {@link Dataset.fromRows} types them; columns are the keys in
 * first-seen order, and a key missing from a line is a missing cell.
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../errors';
import { IssueLog, type ParseOptions } from './builder';
import { Dataset, resolveDeclared } from './dataset';
import { describeSource, openByteSource, type ByteSource } from './io/byte-source';
import { lineBlocks } from './io/lines';
import { checkLoadOptions, DEFAULT_INFER_SAMPLE_SIZE, DEFAULT_MAX_ROW_BYTES } from './io/options';
import { TableBuilder, type ColumnSlot } from './io/table-builder';
import { utf8Chunks } from './io/utf8';
import { Schema, type Field, type SchemaInput } from './schema';

/**
 * Where NDJSON comes from. A `string` that contains a line break is the NDJSON text
 * itself; any other string is a file path. See {@link ByteSource} for the rest.
 */
export type NDJSONSource = ByteSource;

/** Options for {@link Dataset.fromNDJSON}. */
export interface NDJSONOptions extends ParseOptions {
  /** Declared column types (some or all columns); others are inferred. */
  schema?: SchemaInput;
  /** Rows looked at to infer each undeclared column's type (default 10,000). */
  inferSampleSize?: number;
  /** Load only these keys, in this order; other keys are ignored. */
  columns?: readonly string[];
  /** Longest line in bytes (default 64 MiB); a longer one fails with `DATA_TOO_LARGE`. */
  maxLineBytes?: number;
  /** Cancels the load (`ABORTED`). */
  signal?: AbortSignal;
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function parseError(label: string, line: number, text: string, why: string): MlopsError {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new MlopsError('NDJSON_PARSE', `${label}, line ${line}: ${why}. Each line must hold one JSON object, such as {"amount": 12.5}. The line reads: ${shown}`, {
    details: { line },
  });
}

/**
 * Loads NDJSON; the implementation of {@link Dataset.fromNDJSON}.
 * @internal
 */
export async function readNDJSON(source: NDJSONSource, options: NDJSONOptions = {}): Promise<Dataset> {
  checkLoadOptions(options, 'Dataset.fromNDJSON');
  const label = describeSource(source, 'NDJSON');
  throwIfAborted(options.signal, 'NDJSON load');
  const wanted = options.columns === undefined ? null : new Set(options.columns);
  const declared = new Map<string, Field>();
  if (options.schema !== undefined) {
    for (const f of Schema.from(options.schema).fields) declared.set(f.name, f);
    if (options.columns !== undefined) resolveDeclared(options.schema, options.columns, label);
  }
  const log = new IssueLog(options.mode ?? 'strict', options.maxErrors ?? 20, label);
  const table = new TableBuilder({ declared, parse: options, sampleSize: options.inferSampleSize ?? DEFAULT_INFER_SAMPLE_SIZE, log });
  if (options.columns !== undefined) for (const name of options.columns) table.add(name);
  const seen = new Set<string>();
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_ROW_BYTES;

  let line = 0;
  const chunks = utf8Chunks(openByteSource(source, { format: 'NDJSON', signal: options.signal }), label);
  for await (const block of lineBlocks(chunks, maxLine, label)) {
    for (let start = 0; start <= block.length; ) {
      let end = block.indexOf('\n', start);
      if (end < 0) end = block.length;
      const text = block.slice(start, end);
      start = end + 1;
      line++;
      if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) continue;
      if (text.length > maxLine) {
        throw new MlopsError('DATA_TOO_LARGE', `${label}: line ${line} is longer than ${maxLine} bytes (the maxLineBytes limit). Raise maxLineBytes if the records really are this long.`, {
          details: { line, limit: maxLine },
        });
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw parseError(label, line, text, `not valid JSON (${(err as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw parseError(label, line, text, `${describeValue(value)}, not an object`);
      }
      const record = value as Record<string, unknown>;
      const row = table.rows;
      let pushed = 0;
      for (const key in record) {
        if (wanted !== null && !wanted.has(key)) continue;
        let slot = table.get(key);
        if (slot === undefined) slot = table.add(key);
        seen.add(key);
        slot.push(record[key], row, line);
        pushed++;
      }
      if (pushed !== table.slots.length) fillAbsent(table.slots, row, line);
      table.endRow();
    }
  }

  if (table.rows === 0) {
    throw new MlopsError('DATA_EMPTY', `${label} is empty: it has no JSON object lines.`);
  }
  const absent = (options.columns ?? []).filter((c) => !seen.has(c));
  if (absent.length > 0) {
    throw new MlopsError(
      'DATA_COLUMN_NOT_FOUND',
      `${label}: no line has the key ${absent.map((c) => `"${c}"`).join(', ')} (asked for in \`columns\`). Keys found: ${[...seen].slice(0, 30).map((n) => `"${n}"`).join(', ')}.`,
      { details: { missing: absent, available: [...seen].slice(0, 100) } },
    );
  }
  resolveDeclared(options.schema, [...seen], label);
  return new Dataset(table.finish(), { loadIssues: log.issues, loadIssueCount: log.total, numRows: table.rows });
}

/** Pushes a missing cell into every column the record did not mention. */
function fillAbsent(slots: readonly ColumnSlot[], row: number, line: number): void {
  for (const slot of slots) if (slot.size === row) slot.push(undefined, row, line);
}
