/**
 * The hot loops of gbdt training: quantile binning, gradients, histogram accumulation,
 * split finding, row partitioning and score updates.
 *
 * They live in ONE self-contained function, {@link gbdtKernels}, that returns an object
 * of methods. The main thread calls it directly; each worker thread evaluates its
 * `toString()` (see `worker-pool.ts`), so the same code runs on both sides from the
 * TypeScript source, the ESM and CJS builds, or a user's bundle, with no worker file to
 * locate. Rules for editing this file: reference nothing outside the function (no
 * imports, no module constants), and use object-literal methods, not nested `function`
 * declarations or `const f = () => ...` (a bundler's keep-names transform wraps those in
 * a helper that does not exist inside the worker).
 *
 * Work is split into tasks that threads claim from a shared counter. Every task writes
 * disjoint memory and computes each histogram of one feature in a fixed row order, so
 * the result does not depend on which thread ran it: training is bit-identical for any
 * number of threads.
 *
 * Histogram accumulation and numeric partitions run in WebAssembly SIMD when the runtime
 * has it (see `wasm-kernels.ts`; same arithmetic, same results), else in the plain loops
 * here.
 *
 * @module
 * @internal
 */

/** Buffers shared by the threads of one fit (SharedArrayBuffer with workers). @internal */
export interface GbdtBuffers {
  /** Binned training rows. */
  rows: number;
  /** Features (pipeline outputs). */
  features: number;
  /** Histogram entries per feature: maxBins + 1 (the last real bin index + missing). */
  featureStride: number;
  /** 1 when histograms carry a row-count channel (minSamplesLeaf > 1). */
  counts: number;
  /** Histogram slots (open tree nodes kept at once). */
  slots: number;
  /** Int32 control words (generation, task counters, stop and error flags). */
  ctl: ArrayBufferLike;
  /** ASCII text of the first error a thread hit. */
  err: ArrayBufferLike;
  /** Float64 settings: lambda, minChildWeight, minSamplesLeaf, catSmooth, Huber delta, softmax hessian factor. */
  cfg: ArrayBufferLike;
  /** Int32 task table, TASK_WORDS per task. */
  tasks: ArrayBufferLike;
  /**
   * The memory of the arrays the SIMD kernels read and write (the WebAssembly memory's
   * buffer when `wasm` is set), at the byte offsets of `at`:
   * - `bins`: Uint8 bins, feature-major: bins[f * rows + r];
   * - `idx`: Int32 row ids in node order: each tree node owns a contiguous range, rows
   *   ascending within it (partitions are stable), so reads indexed by row id move forward;
   * - `tmpIdx`: partition scratch, same shape as `idx`;
   * - `gh`: Float32 (gradient, hessian) pairs by row id, for the tree being grown;
   * - `grad`: Float32 gradient pairs of all K outputs, output-major (the same memory as
   *   `gh` when K = 1);
   * - `hist`: Float64 histograms, one slot per open tree node.
   */
  arena: ArrayBufferLike;
  /** Byte offsets of the arrays in `arena`. */
  at: { bins: number; idx: number; tmpIdx: number; gh: number; grad: number; hist: number };
  /** The SIMD kernels and the memory behind `arena`; null: the JavaScript kernels run. */
  wasm: { module: WebAssembly.Module; memory: WebAssembly.Memory } | null;
  /** Int32 real bins per feature (the missing bin's index). */
  numBins: ArrayBufferLike;
  /** Uint8 1 for categorical features. */
  isCat: ArrayBufferLike;
  /** Int32 features used by the current tree. */
  active: ArrayBufferLike;
  /** Float64 (G, H, count) per histogram slot. */
  nodeStats: ArrayBufferLike;
  /** Uint8 per slot and feature: 1 when the feature may split that node. */
  nodeMask: ArrayBufferLike;
  /** Uint32 256-bit masks of the bins sent left by a categorical partition. */
  catLeft: ArrayBufferLike;
  /** Float32 raw values of a block of features, feature-major, for binning. */
  raw: ArrayBufferLike;
  /** Float32 bin upper bounds: thresholds[f * 256 + b], +Infinity after the last. */
  thresholds: ArrayBufferLike;
  /** Int32 sorted row positions used to find bin edges (when rows exceed the sample). */
  sample: ArrayBufferLike;
  /** Outputs per row (K). */
  outputs: number;
  /** Float64 margins, row-major rows x K. */
  score: ArrayBufferLike;
  /** Float64 targets (value or class index). */
  y: ArrayBufferLike;
  /** Float64 row weights (empty: all 1). */
  w: ArrayBufferLike;
  /** Float64 best split per slot and feature, SPLIT_WORDS each. */
  splits: ArrayBufferLike;
  /** Float64 per-task values (leaf values of UPDATE tasks). */
  taskValues: ArrayBufferLike;
}

/** Typed views over {@link GbdtBuffers}, one object per thread. @internal */
export interface GbdtViews {
  N: number;
  F: number;
  FS: number;
  counts: number;
  ctl: Int32Array;
  err: Uint8Array;
  cfg: Float64Array;
  tasks: Int32Array;
  /** The SIMD kernels of this thread (see `wasm-kernels.ts`), or null. */
  wasm: GbdtWasmExports | null;
  /** Byte offsets of bins, idx, tmpIdx, gh and hist in the SIMD kernels' memory. */
  binsAt: number;
  idxAt: number;
  tmpIdxAt: number;
  ghAt: number;
  histAt: number;
  bins: Uint8Array;
  idx: Int32Array;
  tmpIdx: Int32Array;
  gh: Float32Array;
  hist: Float64Array;
  numBins: Int32Array;
  isCat: Uint8Array;
  active: Int32Array;
  nodeStats: Float64Array;
  nodeMask: Uint8Array;
  splits: Float64Array;
  catLeft: Uint32Array;
  raw: Float32Array;
  /** The same memory as `raw`, as bits. */
  rawBits: Uint32Array;
  thresholds: Float32Array;
  sample: Int32Array;
  K: number;
  score: Float64Array;
  y: Float64Array;
  w: Float64Array;
  grad: Float32Array;
  taskValues: Float64Array;
  /** Histogram doubles per slot. */
  slotStride: number;
  /** Offset of the count channel inside a slot. */
  countOffset: number;
  /** Thread-local scratch, allocated on first use. */
  scratch: GbdtScratch | null;
  /** The first error this thread hit. */
  error: unknown;
}

/** Exports of the SIMD kernel module (see `wasm-kernels.ts`); every argument is an i32. @internal */
export type GbdtWasmExports = Record<'hist8i' | 'hist4s' | 'hist4i' | 'hist1s' | 'hist1i' | 'counts' | 'partition' | 'subtract', (...args: number[]) => number> & {
  sums(idx: number, seq: number, s: number, e: number, gh: number): [number, number];
};

/** Thread-local scratch arrays. @internal */
export interface GbdtScratch {
  keys: Uint32Array;
  keysTmp: Uint32Array;
  radix: Int32Array;
  order: Int32Array;
  ratio: Float64Array;
  word: Uint32Array;
  wordF32: Float32Array;
  /** binTable output. */
  table: Uint8Array;
  /** Softmax probabilities of one row. */
  probs: Float64Array;
}

/**
 * Returns the kernel object. Self-contained: see the module comment before editing.
 * @internal
 */
export function gbdtKernels() {
  // Control words.
  const GEN = 0;
  const NTASKS = 1;
  const NEXT = 2;
  const DONE = 3;
  const STOP = 4;
  const ERR = 5;
  const TAG_SHIFT = 20;
  // Control-word polls before a thread sleeps (some microseconds).
  const SPIN = 4000;
  const INDEX_MASK = 0xfffff;
  // Task kinds and layout.
  const TASK_WORDS = 12;
  const HIST = 1;
  const PARTITION = 2;
  const BIN = 3;
  const GRAD = 4;
  const UPDATE = 5;
  // Objectives of GRAD tasks.
  const LOGISTIC = 0;
  const SOFTMAX = 1;
  const SQUARED = 2;
  const ABSOLUTE = 3;
  const HUBER = 4;
  // Split records: gain, bin (or category-prefix length), flags, GL, HL, CL.
  const SPLIT_WORDS = 6;
  const FLAG_DEFAULT_LEFT = 1;
  const FLAG_CATEGORICAL = 2;

  const K = {
    GEN,
    STOP,
    ERR,
    DONE,
    NTASKS,
    NEXT,
    TAG_SHIFT,
    INDEX_MASK,
    TASK_WORDS,
    HIST,
    PARTITION,
    BIN,
    GRAD,
    UPDATE,
    LOGISTIC,
    SOFTMAX,
    SQUARED,
    ABSOLUTE,
    HUBER,
    SPLIT_WORDS,
    FLAG_DEFAULT_LEFT,
    FLAG_CATEGORICAL,

    views(b: GbdtBuffers): GbdtViews {
      const FS = b.featureStride;
      const entries = b.features * FS;
      const N = b.rows;
      const a = b.arena;
      const at = b.at;
      const wasm = b.wasm === null ? null : (new WebAssembly.Instance(b.wasm.module, { m: { mem: b.wasm.memory } }).exports as GbdtWasmExports);
      return {
        N: b.rows,
        F: b.features,
        FS,
        counts: b.counts,
        ctl: new Int32Array(b.ctl),
        err: new Uint8Array(b.err),
        cfg: new Float64Array(b.cfg),
        tasks: new Int32Array(b.tasks),
        wasm,
        binsAt: at.bins,
        idxAt: at.idx,
        tmpIdxAt: at.tmpIdx,
        ghAt: at.gh,
        histAt: at.hist,
        bins: new Uint8Array(a, at.bins, b.features * N),
        idx: new Int32Array(a, at.idx, N),
        tmpIdx: new Int32Array(a, at.tmpIdx, N),
        gh: new Float32Array(a, at.gh, 2 * N),
        hist: new Float64Array(a, at.hist, b.slots * entries * (b.counts ? 3 : 2)),
        numBins: new Int32Array(b.numBins),
        isCat: new Uint8Array(b.isCat),
        active: new Int32Array(b.active),
        nodeStats: new Float64Array(b.nodeStats),
        nodeMask: new Uint8Array(b.nodeMask),
        splits: new Float64Array(b.splits),
        catLeft: new Uint32Array(b.catLeft),
        raw: new Float32Array(b.raw),
        rawBits: new Uint32Array(b.raw),
        thresholds: new Float32Array(b.thresholds),
        sample: new Int32Array(b.sample),
        K: b.outputs,
        score: new Float64Array(b.score),
        y: new Float64Array(b.y),
        w: new Float64Array(b.w),
        grad: new Float32Array(a, at.grad, 2 * N * b.outputs),
        taskValues: new Float64Array(b.taskValues),
        slotStride: entries * (b.counts ? 3 : 2),
        countOffset: entries * 2,
        scratch: null,
        error: undefined,
      };
    },

    scratchOf(v: GbdtViews, n: number): GbdtScratch {
      let s = v.scratch;
      if (s === null || s.keys.length < n) {
        const buf = new ArrayBuffer(4);
        s = {
          keys: new Uint32Array(n),
          keysTmp: new Uint32Array(n),
          radix: new Int32Array(3 * 2048),
          order: new Int32Array(256),
          ratio: new Float64Array(256),
          word: new Uint32Array(buf),
          wordF32: new Float32Array(buf),
          table: new Uint8Array(65536),
          probs: new Float64Array(v.K),
        };
        v.scratch = s;
      }
      return s;
    },

    /**
     * Claims and runs tasks of generation `gen` until none is left. Called by every
     * thread, the main thread included. Errors are recorded (flag + text), never thrown,
     * so the phase always completes.
     */
    drain(v: GbdtViews, gen: number): void {
      const ctl = v.ctl;
      const tag = gen & 0x7ff;
      const nt = Atomics.load(ctl, NTASKS);
      if (nt >>> TAG_SHIFT !== tag) return;
      const n = nt & INDEX_MASK;
      for (;;) {
        const w = Atomics.load(ctl, NEXT);
        if (w >>> TAG_SHIFT !== tag) return;
        const i = w & INDEX_MASK;
        if (i >= n) return;
        if (Atomics.compareExchange(ctl, NEXT, w, w + 1) !== w) continue;
        try {
          if (Atomics.load(ctl, ERR) === 0) K.run(v, i);
        } catch (e) {
          if (v.error === undefined) v.error = e;
          if (Atomics.compareExchange(ctl, ERR, 0, 1) === 0) {
            const text = String(e instanceof Error ? (e.stack ?? e.message) : e).slice(0, 1000);
            for (let c = 0; c < text.length; c++) v.err[c] = text.charCodeAt(c) & 0x7f;
          }
        }
        if (Atomics.add(ctl, DONE, 1) + 1 === n) Atomics.notify(ctl, DONE);
      }
    },

    /**
     * Waits until control word `at` reaches `target` (it only grows): spins briefly, as
     * the wait is usually a few microseconds, then sleeps on the futex.
     */
    await(ctl: Int32Array, at: number, target: number): void {
      for (let spin = 0; spin < SPIN; spin++) if (Atomics.load(ctl, at) >= target) return;
      for (;;) {
        const cur = Atomics.load(ctl, at);
        if (cur >= target) return;
        Atomics.wait(ctl, at, cur);
      }
    },

    run(v: GbdtViews, i: number): void {
      const kind = v.tasks[i * TASK_WORDS];
      if (kind === HIST) K.taskHist(v, i * TASK_WORDS);
      else if (kind === PARTITION) K.taskPartition(v, i * TASK_WORDS);
      else if (kind === BIN) K.taskBin(v, i * TASK_WORDS);
      else if (kind === GRAD) K.taskGrad(v, i * TASK_WORDS);
      else if (kind === UPDATE) K.taskUpdate(v, i * TASK_WORDS, i);
      else throw new Error('gbdt: unknown task kind ' + kind);
    },

    // ---------------------------------------------------------- objective rows

    /**
     * GRAD task: gradient/hessian pairs of rows [start, end) for every output, from the
     * margins `score`, into `grad` (output k at k * 2N). Words: 1 start, 2 end,
     * 3 objective; cfg[4]: Huber delta, cfg[5]: softmax hessian factor K/(K-1).
     * Per row (times its weight): logistic p - y, max(p(1-p), 1e-16); softmax
     * p_k - [y = k], max(factor p_k(1-p_k), 1e-16); squared m - y, 1; absolute
     * sign(m - y), 1; huber clip(m - y, ±delta), 1.
     */
    taskGrad(v: GbdtViews, o: number): void {
      const T = v.tasks;
      const s = T[o + 1];
      const e = T[o + 2];
      const obj = T[o + 3];
      const { score, y, w, grad } = v;
      const weighted = w.length > 0;
      if (obj === LOGISTIC) {
        for (let i = s; i < e; i++) {
          const p = 1 / (1 + Math.exp(-score[i]));
          const wi = weighted ? w[i] : 1;
          grad[2 * i] = (p - y[i]) * wi;
          grad[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * wi;
        }
      } else if (obj === SOFTMAX) {
        const K2 = v.K;
        const N2 = 2 * v.N;
        const factor = v.cfg[5];
        const p = K.scratchOf(v, 0).probs;
        for (let i = s; i < e; i++) {
          const m = i * K2;
          let max = -Infinity;
          for (let k = 0; k < K2; k++) if (score[m + k] > max) max = score[m + k];
          let sum = 0;
          for (let k = 0; k < K2; k++) {
            p[k] = Math.exp(score[m + k] - max);
            sum += p[k];
          }
          const wi = weighted ? w[i] : 1;
          const yi = y[i];
          for (let k = 0; k < K2; k++) {
            const pk = p[k] / sum;
            const j = k * N2 + 2 * i;
            grad[j] = (pk - (yi === k ? 1 : 0)) * wi;
            grad[j + 1] = Math.max(factor * pk * (1 - pk), 1e-16) * wi;
          }
        }
      } else {
        const d = v.cfg[4];
        for (let i = s; i < e; i++) {
          const wi = weighted ? w[i] : 1;
          const r = score[i] - y[i];
          grad[2 * i] = (obj === SQUARED ? r : obj === ABSOLUTE ? Math.sign(r) : Math.max(-d, Math.min(d, r))) * wi;
          grad[2 * i + 1] = wi;
        }
      }
    },

    /**
     * UPDATE task: adds `taskValues[task]` to output k of the rows idx[start..end) (one
     * leaf of a new tree). Words: 1 start, 2 end, 3 k.
     */
    taskUpdate(v: GbdtViews, o: number, task: number): void {
      const T = v.tasks;
      const e = T[o + 2];
      const k = T[o + 3];
      const K2 = v.K;
      const val = v.taskValues[task];
      const { idx, score } = v;
      for (let i = T[o + 1]; i < e; i++) score[idx[i] * K2 + k] += val;
    },

    // ---------------------------------------------------------------- histograms

    /**
     * HIST task: builds the histograms of a group of features for the smaller child of
     * a split (or the root), derives the larger child as parent minus smaller in the
     * parent's slot, and finds the best split of each feature for the requested nodes.
     * Words: 1 start, 2 end, 3 small slot, 4 large slot (-1: none), 5 first position in
     * `active`, 6 count, 7 flags (1: rows are 0..N-1 in order, 2: split small, 4: split large).
     */
    taskHist(v: GbdtViews, o: number): void {
      const T = v.tasks;
      const s = T[o + 1];
      const e = T[o + 2];
      const small = T[o + 3];
      const large = T[o + 4];
      const g0 = T[o + 5];
      const g1 = g0 + T[o + 6];
      const flags = T[o + 7];
      const hist = v.hist;
      const active = v.active;
      const numBins = v.numBins;
      const FS = v.FS;
      const N = v.N;
      const sb = small * v.slotStride;
      for (let j = g0; j < g1; j++) {
        const f = active[j];
        const h = sb + 2 * f * FS;
        hist.fill(0, h, h + 2 * (numBins[f] + 1));
        if (v.counts) {
          const c = sb + v.countOffset + f * FS;
          hist.fill(0, c, c + numBins[f] + 1);
        }
      }
      const seq = (flags & 1) !== 0;
      if (v.wasm !== null) K.histWasm(v, v.wasm, s, e, sb, g0, g1, seq);
      else {
        for (let j = g0; j < g1; j++) {
          const f = active[j];
          K.histRows(v.bins, v.idx, v.gh, hist, s, e, f * N, sb + 2 * f * FS, seq);
          if (v.counts) K.countRows(v.bins, v.idx, hist, s, e, f * N, sb + v.countOffset + f * FS, seq);
        }
      }
      if (large >= 0) {
        const lb = large * v.slotStride;
        for (let q = g0; q < g1; q++) {
          const f = active[q];
          const n2 = 2 * (numBins[f] + 1);
          const a = lb + 2 * f * FS;
          const c = sb + 2 * f * FS;
          if (v.wasm !== null) v.wasm.subtract(v.histAt + 8 * a, v.histAt + 8 * c, 0, n2 >> 1);
          else for (let k = 0; k < n2; k++) hist[a + k] -= hist[c + k];
          if (v.counts) {
            const a2 = lb + v.countOffset + f * FS;
            const c2 = sb + v.countOffset + f * FS;
            for (let k = 0; k <= numBins[f]; k++) hist[a2 + k] -= hist[c2 + k];
          }
        }
      }
      if ((flags & 2) !== 0) for (let q = g0; q < g1; q++) K.bestSplit(v, small, active[q]);
      if ((flags & 4) !== 0 && large >= 0) for (let q = g0; q < g1; q++) K.bestSplit(v, large, active[q]);
    },

    /**
     * The histograms of features active[g0..g1) over rows [s, e) of a node into the slot
     * at Float64 offset `sb`, with the SIMD kernels: eight features per pass (four on
     * consecutive rows, where the smaller working set pays), so each row's gradient pair
     * is loaded once per pass.
     */
    histWasm(v: GbdtViews, w: GbdtWasmExports, s: number, e: number, sb: number, g0: number, g1: number, seq: boolean): void {
      const { active, N, FS, idxAt, ghAt } = v;
      const c = v.binsAt;
      const h = v.histAt + 8 * sb;
      const FS16 = 16 * FS;
      let j = g0;
      for (; g1 - j >= 8 && !seq; j += 8) {
        const f0 = active[j], f1 = active[j + 1], f2 = active[j + 2], f3 = active[j + 3];
        const f4 = active[j + 4], f5 = active[j + 5], f6 = active[j + 6], f7 = active[j + 7];
        w.hist8i(idxAt, ghAt, s, e, c + f0 * N, c + f1 * N, c + f2 * N, c + f3 * N, c + f4 * N, c + f5 * N, c + f6 * N, c + f7 * N,
          h + f0 * FS16, h + f1 * FS16, h + f2 * FS16, h + f3 * FS16, h + f4 * FS16, h + f5 * FS16, h + f6 * FS16, h + f7 * FS16);
      }
      for (; g1 - j >= 4; j += 4) {
        const f0 = active[j], f1 = active[j + 1], f2 = active[j + 2], f3 = active[j + 3];
        (seq ? w.hist4s : w.hist4i)(idxAt, ghAt, s, e, c + f0 * N, c + f1 * N, c + f2 * N, c + f3 * N, h + f0 * FS16, h + f1 * FS16, h + f2 * FS16, h + f3 * FS16);
      }
      for (; j < g1; j++) (seq ? w.hist1s : w.hist1i)(idxAt, ghAt, s, e, c + active[j] * N, h + active[j] * FS16);
      if (v.counts) {
        const hc = v.histAt + 8 * (sb + v.countOffset);
        for (let q = g0; q < g1; q++) w.counts(idxAt, seq ? 1 : 0, s, e, c + active[q] * N, hc + 8 * active[q] * FS);
      }
    },

    /** Gradient and hessian totals of the rows idx[0..n) (`seq`: rows 0..n-1), added in row order. */
    sums(v: GbdtViews, n: number, seq: boolean): [number, number] {
      if (v.wasm !== null) return v.wasm.sums(v.idxAt, seq ? 1 : 0, 0, n, v.ghAt);
      const { gh, idx } = v;
      let G = 0;
      let H = 0;
      for (let i = 0; i < n; i++) {
        const r = seq ? i : idx[i];
        G += gh[2 * r];
        H += gh[2 * r + 1];
      }
      return [G, H];
    },

    /** One feature's histogram, without SIMD (same additions in the same order). */
    histRows(bins: Uint8Array, idx: Int32Array, gh: Float32Array, hist: Float64Array, s: number, e: number, c0: number, h0: number, seq: boolean): void {
      for (let i = s; i < e; i++) {
        const r = seq ? i : idx[i];
        const b = h0 + 2 * bins[c0 + r];
        hist[b] += gh[2 * r];
        hist[b + 1] += gh[2 * r + 1];
      }
    },

    countRows(bins: Uint8Array, idx: Int32Array, hist: Float64Array, s: number, e: number, c0: number, h0: number, seq: boolean): void {
      if (seq) for (let i = s; i < e; i++) hist[h0 + bins[c0 + i]] += 1;
      else for (let i = s; i < e; i++) hist[h0 + bins[c0 + idx[i]]] += 1;
    },

    // ------------------------------------------------------------- split finding

    /**
     * Best split of feature `f` for the node in `slot`, written to
     * `splits[(slot * F + f) * SPLIT_WORDS]`: gain (XGBoost's loss reduction
     * GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ); -Infinity when no valid split), bin threshold
     * (numeric: bins <= it go left; categorical: the number of categories sent left in
     * gradient-ratio order), flags (default-left, categorical), and the left child's
     * gradient, hessian and row count (count only with the count channel).
     */
    bestSplit(v: GbdtViews, slot: number, f: number): void {
      const out = (slot * v.F + f) * SPLIT_WORDS;
      const sp = v.splits;
      sp[out] = -Infinity;
      if (v.nodeMask[slot * v.F + f] === 0) return;
      if (v.isCat[f]) K.bestCategorical(v, slot, f, out);
      else K.bestNumeric(v, slot, f, out);
    },

    bestNumeric(v: GbdtViews, slot: number, f: number, out: number): void {
      const hist = v.hist;
      const nb = v.numBins[f];
      const base = slot * v.slotStride + 2 * f * v.FS;
      const cb = slot * v.slotStride + v.countOffset + f * v.FS;
      const useCounts = v.counts !== 0;
      const ns = slot * 3;
      const G = v.nodeStats[ns];
      const H = v.nodeStats[ns + 1];
      const C = v.nodeStats[ns + 2];
      const lambda = v.cfg[0];
      const minH = v.cfg[1];
      const minC = v.cfg[2];
      const gm = hist[base + 2 * nb];
      const hm = hist[base + 2 * nb + 1];
      const cm = useCounts ? hist[cb + nb] : 0;
      const hasMissing = hm > 0 || cm > 0;
      let best = -Infinity;
      let bestBin = -1;
      let bestLeft = 0;
      let bGL = 0, bHL = 0, bCL = 0;
      let GL = 0, HL = 0, CL = 0;
      for (let t = 0; t < nb; t++) {
        const hb = hist[base + 2 * t + 1];
        GL += hist[base + 2 * t];
        HL += hb;
        if (useCounts) CL += hist[cb + t];
        // An empty bin repeats the previous candidate.
        if (hb === 0 && (!useCounts || hist[cb + t] === 0) && t > 0) continue;
        if (t < nb - 1 || hasMissing) {
          // Missing values go right.
          const GR = G - GL;
          const HR = H - HL;
          if (HL >= minH && HR >= minH && HL > 0 && HR > 0 && (!useCounts || (CL >= minC && C - CL >= minC))) {
            const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda);
            if (gain > best) {
              best = gain; bestBin = t; bestLeft = 0; bGL = GL; bHL = HL; bCL = CL;
            }
          }
        }
        if (hasMissing && t < nb - 1) {
          // Missing values go left.
          const GL2 = GL + gm;
          const HL2 = HL + hm;
          const CL2 = CL + cm;
          const GR = G - GL2;
          const HR = H - HL2;
          if (HL2 >= minH && HR >= minH && HL2 > 0 && HR > 0 && (!useCounts || (CL2 >= minC && C - CL2 >= minC))) {
            const gain = (GL2 * GL2) / (HL2 + lambda) + (GR * GR) / (HR + lambda);
            if (gain > best) {
              best = gain; bestBin = t; bestLeft = 1; bGL = GL2; bHL = HL2; bCL = CL2;
            }
          }
        }
      }
      if (bestBin < 0) return;
      // Without missing values in this node, unseen missing values follow the heavier child.
      if (!hasMissing) bestLeft = bHL >= H - bHL ? 1 : 0;
      const sp = v.splits;
      sp[out] = best - (G * G) / (H + lambda);
      sp[out + 1] = bestBin;
      sp[out + 2] = bestLeft ? FLAG_DEFAULT_LEFT : 0;
      sp[out + 3] = bGL;
      sp[out + 4] = bHL;
      sp[out + 5] = bCL;
    },

    /**
     * Orders the categories present in the node by gradient / (hessian + catSmooth),
     * ties by bin. Returns how many are present; their bins are in `order`.
     */
    categoryOrder(v: GbdtViews, slot: number, f: number, sc: GbdtScratch): number {
      const hist = v.hist;
      const nb = v.numBins[f];
      const base = slot * v.slotStride + 2 * f * v.FS;
      const cb = slot * v.slotStride + v.countOffset + f * v.FS;
      const smooth = v.cfg[3];
      const order = sc.order;
      const ratio = sc.ratio;
      let m = 0;
      for (let b = 0; b < nb; b++) {
        const h = hist[base + 2 * b + 1];
        if (h > 0 || (v.counts !== 0 && hist[cb + b] > 0)) {
          const r = hist[base + 2 * b] / (h + smooth);
          // Insertion into the sorted prefix (at most 255 entries).
          let k = m;
          while (k > 0 && ratio[k - 1] > r) {
            ratio[k] = ratio[k - 1];
            order[k] = order[k - 1];
            k--;
          }
          ratio[k] = r;
          order[k] = b;
          m++;
        }
      }
      return m;
    },

    bestCategorical(v: GbdtViews, slot: number, f: number, out: number): void {
      const sc = K.scratchOf(v, 0);
      const m = K.categoryOrder(v, slot, f, sc);
      if (m < 2) return;
      const order = sc.order;
      const hist = v.hist;
      const nb = v.numBins[f];
      const base = slot * v.slotStride + 2 * f * v.FS;
      const cb = slot * v.slotStride + v.countOffset + f * v.FS;
      const useCounts = v.counts !== 0;
      const ns = slot * 3;
      const G = v.nodeStats[ns];
      const H = v.nodeStats[ns + 1];
      const C = v.nodeStats[ns + 2];
      const lambda = v.cfg[0];
      const minH = v.cfg[1];
      const minC = v.cfg[2];
      const gm = hist[base + 2 * nb];
      const hm = hist[base + 2 * nb + 1];
      const cm = useCounts ? hist[cb + nb] : 0;
      const hasMissing = hm > 0 || cm > 0;
      let best = -Infinity;
      let bestK = -1;
      let bestLeft = 0;
      let bGL = 0, bHL = 0, bCL = 0;
      let GL = 0, HL = 0, CL = 0;
      for (let k = 0; k < m - 1; k++) {
        const b = order[k];
        GL += hist[base + 2 * b];
        HL += hist[base + 2 * b + 1];
        if (useCounts) CL += hist[cb + b];
        for (let d = 0; d < (hasMissing ? 2 : 1); d++) {
          const gl = d === 0 ? GL : GL + gm;
          const hl = d === 0 ? HL : HL + hm;
          const cl = d === 0 ? CL : CL + cm;
          const GR = G - gl;
          const HR = H - hl;
          if (hl >= minH && HR >= minH && hl > 0 && HR > 0 && (!useCounts || (cl >= minC && C - cl >= minC))) {
            const gain = (gl * gl) / (hl + lambda) + (GR * GR) / (HR + lambda);
            if (gain > best) {
              best = gain; bestK = k + 1; bestLeft = d; bGL = gl; bHL = hl; bCL = cl;
            }
          }
        }
      }
      if (bestK < 0) return;
      if (!hasMissing) bestLeft = bHL >= H - bHL ? 1 : 0;
      const sp = v.splits;
      sp[out] = best - (G * G) / (H + lambda);
      sp[out + 1] = bestK;
      sp[out + 2] = FLAG_CATEGORICAL | (bestLeft ? FLAG_DEFAULT_LEFT : 0);
      sp[out + 3] = bGL;
      sp[out + 4] = bHL;
      sp[out + 5] = bCL;
    },

    // ---------------------------------------------------------------- partition

    /**
     * PARTITION task: stable in-place partition of rows [start, end) of `idx` into left
     * then right. Words: 1 start, 2 end, 3 feature, 4 bin threshold, 5 flags (1
     * default-left, 2 categorical), 6 catLeft mask index (categorical: the bins that go
     * left, the missing bin included); writes the first right position to word 8.
     */
    taskPartition(v: GbdtViews, o: number): void {
      const T = v.tasks;
      const s = T[o + 1];
      const e = T[o + 2];
      const f = T[o + 3];
      const thr = T[o + 4];
      const flags = T[o + 5];
      const nb = v.numBins[f];
      const col = f * v.N;
      const bins = v.bins;
      const idx = v.idx;
      const tmp = v.tmpIdx;
      let l = s;
      let r = s;
      // Branch-free: every row is written to both sides and only one cursor moves (the
      // direction of a row is unpredictable, a branch would mispredict half the time).
      if ((flags & FLAG_CATEGORICAL) === 0) {
        // Missing rows (bin nb) match `mb` only when they go left.
        const mb = (flags & FLAG_DEFAULT_LEFT) !== 0 ? nb : 256;
        if (v.wasm !== null) {
          T[o + 8] = v.wasm.partition(v.idxAt, v.tmpIdxAt, s, e, v.binsAt + col, thr, mb);
          return;
        }
        for (let i = s; i < e; i++) {
          const row = idx[i];
          const b = bins[col + row];
          const left = (((thr - b) >>> 31) ^ 1) | (((b ^ mb) - 1) >>> 31);
          idx[l] = row;
          tmp[r] = row;
          l += left;
          r += 1 - left;
        }
      } else {
        // The mask has the missing bin's bit set when missing values go left.
        const cl = v.catLeft;
        const m = T[o + 6] * 8;
        for (let i = s; i < e; i++) {
          const row = idx[i];
          const b = bins[col + row];
          const left = (cl[m + (b >>> 5)] >>> (b & 31)) & 1;
          idx[l] = row;
          tmp[r] = row;
          l += left;
          r += 1 - left;
        }
      }
      idx.set(tmp.subarray(s, r), l);
      T[o + 8] = l;
    },

    // ------------------------------------------------------------------ binning

    /**
     * BIN task for a numeric feature: finds bin edges from the (sampled) values, stores
     * them as Float32 upper bounds, and writes every row's bin. Words: 1 feature,
     * 2 column in the raw block, 3 sample size (0: all rows), 4 maxBins.
     * Edges: with at most maxBins distinct values, one bin per value; otherwise a greedy
     * pass over the sorted distinct values gives bins of about equal count, values
     * heavier than a bin getting a bin of their own. An edge is the Float32 midpoint of
     * the neighbouring values (the lower value when the midpoint rounds up onto the
     * upper one), so `x <= edge` separates them exactly.
     */
    taskBin(v: GbdtViews, o: number): void {
      const T = v.tasks;
      const f = T[o + 1];
      const N = v.N;
      const off = T[o + 2] * N;
      const S = T[o + 3];
      const maxBins = T[o + 4];
      const sc = K.scratchOf(v, S > 0 ? S : N);
      const bits = v.rawBits;
      let keys = sc.keys;
      let n = 0;
      // NaN is skipped: the key is written, the count moves only for a number.
      if (S > 0) {
        const sample = v.sample;
        for (let q = 0; q < S; q++) {
          const u = bits[off + sample[q]];
          keys[n] = K.keyOf(u);
          n += ((u & 0x7fffffff) - 0x7f800001) >>> 31;
        }
      } else {
        for (let q = 0; q < N; q++) {
          const u = bits[off + q];
          keys[n] = K.keyOf(u);
          n += ((u & 0x7fffffff) - 0x7f800001) >>> 31;
        }
      }
      keys = K.radixSort(keys, sc.keysTmp, sc.radix, n);
      // Distinct values and their counts, in the other key buffer.
      const cnt = keys === sc.keys ? sc.keysTmp : sc.keys;
      let d = 0;
      for (let q = 0; q < n; q++) {
        if (d > 0 && keys[d - 1] === keys[q]) cnt[d - 1]++;
        else {
          keys[d] = keys[q];
          cnt[d] = 1;
          d++;
        }
      }
      const thr = v.thresholds;
      const tb = f * 256;
      let nb = 0;
      if (d <= maxBins) {
        for (let q = 0; q + 1 < d; q++) thr[tb + nb++] = K.edge(keys[q], keys[q + 1], sc);
        nb = Math.max(d, 1);
      } else {
        let rest = n;
        let left = maxBins;
        let acc = 0;
        // Rows per remaining bin (recomputed only when a bin closes).
        let target = rest / left;
        for (let q = 0; q < d; q++) {
          if (acc > 0 && cnt[q] >= target && left > 1) {
            thr[tb + nb++] = K.edge(keys[q - 1], keys[q], sc);
            rest -= acc; left--; acc = 0;
            target = rest / left;
          }
          acc += cnt[q];
          if (acc >= target && left > 1 && q + 1 < d) {
            thr[tb + nb++] = K.edge(keys[q], keys[q + 1], sc);
            rest -= acc; left--; acc = 0;
            target = rest / left;
          }
        }
        nb++;
      }
      thr.fill(Infinity, tb + nb - 1, tb + 256);
      v.numBins[f] = nb;
      K.binTable(thr, tb, nb, sc.table, sc);
      K.mapColumn(bits, off, 1, N, thr, tb, nb, sc.table, v.bins, f * N, sc);
    },

    /**
     * Fills `table` for a numeric feature whose `nb` bins have Float32 upper bounds
     * `thr[tb ..]`: `table[p]` is the bin of the smallest value whose order-preserving
     * key (see taskBin) starts with the 16 bits `p`, i.e. the number of edges below it.
     */
    binTable(thr: Float32Array, tb: number, nb: number, table: Uint8Array, sc: GbdtScratch): void {
      let j = 0;
      const edges = nb - 1;
      let kj = 0;
      if (edges > 0) {
        sc.wordF32[0] = thr[tb];
        kj = K.keyOf(sc.word[0]);
      }
      for (let p = 0; p < 65536; p++) {
        const start = p * 65536;
        while (j < edges && kj < start) {
          j++;
          if (j < edges) {
            sc.wordF32[0] = thr[tb + j];
            kj = K.keyOf(sc.word[0]);
          }
        }
        table[p] = j;
      }
    },

    /**
     * Order-preserving unsigned key of Float32 bits: negatives have every bit flipped,
     * positives their sign bit set, so keys compare like the values; -0 maps to +0's key.
     * NaN is not expected. Branch-free (the sign of a value is unpredictable).
     */
    keyOf(u: number): number {
      if (u === 0x80000000) return 0x80000000;
      return (u ^ ((u >> 31) | 0x80000000)) >>> 0;
    },

    /**
     * Bins `n` Float32 values whose bits are `bits[off + r * stride]`, for a numeric
     * feature with `nb` bins (upper bounds `thr[tb ..]`, lookup `table` from binTable):
     * the table gives the range of bins the value's 16-bit key prefix can fall in, and a
     * binary search inside that range (usually empty) finishes. NaN gets the missing bin
     * `nb`. Writes `out[outOff + r]`.
     */
    mapColumn(bits: Uint32Array, off: number, stride: number, n: number, thr: Float32Array, tb: number, nb: number, table: Uint8Array, out: Uint8Array, outOff: number, sc: GbdtScratch): void {
      const wf = sc.wordF32;
      const word = sc.word;
      for (let r = 0; r < n; r++) {
        const u = bits[off + r * stride];
        if ((u & 0x7fffffff) > 0x7f800000) {
          out[outOff + r] = nb;
          continue;
        }
        const p = K.keyOf(u) >>> 16;
        let lo = table[p];
        let hi = p < 65535 ? table[p + 1] : nb - 1;
        if (lo < hi) {
          word[0] = u;
          const x = wf[0];
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (x <= thr[tb + mid]) hi = mid;
            else lo = mid + 1;
          }
        }
        out[outOff + r] = lo;
      }
    },

    /** Float32 edge between two ordered keys (see taskBin). */
    edge(ka: number, kb: number, sc: GbdtScratch): number {
      const word = sc.word;
      const wf = sc.wordF32;
      word[0] = (ka & 0x80000000) !== 0 ? ka ^ 0x80000000 : ~ka;
      const a = wf[0];
      word[0] = (kb & 0x80000000) !== 0 ? kb ^ 0x80000000 : ~kb;
      const b = wf[0];
      wf[0] = a + (b - a) / 2;
      const mid = wf[0];
      return mid >= b || mid < a ? a : mid;
    },

    /**
     * LSD radix sort of the first `n` uint32 keys (11, 11, 10 bits; the three digit
     * counts in one pass). Sorts through `tmp` and returns the array holding the result
     * (`tmp`: three passes); `c` holds 3 x 2048 counters.
     */
    radixSort(keys: Uint32Array, tmp: Uint32Array, c: Int32Array, n: number): Uint32Array {
      c.fill(0);
      for (let i = 0; i < n; i++) {
        const x = keys[i];
        c[x & 2047]++;
        c[2048 + ((x >>> 11) & 2047)]++;
        c[4096 + (x >>> 22)]++;
      }
      let src = keys;
      let dst = tmp;
      for (let pass = 0; pass < 3; pass++) {
        const shift = 11 * pass;
        const base = 2048 * pass;
        let sum = 0;
        for (let k = base; k < base + 2048; k++) {
          const t = c[k];
          c[k] = sum;
          sum += t;
        }
        for (let i = 0; i < n; i++) {
          const x = src[i];
          dst[c[base + ((x >>> shift) & 2047)]++] = x;
        }
        const t = src;
        src = dst;
        dst = t;
      }
      return src;
    },
  };
  return K;
}

/** The kernel object's type. @internal */
export type GbdtKernels = ReturnType<typeof gbdtKernels>;

/**
 * Entry point of a worker thread: builds its views and runs phases until told to stop.
 * Self-contained like {@link gbdtKernels}; receives the kernels and `workerData`.
 * @internal
 */
export function gbdtWorkerMain(K: GbdtKernels, data: GbdtBuffers): void {
  const v = K.views(data);
  const ctl = v.ctl;
  let seen = 0;
  for (;;) {
    K.await(ctl, K.GEN, seen + 1);
    seen = Atomics.load(ctl, K.GEN);
    if (Atomics.load(ctl, K.STOP) !== 0) return;
    K.drain(v, seen);
  }
}
