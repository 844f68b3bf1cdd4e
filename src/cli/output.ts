/**
 * Output for people (aligned tables, key: value blocks) and for scripts (`--json`).
 *
 * @module
 */
import type { TextSink } from './context';

/** Writes `value` as indented JSON and a newline. */
export function printJson(out: TextSink, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes rows as a table with a header, columns aligned; an empty list prints `empty` instead. */
export function printTable(out: TextSink, header: readonly string[], rows: readonly (readonly string[])[], empty: string): void {
  if (rows.length === 0) {
    out.write(`${empty}\n`);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  out.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

/** Writes `key: value` lines, keys aligned; undefined values are left out. */
export function printFields(out: TextSink, fields: readonly (readonly [string, string | undefined])[]): void {
  const shown = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  const w = Math.max(...shown.map(([k]) => k.length));
  out.write(`${shown.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n')}\n`);
}

/** A number with up to 4 significant digits. */
export const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());

/** An ISO time as `YYYY-MM-DD HH:MM:SS` (UTC). */
export const time = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

/** A byte count for people. */
export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}
