import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { EvaluationReport, Evaluator } from '../../src/evaluator/index';
import type { Model } from '../../src/models/model';
import { Trainer } from '../../src/trainer/trainer';
import { VERSION } from '../../src/version';
import { dissect, rewrite } from './craft';
import { FAMILY_TASKS, FEATURES, makeData, trained } from './models';

const createdAt = '2024-05-01T12:00:00.000Z';

function expectCode(fn: () => unknown, code: string): MlopsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlopsError);
    expect((err as MlopsError).code).toBe(code);
    return err as MlopsError;
  }
  throw new Error(`expected ${code}`);
}

async function expectReject(p: Promise<unknown>, code: string): Promise<MlopsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlopsError);
  expect((err as MlopsError).code).toBe(code);
  return err as MlopsError;
}

describe('ModelArtifact round trip', () => {
  for (const [type, task] of FAMILY_TASKS) {
    it(`${type} ${task}: bytes -> artifact -> identical predictions, digest is sha256 of the bytes`, async () => {
      const { model, data } = await trained(type, task);
      const art = await ModelArtifact.create(model, { createdAt });
      const bytes = art.toBytes();
      expect(art.digest).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(art.byteLength).toBe(bytes.length);
      const loaded = await ModelArtifact.fromBytes(bytes, { expectedDigest: art.digest });
      const want = await model.predict(data);
      const got = await loaded.predict(data);
      expect(Array.from(got.raw)).toEqual(Array.from(want.raw));
      expect(got.labels).toEqual(want.labels);
      expect(loaded.task).toBe(task);
      expect(loaded.type).toBe(type);
      expect(loaded.state?.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(model.state.tensors.map((t) => [t.name, t.dtype, t.shape]));
      expect(loaded.formatVersion).toBe('1.0');
      // predictOne agrees with the batch path, row by row.
      const rows = data.toRows().slice(0, 20);
      const batch = (await loaded.predict(rows)).toRows();
      rows.forEach((row, i) => expect(loaded.predictOne(row)).toEqual(batch[i]));
    });
  }

  it('gives identical bytes for the same model and options, and a new digest when anything changes', async () => {
    const { model } = await trained('logistic', 'binary');
    const a = await ModelArtifact.create(model, { createdAt, tags: { b: '2', a: '1' }, metadata: { z: 1, y: [1, 2] } });
    const b = await ModelArtifact.create(model, { createdAt, tags: { a: '1', b: '2' }, metadata: { y: [1, 2], z: 1 } });
    expect(Buffer.from(a.toBytes()).equals(Buffer.from(b.toBytes()))).toBe(true);
    expect(a.digest).toBe(b.digest);
    const c = await ModelArtifact.create(model, { createdAt: '2024-05-01T12:00:00.001Z' });
    expect(c.digest).not.toBe(a.digest);
  });

  it('keeps its own copy of the bytes', async () => {
    const { model } = await trained('linear', 'regression');
    const art = await ModelArtifact.create(model, { createdAt });
    const bytes = art.toBytes();
    const loaded = await ModelArtifact.fromBytes(bytes);
    bytes[bytes.length - 1] ^= 1;
    expect(createHash('sha256').update(loaded.toBytes()).digest('hex')).toBe(loaded.digest);
    loaded.toBytes()[0] = 0;
    expect(loaded.toBytes()[0]).toBe(0x89);
  });

  it('writes atomically and reads files from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlart-'));
    try {
      const { model, data } = await trained('softmax', 'multiclass');
      const art = await ModelArtifact.create(model, { createdAt });
      const path = join(dir, 'm.mlpk');
      await art.writeFile(path);
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(art.digest);
      const loaded = await ModelArtifact.fromFile(path, { expectedDigest: `sha256:${art.digest.toUpperCase()}` });
      expect(Array.from((await loaded.predict(data)).raw)).toEqual(Array.from((await art.predict(data)).raw));
      // Concurrent writers of one path (two jobs exporting the same model) all succeed, and leave no temporary file.
      await Promise.all(Array.from({ length: 4 }, () => art.writeFile(path)));
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(art.digest);
      expect(readdirSync(dir)).toEqual(['m.mlpk']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong expected digest and a malformed one', async () => {
    const { model } = await trained('logistic', 'binary');
    const art = await ModelArtifact.create(model, { createdAt });
    const err = await expectReject(ModelArtifact.fromBytes(art.toBytes(), { expectedDigest: '0'.repeat(64) }), 'ARTIFACT_INTEGRITY');
    expect(err.details).toEqual({ expected: '0'.repeat(64), actual: art.digest });
    await expectReject(ModelArtifact.fromBytes(art.toBytes(), { expectedDigest: 'abc' }), 'INVALID_ARGUMENT');
  });

  it('rejects things that are not models or bytes', async () => {
    await expectReject(ModelArtifact.create({} as Model), 'INVALID_ARGUMENT');
    await expectReject(ModelArtifact.fromBytes('abc' as unknown as Uint8Array), 'INVALID_ARGUMENT');
    const { model } = await trained('logistic', 'binary');
    await expectReject(ModelArtifact.create(model, { name: '' }), 'INVALID_ARGUMENT');
    await expectReject(ModelArtifact.create(model, { tags: { a: 1 as unknown as string } }), 'INVALID_ARGUMENT');
    await expectReject(ModelArtifact.create(model, { createdAt: 'yesterday' }), 'INVALID_ARGUMENT');
    await expectReject(ModelArtifact.create(model, { metadata: { big: 10n } }), 'INVALID_ARGUMENT');
  });
});

describe('manifest', () => {
  it('records name, type, task, version, time, training data, run record, metrics, tags and metadata', async () => {
    const { model } = await trained('logistic', 'binary');
    const evaluation = { task: 'binary', metrics: { accuracy: 0.9, auc: 0.95, note: 'x' }, toJSON() { return { task: this.task, metrics: this.metrics }; } };
    const art = await ModelArtifact.create(model, { createdAt: new Date(createdAt), evaluation, tags: { team: 'risk' }, metadata: { ticket: 'ML-1', nested: { a: [1, 2] }, score: NaN } });
    const m = art.manifest;
    expect(m.name).toBe('label-logistic');
    expect(m.modelType).toBe('logistic');
    expect(m.task).toBe('binary');
    expect(m.target).toBe('label');
    expect(m.libraryVersion).toBe(VERSION);
    expect(m.createdAt).toBe(createdAt);
    expect(m.metrics).toEqual({ accuracy: 0.9, auc: 0.95 });
    expect(m.evaluation).toEqual({ task: 'binary', metrics: { accuracy: 0.9, auc: 0.95, note: 'x' } });
    expect(m.tags).toEqual({ team: 'risk' });
    // NaN cannot live in JSON: stored as null, the same in memory and in the file.
    expect(m.metadata).toEqual({ ticket: 'ML-1', nested: { a: [1, 2] }, score: null });
    expect(m.runRecord).toEqual(JSON.parse(JSON.stringify(model.runRecord)));
    expect(m.trainingData).toEqual({ fingerprint: model.runRecord.dataFingerprint, rows: 400, columns: [...FEATURES, 'label'] });
    expect(dissect(art.toBytes()).header.manifest).toEqual(m);
    // Read-only: the artifact's description cannot drift from its bytes.
    expect(() => ((m.tags as Record<string, string>).team = 'other')).toThrow(TypeError);
    expect(Object.isFrozen(art.signature.inputs[0])).toBe(true);
  });

  it('carries a real evaluation report, restorable with EvaluationReport.fromJSON', async () => {
    const { model } = await trained('logistic', 'binary');
    const report = await new Evaluator().evaluate(model, makeData(200, 9));
    const art = await ModelArtifact.create(model, { createdAt, evaluation: report });
    expect(art.manifest.metrics?.accuracy).toBe(report.metrics.accuracy);
    const restored = EvaluationReport.fromJSON(art.manifest.evaluation);
    expect(restored.metrics).toEqual(report.metrics);
    // And again after the bytes travel.
    const loaded = await ModelArtifact.fromBytes(art.toBytes());
    expect(EvaluationReport.fromJSON(loaded.manifest.evaluation).metrics).toEqual(report.metrics);
  });

  it('fingerprints and profiles the training data it is given (the drift reference)', async () => {
    const { model, data } = await trained('linear', 'regression');
    const part = data.slice(0, 150);
    const used = part.select([...FEATURES, 'y']);
    const art = await ModelArtifact.create(model, { createdAt, trainingData: part });
    expect(art.manifest.trainingData?.rows).toBe(150);
    expect(art.manifest.trainingData?.columns).toEqual([...FEATURES, 'y']);
    expect(art.manifest.trainingData?.fingerprint).toBe(await used.fingerprint());
    expect(art.manifest.trainingData?.profile).toEqual(JSON.parse(JSON.stringify(used.profile())));
    // A profile given explicitly is stored as is.
    const profile = data.select(['amount']).profile();
    const withProfile = await ModelArtifact.create(model, { createdAt, profile });
    expect(withProfile.manifest.trainingData?.profile).toEqual(JSON.parse(JSON.stringify(profile)));
    expect(withProfile.manifest.trainingData?.fingerprint).toBe(model.runRecord.dataFingerprint);
    await expectReject(ModelArtifact.create(model, { trainingData: data.select(['amount']) }), 'INVALID_ARGUMENT');
  });
});

describe('signature and input validation', () => {
  it('derives inputs with types, categories and nullability, and the output', async () => {
    const { model } = await trained('softmax', 'multiclass');
    const art = await ModelArtifact.create(model, { createdAt });
    expect(art.signature).toEqual({
      inputs: [
        { name: 'amount', type: 'number', nullable: true },
        { name: 'age', type: 'number', nullable: true },
        { name: 'country', type: 'category', nullable: true, categories: ['DE', 'FR', 'NL', 'US'], unseen: 'ignore' },
        { name: 'vip', type: 'boolean', nullable: true },
        { name: 'seen', type: 'date', nullable: true },
      ],
      output: { task: 'multiclass', target: 'tier', classes: ['bronze', 'gold', 'silver'], names: ['bronze', 'gold', 'silver'] },
    });
  });

  it('lists every offending row and column; extra columns are ignored', async () => {
    const data = Dataset.fromRows([1, 2, 3, 4, 5, 6].map((x) => ({ x, c: x % 2 ? 'a' : 'b', y: 2 * x + (x % 2) })));
    const model: Model = await new Trainer({ model: { type: 'linear' }, target: 'y', preprocess: { numeric: { impute: 'none' }, categorical: { unseen: 'error' } } }).fit(data);
    const art = await ModelArtifact.create(model, { createdAt });
    expect(art.signature.inputs).toEqual([
      { name: 'x', type: 'number', nullable: false },
      { name: 'c', type: 'category', nullable: true, categories: ['a', 'b'], unseen: 'error' },
    ]);
    const ok = await art.predict([{ x: 1, c: 'a', extra: 'ignored', other: { deep: true } }]);
    expect(ok.values?.length).toBe(1);
    const err = await expectReject(
      art.predict([
        { x: 1, c: 'a' },
        { c: 'a' },
        { x: 'abc', c: 'zzz' },
        { x: null, c: 5 },
        { x: Infinity, c: null },
        'not a row' as unknown as Record<string, unknown>,
      ]),
      'PREDICT_INVALID_INPUT',
    );
    const issues = (err.details as { issues: Array<{ row: number; column: string; problem: string }> }).issues.map((i) => [i.row, i.column, i.problem]);
    expect(issues).toEqual([
      [1, 'x', 'missing_column'],
      [2, 'x', 'wrong_type'],
      [2, 'c', 'unseen_category'],
      [3, 'c', 'unseen_category'],
      [3, 'x', 'not_finite'],
      [4, 'x', 'not_finite'],
      [5, '*', 'wrong_type'],
    ]);
    expect(err.message).toContain('row 1 has no "x"');
    // null where the model has no imputation is refused (reported once the types are right).
    const nullErr = await expectReject(art.predict([{ x: 1, c: 'a' }, { x: null, c: 'b' }]), 'PREDICT_INVALID_INPUT');
    expect((nullErr.details as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ row: 1, column: 'x', problem: 'not_finite' }),
    ]);
    expectCode(() => art.predictOne({ x: null, c: 'a' }), 'PREDICT_INVALID_INPUT');
    expectCode(() => art.predictOne({ c: 'a' }), 'PREDICT_INVALID_INPUT');
    expectCode(() => art.predictOne({ x: undefined, c: 'a' }), 'PREDICT_INVALID_INPUT');
    // The same rules for a Dataset.
    const dsErr = await expectReject(art.predict(Dataset.fromRows([{ x: 1, c: 'zzz' }, { x: 2, c: 'a' }])), 'PREDICT_INVALID_INPUT');
    expect((dsErr.details as { issues: unknown[] }).issues).toEqual([expect.objectContaining({ row: 0, column: 'c', problem: 'unseen_category' })]);
    const missingCol = await expectReject(art.predict(Dataset.fromRows([{ c: 'a' }, { c: 'b' }])), 'PREDICT_INVALID_INPUT');
    expect((missingCol.details as { issues: unknown[] }).issues).toHaveLength(2);
    await expectReject(art.predict(Dataset.fromRows([{ x: null, c: 'a' }, { x: 2, c: 'a' }])), 'PREDICT_INVALID_INPUT');
    expect((await art.predict(Dataset.fromRows([{ x: 3, c: 'b', z: 'extra' }]))).values).toEqual((await model.predict([{ x: 3, c: 'b' }])).values);
  });

  it('predictMatrix validates its shape and equals predict', async () => {
    const { model, data } = await trained('logistic', 'binary');
    const art = await ModelArtifact.create(model, { createdAt });
    const m = art.transform(data);
    expect(Array.from(art.predictMatrix(m.data, m.rows))).toEqual(Array.from((await art.predict(data)).raw));
    expectCode(() => art.predictMatrix(m.data, m.rows + 1), 'PREDICT_INVALID_INPUT');
    expectCode(() => art.predictMatrix(m.data, m.rows, new Float64Array(1)), 'INVALID_ARGUMENT');
  });
});

describe('format versions', () => {
  it('loads a newer minor version with a warning, ignoring unknown fields', async () => {
    const { model, data } = await trained('logistic', 'binary');
    const art = await ModelArtifact.create(model, { createdAt });
    const newer = rewrite(art.toBytes(), (h) => (h.futureField = { x: 1 }), { minor: 7 });
    const warnings: string[] = [];
    const loaded = await ModelArtifact.fromBytes(newer, { onWarning: (w) => warnings.push(w) });
    expect(loaded.formatVersion).toBe('1.7');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/1\.7.*newer/);
    expect(Array.from((await loaded.predict(data)).raw)).toEqual(Array.from((await art.predict(data)).raw));
    // Without onWarning: a process warning.
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await ModelArtifact.fromBytes(newer);
    expect(emitted).toHaveBeenCalledWith(expect.stringMatching(/1\.7/), expect.objectContaining({ code: 'MLOPS_ARTIFACT_MINOR_VERSION' }));
    emitted.mockRestore();
    // A damaged file of a newer minor version gets its error, not the warning as well.
    const damaged = newer.slice();
    damaged[damaged.length - 40] ^= 1;
    await expectReject(ModelArtifact.fromBytes(damaged, { onWarning: (w) => warnings.push(w) }), 'ARTIFACT_INTEGRITY');
    expect(warnings).toHaveLength(1);
  });

  it('refuses an unknown major version with a clear message', async () => {
    const { model } = await trained('logistic', 'binary');
    const art = await ModelArtifact.create(model, { createdAt });
    const err = await expectReject(ModelArtifact.fromBytes(rewrite(art.toBytes(), () => undefined, { major: 2 })), 'ARTIFACT_UNSUPPORTED_VERSION');
    expect(err.message).toMatch(/2\.0.*Upgrade mlops-kit/);
    await expectReject(ModelArtifact.fromBytes(rewrite(art.toBytes(), () => undefined, { major: 0 })), 'ARTIFACT_UNSUPPORTED_VERSION');
  });
});

describe('header consistency', () => {
  it('refuses a header whose parts disagree', async () => {
    const { model } = await trained('logistic', 'binary');
    const bytes = (await ModelArtifact.create(model, { createdAt })).toBytes();
    const cases: Array<(h: Record<string, any>) => void> = [
      (h) => (h.model.task = 'regression'),
      (h) => (h.manifest.modelType = 'gbdt'),
      (h) => (h.signature.output.classes = ['a', 'b']),
      (h) => (h.model.classes = ['yes', 'no']),
      (h) => (h.signature.inputs[0].nullable = false),
      (h) => (h.signature.inputs[0].name = 'other'),
      (h) => (h.pipeline.steps[0].scale = 0),
      (h) => (h.model.numFeatures = 3),
      (h) => delete h.manifest,
      (h) => (h.manifest.tags = { a: 1 }),
      (h) => (h.model.params = []),
      (h) => (h.pipeline = null),
    ];
    for (const edit of cases) {
      const err = await expectReject(ModelArtifact.fromBytes(rewrite(bytes, edit)), 'ARTIFACT_CORRUPT');
      expect(err.message).not.toMatch(/must be a JSON object/);
    }
    // The untouched header still loads.
    await ModelArtifact.fromBytes(rewrite(bytes, () => undefined));
    await expectReject(ModelArtifact.fromBytes(rewrite(bytes, (h) => {
      h.model.type = h.manifest.modelType = 'onnx';
    })), 'ARTIFACT_UNSUPPORTED_MODEL');
  });
});
