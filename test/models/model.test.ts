import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/dataset/dataset';
import { Trainer } from '../../src/trainer/trainer';

const train = Dataset.fromRows([
  { x: 1, c: 'a', y: 1.5 },
  { x: 2, c: 'b', y: 2.5 },
  { x: 3, c: 'a', y: 0.5 },
  { x: 4, c: 'b', y: 4.5 },
]);

describe('Model.predict input checks', () => {
  it('reports a Dataset that does not fit the signature like rows: PREDICT_INVALID_INPUT listing every problem', async () => {
    const model = await new Trainer({ model: { type: 'linear' }, target: 'y', preprocess: { categorical: { unseen: 'error' } } }).fit(train);
    const unseen = Dataset.fromRows([{ x: 1, c: 'q' }, { x: 2, c: 'a' }, { x: 3, c: 'z' }]);
    for (const input of [unseen, unseen.toRows()]) {
      await expect(model.predict(input)).rejects.toMatchObject({
        code: 'PREDICT_INVALID_INPUT',
        details: { issues: [expect.objectContaining({ row: 0, problem: 'unseen_category' }), expect.objectContaining({ row: 2, problem: 'unseen_category' })] },
      });
    }
    await expect(model.predict(Dataset.fromRows([{ x: 1 }]))).rejects.toMatchObject({
      code: 'PREDICT_INVALID_INPUT',
      details: { issues: [expect.objectContaining({ column: 'c', problem: 'missing_column' })] },
    });
    await expect(model.predict(Dataset.fromRows([{ x: 'many', c: 'a' }]))).rejects.toMatchObject({ code: 'PREDICT_INVALID_INPUT' });
    expect((await model.predict(Dataset.fromRows([{ x: 2, c: 'a', extra: true }]))).values).toHaveLength(1);
  });
});
