import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import type { NumberColumn } from '../../src/dataset/column';
import { Dataset } from '../../src/dataset/dataset';
import { readParquet, writeParquet } from '../../src/dataset/parquet';
import { createRng } from '../../src/random';
import { rejection } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file written by hyparquet-writer's own type mapping (independent of writeParquet). */
function independentFile(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'amount', data: [12.5, null, 830, -1], type: 'DOUBLE' },
        { name: 'count', data: new Int32Array([1, 2, 3, 4]), type: 'INT32' },
        { name: 'big', data: [1n, 2n, null, -(2n ** 53n) + 1n], type: 'INT64' },
        { name: 'ratio', data: new Float32Array([0.5, 1, 2, 4]), type: 'FLOAT' },
        { name: 'fraud', data: [false, true, null, true], type: 'BOOLEAN' },
        { name: 'country', data: ['DE', 'US', null, 'Zürich'], type: 'STRING' },
        { name: 'at', data: [new Date(0), new Date(1_700_000_000_123), null, new Date(-86_400_000)], type: 'TIMESTAMP' },
        { name: 'meta', data: [{ a: 1 }, null, { b: 2 }, null], type: 'JSON' },
      ],
      rowGroupSize: 3,
    }),
  );
}

describe('readParquet', () => {
  it('reads a file written by another writer, across row groups, with nulls as missing', async () => {
    const ds = await readParquet(independentFile(), { columns: ['amount', 'count', 'big', 'ratio', 'fraud', 'country', 'at'] });
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['amount:number', 'count:number', 'big:number', 'ratio:number', 'fraud:boolean', 'country:category', 'at:date']);
    expect(ds.toColumns()).toEqual({
      amount: [12.5, null, 830, -1],
      count: [1, 2, 3, 4],
      big: [1, 2, null, -(2 ** 53) + 1],
      ratio: [0.5, 1, 2, 4],
      fraud: [false, true, null, true],
      country: ['DE', 'US', null, 'Zürich'],
      at: [new Date(0), new Date(1_700_000_000_123), null, new Date(-86_400_000)],
    });
    expect((ds.column('ratio') as NumberColumn).values).toBeInstanceOf(Float32Array);
  });

  it('reads from a path and a file: URL, only the requested columns, in that order', async () => {
    const path = join(dir, 'x.parquet');
    writeFileSync(path, independentFile());
    for (const source of [path, pathToFileURL(path)]) {
      const ds = await readParquet(source, { columns: ['country', 'amount'] });
      expect(ds.columnNames).toEqual(['country', 'amount']);
      expect(ds.numRows).toBe(4);
    }
  });

  it('reports unsupported columns, unknown columns, unsafe INT64, bad bytes and missing files', async () => {
    const bytes = independentFile();
    const nested = await rejection(readParquet(bytes));
    expect(nested.code).toBe('DATA_TYPE_MISMATCH');
    expect(nested.message).toContain('"meta"');
    expect((await rejection(readParquet(bytes, { columns: ['nope'] }))).code).toBe('DATA_COLUMN_NOT_FOUND');
    const ids = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [2n ** 60n, 1n], type: 'INT64' }] }));
    expect((await rejection(readParquet(ids))).code).toBe('DATA_INVALID_VALUE');
    expect((await readParquet(ids, { int64: 'category' })).column('id').toArray()).toEqual(['1152921504606846976', '1']);
    expect((await rejection(readParquet(new TextEncoder().encode('not parquet at all')))).code).toBe('DATA_ENCODING');
    expect((await rejection(readParquet(join(dir, 'missing.parquet')))).code).toBe('DATA_SOURCE');
    const nan = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: new Float64Array([1, NaN]), type: 'DOUBLE' }] }));
    expect((await rejection(readParquet(nan))).code).toBe('DATA_NON_FINITE');
    expect((await readParquet(nan, { nonFinite: 'missing' })).column('x').toArray()).toEqual([1, null]);
    expect((await rejection(readParquet(nan, { mode: 'Strict' as never }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(readParquet(ids, { int64: 'bigint' as never }))).message).toContain('int64');
  });
});

describe('writeParquet', () => {
  it('round-trips every column type with the same fingerprint, across row groups', async () => {
    const rng = createRng(3);
    const n = 2_500;
    const ds = Dataset.fromColumns(
      {
        x: Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : rng.normal())),
        f: new Float32Array(n).map(() => rng.next()),
        c: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : `c${rng.int(40)}`)),
        b: Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : rng.next() < 0.5)),
        t: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : new Date(1_700_000_000_000 + rng.int(1e9)))),
      },
      {},
    );
    const bytes = await writeParquet(ds, { rowGroupSize: 1000 });
    const back = await readParquet(bytes);
    expect(back.schema.toJSON()).toEqual(ds.schema.toJSON());
    expect(await back.fingerprint()).toBe(await ds.fingerprint());
    expect(await (await readParquet(await writeParquet(back, { codec: 'UNCOMPRESSED' }))).fingerprint()).toBe(await ds.fingerprint());
  });
});
