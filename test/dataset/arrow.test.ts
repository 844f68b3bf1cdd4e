import * as A from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrow, readArrowIPC, toArrow, toArrowIPC, type ArrowTableLike } from '../../src/dataset/arrow';
import type { NumberColumn } from '../../src/dataset/column';
import { Dataset } from '../../src/dataset/dataset';
import { writeParquet, readParquet } from '../../src/dataset/parquet';
import { rejection } from './helpers';

const day = 86_400_000;

describe('fromArrow', () => {
  it('maps every supported Arrow type, with nulls as missing cells', () => {
    const t = new A.Table({
      f64: A.vectorFromArray([1.5, null, -2], new A.Float64()),
      f32: A.vectorFromArray([0.5, 2, null], new A.Float32()),
      f16: A.vectorFromArray([1.5, null, 3], new A.Float16()),
      i8: A.vectorFromArray([-1, 2, null], new A.Int8()),
      u32: A.vectorFromArray([4_000_000_000, null, 1], new A.Uint32()),
      i64: A.vectorFromArray([1n, null, -(2n ** 53n) + 1n], new A.Int64()),
      u64: A.vectorFromArray([7n, 8n, null], new A.Uint64()),
      bool: A.vectorFromArray([true, null, false], new A.Bool()),
      utf8: A.vectorFromArray(['a', null, 'ü'], new A.Utf8()),
      large: A.vectorFromArray(['x', 'y', null], new A.LargeUtf8()),
      dict: A.vectorFromArray(['p', null, 'p'], new A.Dictionary(new A.Utf8(), new A.Int32())),
      dateDay: A.vectorFromArray([new Date(day), null, new Date(0)], new A.DateDay()),
      dateMs: A.vectorFromArray([new Date(5), new Date(-day), null], new A.DateMillisecond()),
      tsS: A.makeVector(A.makeData({ type: new A.TimestampSecond(), length: 3, nullCount: 0, data: new BigInt64Array([1n, -1n, 0n]) })),
      tsUs: A.makeVector(A.makeData({ type: new A.TimestampMicrosecond('UTC'), length: 3, nullCount: 0, data: new BigInt64Array([1500n, 0n, 2000n]) })),
      tsNs: A.makeVector(A.makeData({ type: new A.TimestampNanosecond(), length: 3, nullCount: 1, nullBitmap: new Uint8Array([0b101]), data: new BigInt64Array([3_000_000n, 0n, 1n]) })),
      nul: A.vectorFromArray([null, null, null], new A.Null()),
    });
    const ds = fromArrow(t);
    expect(ds.schema.fields.map((f) => f.type)).toEqual([
      'number', 'number', 'number', 'number', 'number', 'number', 'number', 'boolean', 'category', 'category', 'category', 'date', 'date', 'date', 'date', 'date', 'number',
    ]);
    expect((ds.column('f32') as NumberColumn).values).toBeInstanceOf(Float32Array);
    const cols = ds.toColumns();
    expect(cols.f64).toEqual([1.5, null, -2]);
    expect(cols.f32).toEqual([0.5, 2, null]);
    expect(cols.f16).toEqual([1.5, null, 3]);
    expect(cols.i8).toEqual([-1, 2, null]);
    expect(cols.u32).toEqual([4_000_000_000, null, 1]);
    expect(cols.i64).toEqual([1, null, -(2 ** 53) + 1]);
    expect(cols.u64).toEqual([7, 8, null]);
    expect(cols.bool).toEqual([true, null, false]);
    expect(cols.utf8).toEqual(['a', null, 'ü']);
    expect(cols.large).toEqual(['x', 'y', null]);
    expect(cols.dict).toEqual(['p', null, 'p']);
    expect(cols.dateDay).toEqual([new Date(day), null, new Date(0)]);
    expect(cols.dateMs).toEqual([new Date(5), new Date(-day), null]);
    expect(cols.tsS).toEqual([new Date(1000), new Date(-1000), new Date(0)]);
    expect((ds.column('tsUs') as unknown as { values: Float64Array }).values).toEqual(new Float64Array([1.5, 0, 2]));
    expect(cols.tsNs).toEqual([new Date(3), null, new Date(0.000001)]);
    expect(cols.nul).toEqual([null, null, null]);
  });

  it('reads chunked tables and sliced vectors (offsets into null bitmaps)', () => {
    const whole = A.vectorFromArray([1, null, 3, 4, null, 6, 7, 8, null, 10], new A.Float64());
    const sliced = whole.slice(3, 9); // 4, null, 6, 7, 8, null
    const chunked = new A.Table({ x: sliced }).concat(new A.Table({ x: A.vectorFromArray([null, 11], new A.Float64()) }));
    expect(chunked.getChild('x')?.data.length).toBe(2);
    expect(fromArrow(chunked).column('x').toArray()).toEqual([4, null, 6, 7, 8, null, null, 11]);
    const ints = A.vectorFromArray([null, 1, 2, null, 4], new A.Int16()).slice(1);
    expect(fromArrow(new A.Table({ i: ints })).column('i').toArray()).toEqual([1, 2, null, 4]);
  });

  it('selects columns; reports unknown columns, unsupported types, NaN and unsafe int64', () => {
    const t = new A.Table({
      a: A.vectorFromArray([1, 2], new A.Float64()),
      list: A.vectorFromArray([[1], [2, 3]], new A.List(new A.Field('item', new A.Int32()))),
    });
    expect(fromArrow(t, { columns: ['a'] }).columnNames).toEqual(['a']);
    expect(() => fromArrow(t, { columns: ['zz'] })).toThrow(expect.objectContaining({ code: 'DATA_COLUMN_NOT_FOUND' }));
    expect(() => fromArrow(t)).toThrow(expect.objectContaining({ code: 'DATA_TYPE_MISMATCH', message: expect.stringContaining('"list" has Arrow type List') }));
    const nan = new A.Table({ x: A.vectorFromArray([1, NaN, Infinity], new A.Float64()) });
    expect(() => fromArrow(nan)).toThrow(expect.objectContaining({ code: 'DATA_NON_FINITE' }));
    expect(fromArrow(nan, { nonFinite: 'missing' }).column('x').toArray()).toEqual([1, null, null]);
    const ids = new A.Table({ id: A.vectorFromArray([2n ** 60n + 1n, 5n], new A.Int64()) });
    expect(() => fromArrow(ids)).toThrow(expect.objectContaining({ code: 'DATA_INVALID_VALUE', message: expect.stringContaining("int64: 'category'") }));
    expect(fromArrow(ids, { int64: 'category' }).column('id').toArray()).toEqual(['1152921504606846977', '5']);
    expect(() => fromArrow({} as ArrowTableLike)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Misspelt options fail instead of loading another way (mode 'Strict' used to coerce silently).
    expect(() => fromArrow(nan, { mode: 'Strict' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('mode') }));
    expect(() => fromArrow(ids, { int64: 'string' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('int64') }));
  });
});

describe('toArrow and round trips', () => {
  const csv = 'amount,country,fraud,at,2,1\n12.5,DE,false,2024-01-01,1,a\n,US,true,,2,b\n830,DE,,2024-02-01T10:00:00.25Z,,\n';

  it('CSV -> Dataset -> Arrow -> Dataset keeps the fingerprint (table, IPC file and stream)', async () => {
    const ds = await Dataset.fromCSV(csv);
    const fp = await ds.fingerprint();
    const table = await toArrow(ds);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'amount:Float64',
      'country:Dictionary<Int32, Utf8>',
      'fraud:Bool',
      'at:Timestamp<MILLISECOND, UTC>',
      '2:Float64',
      '1:Dictionary<Int32, Utf8>',
    ]);
    expect(table.getChild('amount')?.toArray()[1]).toBeNaN();
    expect([...(table.getChild('country') ?? [])]).toEqual(['DE', 'US', 'DE']);
    expect(await fromArrow(table).fingerprint()).toBe(fp);
    expect(await (await readArrowIPC(await toArrowIPC(ds))).fingerprint()).toBe(fp);
    expect(await (await readArrowIPC(await toArrowIPC(ds, { format: 'stream' }))).fingerprint()).toBe(fp);
    // apache-arrow reads what toArrowIPC wrote.
    expect(A.tableFromIPC(await toArrowIPC(ds)).numRows).toBe(3);
  });

  it('shares number buffers, keeps float32, writes sub-millisecond dates as microseconds', async () => {
    const values = new Float64Array([1, 2, 3]);
    const ds = Dataset.fromColumns({ x: values, f: new Float32Array([0.5, 1, 2]), t: [new Date(0), null, new Date(2)] }).withColumn('t', Dataset.fromColumns({ t: [1.5, null, 2] }, { schema: { t: 'date' } }).column('t'));
    const table = await toArrow(ds);
    expect(table.getChild('x')?.data[0].values).toBe(values);
    expect(String(table.getChild('f')?.type)).toBe('Float32');
    expect(String(table.getChild('t')?.type)).toBe('Timestamp<MICROSECOND, UTC>');
    expect(await fromArrow(table).fingerprint()).toBe(await ds.fingerprint());
    // A column that is a view into a larger buffer (slices, loaders' spare room) serialises as the view.
    const view = Dataset.fromColumns({ v: new Float64Array([9, 1, 2, 3, 9]).subarray(1, 4) });
    expect((await readArrowIPC(await toArrowIPC(view))).column('v').toArray()).toEqual([1, 2, 3]);
  });

  it('the same table from CSV, rows, Arrow and Parquet has the same fingerprint', async () => {
    const fromCsv = await Dataset.fromCSV('amount,country,fraud\n12.5,DE,false\n,US,true\n830,DE,\n');
    const fromRows = Dataset.fromRows([
      { amount: 12.5, country: 'DE', fraud: false },
      { amount: null, country: 'US', fraud: true },
      { amount: 830, country: 'DE', fraud: null },
    ]);
    const arrowTable = A.tableFromArrays({ amount: [12.5, null, 830], country: ['DE', 'US', 'DE'], fraud: [false, true, null] });
    const fromArrowTable = fromArrow(arrowTable);
    const fromParquet = await readParquet(await writeParquet(fromRows));
    const fps = await Promise.all([fromCsv, fromRows, fromArrowTable, fromParquet].map((d) => d.fingerprint()));
    expect(new Set(fps).size).toBe(1);
  });
});
