/**
 * Bootstrap confidence intervals: how much a metric would move on another test set of the
 * same size drawn from the same population.
 *
 * Each resample draws `n` rows with replacement (seeded, from {@link createRng}); the
 * metric is recomputed on it, and the percentile interval is read off the resampled
 * values with numpy's `percentile`. Resamples where a metric is undefined (a resample
 * without positives, for ROC AUC) are left out of that metric's interval and counted.
 *
 * @module
 */
import { throwIfAborted } from '../errors';
import { createRng, type Rng, type Seed } from '../random';
import { invalidInput } from './inputs';
import { percentileSorted } from '../math/summary';
import type { Suite } from './suite';

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). Time grows linearly with resamples x rows. */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 42): the same seed gives the same intervals. */
  seed?: Seed;
}

/** A percentile bootstrap interval. */
export interface Interval {
  /** Lower bound (the `(1 - confidence) / 2` percentile). */
  lower: number;
  /** Upper bound (the `(1 + confidence) / 2` percentile). */
  upper: number;
  /** Standard deviation of the resampled values. */
  standardError: number;
  /** Resamples where the metric was defined (the others are left out). */
  resamples: number;
}

/** Resolved bootstrap settings. @internal */
export interface BootstrapSettings {
  resamples: number;
  confidence: number;
  seed: Seed;
}

/** Validates bootstrap options. @internal */
export function bootstrapSettings(options: BootstrapOptions = {}): BootstrapSettings {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 10) throw invalidInput(`bootstrap.resamples must be an integer >= 10, got ${String(resamples)}.`, { argument: 'resamples' });
  if (!(confidence > 0 && confidence < 1)) throw invalidInput(`bootstrap.confidence must be in (0, 1), got ${String(confidence)}.`, { argument: 'confidence' });
  return { resamples, confidence, seed: options.seed ?? 42 };
}

/** Draws one bootstrap resample of `n` rows as per-row counts. @internal */
export function drawCounts(rng: Rng, n: number, out: Uint32Array): Uint32Array {
  out.fill(0);
  for (let i = 0; i < n; i++) out[rng.int(n)]++;
  return out;
}

/** The percentile interval of resampled values (NaNs left out); null when fewer than half are defined. @internal */
export function percentileInterval(values: Float64Array, confidence: number): Interval | null {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) m++;
  if (m < Math.max(2, values.length / 2)) return null;
  const v = new Float64Array(m);
  let k = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      v[k++] = values[i];
      s += values[i];
    }
  }
  v.sort();
  const mean = s / m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (v[i] - mean) ** 2;
  const alpha = (1 - confidence) / 2;
  return {
    lower: percentileSorted(v, 100 * alpha),
    upper: percentileSorted(v, 100 * (1 - alpha)),
    standardError: Math.sqrt(ss / (m - 1)),
    resamples: m,
  };
}

/** Yields to the event loop, so a long bootstrap does not stall a server. @internal */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `resamples` resamples over one or more suites of the same `n` rows with the same
 * counts (paired when several), calling `record(r, values)` with each suite's metrics.
 * @internal
 */
export async function runBootstrap(
  suites: readonly Suite[],
  n: number,
  settings: BootstrapSettings,
  record: (r: number, values: Record<string, number>[]) => void,
  signal?: AbortSignal,
  label = 'bootstrap',
): Promise<void> {
  const rng = createRng(settings.seed);
  const counts = new Uint32Array(n);
  let last = performance.now();
  for (let r = 0; r < settings.resamples; r++) {
    drawCounts(rng, n, counts);
    record(
      r,
      suites.map((s) => s.compute(counts)),
    );
    if (performance.now() - last > 50) {
      await yieldToEventLoop();
      throwIfAborted(signal, label);
      last = performance.now();
    }
  }
}

/** Bootstrap intervals for every metric of a suite. @internal */
export async function bootstrapIntervals(
  suite: Suite,
  n: number,
  settings: BootstrapSettings,
  signal?: AbortSignal,
  onResample?: (done: number, total: number) => void,
): Promise<Record<string, Interval | null>> {
  const values: Record<string, Float64Array> = {};
  for (const name of suite.names) values[name] = new Float64Array(settings.resamples);
  await runBootstrap(
    [suite],
    n,
    settings,
    (r, [metrics]) => {
      for (const name of suite.names) values[name][r] = metrics[name];
      onResample?.(r + 1, settings.resamples);
    },
    signal,
  );
  const out: Record<string, Interval | null> = {};
  for (const name of suite.names) out[name] = percentileInterval(values[name], settings.confidence);
  return out;
}
