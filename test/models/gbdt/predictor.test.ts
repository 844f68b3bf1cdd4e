/**
 * The gbdt state layout and predictor: hand-built states predicted by hand, load-time
 * validation, raw-value thresholds, margins, and a JSON round trip.
 */
import { describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../../src/artifact/model-artifact';
import { Dataset } from '../../../src/dataset/dataset';
import { GbdtPredictor, isGbdtPredictor } from '../../../src/models/gbdt/predictor';
import { loadPredictor } from '../../../src/models/families';
import type { ModelState, NamedTensor, TensorData } from '../../../src/models/types';
import { Trainer } from '../../../src/trainer/trainer';
import { gbdtFamily } from '../../../src/models/gbdt/index';
import { createRng } from '../../../src/random';
import { numericMatrix, referenceMargins, syntheticRows, tensorsOf } from './helpers';

/**
 * Two rounds of a binary model over features [x (numeric), c (categorical, 40 codes)]:
 *   tree 0: x <= 1.5 (missing left) ? (c in {1, 3, 33} (missing right) ? 1 : 2) : -1
 *   tree 1: a single leaf 0.25
 */
function handState(): ModelState {
  const t = (name: string, dtype: NamedTensor['dtype'], data: TensorData): NamedTensor => ({ name, dtype, shape: [data.length], data });
  return {
    type: 'gbdt',
    task: 'binary',
    numFeatures: 2,
    classes: ['no', 'yes'],
    params: {
      format: 1,
      objective: 'logistic',
      outputsPerRound: 1,
      rounds: 2,
      learningRate: 1,
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'c', kind: 'categorical', numCategories: 40 },
      ],
    },
    tensors: [
      t('base_score', 'float64', Float64Array.of(-0.5)),
      t('tree_start', 'int32', Int32Array.of(0, 5, 6)),
      t('node_feature', 'int32', Int32Array.of(0, 1, -1, -1, -1, -1)),
      t('node_threshold', 'float32', Float32Array.of(1.5, 0, 0, 0, 0, 0)),
      t('node_left', 'int32', Int32Array.of(1, 2, -1, -1, -1, -1)),
      t('node_right', 'int32', Int32Array.of(4, 3, -1, -1, -1, -1)),
      t('node_flags', 'uint8', Uint8Array.of(1, 2, 0, 0, 0, 0)),
      t('node_cat', 'int32', Int32Array.of(-1, 0, -1, -1, -1, -1)),
      t('cat_bitset', 'uint32', Uint32Array.of((1 << 1) | (1 << 3), 1 << 1)),
      t('node_value', 'float64', Float64Array.of(0, 0, 1, 2, -1, 0.25)),
    ],
  };
}

const sigmoid = (m: number): number => 1 / (1 + Math.exp(-m));

describe('gbdt predictor', () => {
  it('follows the documented layout: x <= threshold, missing by flag, category bitsets', () => {
    const p = new GbdtPredictor(handState());
    const rows: [number, number, number][] = [
      // x, c, expected margin
      [1.5, 1, -0.5 + 1 + 0.25], // equal to the threshold goes left; c=1 in the set
      [1.0, 3, -0.5 + 1 + 0.25],
      [1.0, 33, -0.5 + 1 + 0.25],
      [1.0, 2, -0.5 + 2 + 0.25],
      [1.0, Number.NaN, -0.5 + 2 + 0.25], // missing category: right
      [1.0, 40, -0.5 + 2 + 0.25], // outside the categories: like missing
      [1.0, 1.5, -0.5 + 2 + 0.25], // not an integer code: like missing
      [Number.NaN, 1, -0.5 + 1 + 0.25], // missing x: left
      [1.5000001, 1, -0.5 - 1 + 0.25],
    ];
    const X = Float32Array.from(rows.flatMap(([x, c]) => [x, c]));
    const margins = p.predictMargin(X, rows.length);
    rows.forEach(([, , m], i) => expect(margins[i]).toBeCloseTo(m, 12));
    const probs = p.predictMatrix(X, rows.length);
    rows.forEach(([, , m], i) => expect(probs[i]).toBeCloseTo(sigmoid(m), 12));
    expect(p.predictRounds(X, 1, 1)[0]).toBeCloseTo(sigmoid(-0.5 + 1), 12);
    expect(p.predictRounds(X, 1, 0)[0]).toBeCloseTo(sigmoid(-0.5), 12);
    expect(p.rounds).toBe(2);
    expect(isGbdtPredictor(loadPredictor(handState()))).toBe(true);
  });

  it('predicts one row into a caller-owned array', () => {
    const p = new GbdtPredictor(handState());
    const out = new Float64Array(1);
    const row = Float32Array.of(0, 3);
    expect(p.predictMatrix(row, 1, out)).toBe(out);
    expect(out[0]).toBeCloseTo(sigmoid(0.75), 12);
  });

  it('rejects bad prediction input', () => {
    const p = new GbdtPredictor(handState());
    expect(() => p.predictMatrix(new Float32Array(3), 2)).toThrowError(expect.objectContaining({ code: 'PREDICT_INVALID_INPUT' }));
    expect(() => p.predictRounds(new Float32Array(2), 1, 3)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => p.predictMatrix(new Float32Array(4), 2, new Float64Array(1))).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each<[string, (s: ModelState) => void, string]>([
    ['a missing tensor', (s) => s.tensors.splice(2, 1), 'ARTIFACT_CORRUPT'],
    ['a wrong dtype', (s) => (s.tensors[3] = { ...s.tensors[3], dtype: 'float64', data: new Float64Array(6) }), 'ARTIFACT_CORRUPT'],
    ['a child pointing backwards (a cycle)', (s) => ((s.tensors[4].data as Int32Array)[1] = 0), 'ARTIFACT_CORRUPT'],
    ['a child in another tree', (s) => ((s.tensors[5].data as Int32Array)[0] = 5), 'ARTIFACT_CORRUPT'],
    ['a feature out of range', (s) => ((s.tensors[2].data as Int32Array)[0] = 7), 'ARTIFACT_CORRUPT'],
    ['a bitset past the end', (s) => ((s.tensors[7].data as Int32Array)[1] = 1), 'ARTIFACT_CORRUPT'],
    ['a categorical split on a numeric feature', (s) => ((s.tensors[6].data as Uint8Array)[0] = 3), 'ARTIFACT_CORRUPT'],
    ['node arrays of different lengths', (s) => (s.tensors[9] = { ...s.tensors[9], shape: [5], data: new Float64Array(5) }), 'ARTIFACT_CORRUPT'],
    ['tree_start not covering the nodes', (s) => ((s.tensors[1].data as Int32Array)[2] = 5), 'ARTIFACT_CORRUPT'],
    ['a newer format', (s) => (s.params.format = 2), 'ARTIFACT_UNSUPPORTED_VERSION'],
    ['an unknown objective', (s) => (s.params.objective = 'poisson'), 'ARTIFACT_CORRUPT'],
    ['outputs that do not fit the task', (s) => (s.params.outputsPerRound = 2), 'ARTIFACT_CORRUPT'],
  ])('refuses a state with %s', (_, corrupt, code) => {
    const s = handState();
    corrupt(s);
    expect(() => new GbdtPredictor(s)).toThrowError(expect.objectContaining({ code }));
  });

  it('stores thresholds as raw feature values between training values, not bins', async () => {
    const ds = Dataset.fromRows(Array.from({ length: 40 }, (_, i) => ({ x: (i % 4) + 1, y: (i % 4) + 1 > 2 ? 'hi' : 'lo' })));
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 1, maxDepth: 1, learningRate: 1 }, target: 'y' }).fit(ds);
    const a = tensorsOf(model.state);
    expect(a.node_feature[0]).toBe(0);
    expect(a.node_threshold[0]).toBe(2.5);
  });

  it('predicts identically after a JSON round trip of the state', async () => {
    const ds = syntheticRows(1200, 31, { task: 'multiclass', missing: 0.1 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 10 }, target: 'y' }).fit(ds);
    const ctors: Record<string, new (a: ArrayLike<number>) => TensorData> = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array };
    const json = JSON.parse(JSON.stringify({ ...model.state, tensors: model.state.tensors.map((t) => ({ ...t, data: Array.from(t.data) })) })) as ModelState & {
      tensors: (Omit<NamedTensor, 'data'> & { data: number[] })[];
    };
    const restored: ModelState = { ...json, tensors: json.tensors.map((t) => ({ ...t, data: new ctors[t.dtype](t.data) })) };
    const X = model.pipeline.transform(ds);
    expect(Array.from(new GbdtPredictor(restored).predictMatrix(X.data, X.rows))).toEqual(Array.from(model.predictor.predictMatrix(X.data, X.rows)));
  });

  it('predicts like a plain reading of the layout for any row count, deep unbalanced trees and staged rounds', async () => {
    // Lossguide trees of uneven depth, categorical splits and missing values; 13 rounds x 3
    // classes (tree counts not multiples of four), rows one by one and in blocks.
    const ds = syntheticRows(900, 33, { task: 'multiclass', missing: 0.25 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 13, growPolicy: 'lossguide', maxLeaves: 24 }, target: 'y', seed: 3 }).fit(ds);
    const p = model.predictor;
    if (!isGbdtPredictor(p)) throw new Error('not gbdt');
    const X = model.pipeline.transform(ds);
    const F = X.cols;
    const want = referenceMargins(model.state, X.data, X.rows);
    for (let n = 1; n <= 9; n++) {
      const got = p.predictMargin(X.data.subarray(5 * F, (5 + n) * F), n);
      expect(Array.from(got)).toEqual(Array.from(want.subarray(5 * 3, (5 + n) * 3)));
    }
    expect(Array.from(p.predictMargin(X.data, X.rows))).toEqual(Array.from(want));
    const rounds = 7;
    const staged = referenceMargins({ ...model.state, tensors: model.state.tensors.map((t) => (t.name === 'tree_start' ? { ...t, data: t.data.slice(0, rounds * 3 + 1) } : t)) }, X.data, 6);
    expect(Array.from(p.predictMargin(X.data, 6, rounds))).toEqual(Array.from(staged));
  });

  it('predicts numeric models alike for rows with and without missing values, one by one and in blocks', async () => {
    // Missing values in some rows only, so blocks of four rows are complete or not.
    const { X, y, features } = numericMatrix(2000, 5, 8);
    for (let i = 0; i < X.rows; i += 7) X.data[i * 5 + (i % 5)] = Number.NaN;
    const res = await gbdtFamily.fit({ train: { X, y }, task: 'binary', classes: [0, 1], features, params: gbdtFamily.validateParams({ numTrees: 11, threads: 1 }, 'binary'), rng: createRng(2), seed: 2, progress: () => {} });
    const p = gbdtFamily.load(res.state);
    if (!isGbdtPredictor(p)) throw new Error('not gbdt');
    const want = referenceMargins(res.state, X.data, X.rows);
    expect(Array.from(p.predictMargin(X.data, X.rows))).toEqual(Array.from(want));
    for (let i = 0; i < 30; i++) expect(p.predictMargin(X.data.subarray(i * 5, i * 5 + 5), 1)[0]).toBe(want[i]);
  });

  it('travels in a model artifact and predicts the same from its bytes', async () => {
    const ds = syntheticRows(1000, 32, { missing: 0.2 });
    const model = await new Trainer({ model: { type: 'gbdt', numTrees: 8 }, target: 'y' }).fit(ds);
    const back = await ModelArtifact.fromBytes((await ModelArtifact.create(model)).toBytes());
    const rows = ds.slice(0, 50).toRows().map((r, i) => (i % 5 === 0 ? { ...r, x0: null, c: null } : r));
    expect(Array.from((await back.predict(rows)).raw)).toEqual(Array.from((await model.predict(rows)).raw));
  });
});
