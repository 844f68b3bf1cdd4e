/**
 * Awkward data: constant and all-missing columns, a single class, more bins than rows,
 * infinite values, tiny data.
 */
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../src/dataset/dataset';
import { gbdtFamily } from '../../../src/models/gbdt/index';
import type { FeatureImportance } from '../../../src/models/gbdt/importance';
import { createRng } from '../../../src/random';
import { Trainer } from '../../../src/trainer/trainer';
import { numericMatrix, tensorsOf } from './helpers';

describe('gbdt with awkward data', () => {
  it('trains with a constant feature and never splits on it', async () => {
    const r = createRng(1);
    const ds = Dataset.fromRows(Array.from({ length: 300 }, () => {
      const x = r.normal();
      return { x, k: 7, y: x > 0 ? 'a' : 'b' };
    }));
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 5 }, target: 'y' }).fit(ds);
    const imp = model.runRecord.extras!.featureImportance as FeatureImportance[];
    expect(imp.find((i) => i.feature === 'k')!.splits).toBe(0);
    expect((await model.predict([{ x: 1, k: 7 }, { x: -1, k: 3 }])).labels).toEqual(['a', 'b']);
  });

  it('an all-missing column: the Trainer refuses it; the family alone ignores it', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ x: i, m: null, y: i % 2 === 0 ? 'a' : 'b' }));
    await expect(new Trainer({ model: { type: 'gbdt' }, target: 'y' }).fit(Dataset.fromRows(rows))).rejects.toMatchObject({ code: 'TRAIN_NO_FEATURES', details: { column: 'm' } });
    const { X, y, features } = numericMatrix(400, 3, 2);
    for (let i = 0; i < X.rows; i++) X.data[i * 3 + 1] = Number.NaN;
    const res = await gbdtFamily.fit({ train: { X, y }, task: 'binary', classes: [0, 1], features, params: gbdtFamily.validateParams({ numTrees: 5, threads: 1 }, 'binary'), rng: createRng(1), seed: 1, progress: () => {} });
    expect(Array.from(tensorsOf(res.state).node_feature)).not.toContain(1);
  });

  it('a single class: the Trainer refuses it with TRAIN_TARGET_CONSTANT', async () => {
    const ds = Dataset.fromRows(Array.from({ length: 20 }, (_, i) => ({ x: i, y: 'only' })));
    await expect(new Trainer({ model: { type: 'gbdt' }, target: 'y' }).fit(ds)).rejects.toMatchObject({ code: 'TRAIN_TARGET_CONSTANT' });
  });

  it('more bins than rows, and tiny data', async () => {
    const ds = Dataset.fromRows([
      { x: 1, z: 'p', y: 1.5 },
      { x: 2, z: 'q', y: 2.5 },
      { x: 3, z: 'p', y: 9 },
    ]);
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 50, maxBins: 255, minChildWeight: 0, learningRate: 0.5 }, target: 'y' }).fit(ds);
    const v = (await model.predict(ds)).values!;
    expect(v[2]).toBeGreaterThan(v[0]);
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
  });

  it('infinite values are refused by the Dataset, and at prediction time by the pipeline', async () => {
    expect(() => Dataset.fromRows([{ x: Infinity, y: 1 }])).toThrowError(expect.objectContaining({ code: 'DATA_NON_FINITE' }));
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 2 }, target: 'y' }).fit(Dataset.fromRows(Array.from({ length: 30 }, (_, i) => ({ x: i, y: i }))));
    await expect(model.predict([{ x: -Infinity }])).rejects.toMatchObject({ code: 'PREDICT_INVALID_INPUT' });
  });

  it('the family alone bins infinite values into the outer bins', async () => {
    const { X, y, features } = numericMatrix(300, 2, 3);
    X.data[0] = Infinity;
    X.data[2] = -Infinity;
    const res = await gbdtFamily.fit({ train: { X, y }, task: 'binary', classes: [0, 1], features, params: gbdtFamily.validateParams({ numTrees: 3, threads: 1 }, 'binary'), rng: createRng(1), seed: 1, progress: () => {} });
    const out = gbdtFamily.load(res.state).predictMatrix(Float32Array.of(Infinity, 0, -Infinity, 0), 2);
    expect(Array.from(out).every((p) => p > 0 && p < 1)).toBe(true);
  });
});
