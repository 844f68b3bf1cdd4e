import { afterAll, describe, expect, it } from 'vitest';
import { currentBackend, disposeBackends, listBackends, registerBackend, useBackend } from '../../src/backend/index';
import { resolveBackendHandle } from '../../src/backend/handle';
import { JsDesignMatrix } from '../../src/backend/js-matrix';
import type { Tf } from '../../src/backend/tfjs';
import { Dataset } from '../../src/dataset/dataset';
import { MlopsError } from '../../src/errors';
import type { Matrix } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';

afterAll(() => disposeBackends());

async function rejection(p: Promise<unknown>): Promise<MlopsError> {
  try {
    await p;
  } catch (e) {
    return e as MlopsError;
  }
  throw new Error('expected a rejection');
}

function dataset(rows: number): Dataset {
  const rng = createRng(5);
  const a = Array.from({ length: rows }, () => rng.normal());
  const b = Array.from({ length: rows }, () => rng.normal());
  return Dataset.fromColumns({ a, b, y: a.map((x, i) => (x * b[i] > 0 ? 'p' : 'q')) });
}

/**
 * A real custom tfjs backend: tfjs's own CPU kernels registered under another name.
 * (The SDK's `cpu` is its own typed-array code, so tfjs-backend-cpu is not built in.)
 */
async function registerTfjsCpu(): Promise<void> {
  const cpu = await import('@tensorflow/tfjs-backend-cpu');
  const tf = (await import('@tensorflow/tfjs-core')) as unknown as Tf;
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tfjs-cpu' });
  registerBackend('tfjs-cpu', () => new cpu.MathBackendCPU(), { priority: 5 });
}

describe('useBackend', () => {
  it('cpu: the SDK kernels, no optional package needed; js is an alias', async () => {
    const sel = await useBackend('cpu');
    expect(sel).toMatchObject({ name: 'cpu', kind: 'js', requested: 'cpu', priority: 10, fallbacks: [] });
    expect(sel.reason).toContain("'cpu' was requested");
    expect((await useBackend('js')).name).toBe('cpu');
    expect(currentBackend()?.name).toBe('cpu');
    expect((await resolveBackendHandle()).matrix({ data: new Float32Array(2), rows: 1, cols: 2 })).toBeInstanceOf(JsDesignMatrix);
  });

  it('auto: the highest-priority backend that starts, never a software GPU, never wasm, with reasons for every skip', async () => {
    expect(listBackends().map((b) => b.name)).toEqual(['webgpu', 'cpu', 'wasm']);
    const sel = await useBackend('auto');
    expect(['webgpu', 'cpu']).toContain(sel.name);
    if (sel.name === 'webgpu') expect(sel.adapter?.software).toBe(false);
    else {
      expect(sel.fallbacks.map((f) => f.name)).toEqual(['webgpu']);
      expect(sel.fallbacks[0].error).toMatch(/adapter|not installed/);
      expect(sel.reason).toMatch(/^auto: skipped webgpu .*'cpu' is the next available by priority \(10\)\.$/);
      expect(sel.wasm).toBeUndefined();
    }
    expect(listBackends().find((b) => b.name === sel.name)?.started).toBe(true);
  });

  it('wasm by name: SIMD on, threads off, binaries from the installed package', async () => {
    const sel = await useBackend('wasm');
    expect(sel).toMatchObject({ name: 'wasm', kind: 'tfjs', requested: 'wasm', priority: 5, fallbacks: [] });
    expect(sel.wasm).toMatchObject({ simd: true, threads: false });
    expect(sel.wasm!.directory).toContain('tfjs-backend-wasm');
  });

  it('a Trainer without a backend option trains on the selected backend; with none selected, on cpu', async () => {
    await useBackend('wasm');
    const ds = dataset(60);
    const spec = { model: { type: 'mlp' as const, hiddenLayers: [4], epochs: 1 }, target: 'y' };
    expect((await new Trainer(spec).fit(ds)).runRecord.backend).toBe('wasm');
    await disposeBackends();
    expect(currentBackend()).toBeUndefined();
    expect((await new Trainer(spec).fit(ds)).runRecord.backend).toBe('cpu');
    // auto: a hardware GPU when there is one, else cpu; the run record says which ran.
    const auto = (await new Trainer({ ...spec, backend: 'auto' }).fit(ds)).runRecord;
    expect(auto.backend).toBe((await useBackend('auto')).name);
    expect(auto.extras).toMatchObject({ engine: auto.backend === 'cpu' ? 'js' : 'tfjs' });
  });

  it('an unknown name is BACKEND_NOT_FOUND listing the available ones', async () => {
    const e = await rejection(useBackend('cuda'));
    expect(e.code).toBe('BACKEND_NOT_FOUND');
    expect(e.message).toContain("'webgpu', 'cpu', 'wasm'");
    expect((await rejection(useBackend(''))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(new Trainer({ model: { type: 'mlp' }, target: 'y', backend: 'cuda' }).fit(dataset(10)))).code).toBe('BACKEND_NOT_FOUND');
  });
});

describe('registerBackend', () => {
  it('validates name, factory, priority and kind', () => {
    const code = (fn: () => void): string => {
      try {
        fn();
      } catch (e) {
        return (e as MlopsError).code;
      }
      return 'none';
    };
    expect(code(() => registerBackend('wasm', () => ({})))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('auto', () => ({})))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('js', () => ({})))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('bad name', () => ({})))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('x1', 42 as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('x2', () => ({}), { priority: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(code(() => registerBackend('x3', () => ({}), { kind: 'cuda' as never }))).toBe('INVALID_ARGUMENT');
    registerBackend('twice', () => ({}), { kind: 'js' });
    expect(code(() => registerBackend('twice', () => ({}), { kind: 'js' }))).toBe('INVALID_ARGUMENT');
  });

  it('a tfjs backend whose factory throws: explicit request fails with the cause; fallback goes down by priority', async () => {
    await useBackend('wasm');
    registerBackend(
      'broken-gpu',
      () => {
        throw new Error('no device on this host');
      },
      { priority: 40 },
    );
    const e = await rejection(useBackend('broken-gpu'));
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('no device on this host');
    expect(e.message).toContain('fallback');
    const tf = (await resolveBackendHandle('wasm')).tf as Tf;
    expect(tf.getBackend()).toBe('wasm'); // the previous tfjs backend is active again
    const sel = await useBackend('broken-gpu', { fallback: true });
    expect(sel.fallbacks[0]).toMatchObject({ name: 'broken-gpu', code: 'BACKEND_UNAVAILABLE' });
    expect(sel.fallbacks[0].error).toContain('no device on this host');
    expect(['webgpu', 'cpu']).toContain(sel.name);
    expect(sel.reason).toContain("'broken-gpu' was requested but could not start");
    const auto = await useBackend('auto');
    expect(auto.fallbacks.map((f) => f.name)[0]).toBe('broken-gpu');
  });

  it("a kind 'js' backend provides the design matrix; the mlp trains with the SDK kernels on it", async () => {
    const seen: Matrix[] = [];
    registerBackend(
      'recording',
      () => ({
        matrix: (X: Matrix) => {
          seen.push(X);
          return new JsDesignMatrix(X);
        },
      }),
      { kind: 'js', priority: 1 },
    );
    const sel = await useBackend('recording');
    expect(sel).toMatchObject({ name: 'recording', kind: 'js' });
    const h = await resolveBackendHandle('recording');
    const X = { data: Float32Array.from([1, 2, 3, 4]), rows: 2, cols: 2 };
    expect(Array.from(await h.matrix(X).mul(Float64Array.from([1, 1]), 1))).toEqual([3, 7]);
    expect(seen).toEqual([X]);
    const m = await new Trainer({ model: { type: 'mlp', hiddenLayers: [3], epochs: 2 }, target: 'y', backend: 'recording' }).fit(dataset(40));
    expect(m.runRecord.backend).toBe('recording');
    expect(m.runRecord.extras).toMatchObject({ engine: 'js' });
    registerBackend('not-a-matrix', () => ({}), { kind: 'js' });
    expect((await rejection(useBackend('not-a-matrix'))).message).toContain('matrix(X)');
  });

  it('a working custom tfjs backend runs the design matrix and the mlp through tfjs', async () => {
    await registerTfjsCpu();
    const sel = await useBackend('tfjs-cpu');
    expect(sel).toMatchObject({ name: 'tfjs-cpu', kind: 'tfjs', priority: 5 });
    const h = await resolveBackendHandle('tfjs-cpu');
    const X = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };
    const m = h.matrix(X);
    expect(Array.from(await m.mul(Float64Array.from([1, -1]), 1))).toEqual([-1, -1, -1]);
    expect(Array.from(await m.mulT(Float64Array.from([1, 1, 1]), 1))).toEqual([9, 12]);
    m.dispose();
    const ds = dataset(80);
    const spec = { model: { type: 'mlp' as const, hiddenLayers: [6], epochs: 3, batchSize: 20 }, target: 'y', seed: 4 };
    const onTf = await new Trainer({ ...spec, backend: 'tfjs-cpu' }).fit(ds);
    const onCpu = await new Trainer({ ...spec, backend: 'cpu' }).fit(ds);
    expect(onTf.runRecord).toMatchObject({ backend: 'tfjs-cpu', extras: { engine: 'tfjs' } });
    const a = (await onTf.predict(ds)).scores!;
    const b = (await onCpu.predict(ds)).scores!;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
  });

  it('a design matrix refuses to run after tfjs was switched to another backend', async () => {
    const h = await resolveBackendHandle('wasm');
    const m = h.matrix({ data: Float32Array.from([1, 2]), rows: 1, cols: 2 });
    await useBackend('tfjs-cpu');
    const e = await rejection(m.mul(Float64Array.from([1, 1]), 1));
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('switched to "tfjs-cpu"');
    m.dispose();
  });
});
