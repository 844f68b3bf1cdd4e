/**
 * {@link DesignMatrix} on a tfjs backend: X is uploaded once (in row chunks that fit a
 * GPU storage buffer), its transpose is built once on first use (matMul with transposeA
 * is slow on wasm), and each product uploads only W or R and reads back the result.
 *
 * @module
 */
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { MlopsError } from '../errors';
import type { BackendHandle, DesignMatrix } from './types';
import type { Matrix } from '../preprocess/pipeline';
import type { Tf } from './tfjs';

/** Largest chunk of X uploaded as one tensor (WebGPU's default storage-binding limit is 128 MiB). */
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

interface Chunk {
  start: number;
  rows: number;
  X: Tensor2D;
  XT?: Tensor2D;
}

/** Throws when another caller switched tfjs to a different backend mid-run. @internal */
export function assertActive(tf: Tf, name: string): void {
  const active = tf.getBackend();
  if (active !== name) {
    throw new MlopsError(
      'BACKEND_UNAVAILABLE',
      `This run uses the tfjs backend "${name}", but tfjs was switched to "${active}" while it ran (another fit on another backend, or a tf.setBackend call). tfjs has one active backend per process: run such fits one after another.`,
      { details: { expected: name, active } },
    );
  }
}

/** A design matrix held in tfjs tensors. @internal */
export class TfDesignMatrix implements DesignMatrix {
  readonly rows: number;
  readonly cols: number;
  private chunks: Chunk[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly backend: string,
    X: Matrix,
    maxChunkBytes = MAX_CHUNK_BYTES,
  ) {
    assertActive(tf, backend);
    this.rows = X.rows;
    this.cols = X.cols;
    const step = Math.max(1, Math.floor(maxChunkBytes / (4 * Math.max(1, X.cols))));
    try {
      for (let start = 0; start < X.rows; start += step) {
        const rows = Math.min(step, X.rows - start);
        this.chunks.push({ start, rows, X: tf.tensor2d(X.data.subarray(start * X.cols, (start + rows) * X.cols), [rows, X.cols], 'float32') });
      }
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  async mul(W: Float64Array, k: number): Promise<Float64Array> {
    const { tf, cols, rows } = this;
    this.check(W.length === cols * k, `mul: W must have cols*k = ${cols * k} values, got ${W.length}`);
    const Wt = tf.tensor2d(Float32Array.from(W), [cols, k]);
    const out = new Float64Array(rows * k);
    try {
      for (const c of this.chunks) {
        const p = tf.matMul(c.X, Wt);
        try {
          out.set(await p.data(), c.start * k);
        } finally {
          p.dispose();
        }
      }
    } finally {
      Wt.dispose();
    }
    return out;
  }

  async mulT(R: Float64Array, k: number): Promise<Float64Array> {
    const { tf, cols, rows } = this;
    this.check(R.length === rows * k, `mulT: R must have rows*k = ${rows * k} values, got ${R.length}`);
    const out = new Float64Array(cols * k);
    for (const c of this.chunks) {
      c.XT ??= tf.transpose(c.X);
      const g = tf.tidy(() => tf.matMul(c.XT!, tf.tensor2d(Float32Array.from(R.subarray(c.start * k, (c.start + c.rows) * k)), [c.rows, k])));
      try {
        const d = await g.data();
        for (let i = 0; i < d.length; i++) out[i] += d[i];
      } finally {
        g.dispose();
      }
    }
    return out;
  }

  dispose(): void {
    for (const c of this.chunks) {
      c.X.dispose();
      c.XT?.dispose();
    }
    this.chunks = [];
  }

  private check(ok: boolean, message: string): void {
    if (this.chunks.length === 0 && this.rows > 0) throw new MlopsError('INVALID_ARGUMENT', 'This design matrix was disposed.');
    if (!ok) throw new MlopsError('INVALID_ARGUMENT', message);
    assertActive(this.tf, this.backend);
  }
}

/** The handle families receive for a tfjs backend. @internal */
export function tfjsHandle(tf: Tf, name: string): BackendHandle {
  return { name, kind: 'tfjs', tf, matrix: (X: Matrix) => new TfDesignMatrix(tf, name, X) };
}
