/**
 * Turns the training matrix into the uint8, feature-major binned matrix that every
 * histogram is built from.
 *
 * - Numeric features: up to `maxBins` bins from the (sampled) value distribution, found
 *   by the BIN kernel (see `kernels.ts`), one task per feature, in blocks of columns
 *   transposed from the row-major input so the workers read contiguous memory (the
 *   block holds `rawBlock` columns).
 * - Categorical features (ordinal codes 0..k-1): one bin per category; with more
 *   categories than `maxBins`, the `maxBins - 1` most frequent keep their own bin and the
 *   rest share the last one.
 * - Missing values (NaN, or a code outside 0..k-1) get the bin after the feature's last
 *   real bin, so every split learns where they go.
 *
 * @module
 * @internal
 */
import type { FeatureInfo } from '../../preprocess/pipeline';
import type { Rng } from '../../random';
import type { TaskRunner } from './worker-pool';

/** Rows sampled to find numeric bin edges (as LightGBM and scikit-learn). */
export const BIN_SAMPLE_ROWS = 200_000;

/** What binning leaves behind besides the bins themselves. @internal */
export interface BinInfo {
  /** Per categorical feature: category code -> bin (null for numeric features). */
  catBinOf: (Int32Array | null)[];
  /** Features whose every row falls in one bin: they can never split. */
  constant: Uint8Array;
}

/**
 * Picks the rows used to find bin edges: all of them up to {@link BIN_SAMPLE_ROWS},
 * else a seeded sample (sorted positions).
 */
export function binSample(n: number, rng: Rng): Int32Array | null {
  if (n <= BIN_SAMPLE_ROWS) return null;
  const perm = rng.permutation(n);
  return Int32Array.from(perm.subarray(0, BIN_SAMPLE_ROWS)).sort();
}

/**
 * Bins `rows` (positions into the row-major `X` with `cols` columns; null for all rows)
 * into the runner's shared buffers.
 */
export function binRows(
  runner: TaskRunner,
  X: Float32Array,
  cols: number,
  rows: Int32Array | null,
  features: readonly FeatureInfo[],
  maxBins: number,
  sample: Int32Array | null,
): BinInfo {
  const { K, v } = runner;
  const N = v.N;
  const F = features.length;
  const catBinOf: (Int32Array | null)[] = new Array<Int32Array | null>(F).fill(null);
  if (sample !== null) v.sample.set(sample);
  const numeric: number[] = [];
  for (let f = 0; f < F; f++) {
    if (features[f].kind === 'categorical') {
      v.isCat[f] = 1;
      catBinOf[f] = binCategorical(runner, X, cols, rows, f, features[f].numCategories ?? 0, maxBins);
    } else {
      v.isCat[f] = 0;
      numeric.push(f);
    }
  }
  const raw = v.raw;
  const blockSize = v.raw.length / N;
  for (let b0 = 0; b0 < numeric.length; b0 += blockSize) {
    const block = numeric.slice(b0, b0 + blockSize);
    const w = block.length;
    for (let r = 0; r < N; r++) {
      const src = (rows === null ? r : rows[r]) * cols;
      for (let j = 0; j < w; j++) raw[j * N + r] = X[src + block[j]];
    }
    for (let j = 0; j < w; j++) {
      const o = runner.task(j);
      v.tasks[o] = K.BIN;
      v.tasks[o + 1] = block[j];
      v.tasks[o + 2] = j;
      v.tasks[o + 3] = sample === null ? 0 : sample.length;
      v.tasks[o + 4] = maxBins;
    }
    runner.run(w);
  }
  const constant = new Uint8Array(F);
  for (let f = 0; f < F; f++) {
    const col = v.bins.subarray(f * N, (f + 1) * N);
    const first = col[0];
    let same = true;
    for (let r = 1; r < N && same; r++) same = col[r] === first;
    constant[f] = same ? 1 : 0;
  }
  return { catBinOf, constant };
}

function binCategorical(runner: TaskRunner, X: Float32Array, cols: number, rows: Int32Array | null, f: number, k: number, maxBins: number): Int32Array {
  const { v } = runner;
  const N = v.N;
  const codeAt = (r: number): number => {
    const x = X[(rows === null ? r : rows[r]) * cols + f];
    return Number.isInteger(x) && x >= 0 && x < k ? x : -1;
  };
  const binOf = new Int32Array(k);
  if (k <= maxBins) {
    for (let c = 0; c < k; c++) binOf[c] = c;
  } else {
    const counts = new Float64Array(k);
    for (let r = 0; r < N; r++) {
      const c = codeAt(r);
      if (c >= 0) counts[c]++;
    }
    const byCount = Array.from({ length: k }, (_, c) => c).sort((a, b) => counts[b] - counts[a] || a - b);
    const kept = byCount.slice(0, maxBins - 1).sort((a, b) => a - b);
    binOf.fill(maxBins - 1);
    kept.forEach((c, b) => {
      binOf[c] = b;
    });
  }
  const nb = Math.max(1, Math.min(k, maxBins));
  v.numBins[f] = nb;
  const bins = v.bins;
  const o = f * N;
  for (let r = 0; r < N; r++) {
    const c = codeAt(r);
    bins[o + r] = c < 0 ? nb : binOf[c];
  }
  return binOf;
}

/**
 * Bins other rows (validation) with the training bins: `n` rows of the row-major `X`
 * (`cols` columns). Returns a feature-major matrix like the training one.
 */
export function binWithEdges(runner: TaskRunner, info: BinInfo, X: Float32Array, cols: number, n: number): Uint8Array {
  const { K, v } = runner;
  const F = v.F;
  const out = new Uint8Array(F * n);
  const bits = new Uint32Array(X.buffer, X.byteOffset, X.length);
  const sc = K.scratchOf(v, 0);
  for (let f = 0; f < F; f++) {
    const nb = v.numBins[f];
    const binOf = info.catBinOf[f];
    if (binOf === null) {
      K.binTable(v.thresholds, f * 256, nb, sc.table, sc);
      K.mapColumn(bits, f, cols, n, v.thresholds, f * 256, nb, sc.table, out, f * n, sc);
      continue;
    }
    for (let r = 0; r < n; r++) {
      const x = X[r * cols + f];
      out[f * n + r] = Number.isInteger(x) && x >= 0 && x < binOf.length ? binOf[x] : nb;
    }
  }
  return out;
}
