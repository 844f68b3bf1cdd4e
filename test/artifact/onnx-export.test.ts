// Every family exported to ONNX (preprocessing included) and run in onnxruntime-node:
// its outputs must equal the artifact's within 1e-5. Set MLOPS_ONNX_EXPORT_DIR to keep
// the exported files (then check them with test/fixtures/artifact/generate_onnx.py --check).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { exportToONNX } from '../../src/artifact/onnx/export';
import { deriveSignature } from '../../src/artifact/signature';
import { Dataset } from '../../src/dataset/dataset';
import { GbdtPredictor, NODE_CATEGORICAL, NODE_DEFAULT_LEFT, treesToTensors } from '../../src/models/gbdt/predictor';
import type { ModelState, ModelType, Task } from '../../src/models/types';
import { Pipeline, type PreprocessSpec } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';
import { importONNX } from '../../src/runtime/onnx';
import { FAMILY_TASKS, makeData, trained } from './models';

const exportDir = process.env.MLOPS_ONNX_EXPORT_DIR;

/** Feeds the exported graph: one [N, 1] input per column, double or string. */
function feeds(art: ModelArtifact, rows: Record<string, unknown>[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const s of art.signature.inputs) {
    const values = rows.map((r) => r[s.name]);
    if (s.type === 'category') out[s.name] = new ort.Tensor('string', values.map((v) => (v === null || v === undefined ? '' : String(v))), [rows.length, 1]);
    else {
      const num = (v: unknown): number => (v === null ? NaN : v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : (v as number));
      out[s.name] = new ort.Tensor('float64', Float64Array.from(values, num), [rows.length, 1]);
    }
  }
  return out;
}

/** Runs the exported model and checks it against the artifact. */
async function checkExport(art: ModelArtifact, rows: Record<string, unknown>[], file: string): Promise<Uint8Array> {
  const onnx = await art.exportONNX();
  if (exportDir !== undefined) {
    mkdirSync(exportDir, { recursive: true });
    writeFileSync(join(exportDir, file), onnx);
  }
  const session = await ort.InferenceSession.create(onnx);
  const result = await session.run(feeds(art, rows));
  const want = await art.predict(rows);
  if (art.task === 'regression') {
    const got = result.value.data as Float64Array;
    expect(result.value.dims).toEqual([rows.length, 1]);
    got.forEach((v, i) => expect(Math.abs(v - want.values![i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.values![i]))));
  } else {
    const got = result.probabilities.data as Float64Array;
    const probs = want.probabilities!;
    expect(got.length).toBe(probs.length);
    got.forEach((p, i) => expect(Math.abs(p - probs[i])).toBeLessThanOrEqual(1e-5));
    expect(Array.from(result.label.data as ArrayLike<unknown>)).toEqual(want.labels);
  }
  await session.release();
  return onnx;
}

const testRows = makeData(120, 4).toRows() as Record<string, unknown>[];

const cases: Array<[ModelType, Task, PreprocessSpec?]> = [
  ...FAMILY_TASKS.map(([type, task]): [ModelType, Task] => [type, task]),
  ['logistic', 'binary', { numeric: { scale: 'minmax', impute: 'median' }, categorical: { unseen: 'error' } }],
  ['gbdt', 'binary', { categorical: { encode: 'onehot' }, numeric: { impute: { constant: -1 }, scale: 'none' } }],
];

describe('ONNX export equals the artifact in onnxruntime', () => {
  for (const [type, task, preprocess] of cases) {
    const name = `${type}-${task}${preprocess ? '-custom-preprocessing' : ''}`;
    it(name, async () => {
      const { model } = await trained(type, task, preprocess);
      const art = await ModelArtifact.create(model, { createdAt: '2024-01-01T00:00:00.000Z' });
      const onnx = await checkExport(art, testRows, `${name}.onnx`);
      // Deterministic bytes.
      expect(Buffer.from(await art.exportONNX()).equals(Buffer.from(onnx))).toBe(true);
      // And back: the exported file imported as an ONNX artifact predicts the same.
      const imported = await importONNX(onnx, { task: art.task, classes: art.classes ? [...art.classes] : undefined, signature: { inputs: art.signature.inputs } });
      const a = await art.predict(testRows);
      const b = await imported.predict(testRows);
      b.raw.forEach((v, i) => expect(Math.abs(v - a.raw[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a.raw[i]))));
      await imported.close();
    });
  }
});

describe('gbdt trees as ONNX, categorical splits and missing directions included', () => {
  // Hand-built trees over [x (numeric, may be NaN), c (ordinal category of 5)]:
  // every split kind and both default directions, two outputs per round (multiclass).
  const pipelineData = Dataset.fromRows([
    { x: 1, c: 'a' },
    { x: 2, c: 'b' },
    { x: null, c: 'c' },
    { x: 4, c: 'd' },
    { x: 5, c: 'e' },
  ]);
  let pipeline: Pipeline;
  const rows: Record<string, unknown>[] = [];
  beforeAll(() => {
    pipeline = Pipeline.fit(pipelineData, ['x', 'c'], { numeric: { impute: 'none', scale: 'none' }, categorical: { encode: 'ordinal' } });
    const r = createRng(1);
    for (let i = 0; i < 200; i++) {
      rows.push({ x: r.next() < 0.2 ? null : Math.round(r.normal() * 300) / 100, c: r.next() < 0.15 ? null : r.next() < 0.1 ? 'zzz' : 'abcde'[r.int(5)] });
    }
    rows.push({ x: 0.5, c: 'a' }, { x: 0.5000001, c: 'b' });
  });

  function state(task: 'regression' | 'binary' | 'multiclass'): ModelState {
    const K = task === 'multiclass' ? 3 : 1;
    // One tree template: node 0 numeric x <= 0.5 (missing left), 1 categorical c in {0, 2, 4} (missing right),
    // 2 numeric x <= 2.25 (missing right), 3..6 leaves.
    const tree = {
      feature: [0, 1, 0, -1, -1, -1, -1],
      threshold: [0.5, 0, 2.25, 0, 0, 0, 0],
      left: [1, 3, 5, -1, -1, -1, -1],
      right: [2, 4, 6, -1, -1, -1, -1],
      flags: [NODE_DEFAULT_LEFT, NODE_CATEGORICAL, 0, 0, 0, 0, 0],
      cat: [-1, 0, -1, -1, -1, -1, -1],
    };
    const T = K * 2;
    const n = 7 * T;
    const arr = <A extends Int32Array | Float32Array | Uint8Array | Float64Array>(C: new (n: number) => A, f: (t: number, i: number) => number): A => {
      const a = new C(n);
      for (let t = 0; t < T; t++) for (let i = 0; i < 7; i++) a[t * 7 + i] = f(t, i);
      return a;
    };
    const shift = (t: number, v: number) => (v < 0 ? -1 : v + 7 * t);
    const trees = {
      baseScore: Float64Array.from({ length: K }, (_, k) => 0.1 * (k + 1)),
      treeStart: Int32Array.from({ length: T + 1 }, (_, t) => 7 * t),
      feature: arr(Int32Array, (_, i) => tree.feature[i]),
      threshold: arr(Float32Array, (t, i) => tree.threshold[i] + (i === 2 ? t * 0.1 : 0)),
      left: arr(Int32Array, (t, i) => shift(t, tree.left[i])),
      right: arr(Int32Array, (t, i) => shift(t, tree.right[i])),
      flags: arr(Uint8Array, (t, i) => tree.flags[i] ^ (i === 2 && t % 2 === 1 ? NODE_DEFAULT_LEFT : 0)),
      cat: arr(Int32Array, (t, i) => (i === 1 ? t : -1)),
      catBitset: Uint32Array.from({ length: T }, (_, t) => (t % 2 === 0 ? 0b10101 : 0b00110)),
      value: arr(Float64Array, (t, i) => (i >= 3 ? Math.sin(t * 7 + i) * 0.3 : 0)),
    };
    return {
      type: 'gbdt',
      task,
      numFeatures: 2,
      ...(task === 'regression' ? {} : { classes: task === 'binary' ? [false, true] : [1, 2, 3] }),
      params: {
        format: 1,
        objective: task === 'regression' ? 'squared' : task === 'binary' ? 'logistic' : 'softmax',
        outputsPerRound: K,
        rounds: 2,
        learningRate: 0.1,
        features: [{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical', numCategories: 5 }],
      },
      tensors: treesToTensors(trees),
    };
  }

  for (const task of ['regression', 'binary', 'multiclass'] as const) {
    it(task, async () => {
      const s = state(task);
      const predictor = new GbdtPredictor(s);
      const manifest = { name: 'trees', modelType: 'gbdt', task, libraryVersion: '0', createdAt: '2024-01-01T00:00:00.000Z', tags: {}, metadata: {} };
      const signature = deriveSignature(pipeline, s, undefined, true);
      const onnx = exportToONNX({ pipeline, state: s, manifest, signature, digest: '0'.repeat(64) });
      if (exportDir !== undefined) {
        mkdirSync(exportDir, { recursive: true });
        writeFileSync(join(exportDir, `gbdt-handmade-${task}.onnx`), onnx);
      }
      const session = await ort.InferenceSession.create(onnx);
      const result = await session.run({
        x: new ort.Tensor('float64', Float64Array.from(rows, (r) => (r.x === null ? NaN : (r.x as number))), [rows.length, 1]),
        c: new ort.Tensor('string', rows.map((r) => (r.c === null ? '' : (r.c as string))), [rows.length, 1]),
      });
      const m = pipeline.transformRows(rows).matrix;
      const want = predictor.predictMatrix(m.data, m.rows);
      const got = (task === 'regression' ? result.value.data : result.probabilities.data) as Float64Array;
      if (task === 'binary') want.forEach((p, i) => expect(Math.abs(got[2 * i + 1] - p)).toBeLessThanOrEqual(1e-5));
      else want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5));
      // The trees do route rows differently: outputs are not all equal.
      expect(new Set(Array.from(want, (v) => v.toFixed(6))).size).toBeGreaterThan(4);
      await session.release();
    });
  }
});
