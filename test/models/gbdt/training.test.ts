/**
 * Training behaviour through the Trainer and the family: tasks, objectives, missing
 * values, categorical splits, early stopping, importance, staged prediction, weights,
 * growth limits and progress.
 */
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../src/dataset/dataset';
import { gbdtFamily } from '../../../src/models/gbdt/index';
import { GbdtPredictor, isGbdtPredictor } from '../../../src/models/gbdt/predictor';
import type { FeatureImportance } from '../../../src/models/gbdt/importance';
import type { FitContext, ProgressEvent } from '../../../src/models/types';
import { createRng } from '../../../src/random';
import { Trainer } from '../../../src/trainer/trainer';
import { auc, numericMatrix, referenceLeaf, referenceMargins, syntheticRows, tensorsOf, treeShapes } from './helpers';

function accuracy(labels: unknown[], truth: unknown[]): number {
  let ok = 0;
  labels.forEach((l, i) => (ok += l === truth[i] ? 1 : 0));
  return ok / labels.length;
}

function fitContext(params: Record<string, unknown>, n = 3000, d = 5, seed = 1): FitContext<ReturnType<typeof gbdtFamily.validateParams>> {
  const { X, y, features } = numericMatrix(n, d, seed);
  return { train: { X, y }, task: 'binary', classes: [0, 1], features, params: gbdtFamily.validateParams({ threads: 1, ...params }, 'binary'), rng: createRng(seed), seed, progress: () => {} };
}

describe('gbdt training', () => {
  it('learns a binary target with categorical and missing inputs, with progress per tree', async () => {
    const ds = syntheticRows(4000, 1);
    const { train, test } = ds.split({ testFraction: 0.25, seed: 2 });
    const events: ProgressEvent[] = [];
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 40 }, target: 'y', seed: 5, onProgress: (e) => events.push(e) }).fit(train);
    expect(model.type).toBe('gbdt');
    expect(model.task).toBe('binary');
    // Ordinal codes, not one-hot: one matrix column per input column.
    expect(model.state.numFeatures).toBe(7);
    const preds = await model.predict(test);
    const truth = test.column('y').toArray();
    expect(accuracy(preds.labels!, truth)).toBeGreaterThan(0.85);
    expect(auc(truth.map((t) => (t === 'yes' ? 1 : 0)), preds.scores!)).toBeGreaterThan(0.93);
    expect(events[0]).toMatchObject({ phase: 'start', epoch: 0, totalEpochs: 40 });
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(epochs.every((e) => e.totalEpochs === 40 && typeof e.loss === 'number' && e.etaMs !== undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'done', epoch: 40 });
    expect(epochs[39].loss!).toBeLessThan(epochs[0].loss!);
    expect(model.runRecord.history).toHaveLength(40);
    expect(model.runRecord.iterations).toBe(40);
    expect(model.runRecord.converged).toBe(false);
  });

  it('trains one tree per class per round for multiclass, probabilities summing to 1', async () => {
    const ds = syntheticRows(3000, 3, { task: 'multiclass' });
    const { train, test } = ds.split({ testFraction: 0.25, seed: 2, stratifyBy: 'y' });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 30 }, target: 'y', seed: 1 }).fit(train);
    expect(model.task).toBe('multiclass');
    expect(model.classes).toEqual(['high', 'low', 'mid']);
    const a = tensorsOf(model.state);
    expect(a.tree_start.length - 1).toBe(90);
    const preds = await model.predict(test);
    const p = preds.probabilities!;
    for (let i = 0; i < preds.length; i++) expect(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).toBeCloseTo(1, 12);
    expect(accuracy(preds.labels!, test.column('y').toArray())).toBeGreaterThan(0.75);
  });

  it('regression objectives: squared, absolute and huber; huber and absolute resist outliers', async () => {
    const clean = syntheticRows(3000, 4, { task: 'regression' });
    const r = createRng(8);
    const y = clean.column('y').toArray() as number[];
    const dirty = clean.withColumn('y', y.map((v) => (r.next() < 0.05 ? v + 60 * (r.next() < 0.5 ? -1 : 1) : v)));
    const test = syntheticRows(1000, 44, { task: 'regression' });
    const truth = test.column('y').toArray() as number[];
    const mae = async (objective: string): Promise<number> => {
      const model = await new Trainer({ model: { type: 'gbdt', numTrees: 60, objective, minSamplesLeaf: 10 }, target: 'y', seed: 1 }).fit(dirty);
      const v = (await model.predict(test)).values!;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += Math.abs(v[i] - truth[i]);
      return s / v.length;
    };
    const [sq, abs, hub] = [await mae('squared'), await mae('absolute'), await mae('huber')];
    expect(abs).toBeLessThan(sq);
    expect(hub).toBeLessThan(sq);
    expect(abs).toBeLessThan(0.8);
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 5, objective: 'huber' }, target: 'y' }).fit(dirty);
    expect(model.state.params.huberDelta).toBeGreaterThan(0);
  });

  it('learns where missing values go from the data, per split', async () => {
    const r = createRng(11);
    const rows = Array.from({ length: 2000 }, () => {
      const x = r.normal();
      const missing = r.next() < 0.3;
      // Missing rows behave like large x.
      return { x: missing ? null : x, y: (missing ? 1.5 : x) + 0.3 * r.normal() > 0.5 ? 1 : 0 };
    });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 20, maxDepth: 2, task: 'classification' }, target: 'y', seed: 1 }).fit(Dataset.fromRows(rows));
    const preds = await model.predict([{ x: null }, { x: -2 }, { x: 2 }]);
    const s = preds.scores!;
    expect(s[0]).toBeGreaterThan(0.8);
    expect(s[1]).toBeLessThan(0.2);
    const a = tensorsOf(model.state);
    // The root sends missing values to the side of large x.
    const root = a.node_feature[0] >= 0 ? ((a.node_flags[0] & 1) === 1 ? 'left' : 'right') : 'none';
    expect(root).toBe('right');
    expect(s[0]).toBeCloseTo(s[2], 1);
  });

  it('sends missing values to the heavier child when training had none', async () => {
    const ctx = fitContext({ numTrees: 1, maxDepth: 1, learningRate: 1 });
    const res = await gbdtFamily.fit(ctx);
    const p = new GbdtPredictor(res.state);
    const a = tensorsOf(res.state);
    const f = a.node_feature[0];
    const t = a.node_threshold[0];
    const X = ctx.train.X;
    let left = 0;
    for (let i = 0; i < X.rows; i++) if (X.data[i * X.cols + f] <= t) left++;
    // Logistic hessians at the prior are equal per row, so the heavier side has more rows.
    expect(a.node_flags[0] & 1).toBe(left >= X.rows - left ? 1 : 0);
    const row = new Float32Array(X.cols).fill(0);
    row[f] = Number.NaN;
    const want = a.node_flags[0] & 1 ? a.node_value[a.node_left[0]] : a.node_value[a.node_right[0]];
    expect(p.predictMargin(row, 1)[0]).toBeCloseTo(a.base_score[0] + want, 12);
  });

  it('splits a category set in one node (partition by gradient order, not one-hot)', async () => {
    const r = createRng(12);
    const good = new Set(['a', 'c', 'f']);
    const cats = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rows = Array.from({ length: 1200 }, () => {
      const c = cats[r.int(6)];
      return { c, y: good.has(c) === r.next() < 0.95 ? 'pos' : 'neg' };
    });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 1, maxDepth: 1, learningRate: 1 }, target: 'y', seed: 1 }).fit(Dataset.fromRows(rows));
    const a = tensorsOf(model.state);
    expect(a.node_flags[0] & 2).toBe(2);
    const preds = await model.predict(cats.map((c) => ({ c })));
    const s = preds.scores!;
    const pos = model.classes!.indexOf('pos');
    cats.forEach((c, i) => expect((pos === 1 ? s[i] : 1 - s[i]) > 0.5).toBe(good.has(c)));
    // Unseen and missing categories follow the default direction, with no error.
    const unseen = await model.predict([{ c: 'zzz' }, { c: null }]);
    expect(unseen.scores![0]).toBe(unseen.scores![1]);
  });

  it('stops early on a validation set and keeps the best round', async () => {
    const ds = syntheticRows(3000, 5, { missing: 0.2 });
    const { train, test } = ds.split({ testFraction: 0.3, seed: 1 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 400, learningRate: 0.5, earlyStoppingRounds: 5 }, target: 'y', seed: 1 }).fit(train, { validation: test });
    const rec = model.runRecord;
    expect(rec.converged).toBe(true);
    expect(rec.iterations).toBeLessThan(400);
    expect(rec.bestIteration).toBe(rec.iterations - 5);
    const losses = rec.history.map((h) => h.valLoss!);
    expect(Math.min(...losses)).toBe(losses[rec.bestIteration! - 1]);
    expect(model.state.params.rounds).toBe(rec.bestIteration);
    expect(tensorsOf(model.state).tree_start.length - 1).toBe(rec.bestIteration);
    expect(rec.validationRows).toBe(test.numRows);
  });

  it('holds out validationFraction (stratified) when fit gets no validation set', async () => {
    const ds = syntheticRows(2000, 6);
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 300, learningRate: 0.5, validationFraction: 0.2, earlyStoppingRounds: 3 }, target: 'y', seed: 1 }).fit(ds);
    expect(model.runRecord.converged).toBe(true);
    expect(model.runRecord.history[0].valLoss).toBeGreaterThan(0);
    expect(model.runRecord.bestIteration).toBeLessThan(300);
  });

  it('with earlyStoppingRounds 0 records the validation loss that the loaded model reproduces', async () => {
    const ds = syntheticRows(2500, 7, { missing: 0.15 });
    const { train, test } = ds.split({ testFraction: 0.3, seed: 3 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 25, earlyStoppingRounds: 0 }, target: 'y', seed: 1 }).fit(train, { validation: test });
    expect(model.runRecord.converged).toBe(false);
    expect(tensorsOf(model.state).tree_start.length - 1).toBe(25);
    // Validation rows were scored in bin space during training; the predictor uses raw
    // thresholds: both must route every row the same way.
    const p = (await model.predict(test)).scores!;
    const yes = model.classes!.indexOf('yes');
    const truth = test.column('y').toArray().map((t) => (t === 'yes' ? yes : 1 - yes));
    let loss = 0;
    for (let i = 0; i < p.length; i++) loss -= truth[i] === 1 ? Math.log(p[i]) : Math.log(1 - p[i]);
    expect(loss / p.length).toBeCloseTo(model.runRecord.history[24].valLoss!, 10);
  });

  it('reports gain and split importance for the trees kept', async () => {
    const ds = syntheticRows(3000, 8);
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 30 }, target: 'y', seed: 1 }).fit(ds);
    const imp = model.runRecord.extras!.featureImportance as FeatureImportance[];
    expect(imp.map((i) => i.feature).sort()).toEqual(['c', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
    expect(imp.slice(0, 4).map((i) => i.feature).sort()).toEqual(['c', 'x0', 'x1', 'x2']);
    for (let i = 1; i < imp.length; i++) expect(imp[i].gain).toBeLessThanOrEqual(imp[i - 1].gain);
    expect(imp.reduce((s, i) => s + i.gainShare, 0)).toBeCloseTo(1, 12);
    const a = tensorsOf(model.state);
    const names = (model.state.params.features as { name: string }[]).map((f) => f.name);
    for (const i of imp) expect(i.splits).toBe(Array.from(a.node_feature).filter((f) => f >= 0 && names[f] === i.feature).length);
  });

  it('staged prediction with the first k rounds equals a model trained for k rounds', async () => {
    const ds = syntheticRows(1500, 9, { task: 'multiclass' });
    const long = await new Trainer({ model: { type: 'gbdt', numTrees: 20, subsample: 0.8, colsampleByTree: 0.8 }, target: 'y', seed: 3 }).fit(ds);
    const short = await new Trainer({ model: { type: 'gbdt', numTrees: 8, subsample: 0.8, colsampleByTree: 0.8 }, target: 'y', seed: 3 }).fit(ds);
    const X = long.pipeline.transform(ds);
    const p = long.predictor;
    expect(isGbdtPredictor(p)).toBe(true);
    if (!isGbdtPredictor(p)) return;
    expect(Array.from(p.predictRounds(X.data, X.rows, 8))).toEqual(Array.from(short.predictor.predictMatrix(X.data, X.rows)));
    expect(Array.from(p.predictRounds(X.data, X.rows, 20))).toEqual(Array.from(p.predictMatrix(X.data, X.rows)));
    // Round 0 is the prior.
    const prior = p.predictRounds(X.data, 1, 0);
    const counts = ['high', 'low', 'mid'].map((c) => ds.column('y').toArray().filter((y) => y === c).length / ds.numRows);
    counts.forEach((c, k) => expect(prior[k]).toBeCloseTo(c, 12));
  });

  it('is reproducible from the seed, and the seed matters when sampling', async () => {
    const ds = syntheticRows(1500, 10);
    const fit = (seed: number) => new Trainer({ model: { type: 'gbdt', numTrees: 10, subsample: 0.7, colsampleByNode: 0.5 }, target: 'y', seed }).fit(ds);
    const [a, b, c] = [await fit(1), await fit(1), await fit(2)];
    expect(a.state.tensors).toEqual(b.state.tensors);
    expect(a.state.tensors).not.toEqual(c.state.tensors);
  });

  it('treats a sample weight of 2 like a duplicated row', async () => {
    const r = createRng(13);
    const rows = Array.from({ length: 600 }, () => {
      const x = r.int(40);
      const z = r.int(10);
      return { x, z, y: x + 3 * z + 8 * r.normal() > 30 ? 1 : 0 };
    });
    const weighted = Dataset.fromRows(rows.map((row, i) => ({ ...row, w: i % 3 === 0 ? 2 : 1 })));
    const duplicated = Dataset.fromRows(rows.flatMap((row, i) => (i % 3 === 0 ? [row, row] : [row])));
    const opts = { model: { type: 'gbdt' as const, numTrees: 15, maxDepth: 3, task: 'classification' as const }, target: 'y', seed: 1 };
    const mw = await new Trainer({ ...opts, sampleWeight: 'w', features: ['x', 'z'] }).fit(weighted);
    const md = await new Trainer({ ...opts, features: ['x', 'z'] }).fit(duplicated);
    const grid = Array.from({ length: 40 }, (_, x) => ({ x, z: x % 10 }));
    const pw = (await mw.predict(grid)).scores!;
    const pd = (await md.predict(grid)).scores!;
    for (let i = 0; i < grid.length; i++) expect(pw[i]).toBeCloseTo(pd[i], 6);
    const balanced = await new Trainer({ ...opts, classWeight: 'balanced', features: ['x', 'z'] }).fit(duplicated);
    const mean = (s: Float64Array): number => s.reduce((a, b) => a + b, 0) / s.length;
    const positives = rows.filter((row) => row.y === 1).length / rows.length;
    expect(Math.sign(mean((await balanced.predict(grid)).scores!) - mean(pd))).toBe(positives < 0.5 ? 1 : -1);
  });

  it('respects maxDepth (depthwise) and maxLeaves (lossguide)', async () => {
    const deep = await gbdtFamily.fit(fitContext({ numTrees: 5, maxDepth: 3 }));
    expect(Math.max(...treeShapes(deep.state).map((s) => s.depth))).toBe(3);
    const leafy = await gbdtFamily.fit(fitContext({ numTrees: 5, growPolicy: 'lossguide', maxLeaves: 7, maxDepth: 0 }));
    const shapes = treeShapes(leafy.state);
    expect(Math.max(...shapes.map((s) => s.leaves))).toBe(7);
    const capped = await gbdtFamily.fit(fitContext({ numTrees: 5, maxDepth: 8, maxLeaves: 5 }));
    expect(Math.max(...treeShapes(capped.state).map((s) => s.leaves))).toBe(5);
  });

  it('respects minSamplesLeaf and minChildWeight on the training rows', async () => {
    const ctx = fitContext({ numTrees: 4, maxDepth: 10, minSamplesLeaf: 40 }, 2000, 4);
    const res = await gbdtFamily.fit(ctx);
    const { X } = ctx.train;
    const a = tensorsOf(res.state);
    for (let t = 0; t < 4; t++) {
      const count = new Map<number, number>();
      for (let i = 0; i < X.rows; i++) {
        const leaf = referenceLeaf(res.state, t, X.data.subarray(i * X.cols, (i + 1) * X.cols));
        count.set(leaf, (count.get(leaf) ?? 0) + 1);
      }
      expect(Math.min(...count.values())).toBeGreaterThanOrEqual(40);
      expect(count.size).toBe(Array.from(a.node_feature).slice(a.tree_start[t], a.tree_start[t + 1]).filter((f) => f < 0).length);
    }
    // A hessian floor of 100 (logistic hessians are <= 0.25 per row) needs >= 400 rows a leaf.
    const heavy = await gbdtFamily.fit(fitContext({ numTrees: 1, maxDepth: 10, minChildWeight: 100 }, 2000, 4));
    expect(treeShapes(heavy.state)[0].leaves).toBeLessThanOrEqual(5);
  });

  it('predicts what a plain reading of the state layout predicts', async () => {
    const ds = syntheticRows(1500, 14, { task: 'multiclass', missing: 0.2 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 12 }, target: 'y', seed: 1 }).fit(ds);
    const X = model.pipeline.transform(ds);
    const p = model.predictor;
    if (!isGbdtPredictor(p)) throw new Error('not gbdt');
    const got = p.predictMargin(X.data, X.rows);
    const want = referenceMargins(model.state, X.data, X.rows);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('cancels between trees with ABORTED', async () => {
    const ds = syntheticRows(1000, 15);
    const ac = new AbortController();
    const trainer = new Trainer({
      model: { type: 'gbdt', numTrees: 500 },
      target: 'y',
      onProgress: (e) => {
        if (e.epoch === 3) ac.abort();
      },
    });
    await expect(trainer.fit(ds, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
