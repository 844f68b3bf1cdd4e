/**
 * Runs gbdt kernel tasks on the calling thread plus optional worker threads.
 *
 * Workers are started from a source string (`new Worker(code, { eval: true })`) built
 * from the kernels' own `toString()`, so no worker file has to be found on disk: this
 * works from the TypeScript source, from the ESM and CJS builds and from a user's
 * bundle. All threads share the training buffers (SharedArrayBuffer; the arrays of the
 * SIMD kernels in one shared WebAssembly memory, which every thread instantiates the
 * kernel module over, the compiled module travelling in `workerData`). A phase is
 * published through Int32 control words (a generation number, a tagged task count and a
 * tagged next-task counter) and woken with `Atomics.notify`; the calling thread claims
 * tasks like any worker, then waits for the phase to finish with `Atomics.wait`.
 *
 * @module
 * @internal
 */
import type { Worker } from 'node:worker_threads';
import { MlopsError } from '../../errors';
import { type GbdtBuffers, type GbdtKernels, type GbdtViews, gbdtKernels, gbdtWorkerMain } from './kernels';
import { gbdtWasmBytes } from './wasm-kernels';

/** Sizes that decide the shared buffers of one fit. @internal */
export interface BufferSizes {
  rows: number;
  features: number;
  maxBins: number;
  counts: boolean;
  /** Histogram slots (open tree nodes kept at once). */
  slots: number;
  /** Tasks one phase may hold. */
  maxTasks: number;
  /** Raw-value rows held for binning (columns per block times rows). */
  rawBlock: number;
  /** Rows sampled to find bin edges. */
  sampleSize: number;
  /** Outputs per row (K). */
  outputs: number;
  /** Whether rows carry weights. */
  weighted: boolean;
}

/** WebAssembly memory pages (64 KiB) a 32-bit module can address. */
const WASM_MAX_PAGES = 65536;

/** The SIMD kernel module, or null where the runtime lacks WebAssembly SIMD (or threads, when `shared`). */
function compileKernels(shared: boolean): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const bytes = gbdtWasmBytes(shared);
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * Allocates the buffers of a fit, shared when worker threads will use them. The arrays
 * the SIMD kernels touch live in one WebAssembly memory when `simd` is set and the
 * runtime supports it (else in a plain buffer, for the JavaScript kernels).
 * @internal
 */
export function allocateBuffers(z: BufferSizes, shared: boolean, simd = true): GbdtBuffers {
  const mk = (bytes: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const FS = z.maxBins + 1;
  const entries = z.features * FS;
  const K = gbdtKernels();
  // Arena layout, each array 64-byte aligned.
  let end = 0;
  const place = (bytes: number): number => {
    const at = end;
    end += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const hist = place(z.slots * entries * (z.counts ? 3 : 2) * 8);
  const gh = place(z.rows * 8);
  const at = {
    hist,
    gh,
    grad: z.outputs === 1 ? gh : place(z.rows * z.outputs * 8),
    idx: place(z.rows * 4),
    tmpIdx: place(z.rows * 4),
    bins: place(z.features * z.rows),
  };
  const pages = Math.max(1, Math.ceil(end / 65536));
  let wasm: GbdtBuffers['wasm'] = null;
  const module = simd && pages <= WASM_MAX_PAGES ? compileKernels(shared) : null;
  if (module !== null) {
    try {
      wasm = { module, memory: new WebAssembly.Memory({ initial: pages, maximum: pages, shared }) };
    } catch {
      // A runtime that caps WebAssembly memory lower: the JavaScript kernels run.
      wasm = null;
    }
  }
  return {
    rows: z.rows,
    features: z.features,
    featureStride: FS,
    counts: z.counts ? 1 : 0,
    slots: z.slots,
    ctl: mk(16 * 4),
    err: mk(1024),
    cfg: mk(8 * 8),
    tasks: mk(z.maxTasks * K.TASK_WORDS * 4),
    arena: wasm === null ? mk(end) : wasm.memory.buffer,
    at,
    wasm,
    numBins: mk(z.features * 4),
    isCat: mk(z.features),
    active: mk(z.features * 4),
    nodeStats: mk(z.slots * 3 * 8),
    nodeMask: mk(z.slots * z.features),
    catLeft: mk(z.slots * 8 * 4),
    raw: mk(z.rawBlock * z.rows * 4),
    thresholds: mk(z.features * 256 * 4),
    sample: mk(z.sampleSize * 4),
    outputs: z.outputs,
    score: mk(z.rows * z.outputs * 8),
    y: mk(z.rows * 8),
    splits: mk(z.slots * z.features * K.SPLIT_WORDS * 8),
    w: z.weighted ? mk(z.rows * 8) : mk(0),
    taskValues: mk(z.maxTasks * 8),
  };
}

function workerSource(): string {
  // `__name` covers bundlers' keep-names helper should one ever reach the kernels.
  return [
    '"use strict";',
    'var __name = function (f) { return f; };',
    "const { workerData } = require('node:worker_threads');",
    `const K = (${gbdtKernels.toString()})();`,
    `(${gbdtWorkerMain.toString()})(K, workerData);`,
  ].join('\n');
}

/**
 * The task runner of one fit: the calling thread's views, the kernels and the workers.
 * Always `close()` it (in a `finally`), which terminates the workers.
 * @internal
 */
export class TaskRunner {
  /** Kernels of the calling thread. */
  readonly K: GbdtKernels;
  /** Views of the calling thread. */
  readonly v: GbdtViews;
  private readonly workers: Worker[] = [];
  private gen = 0;
  private workerError: unknown;
  private readonly maxTasks: number;

  private constructor(buffers: GbdtBuffers, maxTasks: number) {
    this.K = gbdtKernels();
    this.v = this.K.views(buffers);
    this.maxTasks = maxTasks;
  }

  /**
   * Creates the runner; with `threads > 1` starts `threads - 1` workers (they join the
   * work as soon as they are up; the calling thread never waits for them to start).
   */
  static async create(buffers: GbdtBuffers, maxTasks: number, threads: number): Promise<TaskRunner> {
    const runner = new TaskRunner(buffers, maxTasks);
    if (maxTasks > runner.K.INDEX_MASK) {
      throw new MlopsError('TRAIN_INVALID_PARAMS', `gbdt: a phase could hold ${maxTasks} tasks (more than ${runner.K.INDEX_MASK}); use fewer features or a smaller maxDepth / maxLeaves.`, {
        details: { parameter: 'maxDepth' },
      });
    }
    if (threads > 1) {
      // Without worker threads (a runtime that lacks them, a policy that forbids eval
      // workers), training continues on the calling thread alone.
      let WorkerClass: typeof Worker | undefined;
      try {
        WorkerClass = (await import('node:worker_threads')).Worker;
      } catch {
        WorkerClass = undefined;
      }
      const source = WorkerClass === undefined ? '' : workerSource();
      for (let i = 0; WorkerClass !== undefined && i < threads - 1; i++) {
        let w: Worker;
        try {
          w = new WorkerClass(source, { eval: true, workerData: buffers, name: `mlops-kit gbdt ${i + 1}` });
        } catch {
          break;
        }
        w.unref();
        w.on('error', (e) => {
          runner.workerError ??= e;
        });
        runner.workers.push(w);
      }
    }
    return runner;
  }

  /** Number of threads working (the caller included). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Slot in the task table for task `i` (its first word). */
  task(i: number): number {
    if (i >= this.maxTasks) throw new MlopsError('INTERNAL', `gbdt: task table overflow (${i + 1} > ${this.maxTasks}).`);
    return i * this.K.TASK_WORDS;
  }

  /** Runs tasks 0..n-1 of the task table on all threads and returns when all are done. */
  run(n: number): void {
    if (n === 0) return;
    if (this.workerError !== undefined) {
      throw new MlopsError('INTERNAL', `gbdt: a training worker failed: ${String(this.workerError)}`, { cause: this.workerError });
    }
    const { K, v } = this;
    const ctl = v.ctl;
    const gen = ++this.gen;
    const tag = (gen & 0x7ff) << K.TAG_SHIFT;
    Atomics.store(ctl, K.DONE, 0);
    Atomics.store(ctl, K.NTASKS, tag | n);
    Atomics.store(ctl, K.NEXT, tag);
    Atomics.store(ctl, K.GEN, gen);
    if (this.workers.length > 0 && n > 1) Atomics.notify(ctl, K.GEN);
    K.drain(v, gen);
    K.await(ctl, K.DONE, n);
    if (Atomics.load(ctl, K.ERR) !== 0) {
      const own = v.error;
      v.error = undefined;
      if (own !== undefined) throw own;
      let text = '';
      for (let i = 0; i < v.err.length && v.err[i] !== 0; i++) text += String.fromCharCode(v.err[i]);
      throw new MlopsError('INTERNAL', `gbdt: a training worker failed: ${text}`);
    }
  }

  /** Stops and terminates the workers. Safe to call twice. */
  async close(): Promise<void> {
    const ctl = this.v.ctl;
    Atomics.store(ctl, this.K.STOP, 1);
    Atomics.add(ctl, this.K.GEN, 1);
    Atomics.notify(ctl, this.K.GEN);
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
