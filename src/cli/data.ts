/**
 * Loading the data files commands take: CSV, or NDJSON (`.ndjson`, `.jsonl`).
 *
 * @module
 */
import { resolve } from 'node:path';
import { Dataset } from '../dataset/dataset';
import type { CliContext } from './context';

/** Loads a CSV or NDJSON file (by extension), optionally only some columns (CSV). */
export function loadData(path: string, ctx: CliContext, columns?: readonly string[]): Promise<Dataset> {
  const full = resolve(ctx.cwd, path);
  if (/\.(nd)?jsonl?$/i.test(path) && !/\.json$/i.test(path)) return Dataset.fromNDJSON(full);
  return Dataset.fromCSV(full, columns === undefined ? {} : { columns });
}
