import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';

function classification(n: number, seed: number): Dataset {
  const r = createRng(seed);
  const rows = Array.from({ length: n }, () => {
    const x1 = r.normal();
    const x2 = r.normal();
    const noise = r.normal() * 0.8;
    return { x1, x2, junk: r.normal(), label: x1 + 0.5 * x2 + noise > 0 ? 'yes' : 'no' };
  });
  return Dataset.fromRows(rows);
}

function regression(n: number, seed: number): Dataset {
  const r = createRng(seed);
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const a = r.normal();
      const b = r.normal();
      return { a, b, y: 3 * a - 2 * b + r.normal() * 0.1 };
    }),
  );
}

describe('Trainer.crossValidate', () => {
  it('scores every fold with the task metrics, stratified, reproducibly', async () => {
    const ds = classification(400, 1);
    const trainer = new Trainer({ model: { type: 'logistic' }, target: 'label', seed: 3 });
    const seen: number[] = [];
    const cv = await trainer.crossValidate(ds, { folds: 4, onFold: (f) => seen.push(f.fold) });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(cv.metric).toBe('rocAuc');
    expect(cv.better).toBe('higher');
    expect(cv.folds).toHaveLength(4);
    for (const f of cv.folds) {
      expect(f.testRows).toBe(100);
      expect(f.trainRows).toBe(300);
      expect(f.metrics.rocAuc).toBeGreaterThan(0.7);
    }
    const mean = cv.folds.reduce((s, f) => s + f.metrics.accuracy, 0) / 4;
    expect(cv.mean.accuracy).toBeCloseTo(mean, 12);
    expect(cv.std.accuracy).toBeGreaterThanOrEqual(0);
    const again = await trainer.crossValidate(ds, { folds: 4 });
    expect(again.mean).toEqual(cv.mean);
  });

  it('uses rmse for regression and refuses more folds than rows', async () => {
    const trainer = new Trainer({ model: { type: 'linear' }, target: 'y' });
    const cv = await trainer.crossValidate(regression(60, 2), { folds: 3 });
    expect(cv.metric).toBe('rmse');
    expect(cv.better).toBe('lower');
    expect(cv.score).toBeLessThan(0.2);
    await expect(trainer.crossValidate(regression(4, 2), { folds: 5 })).rejects.toMatchObject({ code: 'TRAIN_TOO_FEW_ROWS' });
    await expect(trainer.crossValidate(regression(60, 2), { folds: 3, metric: 'rocAuc' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stratifies a classifier whose target is a 0/1 number column', async () => {
    // 4 positives in 40 rows: unstratified folds of this seed leave one fold without a positive.
    const ds = Dataset.fromRows(Array.from({ length: 40 }, (_, i) => ({ x: i, y: i < 4 ? 1 : 0 })));
    const cv = await new Trainer({ model: { type: 'logistic' }, target: 'y' }).crossValidate(ds, { folds: 4 });
    expect(cv.folds.map((f) => Number.isFinite(f.metrics.rocAuc))).toEqual([true, true, true, true]);
    const plain = await new Trainer({ model: { type: 'logistic' }, target: 'y' }).crossValidate(ds, { folds: 4, stratify: false });
    expect(plain.folds.some((f) => Number.isNaN(f.metrics.rocAuc))).toBe(true);
  });

  it('rejects an unknown metric after the first fold, not after all of them', async () => {
    let fits = 0;
    const trainer = new Trainer({ model: { type: 'logistic' }, target: 'label', onProgress: (e) => e.phase === 'start' && fits++ });
    await expect(trainer.crossValidate(classification(100, 4), { folds: 5, metric: 'auc' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('rocAuc'),
    });
    expect(fits).toBe(1);
  });
});

describe('Trainer.search', () => {
  it('grid search tries every combination and refits the best', async () => {
    const ds = regression(200, 5);
    const trainer = new Trainer({ model: { type: 'linear', penalty: 'l2' }, target: 'y' });
    const result = await trainer.search(ds, { strategy: 'grid', space: { regularization: [0.001, 10, 10_000] }, folds: 3 });
    expect(result.trials.map((t) => t.params.regularization)).toEqual([0.001, 10, 10_000]);
    // Heavy shrinkage hurts a clean linear signal: the smallest penalty wins.
    expect(result.bestParams).toEqual({ regularization: 0.001 });
    expect(result.trials[2].score).toBeGreaterThan(result.trials[0].score);
    expect(result.model?.runRecord.params).toMatchObject({ penalty: 'l2', regularization: 0.001 });
  });

  it('random search samples ranges reproducibly and scores on a validation set', async () => {
    const { train, test } = classification(600, 9).split({ testFraction: 0.3, seed: 1, stratifyBy: 'label' });
    const trainer = new Trainer({ model: { type: 'logistic' }, target: 'label', seed: 11 });
    const opts = { space: { regularization: { min: 1e-3, max: 1e3, log: true } }, trials: 5, validation: test, refit: false } as const;
    const a = await trainer.search(train, opts);
    const b = await trainer.search(train, opts);
    expect(a.trials.map((t) => t.params)).toEqual(b.trials.map((t) => t.params));
    for (const t of a.trials) {
      const v = t.params.regularization as number;
      expect(v).toBeGreaterThanOrEqual(1e-3);
      expect(v).toBeLessThan(1e3);
    }
    expect(a.model).toBeUndefined();
    expect(a.best.score).toBe(Math.max(...a.trials.map((t) => t.score)));
  });

  it('rejects an empty space, ranges in a grid, and changing the model type', async () => {
    const trainer = new Trainer({ model: { type: 'linear' }, target: 'y' });
    const ds = regression(30, 1);
    await expect(trainer.search(ds, { space: {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(trainer.search(ds, { strategy: 'grid', space: { regularization: { min: 1, max: 2 } } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => trainer.withParams({ type: 'gbdt' })).toThrowError(expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS' }));
  });
});
