import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { Trainer } from '../../src/trainer/trainer';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const ds = Dataset.fromRows([
  { x: 1, c: 'a', y: 1.5, label: 'yes', flat: 3 },
  { x: 2, c: 'b', y: 2.5, label: 'no', flat: 3 },
  { x: 3, c: 'a', y: 0.5, label: 'yes', flat: 3 },
  { x: 4, c: 'b', y: 4.5, label: 'no', flat: 3 },
]);

describe('Trainer input checks', () => {
  it('rejects a missing target column and names the columns', async () => {
    const t = new Trainer({ model: { type: 'linear' }, target: 'nope' });
    await expect(t.fit(ds)).rejects.toMatchObject({ code: 'TRAIN_TARGET_MISSING', message: expect.stringContaining('"nope"') });
  });

  it('rejects a constant target', async () => {
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'flat' }).fit(ds))).toBe('TRAIN_TARGET_CONSTANT');
    const oneClass = ds.withColumn('label', ['a', 'a', 'a', 'a']);
    expect(await codeOf(new Trainer({ model: { type: 'logistic' }, target: 'label' }).fit(oneClass))).toBe('TRAIN_TARGET_CONSTANT');
  });

  it('rejects a target with missing values, with the fix in the message', async () => {
    const withNull = ds.withColumn('y', [1, null, 3, 4]);
    await expect(new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(withNull)).rejects.toMatchObject({
      code: 'TRAIN_TARGET_INVALID',
      message: expect.stringContaining("dropMissing(['y'])"),
    });
  });

  it('rejects a categorical target for a regressor', async () => {
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'label' }).fit(ds))).toBe('TRAIN_TARGET_INVALID');
    expect(await codeOf(new Trainer({ model: { type: 'gbdt', task: 'regression' }, target: 'label' }).fit(ds))).toBe('TRAIN_TARGET_INVALID');
  });

  it('rejects features that are missing in every row', async () => {
    const allMissing = ds.withColumn('x', [null, null, null, null], { type: 'number' });
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'y', features: ['x'] }).fit(allMissing))).toBe('TRAIN_NO_FEATURES');
  });

  it('rejects unknown model types and feature lists that include the target', async () => {
    expect(() => new Trainer({ model: { type: 'forest' as never }, target: 'y' })).toThrowError(expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS' }));
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'y', features: ['x', 'y'] }).fit(ds))).toBe('TRAIN_INVALID_PARAMS');
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'y', features: ['zzz'] }).fit(ds))).toBe('DATA_COLUMN_NOT_FOUND');
  });

  it('rejects logistic regression on more than two classes, pointing at softmax', async () => {
    const three = ds.withColumn('label', ['a', 'b', 'c', 'a']);
    await expect(new Trainer({ model: { type: 'logistic' }, target: 'label' }).fit(three)).rejects.toMatchObject({
      code: 'TRAIN_TARGET_INVALID',
      message: expect.stringContaining('softmax'),
    });
  });

  it('rejects fewer than two rows before looking at the target, and an empty validation set', async () => {
    for (const rows of [0, 1]) {
      for (const [type, target] of [['linear', 'y'], ['logistic', 'label']] as const) {
        expect(await codeOf(new Trainer({ model: { type }, target }).fit(ds.head(rows)))).toBe('TRAIN_TOO_FEW_ROWS');
      }
    }
    await expect(new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(ds, { validation: ds.head(0) })).rejects.toMatchObject({ code: 'DATA_EMPTY' });
  });

  it('checks features, model type and task up front', async () => {
    const make = (options: object) => () => new Trainer({ model: { type: 'linear' }, target: 'y', ...options } as never);
    expect(make({ features: 'x' })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('array of column names') }));
    expect(make({ features: ['x', 'c', 'x'] })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"x" twice') }));
    expect(make({ model: { type: 'constructor' } })).toThrowError(expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS' }));
    expect(make({ model: { type: 'gbdt', task: 'classifier' } })).toThrowError(expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS', message: expect.stringContaining("'classification'") }));
  });

  it("weights the validation set with the training set's class weights", async () => {
    // Training: 1 'yes' in 4 rows ('balanced': yes 2, no 2/3); validation: 3 'yes' in 4.
    // Validation-derived balanced weights would be yes 2/3, no 2.
    const rows = (labels: string[]) => Dataset.fromRows(labels.map((label, i) => ({ x: i % 3, label })));
    const train = rows(['yes', 'no', 'no', 'no', 'no', 'yes', 'no', 'no']);
    const valid = rows(['yes', 'yes', 'no', 'yes']);
    const model = await new Trainer({ model: { type: 'logistic' }, target: 'label', classWeight: 'balanced' }).fit(train, { validation: valid });
    const p = (await model.predict(valid)).scores!;
    const y: number[] = valid.column('label').toArray().map((l) => (l === model.classes![1] ? 1 : 0));
    const w = y.map((v) => (model.classes![v] === 'yes' ? 8 / (2 * 2) : 8 / (2 * 6)));
    const expected = y.reduce((s: number, v, i) => s - w[i] * Math.log(v === 1 ? p[i] : 1 - p[i]), 0) / w.reduce((a, b) => a + b, 0);
    expect(model.runRecord.history.at(-1)!.valLoss).toBeCloseTo(expected, 9);
  });

  it('honours an AbortSignal that has already fired', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await codeOf(new Trainer({ model: { type: 'linear' }, target: 'y' }).fit(ds, { signal: ac.signal }))).toBe('ABORTED');
  });
});

describe('Trainer preprocessing overrides', () => {
  it('an override set to undefined keeps the family default (gbdt keeps missing values as NaN)', async () => {
    const data = Dataset.fromRows(Array.from({ length: 40 }, (_, i) => ({ x: i % 5 === 0 ? null : i, y: i % 2 === 0 ? 'a' : 'b' })));
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 2 }, target: 'y', preprocess: { numeric: { impute: undefined } } }).fit(data);
    const step = model.pipeline.steps[0];
    expect(step.kind === 'numeric' && step.fill).toBeNull();
  });
});
