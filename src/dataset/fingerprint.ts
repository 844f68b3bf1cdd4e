/**
 * Content fingerprints: SHA-256 over a canonical encoding of a dataset.
 *
 * The encoding depends only on column names, order, types and cell values, never on how
 * the data was loaded (CSV, rows, Arrow) or stored (float32 or float64 buffers holding the
 * same values, dictionary order, shared slices; a value rounded to float32 is another
 * value):
 *
 * - a header line `mlops-kit/fingerprint/v1 rows=<n> columns=<k>`;
 * - per column, a line `<JSON name> <type>`, then its cells:
 *   - number and date: float64 little-endian per row, missing as the canonical NaN;
 *   - boolean: one byte per row, 0 false, 1 true, 2 missing;
 *   - category: the categories that occur, sorted by UTF-16 code unit, as a count and
 *     length-prefixed UTF-8 strings, then per row the int32 little-endian index into
 *     that sorted list (-1 missing).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Column } from './column';
import type { Dataset } from './dataset';

const CHUNK = 65536;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function float64Bytes(values: ArrayLike<number>, missing: Uint8Array | null, start: number, end: number): Uint8Array {
  const out = new Float64Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = missing !== null && missing[i] ? NaN : values[i];
  if (LITTLE_ENDIAN) return new Uint8Array(out.buffer);
  const b = new Uint8Array(out.length * 8);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < out.length; i++) dv.setFloat64(i * 8, out[i], true);
  return b;
}

type Hash = ReturnType<typeof createHash>;

function hashColumn(h: Hash, col: Column, n: number): void {
  h.update(`${JSON.stringify(col.name)} ${col.type}\n`);
  switch (col.type) {
    case 'number':
    case 'date':
      for (let s = 0; s < n; s += CHUNK) h.update(float64Bytes(col.values, col.missing, s, Math.min(n, s + CHUNK)));
      return;
    case 'boolean': {
      for (let s = 0; s < n; s += CHUNK) {
        const e = Math.min(n, s + CHUNK);
        const b = new Uint8Array(e - s);
        for (let i = s; i < e; i++) b[i - s] = col.isMissing(i) ? 2 : col.values[i];
        h.update(b);
      }
      return;
    }
    case 'category': {
      const used = new Uint8Array(col.categories.length);
      for (let i = 0; i < n; i++) if (col.codes[i] >= 0) used[col.codes[i]] = 1;
      const present: number[] = [];
      used.forEach((u, c) => u && present.push(c));
      present.sort((a, b) => (col.categories[a] < col.categories[b] ? -1 : col.categories[a] > col.categories[b] ? 1 : 0));
      const remap = new Int32Array(col.categories.length).fill(-1);
      present.forEach((c, k) => (remap[c] = k));
      h.update(u32(present.length));
      const enc = new TextEncoder();
      for (const c of present) {
        const bytes = enc.encode(col.categories[c]);
        h.update(u32(bytes.length));
        h.update(bytes);
      }
      for (let s = 0; s < n; s += CHUNK) {
        const e = Math.min(n, s + CHUNK);
        const codes = new Int32Array(e - s);
        for (let i = s; i < e; i++) codes[i - s] = col.codes[i] < 0 ? -1 : remap[col.codes[i]];
        if (LITTLE_ENDIAN) h.update(new Uint8Array(codes.buffer));
        else {
          const b = new Uint8Array(codes.length * 4);
          const dv = new DataView(b.buffer);
          codes.forEach((v, i) => dv.setInt32(i * 4, v, true));
          h.update(b);
        }
      }
      return;
    }
  }
}

/**
 * SHA-256 hex of the canonical encoding described in this module. Yields to the event
 * loop between columns so a large fingerprint does not stall a server.
 * @internal
 */
export async function fingerprintDataset(ds: Dataset): Promise<string> {
  const h = createHash('sha256');
  h.update(`mlops-kit/fingerprint/v1 rows=${ds.numRows} columns=${ds.numColumns}\n`);
  for (const col of ds.columns) {
    hashColumn(h, col, ds.numRows);
    if (ds.numRows > CHUNK) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return h.digest('hex');
}
