import { afterAll, describe, expect, it } from 'vitest';
import { disposeBackends } from '../../src/backend/index';
import { resolveBackendHandle } from '../../src/backend/handle';
import { JsDesignMatrix } from '../../src/backend/js-matrix';
import { TfDesignMatrix } from '../../src/backend/tf-matrix';
import type { Tf } from '../../src/backend/tfjs';
import type { Matrix } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';
import { startWebGpu } from './webgpu-helper';

afterAll(() => disposeBackends());

function matrix(rows: number, cols: number, seed = 1): Matrix {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => rng.normal()), rows, cols };
}

function expectClose(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]) / scale).toBeLessThan(1e-5);
}

describe.each(['wasm', 'webgpu'])('TfDesignMatrix on %s', (backend) => {
  async function tf(): Promise<Tf | undefined> {
    if (backend === 'webgpu' && (await startWebGpu()) === undefined) return undefined;
    return (await resolveBackendHandle(backend)).tf as Tf;
  }

  it('X·W and Xᵀ·R match the JS kernels for k = 1 and k = 3, in one chunk and in many', async () => {
    const t = await tf();
    if (t === undefined) return;
    const before = t.memory().numTensors;
    const X = matrix(1003, 7);
    const js = new JsDesignMatrix(X);
    const rng = createRng(2);
    for (const chunkBytes of [64 * 1024 * 1024, 4 * 7 * 100]) {
      const m = new TfDesignMatrix(t, backend, X, chunkBytes);
      for (const k of [1, 3]) {
        const W = Float64Array.from({ length: 7 * k }, () => rng.normal());
        const R = Float64Array.from({ length: 1003 * k }, () => rng.normal());
        expectClose(await m.mul(W, k), await js.mul(W, k));
        expectClose(await m.mulT(R, k), await js.mulT(R, k));
      }
      m.dispose();
      m.dispose(); // safe twice
    }
    expect(t.memory().numTensors).toBe(before);
  });

  it('rejects wrong lengths and use after dispose, without leaking', async () => {
    const t = await tf();
    if (t === undefined) return;
    const before = t.memory().numTensors;
    const m = (await resolveBackendHandle(backend)).matrix(matrix(10, 3));
    await expect(m.mul(new Float64Array(2), 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(m.mulT(new Float64Array(9), 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    m.dispose();
    await expect(m.mul(new Float64Array(3), 1)).rejects.toThrow(/disposed/);
    expect(t.memory().numTensors).toBe(before);
  });
});
