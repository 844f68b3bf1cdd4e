/**
 * The drift decision for one feature, and the correction across features.
 *
 * Default rule (see docs/monitoring.md): a feature's distribution has drifted when its
 * test's p-value, corrected across features (Benjamini-Hochberg), is below `alpha` AND
 * its effect size reaches the threshold. The p-value guards small windows against noise;
 * the effect size guards large windows against flagging differences too small to matter
 * (at a million rows every p-value is tiny).
 *
 * - numeric: two-sample KS (exact scipy-compatible test on the raw values while both
 *   sketches are exact, else KS distance from the sketches with the asymptotic p-value);
 *   effect size: Wasserstein-1 divided by the reference standard deviation.
 * - categorical/boolean: chi-square on the 2 x K table (categories of either side);
 *   effect size: Jensen-Shannon distance (base 2, in [0, 1]).
 *
 * @module
 */
import type { ColumnState } from '../dataset/profile';
import type { QuantileSketch } from '../sketch/quantile-sketch';
import type { FrequencySketch } from '../sketch/frequency-sketch';
import { benjaminiHochberg, bonferroni, chiSquareTest, jensenShannon, ksTest, psiFromCounts, twoProportionZTest, wasserstein } from './stats/index';
import type { FeatureSpec, FeatureState } from './feature-state';
import { effectFor, type ResolvedThresholds } from './options';
import { ksAsymptoticPValue, openBinCounts, quantileEdges, sketchKsDistance } from './sketch-stats';
import type { DistributionSummary, DriftHistogram, FeatureDrift, MissingRateDrift } from './report-types';

const OTHER = '(other)';
const HISTOGRAM_BINS = 30;
const TOP_CATEGORIES = 10;

/** The reference side of a feature: its profile state and the reference row count. @internal */
export interface ReferenceSide {
  state: ColumnState;
  rows: number;
}

function rate(k: number, n: number): number | null {
  return n > 0 ? k / n : null;
}

function numericSummary(sketch: QuantileSketch, mean: number, std: number, missing: number, rows: number): DistributionSummary {
  const q = (p: number): number | null => (sketch.n > 0 ? sketch.quantile(p) : null);
  const has = sketch.n > 0;
  return {
    count: sketch.n,
    missing,
    missingRate: rate(missing, rows),
    mean: has ? mean : null,
    std: has ? std : null,
    min: has ? sketch.min : null,
    max: has ? sketch.max : null,
    quantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
  };
}

function categoricalSummary(freq: FrequencySketch, missing: number, rows: number): DistributionSummary {
  return {
    count: freq.n,
    missing,
    missingRate: rate(missing, rows),
    distinct: freq.distinct,
    top: freq.top(5).map((t) => ({ value: t.value, count: t.count, share: freq.n > 0 ? t.count / freq.n : 0 })),
  };
}

function missingSignal(refMissing: number, refRows: number, curMissing: number, curRows: number, threshold: number): MissingRateDrift {
  const referenceRate = rate(refMissing, refRows);
  const currentRate = rate(curMissing, curRows);
  const out: MissingRateDrift = {
    referenceRate,
    currentRate,
    change: referenceRate !== null && currentRate !== null ? currentRate - referenceRate : null,
    statistic: null,
    pValue: null,
    adjustedPValue: null,
    threshold,
    drifted: false,
  };
  if (refRows === 0 || curRows === 0) return out;
  if (refMissing + curMissing === 0 || refMissing + curMissing === refRows + curRows) {
    out.statistic = 0;
    out.pValue = 1;
  } else {
    const z = twoProportionZTest(curMissing, curRows, refMissing, refRows);
    out.statistic = z.statistic;
    out.pValue = z.pValue;
  }
  return out;
}

/**
 * Tests one feature of the current window against the reference. p-values are raw here;
 * {@link decide} corrects them and sets the verdicts.
 * @internal
 */
export function evaluateFeature(spec: FeatureSpec, ref: ReferenceSide, cur: FeatureState, t: ResolvedThresholds): FeatureDrift {
  const curMissing = cur.missing + cur.invalid + cur.absent;
  const drift: FeatureDrift = {
    name: spec.name,
    kind: spec.kind,
    status: 'ok',
    reason: null,
    drifted: false,
    distributionDrifted: false,
    test: null,
    effectSize: null,
    metrics: {},
    missing: missingSignal(ref.state.missing, ref.rows, curMissing, cur.rows, t.missingRate.minChange),
    reference: { count: 0, missing: ref.state.missing, missingRate: rate(ref.state.missing, ref.rows) },
    current: { count: 0, missing: curMissing, missingRate: rate(curMissing, cur.rows) },
    histogram: null,
    newCategories: [],
    invalid: cur.invalid,
    notes: [],
  };
  if (cur.absent > 0) drift.notes.push(`the column was absent from ${cur.absent} of ${cur.rows} rows (counted as missing)`);
  if (cur.invalid > 0) drift.notes.push(`${cur.invalid} value(s) could not be read as ${spec.kind === 'numeric' ? 'numbers' : 'categories'}, e.g. ${cur.example} (counted as missing)`);
  try {
    if (spec.kind === 'numeric') numeric(drift, ref, cur, t);
    else categorical(drift, spec, ref, cur, t);
  } catch (error) {
    drift.status = 'errored';
    drift.reason = `the drift test failed: ${error instanceof Error ? error.message : String(error)}`;
    drift.test = null;
    drift.effectSize = null;
  }
  return drift;
}

function gate(drift: FeatureDrift, count: number, invalid: number, absent: number, rows: number, referenceCount: number, t: ResolvedThresholds): boolean {
  if (referenceCount === 0) {
    drift.status = 'errored';
    drift.reason = 'the reference has no value for this column, so there is nothing to compare with';
    return false;
  }
  if (count === 0 && invalid > 0) {
    drift.status = 'errored';
    drift.reason = `none of the window's values could be read as the reference type (${drift.notes[drift.notes.length - 1]})`;
    return false;
  }
  if (count === 0) {
    drift.status = 'no-data';
    drift.reason = rows === 0 ? 'no row in the window' : absent === rows ? 'the column was absent from every row of the window' : 'every value in the window is missing';
    return false;
  }
  if (count < t.minSamples) {
    drift.status = 'insufficient-data';
    drift.reason = `only ${count} value(s) in the window; at least ${t.minSamples} (thresholds.minSamples) are needed for a distribution test`;
    return false;
  }
  return true;
}

function numeric(drift: FeatureDrift, ref: ReferenceSide, cur: FeatureState, t: ResolvedThresholds): void {
  const rs = ref.state as Extract<ColumnState, { sketch: QuantileSketch }>;
  const refSketch = rs.sketch;
  const curSketch = cur.sketch as QuantileSketch;
  const curMoments = cur.moments!;
  drift.reference = numericSummary(refSketch, rs.moments.mean, rs.moments.std, rs.missing, ref.rows);
  drift.current = numericSummary(curSketch, curMoments.mean, curMoments.std, drift.current.missing, cur.rows);
  if (refSketch.n > 0 && curSketch.n > 0) drift.histogram = numericHistogram(refSketch, curSketch);
  if (!gate(drift, curSketch.n, cur.invalid, cur.absent, cur.rows, refSketch.n, t)) return;

  const A = refSketch.weighted();
  const B = curSketch.weighted();
  if (refSketch.isExact && curSketch.isExact) {
    const ks = ksTest(A.values, B.values);
    drift.test = { name: 'ks', method: ks.method, statistic: ks.statistic, pValue: ks.pValue, adjustedPValue: ks.pValue };
  } else {
    const d = sketchKsDistance(refSketch, curSketch);
    const error = refSketch.rankError() + curSketch.rankError();
    // The sketch D can overstate the true D by up to `error`; the p-value is taken at the
    // smallest D consistent with the sketches, so it is never below the p-value of the raw
    // data (the test stays conservative instead of flagging sketch noise as drift).
    const p = ksAsymptoticPValue(Math.max(0, d - error), refSketch.n, curSketch.n);
    drift.test = { name: 'ks', method: 'sketch', statistic: d, pValue: p, adjustedPValue: p, statisticError: error };
  }
  const w = wasserstein(A.values, B.values, { weightsA: A.weights, weightsB: B.weights });
  const refStd = rs.moments.std;
  const curStd = curMoments.std;
  let normalized: number;
  if (refStd > 0) normalized = w / refStd;
  else if (curStd > 0) {
    normalized = w / curStd;
    drift.notes.push('the reference is constant (std 0): the Wasserstein distance is divided by the current std instead');
  } else {
    normalized = w === 0 ? 0 : Infinity;
    drift.notes.push(w === 0 ? 'both sides are the same constant' : 'both sides are constant with different values: infinite normalised distance');
  }
  const edges = quantileEdges(refSketch, t.psiBins);
  const psi = psiFromCounts(openBinCounts(refSketch, edges), openBinCounts(curSketch, edges));
  drift.metrics = { ks: drift.test.statistic, wasserstein: w, normalizedWasserstein: normalized, psi };
  const { effectSize, threshold } = effectFor(t, drift.name, 'numeric');
  const value = effectSize === 'psi' ? psi : effectSize === 'ks' ? drift.test.statistic : normalized;
  drift.effectSize = { name: effectSize, value, threshold };
}

function numericHistogram(a: QuantileSketch, b: QuantileSketch): DriftHistogram {
  let lo = Math.min(a.quantile(0.005), b.quantile(0.005));
  let hi = Math.max(a.quantile(0.995), b.quantile(0.995));
  if (!(hi > lo)) {
    lo = Math.min(a.min, b.min);
    hi = Math.max(a.max, b.max);
  }
  if (!(hi > lo)) return { kind: 'numeric', edges: [lo, hi], reference: [1], current: [1] };
  const edges: number[] = [];
  for (let i = 0; i <= HISTOGRAM_BINS; i++) edges.push(lo + ((hi - lo) * i) / HISTOGRAM_BINS);
  const inner = edges.slice(1, -1);
  const shares = (s: QuantileSketch): number[] => openBinCounts(s, inner).map((c) => c / s.n);
  return { kind: 'numeric', edges, reference: shares(a), current: shares(b) };
}

function categorical(drift: FeatureDrift, spec: FeatureSpec, ref: ReferenceSide, cur: FeatureState, t: ResolvedThresholds): void {
  const rf = (ref.state as Extract<ColumnState, { freq: FrequencySketch }>).freq;
  const cf = cur.freq as FrequencySketch;
  drift.reference = categoricalSummary(rf, ref.state.missing, ref.rows);
  drift.current = categoricalSummary(cf, drift.current.missing, cur.rows);
  const categories = [...new Set([...rf.items().map((i) => i.value), ...cf.items().map((i) => i.value)])];
  const refCounts = categories.map((c) => rf.count(c));
  const curCounts = categories.map((c) => cf.count(c));
  if (!rf.isExact || !cf.isExact) {
    categories.push(OTHER);
    refCounts.push(rf.untracked);
    curCounts.push(cf.untracked);
    drift.notes.push(`more distinct values than the frequency sketch counts exactly; the rest is grouped as "${OTHER}"`);
  }
  if (rf.isExact) drift.newCategories = categories.filter((c, i) => c !== OTHER && refCounts[i] === 0 && curCounts[i] > 0).slice(0, 20);
  if (drift.newCategories.length > 0) drift.notes.push(`new categories: ${drift.newCategories.map((c) => JSON.stringify(c)).join(', ')}`);
  if (rf.n > 0 && cf.n > 0) drift.histogram = categoricalHistogram(categories, refCounts, curCounts, rf.n, cf.n);
  if (!gate(drift, cf.n, cur.invalid, cur.absent, cur.rows, rf.n, t)) return;
  // Categories absent from both sides carry no information (and break the table).
  const keep = categories.map((_, i) => refCounts[i] + curCounts[i] > 0);
  const r = refCounts.filter((_, i) => keep[i]);
  const c = curCounts.filter((_, i) => keep[i]);
  if (r.length < 2) {
    drift.test = { name: 'chi-square', method: 'pearson', statistic: 0, pValue: 1, adjustedPValue: 1, dof: 0 };
  } else {
    const chi = chiSquareTest(r, c);
    drift.test = { name: 'chi-square', method: 'pearson', statistic: chi.statistic, pValue: chi.pValue, adjustedPValue: chi.pValue, dof: chi.dof };
  }
  const js = jensenShannon(r, c, { base: 2 });
  const psi = psiFromCounts(r, c);
  drift.metrics = { jensenShannon: js, psi };
  const { effectSize, threshold } = effectFor(t, spec.name, 'categorical');
  drift.effectSize = { name: effectSize, value: effectSize === 'psi' ? psi : js, threshold };
}

function categoricalHistogram(categories: string[], ref: number[], cur: number[], nr: number, nc: number): DriftHistogram {
  const order = categories.map((_, i) => i).sort((i, j) => Math.max(ref[j] / nr, cur[j] / nc) - Math.max(ref[i] / nr, cur[i] / nc));
  const shown = order.filter((i) => categories[i] !== OTHER).slice(0, TOP_CATEGORIES);
  const rest = order.filter((i) => !shown.includes(i));
  const out: DriftHistogram = {
    kind: 'categorical',
    categories: shown.map((i) => categories[i]),
    reference: shown.map((i) => ref[i] / nr),
    current: shown.map((i) => cur[i] / nc),
  };
  if (rest.length > 0) {
    out.categories.push(OTHER);
    out.reference.push(rest.reduce((a, i) => a + ref[i], 0) / nr);
    out.current.push(rest.reduce((a, i) => a + cur[i], 0) / nc);
  }
  return out;
}

function adjust(pValues: number[], correction: ResolvedThresholds['correction']): number[] {
  if (pValues.length === 0 || correction === 'none') return pValues;
  return Array.from(correction === 'bonferroni' ? bonferroni(pValues) : benjaminiHochberg(pValues));
}

/**
 * Corrects the p-values across the given features (distribution tests and missing-rate
 * tests separately) and sets every verdict.
 * @internal
 */
export function decide(features: FeatureDrift[], t: ResolvedThresholds, correction: ResolvedThresholds['correction'] = t.correction): void {
  const tested = features.filter((f) => f.test !== null);
  adjust(
    tested.map((f) => f.test!.pValue),
    correction,
  ).forEach((p, i) => (tested[i].test!.adjustedPValue = p));
  const missingTested = features.filter((f) => f.missing.pValue !== null);
  adjust(
    missingTested.map((f) => f.missing.pValue!),
    correction,
  ).forEach((p, i) => (missingTested[i].missing.adjustedPValue = p));
  for (const f of features) {
    const significant = f.test !== null && f.test.adjustedPValue < t.alpha;
    const large = f.effectSize !== null && f.effectSize.value >= f.effectSize.threshold;
    f.distributionDrifted = f.status === 'ok' && (t.rule === 'both' ? significant && large : t.rule === 'p-value' ? significant : large);
    const m = f.missing;
    m.drifted = m.adjustedPValue !== null && m.adjustedPValue < t.alpha && m.change !== null && Math.abs(m.change) >= m.threshold;
    f.drifted = f.status !== 'errored' && (f.distributionDrifted || m.drifted);
  }
}
