// Inference without the training stack: a fresh process imports the core barrel, loads
// artifacts from disk and predicts, with every @tensorflow/* package (and other optional
// native modules) made unresolvable; every module specifier it resolves is recorded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { Dataset } from '../../src/dataset/dataset';
import { createRng } from '../../src/random';
import { Trainer, type ModelSpec } from '../../src/trainer/trainer';

const BLOCKED = ['@tensorflow/', 'onnxruntime-node', 'webgpu', 'apache-arrow', 'hyparquet', 'better-sqlite3', 'pg', '@aws-sdk/', 'prom-client'];

const HOOKS = `
import { appendFileSync } from 'node:fs';
const BLOCKED = ${JSON.stringify(BLOCKED)};
const isBlocked = (s) => BLOCKED.some((b) => s === b || s.startsWith(b.endsWith('/') ? b : b + '/'));
export async function resolve(specifier, context, next) {
  appendFileSync(process.env.MLK_TRACE, specifier + '\\n');
  if (isBlocked(specifier)) throw new Error('blocked optional dependency: ' + specifier);
  return next(specifier, context);
}
`;

const REGISTER = `
import { register } from 'node:module';
register(${JSON.stringify('./hooks.mjs')}, import.meta.url);
`;

const CJS_BLOCK = `
const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const BLOCKED = ${JSON.stringify(BLOCKED)};
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  appendFileSync(process.env.MLK_TRACE, request + '\\n');
  if (BLOCKED.some((b) => request === b || request.startsWith(b.endsWith('/') ? b : b + '/'))) throw new Error('blocked optional dependency: ' + request);
  return original.call(this, request, ...rest);
};
`;

const CHILD = (entry: string) => `
import { readFileSync } from 'node:fs';
const { ModelArtifact } = await import(${JSON.stringify(entry)});
const out = {};
for (const file of process.argv.slice(2)) {
  const art = await ModelArtifact.fromFile(file);
  const rows = JSON.parse(readFileSync(file + '.rows.json', 'utf8'));
  out[file] = Array.from((await art.predict(rows)).raw);
}
let control = 'not blocked';
try { await import('@tensorflow/tfjs-core'); } catch (e) { control = String(e.message); }
process.stdout.write(JSON.stringify({ out, control }));
`;

function makeData(n: number, seed: number): Dataset {
  const r = createRng(seed);
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const x = r.normal();
      const c = ['a', 'b', 'c'][r.int(3)];
      const s = x + (c === 'a' ? 1 : 0) + r.normal() * 0.5;
      return { x, c, y: s, label: s > 0.5, tier: s < 0 ? 'low' : s < 1 ? 'mid' : 'high' };
    }),
  );
}

describe('a loaded artifact predicts without tfjs or any optional dependency', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlart-light-'));
  const files: string[] = [];
  const expected: Record<string, number[]> = {};
  const specs: Array<[ModelSpec, string]> = [
    [{ type: 'linear' }, 'y'],
    [{ type: 'logistic' }, 'label'],
    [{ type: 'softmax' }, 'tier'],
    [{ type: 'gbdt', numTrees: 5 }, 'y'],
    [{ type: 'gbdt', numTrees: 5 }, 'label'],
    [{ type: 'gbdt', numTrees: 5 }, 'tier'],
    [{ type: 'mlp', hiddenLayers: [4], epochs: 2 }, 'label'],
  ];

  beforeAll(async () => {
    const data = makeData(300, 1);
    const rows = makeData(20, 2).toRows();
    for (const [spec, target] of specs) {
      const model = await new Trainer({ model: spec, target, features: ['x', 'c'], seed: 1 }).fit(data);
      const art = await ModelArtifact.create(model);
      const file = join(dir, `${spec.type}-${target}.mlpk`);
      await art.writeFile(file);
      writeFileSync(`${file}.rows.json`, JSON.stringify(rows));
      files.push(file);
      expected[file] = Array.from((await art.predict(rows)).raw);
    }
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(join(dir, 'register.mjs'), REGISTER);
    writeFileSync(join(dir, 'block.cjs'), CJS_BLOCK);
    writeFileSync(join(dir, 'child.mjs'), CHILD(pathToFileURL(resolve(__dirname, '../../src/artifact/index.ts')).href));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const runChild = (script: string, args: string[], trace: string): string =>
    execFileSync(process.execPath, ['--require', join(dir, 'block.cjs'), '--import', 'tsx', '--import', join(dir, 'register.mjs'), script, ...args], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, MLK_TRACE: trace },
      encoding: 'utf8',
    });

  it('for linear, logistic, softmax, gbdt and mlp', () => {
    const trace = join(dir, 'trace.txt');
    writeFileSync(trace, '');
    const stdout = runChild(join(dir, 'child.mjs'), files, trace);
    const { out, control } = JSON.parse(stdout) as { out: Record<string, number[]>; control: string };
    for (const f of files) expect(out[f]).toEqual(expected[f]);
    // The block works: the control import failed through it.
    expect(control).toMatch(/blocked optional dependency: @tensorflow\/tfjs-core/);
    const resolved = readFileSync(trace, 'utf8').split('\n');
    const optional = resolved.filter((s) => BLOCKED.some((b) => s.startsWith(b)));
    expect(optional).toEqual(['@tensorflow/tfjs-core']);
    expect(resolved.length).toBeGreaterThan(20);
  });

  it('importONNX without onnxruntime-node installed says what to install', () => {
    const script = join(dir, 'onnx-missing.mjs');
    writeFileSync(
      script,
      `const { importONNX } = await import(${JSON.stringify(pathToFileURL(resolve(__dirname, '../../src/runtime/onnx.ts')).href)});
try {
  await importONNX(new Uint8Array(8), { task: 'regression', signature: { inputs: [{ name: 'x', type: 'number' }] } });
  process.stdout.write('imported');
} catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })); }
`,
    );
    const trace = join(dir, 'trace-onnx.txt');
    writeFileSync(trace, '');
    const { code, message } = JSON.parse(runChild(script, [], trace)) as { code: string; message: string };
    expect(code).toBe('DEPENDENCY_MISSING');
    expect(message).toMatch(/npm install onnxruntime-node/);
  });
});
