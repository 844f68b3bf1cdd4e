import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { Pipeline } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';
import { MlopsError } from '../../src/errors';

function makeData(n: number, seed: number): Dataset {
  const r = createRng(seed);
  const cats = ['DE', 'US', 'FR', 'NL'];
  return Dataset.fromRows(
    Array.from({ length: n }, () => ({
      amount: r.next() < 0.1 ? null : r.normal() * 100 + 50,
      age: Math.floor(r.next() * 80),
      country: r.next() < 0.05 ? null : cats[r.int(4)],
      vip: r.next() < 0.3,
      seen: new Date(Date.UTC(2024, 0, 1 + r.int(300))),
    })),
  );
}

describe('Pipeline', () => {
  it('standard-scales with training mean and population std, imputing the mean', () => {
    const ds = Dataset.fromRows([{ x: 1 }, { x: 2 }, { x: null }, { x: 3 }]);
    const p = Pipeline.fit(ds, ['x']);
    const { data } = p.transform(ds);
    const std = Math.sqrt(2 / 3);
    expect(Array.from(data)).toEqual(Array.from(new Float32Array([-1 / std, 0, 0, 1 / std])));
  });

  it('one-hot encodes sorted categories; unseen and missing become all zeros', () => {
    const train = Dataset.fromRows([{ c: 'b' }, { c: 'a' }, { c: 'b' }]);
    const p = Pipeline.fit(train, ['c']);
    expect(p.features.map((f) => f.name)).toEqual(['c=a', 'c=b']);
    const test = Dataset.fromRows([{ c: 'a' }, { c: 'zzz' }, { c: null }]);
    expect(Array.from(p.transform(test).data)).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('ordinal encoding gives codes and NaN for missing, and flags categorical features', () => {
    const train = Dataset.fromRows([{ c: 'b', x: 1 }, { c: 'a', x: null }]);
    const p = Pipeline.fit(train, ['c', 'x'], { categorical: { encode: 'ordinal' }, numeric: { impute: 'none', scale: 'none' } });
    expect(p.features).toEqual([
      { name: 'c', source: 'c', kind: 'categorical', numCategories: 2 },
      { name: 'x', source: 'x', kind: 'numeric' },
    ]);
    const out = p.transform(train).data;
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(1);
    expect(out[2]).toBe(0);
    expect(Number.isNaN(out[3])).toBe(true);
  });

  it("rejects unseen categories under unseen: 'error'", () => {
    const p = Pipeline.fit(Dataset.fromRows([{ c: 'a' }, { c: 'b' }]), ['c'], { categorical: { unseen: 'error' } });
    expect(() => p.transform(Dataset.fromRows([{ c: 'q' }]))).toThrowError(expect.objectContaining({ code: 'PIPELINE_UNSEEN_CATEGORY' }));
  });

  it('round-trips through JSON with bit-identical output', () => {
    const ds = makeData(5000, 11);
    const p = Pipeline.fit(ds, ['amount', 'age', 'country', 'vip', 'seen'], { numeric: { impute: 'median', scale: 'minmax' } });
    const again = Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    const a = p.transform(ds).data;
    const b = again.transform(ds).data;
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    // The row path gives the same numbers as the columnar path.
    const rows = ds.toRows();
    const viaRows = again.transformRows(rows);
    expect(viaRows.issues).toEqual([]);
    expect(Buffer.from(viaRows.matrix.data.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });

  it('collects every problem in prediction rows', () => {
    const p = Pipeline.fit(makeData(200, 3), ['amount', 'country', 'vip'], { categorical: { unseen: 'error' } });
    const { issues } = p.transformRows([
      { amount: 'abc', country: 'DE', vip: true },
      { country: 'XX', vip: 'maybe' },
      { amount: NaN, country: 'US', vip: false, extra: 1 },
      { amount: undefined, country: 'US', vip: false },
    ]);
    expect(issues.map((i) => [i.row, i.column, i.problem])).toEqual([
      [0, 'amount', 'wrong_type'],
      [1, 'amount', 'missing_column'],
      [1, 'country', 'unseen_category'],
      [1, 'vip', 'wrong_type'],
      [2, 'amount', 'not_finite'],
      [3, 'amount', 'missing_column'],
    ]);
  });

  it('rejects unknown options and values in the spec instead of encoding silently wrong', () => {
    const ds = Dataset.fromRows([{ c: 'a', x: 1 }, { c: 'b', x: null }, { c: 'c', x: 3 }]);
    const fails = (spec: object, where: string): void => {
      expect(() => Pipeline.fit(ds, ['c', 'x'], spec)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(where) }));
    };
    fails({ categorical: { encode: 'one-hot' } }, 'categorical.encode');
    fails({ categorical: { unseen: 'raise' } }, 'categorical.unseen');
    fails({ categorical: { maxCategories: 0 } }, 'categorical.maxCategories');
    fails({ numeric: { impute: 'meen' } }, 'numeric.impute');
    fails({ numeric: { impute: { constant: NaN } } }, 'numeric.impute');
    fails({ numeric: { scale: 'minMax' } }, 'numeric.scale');
    fails({ numeric: { scaling: 'none' } }, 'numeric.scaling');
    fails({ columns: { c: { scale: 'none' } } }, 'columns.c.scale');
    fails({ columns: { x: { impute: 'mode' } } }, 'columns.x.impute');
    fails({ columns: { amount: { scale: 'none' } } }, '"amount"');
    // An explicit undefined keeps the default (mean imputation, standard scaling).
    const p = Pipeline.fit(ds, ['x'], { numeric: { impute: undefined, scale: undefined } });
    expect(p.steps[0]).toMatchObject({ fill: 2, center: 2, scale: 1 });
  });

  it('rejects malformed state', () => {
    expect(() => Pipeline.fromJSON({ version: 2, steps: [] })).toThrow(MlopsError);
    expect(() => Pipeline.fromJSON({ version: 1, steps: [{ kind: 'numeric', column: 'x', type: 'number', fill: 0, center: 0, scale: 0 }] })).toThrowError(
      expect.objectContaining({ code: 'PIPELINE_INVALID' }),
    );
  });
});

describe('mergePreprocessSpecs', () => {
  it('overlays per-type options and column overrides key by key; undefined keeps the base value', async () => {
    const { mergePreprocessSpecs } = await import('../../src/preprocess/pipeline');
    const base = { numeric: { impute: 'none' as const, scale: 'none' as const }, categorical: { encode: 'ordinal' as const } };
    expect(mergePreprocessSpecs(base, undefined)).toBe(base);
    expect(mergePreprocessSpecs(base, { numeric: { impute: undefined, scale: 'standard' }, columns: { x: { impute: 'median' } } })).toEqual({
      numeric: { impute: 'none', scale: 'standard' },
      categorical: { encode: 'ordinal' },
      columns: { x: { impute: 'median' } },
    });
  });
});
