import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { chunked, rejection, utf8 } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records = [
  { amount: 12.5, country: 'DE', fraud: false, at: '2024-01-01' },
  { amount: 830, country: 'Zürich 東京', fraud: true },
  { amount: null, country: 'DE', fraud: false, at: '2024-01-03T10:00:00Z' },
];
const text = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('Dataset.fromNDJSON', () => {
  it('types values the way fromRows does, with the same fingerprint', async () => {
    const ds = await Dataset.fromNDJSON(text);
    const rows = Dataset.fromRows(records);
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['amount:number', 'country:category', 'fraud:boolean', 'at:date']);
    expect(ds.toRows()).toEqual(rows.toRows());
    expect(await ds.fingerprint()).toBe(await rows.fingerprint());
  });

  it('skips blank lines, accepts CRLF and a missing final newline, counts lines in reports', async () => {
    const src = '{"a": 1}\r\n\r\n   \n{"a": "x"}\r\n{"a": 3}';
    const err = await rejection(Dataset.fromNDJSON(src, { schema: { a: 'number' } }));
    expect(err.code).toBe('SCHEMA_VIOLATION');
    expect(err.message).toContain('row 1 (line 4), column "a": "x" is not a number');
    const ds = await Dataset.fromNDJSON(src, { schema: { a: 'number' }, mode: 'coerce' });
    expect(ds.column('a').toArray()).toEqual([1, null, 3]);
    expect(ds.loadIssues[0]).toMatchObject({ row: 1, line: 4, column: 'a' });
  });

  it('a key that appears late gets missing cells before it, and its own inference window', async () => {
    const lines = [...Array.from({ length: 20 }, (_, i) => JSON.stringify({ a: i })), JSON.stringify({ a: 20, late: 'x' }), JSON.stringify({ a: 21, late: 'y' })];
    const ds = await Dataset.fromNDJSON(lines.join('\n'), { inferSampleSize: 5 });
    expect(ds.columnNames).toEqual(['a', 'late']);
    expect(ds.column('late').type).toBe('category');
    expect(ds.column('late').toArray()).toEqual([...Array(20).fill(null), 'x', 'y']);
    expect(ds.column('a').missingCount()).toBe(0);
  });

  it('loads only the keys asked for, in that order', async () => {
    const ds = await Dataset.fromNDJSON(text, { columns: ['fraud', 'amount'] });
    expect(ds.columnNames).toEqual(['fraud', 'amount']);
    expect(ds.row(1)).toEqual({ fraud: true, amount: 830 });
  });

  it('nested values are bad cells: an error in strict mode, missing in coerce mode', async () => {
    const src = '{"a": "x"}\n{"a": {"b": 1}}\n';
    expect((await rejection(Dataset.fromNDJSON(src))).message).toContain('row 1 (line 2), column "a": {"b":1} is not a text value');
    const ds = await Dataset.fromNDJSON(src, { mode: 'coerce' });
    expect(ds.column('a').toArray()).toEqual(['x', null]);
  });

  it('gives the same result for 1-byte, 7-byte and whole-input chunks, from any source', async () => {
    const bytes = utf8(`\uFEFF${text}`);
    const expected = await (await Dataset.fromNDJSON(bytes)).fingerprint();
    for (const size of [1, 7]) expect(await (await Dataset.fromNDJSON(chunked(bytes, size))).fingerprint()).toBe(expected);
    const path = join(dir, 'x.ndjson');
    writeFileSync(path, bytes);
    expect(await (await Dataset.fromNDJSON(path)).fingerprint()).toBe(expected);
  });

  it('a schema declares types and nullability', async () => {
    const ds = await Dataset.fromNDJSON('{"id": 7, "v": 1}\n{"id": 8, "v": 2}\n', { schema: { id: 'category' } });
    expect(ds.column('id').toArray()).toEqual(['7', '8']);
    const err = await rejection(Dataset.fromNDJSON('{"id": 7}\n{"id": null}\n', { schema: { id: { type: 'number', nullable: false } } }));
    expect(err.message).toContain('row 1 (line 2), column "id": null is missing but the column is declared nullable: false');
  });
});
