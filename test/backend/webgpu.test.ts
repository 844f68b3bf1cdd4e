/**
 * The webgpu backend through the `webgpu` package (Dawn). Without a GPU it runs on Mesa's
 * software OpenGL ES adapter: in CI that path must work (see webgpu-helper.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends, useBackend } from '../../src/backend/index';
import { resolveBackendHandle } from '../../src/backend/handle';
import type { Tf } from '../../src/backend/tfjs';
import { listWebGpuAdapters } from '../../src/backend/webgpu';
import { startWebGpu } from './webgpu-helper';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'mlops-webgpu-'));
afterAll(async () => {
  await disposeBackends();
  rmSync(tmp, { recursive: true, force: true });
});

const nav = (): { gpu?: unknown } | undefined => (globalThis as { navigator?: { gpu?: unknown } }).navigator;

describe('webgpu backend', () => {
  it('starts and reports its adapter; a software adapter is marked as such', async () => {
    const sel = await startWebGpu();
    if (sel === undefined) return;
    expect(sel).toMatchObject({ name: 'webgpu', kind: 'tfjs', priority: 30, fallbacks: [] });
    const a = sel.adapter!;
    expect(a.description.length).toBeGreaterThan(0);
    if (a.software) {
      expect(a).toMatchObject({ dawnBackend: 'opengles', featureLevel: 'compatibility' });
      expect(process.env.EGL_PLATFORM).toBeDefined();
    }
    expect(nav()?.gpu).toBeDefined();
    const tf = (await resolveBackendHandle('webgpu')).tf as Tf;
    expect(tf.getBackend()).toBe('webgpu');
  });

  it("auto never picks a software adapter; asking for 'hardware' on a software-only machine fails with the reason", async () => {
    const sel = await startWebGpu();
    if (sel === undefined || !sel.adapter!.software) return;
    const auto = await useBackend('auto');
    expect(auto.name).toBe('cpu');
    expect(auto.fallbacks[0].name).toBe('webgpu');
    expect(auto.fallbacks[0].error).toMatch(/software adapter/);
    const e = await useBackend('webgpu', { webgpu: { adapter: 'hardware' } }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/not a hardware adapter/);
  });

  it('lists the adapters of the machine', async () => {
    const sel = await startWebGpu();
    if (sel === undefined) return;
    const adapters = await listWebGpuAdapters();
    expect(adapters.length).toBeGreaterThan(0);
    if (sel.adapter!.software) expect(adapters.some((a) => a.software)).toBe(true);
  });

  it('disposeBackends releases the device and navigator.gpu; the backend starts again afterwards', async () => {
    if ((await startWebGpu()) === undefined) return;
    const tf = (await resolveBackendHandle('webgpu')).tf as Tf;
    await disposeBackends();
    expect(nav()?.gpu).toBeUndefined();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
    const again = await useBackend('webgpu');
    expect(again.name).toBe('webgpu');
    const m = (await resolveBackendHandle('webgpu')).matrix({ data: Float32Array.from([1, 2, 3, 4]), rows: 2, cols: 2 });
    expect(Array.from(await m.mulT(Float64Array.from([1, -1]), 1))).toEqual([-2, -2]);
    m.dispose();
    await disposeBackends();
  });

  it('installs navigator.gpu on an existing navigator object (Node 21+ defines one) and removes only that', async () => {
    if ((await startWebGpu()) === undefined) return;
    await disposeBackends();
    const existing = { userAgent: 'Node.js/21' };
    Object.defineProperty(globalThis, 'navigator', { get: () => existing, configurable: true });
    try {
      await useBackend('webgpu');
      expect((existing as { gpu?: unknown }).gpu).toBeDefined();
      await disposeBackends();
      expect('gpu' in existing).toBe(false);
      expect(nav()).toBe(existing);
    } finally {
      delete (globalThis as { navigator?: unknown }).navigator;
    }
  });

  it('a process that trained on webgpu exits on its own', async () => {
    if ((await startWebGpu()) === undefined) return;
    const file = join(tmp, 'exit.mts');
    writeFileSync(
      file,
      `
import { useBackend } from ${JSON.stringify(join(root, 'src/backend/index.ts'))};
import { Dataset } from ${JSON.stringify(join(root, 'src/dataset/dataset.ts'))};
import { Trainer } from ${JSON.stringify(join(root, 'src/trainer/trainer.ts'))};
const sel = await useBackend('webgpu');
const ds = Dataset.fromColumns({ a: [1, 2, 3, 4, 5, 6, 7, 8], y: ['p', 'q', 'p', 'q', 'p', 'q', 'p', 'q'] });
const m = await new Trainer({ model: { type: 'mlp', hiddenLayers: [3], epochs: 2 }, target: 'y', backend: 'webgpu' }).fit(ds);
console.log(JSON.stringify({ backend: m.runRecord.backend, adapter: sel.adapter?.description }));
`,
    );
    const t0 = Date.now();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ backend: 'webgpu' });
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});
