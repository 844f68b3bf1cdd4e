import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { CategoryColumn, NumberColumn } from '../../src/dataset/column';
import { MlopsError } from '../../src/errors';

const rows = [
  { amount: 10, country: 'DE', fraud: false, when: '2024-01-01' },
  { amount: 20.5, country: 'US', fraud: true, when: '2024-01-02' },
  { amount: null, country: 'DE', fraud: false, when: '2024-01-03' },
  { amount: 40, country: null, fraud: true, when: '2024-01-04T10:00:00' },
];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MlopsError) return e.code;
    throw e;
  }
  return undefined;
}

describe('Dataset.fromRows', () => {
  it('infers types and keeps missing cells', () => {
    const ds = Dataset.fromRows(rows);
    expect(ds.numRows).toBe(4);
    expect(ds.columnNames).toEqual(['amount', 'country', 'fraud', 'when']);
    expect(ds.schema.fields.map((f) => f.type)).toEqual(['number', 'category', 'boolean', 'date']);
    const amount = ds.column('amount') as NumberColumn;
    expect(amount.values).toBeInstanceOf(Float64Array);
    expect(amount.isMissing(2)).toBe(true);
    expect(amount.missingCount()).toBe(1);
    expect(ds.row(3)).toEqual({ amount: 40, country: null, fraud: true, when: new Date(Date.UTC(2024, 0, 4, 10)) });
    expect(ds.toRows()[2].amount).toBeNull();
  });

  it('enforces declared types with per-cell reports in strict mode', () => {
    const bad = [{ a: '1' }, { a: 'abc' }, { a: '3' }, { a: 'x' }];
    let err: MlopsError | undefined;
    try {
      Dataset.fromRows(bad, { schema: { a: 'number' } });
    } catch (e) {
      err = e as MlopsError;
    }
    expect(err?.code).toBe('SCHEMA_VIOLATION');
    expect(err?.message).toContain('row 1, column "a": "abc" is not a number');
    expect(err?.message).toContain('row 3, column "a": "x" is not a number');
    const issues = err?.details?.issues as unknown[];
    expect(issues).toHaveLength(2);
  });

  it('coerces bad cells to missing and lists them', () => {
    const ds = Dataset.fromRows([{ a: '1' }, { a: 'abc' }], { schema: { a: 'number' }, mode: 'coerce' });
    expect(ds.column('a').toArray()).toEqual([1, null]);
    expect(ds.loadIssues).toHaveLength(1);
    expect(ds.loadIssues[0]).toMatchObject({ row: 1, column: 'a' });
  });

  it('rejects non-finite numbers unless told to store them as missing', () => {
    expect(code(() => Dataset.fromRows([{ a: 1 }, { a: NaN }]))).toBe('DATA_NON_FINITE');
    expect(code(() => Dataset.fromRows([{ a: 1 }, { a: Infinity }]))).toBe('DATA_NON_FINITE');
    expect(code(() => Dataset.fromColumns({ a: new Float64Array([1, NaN]) }))).toBe('DATA_NON_FINITE');
    const ok = Dataset.fromRows([{ a: 1 }, { a: Infinity }], { nonFinite: 'missing' });
    expect(ok.column('a').toArray()).toEqual([1, null]);
  });

  it('refuses a column named __proto__ (it would set the prototype of a row object)', () => {
    expect(code(() => Dataset.fromRows(JSON.parse('[{"__proto__": 1, "a": 2}]')))).toBe('INVALID_ARGUMENT');
    expect(code(() => Dataset.fromColumns(JSON.parse('{"__proto__": [1], "a": [2]}')))).toBe('INVALID_ARGUMENT');
  });

  it('reports a declared column the data lacks, and non-object rows', () => {
    expect(code(() => Dataset.fromRows([{ a: 1 }], { schema: { b: 'number' } }))).toBe('SCHEMA_MISMATCH');
    expect(code(() => Dataset.fromRows([1 as never]))).toBe('INVALID_ARGUMENT');
  });

  it('rejects a misspelt option instead of loading in another mode', () => {
    // 'Strict' is not 'strict': without the check the load silently coerced bad cells to missing.
    expect(code(() => Dataset.fromRows([{ a: 1 }, { a: 'x' }], { schema: { a: 'number' }, mode: 'Strict' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => Dataset.fromColumns({ a: [1, 'x'] }, { schema: { a: 'number' }, mode: 'loose' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => Dataset.fromRows([{ a: 1 }], { inferSampleSize: 0 }))).toBe('INVALID_ARGUMENT');
  });

  it('declared nullable: false rejects missing cells; declared categories reject others', () => {
    expect(code(() => Dataset.fromRows([{ a: 1 }, { a: null }], { schema: { a: { type: 'number', nullable: false } } }))).toBe('SCHEMA_VIOLATION');
    expect(code(() => Dataset.fromRows([{ c: 'x' }, { c: 'z' }], { schema: { c: { type: 'category', categories: ['x', 'y'] } } }))).toBe('SCHEMA_VIOLATION');
  });
});

describe('Dataset.fromColumns', () => {
  it('stores typed arrays without copying', () => {
    const x = new Float64Array([1, 2, 3]);
    const ds = Dataset.fromColumns({ x, c: ['a', 'b', 'a'] });
    expect((ds.column('x') as NumberColumn).values).toBe(x);
    expect((ds.column('c') as CategoryColumn).categories).toEqual(['a', 'b']);
  });

  it('rejects columns of different lengths and duplicate names', () => {
    expect(code(() => Dataset.fromColumns({ a: [1, 2], b: [1] }))).toBe('DATA_LENGTH_MISMATCH');
    expect(code(() => new Dataset([new NumberColumn('a', new Float64Array(1)), new NumberColumn('a', new Float64Array(1))]))).toBe('DATA_DUPLICATE_COLUMN');
  });
});

describe('operations', () => {
  const ds = Dataset.fromRows(rows);

  it('select, drop, rename share buffers', () => {
    const s = ds.select(['country', 'amount']);
    expect(s.columnNames).toEqual(['country', 'amount']);
    expect((s.column('amount') as NumberColumn).values).toBe((ds.column('amount') as NumberColumn).values);
    expect(ds.drop(['when']).columnNames).toEqual(['amount', 'country', 'fraud']);
    expect(ds.rename({ amount: 'amt' }).columnNames[0]).toBe('amt');
    expect(code(() => ds.select(['nope']))).toBe('DATA_COLUMN_NOT_FOUND');
  });

  it('slice shares, take copies, filter by predicate and mask', () => {
    const sl = ds.slice(1, 3);
    expect(sl.numRows).toBe(2);
    expect((sl.column('amount') as NumberColumn).values.buffer).toBe((ds.column('amount') as NumberColumn).values.buffer);
    expect(ds.take([3, 0]).column('amount').toArray()).toEqual([40, 10]);
    expect(ds.filter((r) => r.fraud === true).numRows).toBe(2);
    expect(ds.filter([1, 0, 0, 1]).column('amount').toArray()).toEqual([10, 40]);
    expect(ds.head(2).numRows).toBe(2);
    expect(ds.slice(-1).numRows).toBe(1);
  });

  it('withColumn adds and replaces columns', () => {
    const d2 = ds.withColumn('double', (r) => (r.amount === null ? null : (r.amount as number) * 2));
    expect(d2.column('double').toArray()).toEqual([20, 41, null, 80]);
    const d3 = ds.withColumn('amount', [1, 2, 3, 4]);
    expect(d3.columnNames).toEqual(ds.columnNames);
    expect(code(() => ds.withColumn('z', [1]))).toBe('DATA_LENGTH_MISMATCH');
  });

  it('concat merges dictionaries', () => {
    const a = Dataset.fromRows([{ c: 'x', v: 1 }]);
    const b = Dataset.fromRows([{ c: 'y', v: 2 }, { c: 'x', v: null }]);
    const c = a.concat(b);
    expect(c.column('c').toArray()).toEqual(['x', 'y', 'x']);
    expect(c.column('v').toArray()).toEqual([1, 2, null]);
    expect(code(() => a.concat(Dataset.fromRows([{ c: 'x' }])))).toBe('SCHEMA_MISMATCH');
  });

  it('dropMissing and impute', () => {
    expect(ds.dropMissing().numRows).toBe(2);
    expect(ds.dropMissing(['amount']).numRows).toBe(3);
    const imp = ds.impute({ amount: 'median', country: 'mode' });
    expect(imp.column('amount').toArray()).toEqual([10, 20.5, 20.5, 40]);
    expect(imp.column('country').toArray()).toEqual(['DE', 'US', 'DE', 'DE']);
    expect(ds.impute('mean').column('amount').get(2)).toBeCloseTo(70.5 / 3, 12);
    expect(ds.impute({ amount: { constant: -1 } }).column('amount').get(2)).toBe(-1);
    expect(code(() => ds.impute({ country: 'mean' }))).toBe('INVALID_ARGUMENT');
  });

  it('describe matches hand-computed statistics', () => {
    const d = ds.describe();
    const amount = d.find((x) => x.name === 'amount')!;
    expect(amount.count).toBe(3);
    expect(amount.missing).toBe(1);
    expect(amount.mean).toBeCloseTo(70.5 / 3, 12);
    expect(amount.median).toBe(20.5);
    expect(amount.min).toBe(10);
    expect(amount.max).toBe(40);
    const country = d.find((x) => x.name === 'country')!;
    expect(country).toMatchObject({ unique: 2, top: 'DE', topCount: 2, missing: 1 });
  });
});

describe('splits', () => {
  const n = 1000;
  const big = Dataset.fromColumns({
    x: Float64Array.from({ length: n }, (_, i) => i),
    y: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 'rare' : 'common')),
    t: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000),
  });

  it('is reproducible from the seed and partitions the rows', () => {
    const a = big.split({ testFraction: 0.25, seed: 3 });
    const b = big.split({ testFraction: 0.25, seed: 3 });
    const c = big.split({ testFraction: 0.25, seed: 4 });
    expect(a.test.column('x').toArray()).toEqual(b.test.column('x').toArray());
    expect(a.test.column('x').toArray()).not.toEqual(c.test.column('x').toArray());
    expect(a.test.numRows).toBe(250);
    const all = [...a.train.column('x').toArray(), ...a.test.column('x').toArray()].sort((p, q) => (p as number) - (q as number));
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('stratified split keeps class proportions exactly', () => {
    const { train, test } = big.split({ testFraction: 0.2, seed: 1, stratifyBy: 'y' });
    const rare = (d: Dataset) => d.column('y').toArray().filter((v) => v === 'rare').length;
    expect(rare(test)).toBe(20);
    expect(rare(train)).toBe(80);
    expect(test.numRows).toBe(200);
  });

  it('k-fold covers every row once; stratified folds balance classes', () => {
    const folds = big.kFold(5, { seed: 2, stratifyBy: 'y' });
    expect(folds).toHaveLength(5);
    const seen = new Set<number>();
    for (const f of folds) {
      expect(f.test.numRows).toBe(200);
      expect(f.train.numRows).toBe(800);
      expect(f.test.column('y').toArray().filter((v) => v === 'rare').length).toBe(20);
      for (const v of f.test.column('x').toArray()) seen.add(v as number);
    }
    expect(seen.size).toBe(n);
    expect(code(() => big.head(3).kFold(5))).toBe('TRAIN_TOO_FEW_ROWS');
  });

  it('time split puts the latest rows in test', () => {
    const { train, test } = big.timeSplit({ column: 't', testFraction: 0.1 });
    expect(test.numRows).toBe(100);
    const maxTrain = Math.max(...(train.column('t').toArray() as number[]));
    const minTest = Math.min(...(test.column('t').toArray() as number[]));
    expect(maxTrain).toBeLessThan(minTest);
  });

  it('time split reports a cut that leaves a part empty, on a numeric column too', () => {
    const ds = Dataset.fromRows([{ t: 1 }, { t: 2 }, { t: 3 }]);
    expect(() => ds.timeSplit({ column: 't', at: 1e300 })).toThrowError(expect.objectContaining({ code: 'SPLIT_INVALID', message: expect.stringContaining('1e+300') }));
    const dates = Dataset.fromRows([{ t: new Date('2024-01-01') }, { t: new Date('2024-02-01') }]);
    expect(() => dates.timeSplit({ column: 't', at: new Date('2023-01-01') })).toThrowError(expect.objectContaining({ message: expect.stringContaining('2023-01-01T00:00:00.000Z') }));
  });
});

describe('fingerprint', () => {
  it('is independent of storage details and sensitive to content', async () => {
    const a = Dataset.fromRows([{ x: 1, c: 'b' }, { x: 2, c: 'a' }]);
    // Same content, different dictionary order and a float32 buffer.
    const b = Dataset.fromColumns({ x: new Float32Array([1, 2]), c: new CategoryColumn('c', new Int32Array([1, 0]), ['a', 'b']) });
    expect(await a.fingerprint()).toBe(await b.fingerprint());
    // A slice of a bigger table equals the table built from the same rows.
    const c = Dataset.fromRows([{ x: 9, c: 'z' }, { x: 1, c: 'b' }, { x: 2, c: 'a' }]).slice(1);
    expect(await c.fingerprint()).toBe(await a.fingerprint());
    const d = Dataset.fromRows([{ x: 1, c: 'b' }, { x: 2.0000001, c: 'a' }]);
    expect(await d.fingerprint()).not.toBe(await a.fingerprint());
    expect(await a.rename({ x: 'y' }).fingerprint()).not.toBe(await a.fingerprint());
    expect(await a.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});
