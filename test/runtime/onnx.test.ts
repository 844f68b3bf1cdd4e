// ONNX models built by test/fixtures/artifact/generate_onnx.py from fitted scikit-learn
// models; golden values are scikit-learn's own predictions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortModule from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { registerRuntime, unregisterRuntime } from '../../src/artifact/runtime';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import { importONNX, onnxRuntime, type OrtModule } from '../../src/runtime/onnx';

const dir = join(__dirname, '../fixtures/artifact');
const fixture = (name: string) => ({
  path: join(dir, `${name}.onnx`),
  bytes: new Uint8Array(readFileSync(join(dir, `${name}.onnx`))),
  golden: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')),
});
const binary = fixture('sk_pipeline_binary');
const packed = fixture('sk_regression_packed');
const multi = fixture('multiclass_zipmap');

async function rejects(p: Promise<unknown>, code: string): Promise<MlopsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlopsError);
  expect((err as MlopsError).code).toBe(code);
  return err as MlopsError;
}

afterEach(() => {
  unregisterRuntime('onnx');
});

describe('importONNX', () => {
  it('serves a scikit-learn pipeline (imputer, scaler, one-hot, logistic regression) with per-column inputs', async () => {
    const art = await importONNX(binary.path, {
      task: 'binary',
      classes: binary.golden.classes,
      target: 'churned',
      signature: { inputs: binary.golden.signature },
      tags: { source: 'sklearn' },
      createdAt: '2024-01-01T00:00:00.000Z',
    });
    expect(art.type).toBe('onnx');
    expect(art.manifest).toMatchObject({ name: 'churned-onnx', modelType: 'onnx', task: 'binary', target: 'churned', tags: { source: 'sklearn' } });
    expect(art.signature.inputs[1]).toEqual({ name: 'age', type: 'number', nullable: false });
    const preds = await art.predict(binary.golden.rows);
    const want: number[] = binary.golden.probability;
    preds.scores!.forEach((p, i) => expect(Math.abs(p - want[i])).toBeLessThan(1e-5));
    expect(preds.labels).toEqual(want.map((p) => (p >= 0.5 ? 1 : 0)));
    // The same through a Dataset.
    const ds = Dataset.fromRows(binary.golden.rows);
    expect(Array.from((await art.predict(ds)).raw)).toEqual(Array.from(preds.raw));
    // The original ONNX bytes come back out.
    expect(Buffer.from(await art.exportONNX()).equals(Buffer.from(binary.bytes))).toBe(true);
    await art.close();
  });

  it('validates requests against the declared signature', async () => {
    const art = await importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: binary.golden.signature } });
    const err = await rejects(
      art.predict([
        { amount: 1, age: 30, country: 'DE' },
        { amount: 1, country: 'DE' },
        { amount: 'x', age: null, country: 3 },
        { amount: NaN, age: 40, country: { a: 1 } },
      ]),
      'PREDICT_INVALID_INPUT',
    );
    const issues = (err.details as { issues: Array<{ row: number; column: string; problem: string }> }).issues.map((i) => [i.row, i.column, i.problem]);
    expect(issues).toEqual([
      [1, 'age', 'missing_column'],
      [2, 'amount', 'wrong_type'],
      [2, 'age', 'not_finite'],
      [3, 'amount', 'not_finite'],
      [3, 'country', 'wrong_type'],
    ]);
    expect(() => art.predictOne({})).toThrow(/asynchronously/);
    await art.close();
  });

  it('packs numeric columns into one input tensor (inputTensor)', async () => {
    const art = await importONNX(packed.bytes, { task: 'regression', inputTensor: 'X', signature: { inputs: packed.golden.signature } });
    const values = (await art.predict(packed.golden.rows)).values!;
    const want: number[] = packed.golden.value;
    values.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i]))));
    await art.close();
    await rejects(importONNX(packed.bytes, { task: 'regression', signature: { inputs: packed.golden.signature } }), 'ONNX_IMPORT');
    await rejects(
      importONNX(packed.bytes, { task: 'regression', inputTensor: 'X', signature: { inputs: [...packed.golden.signature.slice(0, 2), { name: 'x3', type: 'category' }] } }),
      'ONNX_IMPORT',
    );
  });

  it('reads multiclass probabilities, and refuses a ZipMap output with advice', async () => {
    const art = await importONNX(multi.bytes, { task: 'multiclass', classes: multi.golden.classes, signature: { inputs: multi.golden.signature } });
    const preds = await art.predict(multi.golden.rows);
    const want: number[][] = multi.golden.probabilities;
    preds.probabilities!.forEach((p, i) => expect(Math.abs(p - want[Math.floor(i / 3)][i % 3])).toBeLessThan(1e-5));
    expect(preds.labels).toEqual(want.map((row) => multi.golden.classes[row.indexOf(Math.max(...row))]));
    await art.close();
    const err = await rejects(importONNX(multi.bytes, { task: 'multiclass', classes: multi.golden.classes, output: 'output_probability', signature: { inputs: multi.golden.signature } }), 'ONNX_IMPORT');
    expect(err.message).toMatch(/ZipMap/);
  });

  it('refuses models that do not fit the declared signature or options', async () => {
    const inputs = binary.golden.signature;
    await rejects(importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: inputs.slice(0, 2) } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: [...inputs, { name: 'other', type: 'number' }] } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: inputs.map((s: object) => ({ ...s, type: 'category' })) } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'binary', classes: [0, 1], output: 'nope', signature: { inputs } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'binary', signature: { inputs } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'multiclass', classes: [0, 1, 2], signature: { inputs } }).then((a) => a.predict(binary.golden.rows)), 'INTERNAL');
    await rejects(importONNX(Uint8Array.from([1, 2, 3, 4]), { task: 'binary', classes: [0, 1], signature: { inputs } }), 'ONNX_IMPORT');
    await rejects(importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: [] } }), 'ONNX_IMPORT');
    await rejects(importONNX(42 as unknown as Uint8Array, { task: 'binary', classes: [0, 1], signature: { inputs } }), 'INVALID_ARGUMENT');
  });
});

describe('ONNX artifacts round-trip through bytes (the registry path)', () => {
  it('needs the runtime to load, given per call or registered once', async () => {
    const art = await importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: binary.golden.signature }, createdAt: '2024-01-01T00:00:00.000Z' });
    const bytes = art.toBytes();
    const err = await rejects(ModelArtifact.fromBytes(bytes, { expectedDigest: art.digest }), 'ARTIFACT_UNSUPPORTED_MODEL');
    expect(err.message).toMatch(/onnxRuntime\(\)/);
    const want = (await art.predict(binary.golden.rows)).raw;
    const viaOption = await ModelArtifact.fromBytes(bytes, { expectedDigest: art.digest, runtimes: [onnxRuntime({ ort: ortModule as unknown as OrtModule })] });
    expect(viaOption.digest).toBe(art.digest);
    expect(viaOption.manifest).toEqual(art.manifest);
    expect(Array.from((await viaOption.predict(binary.golden.rows)).raw)).toEqual(Array.from(want));
    registerRuntime(onnxRuntime());
    const viaRegistration = await ModelArtifact.fromBytes(bytes);
    expect(Array.from((await viaRegistration.predict(binary.golden.rows)).raw)).toEqual(Array.from(want));
    // Same inputs and time: same bytes.
    const again = await importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: binary.golden.signature }, createdAt: '2024-01-01T00:00:00.000Z' });
    expect(again.digest).toBe(art.digest);
    await Promise.all([art.close(), viaOption.close(), viaRegistration.close(), again.close()]);
  });

  it('detects a damaged embedded model like any other byte', async () => {
    const art = await importONNX(binary.bytes, { task: 'binary', classes: [0, 1], signature: { inputs: binary.golden.signature } });
    const bytes = art.toBytes();
    bytes[bytes.length - 40] ^= 0x10;
    await rejects(ModelArtifact.fromBytes(bytes, { runtimes: [onnxRuntime()] }), 'ARTIFACT_INTEGRITY');
    await art.close();
  });

  it('rejects a runtime that is not one', () => {
    expect(() => registerRuntime({} as never)).toThrow(MlopsError);
  });
});
