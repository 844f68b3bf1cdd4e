/**
 * Reading the store's JSON files.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { storeCorrupt } from '../store-errors';

/** Parses a JSON file; `undefined` when it does not exist; `STORE_CORRUPT` when it is unreadable. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw storeCorrupt(`${path} is not valid JSON`, err);
  }
}

/**
 * Whether an error is "no such file or directory": `ENOENT`, or `ENOTDIR` when a path
 * goes through a stray file (a `README` or `.DS_Store` an operator left in `models/`).
 */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
