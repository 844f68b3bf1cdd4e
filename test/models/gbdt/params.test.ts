import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { gbdtFamily } from '../../../src/models/gbdt/index';
import { createRng } from '../../../src/random';
import { Trainer } from '../../../src/trainer/trainer';
import { syntheticRows } from './helpers';

describe('gbdt parameters', () => {
  it('fills XGBoost-like defaults and picks the objective from the task', () => {
    const p = gbdtFamily.validateParams({}, 'binary');
    expect(p).toMatchObject({ numTrees: 100, learningRate: 0.1, growPolicy: 'depthwise', maxDepth: 6, maxLeaves: 0, minSamplesLeaf: 1, minChildWeight: 1, lambda: 1, minSplitGain: 0, maxBins: 255, subsample: 1, objective: 'logistic', earlyStoppingRounds: 10, threads: availableParallelism() });
    expect(gbdtFamily.validateParams({}, 'multiclass').objective).toBe('softmax');
    expect(gbdtFamily.validateParams({}, 'regression').objective).toBe('squared');
    expect(gbdtFamily.validateParams({ growPolicy: 'lossguide' }, 'regression').maxLeaves).toBe(31);
  });

  it('names a mistyped parameter and suggests the right one', () => {
    let err: unknown;
    try {
      gbdtFamily.validateParams({ max_depth: 4 }, 'binary');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'TRAIN_INVALID_PARAMS', details: { parameter: 'max_depth', suggestion: 'maxDepth' } });
    expect((err as Error).message).toContain('Did you mean `maxDepth`?');
    expect(() => gbdtFamily.validateParams({ lerningRate: 0.1 }, 'binary')).toThrow(/`lerningRate`.*`learningRate`/);
  });

  it.each([
    [{ numTrees: 0 }, 'numTrees'],
    [{ numTrees: 2.5 }, 'numTrees'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ maxBins: 256 }, 'maxBins'],
    [{ maxBins: 1 }, 'maxBins'],
    [{ subsample: 0 }, 'subsample'],
    [{ subsample: 1.5 }, 'subsample'],
    [{ colsampleByTree: -1 }, 'colsampleByTree'],
    [{ lambda: -1 }, 'lambda'],
    [{ lambda: Number.NaN }, 'lambda'],
    [{ growPolicy: 'best' }, 'growPolicy'],
    [{ maxDepth: 0 }, 'maxDepth'],
    [{ growPolicy: 'lossguide', maxLeaves: 0 }, 'maxLeaves'],
    [{ maxLeaves: 1 }, 'maxLeaves'],
    [{ objective: 'squared' }, 'objective'],
    [{ huberDelta: 1 }, 'huberDelta'],
    [{ validationFraction: 1 }, 'validationFraction'],
    [{ threads: 0 }, 'threads'],
    [{ minSamplesLeaf: '3' }, 'minSamplesLeaf'],
  ])('rejects %j naming %s', (params, name) => {
    expect(() => gbdtFamily.validateParams(params, 'binary')).toThrowError(expect.objectContaining({ code: 'TRAIN_INVALID_PARAMS', details: expect.objectContaining({ parameter: name }) }));
  });

  it('checks parameters before any work, through the Trainer', async () => {
    const ds = syntheticRows(50, 1);
    await expect(new Trainer({ model: { type: 'gbdt', maxDepht: 3 }, target: 'y' }).fit(ds)).rejects.toMatchObject({ code: 'TRAIN_INVALID_PARAMS' });
    await expect(new Trainer({ model: { type: 'gbdt', objective: 'huber' }, target: 'y' }).fit(ds)).rejects.toThrow(/objective.*'logistic'/);
  });

  it('refuses a validation set together with validationFraction', async () => {
    const ds = syntheticRows(200, 2);
    const { train, test } = ds.split({ testFraction: 0.3, seed: 1 });
    await expect(new Trainer({ model: { type: 'gbdt', validationFraction: 0.2, numTrees: 2 }, target: 'y' }).fit(train, { validation: test })).rejects.toMatchObject({
      code: 'TRAIN_INVALID_PARAMS',
      details: { parameter: 'validationFraction' },
    });
  });

  it('refuses settings whose histograms could not fit in memory, before any work', async () => {
    const n = 20_000;
    const d = 200;
    const features = Array.from({ length: d }, (_, j) => ({ name: `f${j}`, source: `f${j}`, kind: 'numeric' as const }));
    const y = Float64Array.from({ length: n }, (_, i) => i % 2);
    const fit = gbdtFamily.fit({
      train: { X: { data: new Float32Array(n * d), rows: n, cols: d }, y },
      task: 'binary',
      classes: [0, 1],
      features,
      params: gbdtFamily.validateParams({ maxDepth: 30 }, 'binary'),
      rng: createRng(1),
      seed: 1,
      progress: () => {},
    });
    await expect(fit).rejects.toMatchObject({ code: 'TRAIN_INVALID_PARAMS', details: { parameter: 'maxDepth' } });
  });
});
