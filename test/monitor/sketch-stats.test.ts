import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { QuantileSketch } from '../../src/sketch/quantile-sketch';
import { ksAsymptoticPValue, sketchKsDistance } from '../../src/monitor/sketch-stats';
import { DriftMonitor } from '../../src/monitor/monitor';
import { Dataset } from '../../src/dataset/dataset';
import { createRng } from '../../src/random';

const golden = JSON.parse(readFileSync(new URL('../fixtures/monitor/profile_drift_golden.json', import.meta.url), 'utf8'));

function decode(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  return Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

function sketchOf(values: Float64Array, k: number, seed: number, stream: boolean): QuantileSketch {
  const s = new QuantileSketch({ k, seed });
  if (stream) for (const v of values) s.update(v);
  else s.updateMany(values);
  return s;
}

describe('KS from sketches against scipy.stats.ks_2samp on the raw data', () => {
  for (const c of golden.cases) {
    it(`${c.name}: |D̂ - D| within the sketches' rank errors`, () => {
      const a = decode(c.reference);
      const b = decode(c.current);
      for (const k of [32, 128, 256]) {
        for (const stream of [false, true]) {
          const sa = sketchOf(a, k, 1, stream);
          const sb = sketchOf(b, k, 2, stream);
          const d = sketchKsDistance(sa, sb);
          const bound = sa.rankError() + sb.rankError();
          expect(Math.abs(d - c.ks.statistic)).toBeLessThanOrEqual(bound + 1e-12);
          if (sa.isExact && sb.isExact) expect(d).toBeCloseTo(c.ks.statistic, 12);
        }
      }
    });
  }

  it("the p-value from a sketch D is scipy's asymptotic p-value, kstwo.sf(d, round(en))", () => {
    for (const { n, m, d, p } of golden.pvalues) {
      expect(Math.abs(ksAsymptoticPValue(d, n, m) - p)).toBeLessThanOrEqual(1e-9 + 1e-6 * p);
    }
    for (const c of golden.cases) {
      const n = decode(c.reference).length;
      const m = decode(c.current).length;
      expect(Math.abs(ksAsymptoticPValue(c.ks.statistic, n, m) - c.ks.asympPValue)).toBeLessThanOrEqual(1e-12 + 1e-6 * c.ks.asympPValue);
    }
  });

  it('a monitor reproduces scipy D, p-value and normalised Wasserstein within the sketch bounds', () => {
    for (const c of golden.cases) {
      const a = decode(c.reference);
      const b = decode(c.current);
      const reference = Dataset.fromColumns({ x: a }).profile();
      const monitor = new DriftMonitor({ reference, window: { type: 'count', size: 1_000_000 }, thresholds: { minSamples: 10 } });
      for (let i = 0; i < b.length; i += 1000) monitor.observe(Dataset.fromColumns({ x: b.subarray(i, i + 1000) }));
      const f = monitor.check().feature('x')!;
      expect(f.status).toBe('ok');
      const t = f.test!;
      const bound = t.method === 'sketch' ? t.statisticError! : 0;
      expect(Math.abs(t.statistic - c.ks.statistic)).toBeLessThanOrEqual(bound + 1e-9);
      if (t.method === 'sketch') {
        // The p-value is taken at the smallest D the sketches allow (D - error), so it is never
        // below scipy's asymptotic p-value on the raw data (conservative), and at most the
        // p-value at D - 2 * error.
        const lo = ksAsymptoticPValue(c.ks.statistic, a.length, b.length);
        const hi = ksAsymptoticPValue(Math.max(0, c.ks.statistic - 2 * bound), a.length, b.length);
        expect(t.pValue).toBeGreaterThanOrEqual(lo);
        expect(t.pValue).toBeLessThanOrEqual(hi);
      }
      // Wasserstein between the weighted sketches (default k = 512): within 5% relative or 0.01 reference stds.
      const nw = f.metrics.normalizedWasserstein;
      expect(Math.abs(nw - c.normalizedWasserstein)).toBeLessThanOrEqual(Math.max(0.05 * c.normalizedWasserstein, 0.01));
    }
  });
});

describe('sketch-mode KS under no drift', () => {
  it('does not flag sketch noise as drift with the p-value rule alone', () => {
    // Windows drawn from the reference distribution itself: with the sketch D taken at face
    // value, p-values fall below 0.05 at these sizes; taken at D - error they must not.
    const rng = createRng(12);
    const draw = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
    const reference = Dataset.fromColumns({ x: draw(200_000) }).profile();
    let flagged = 0;
    for (let trial = 0; trial < 3; trial++) {
      const monitor = new DriftMonitor({ reference, window: { type: 'count', size: 100_000 }, thresholds: { rule: 'p-value' } });
      for (let i = 0; i < 100; i++) monitor.observe(Dataset.fromColumns({ x: draw(1000) }));
      const f = monitor.check().feature('x')!;
      expect(f.test!.method).toBe('sketch');
      if (f.drifted) flagged++;
    }
    expect(flagged).toBe(0);
  });
});
