import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Dataset } from '../../src/dataset/dataset';
import { mergeProfiles, parseProfile, type CategoricalColumnProfile, type DatasetProfile, type NumericColumnProfile } from '../../src/dataset/profile';
import { MlopsError } from '../../src/errors';

const golden = JSON.parse(readFileSync(new URL('../fixtures/monitor/profile_golden.json', import.meta.url), 'utf8'));
const ds = Dataset.fromColumns(golden.data, { schema: { amount: 'number', score: 'number', country: 'category', flag: 'boolean' } });

function col<T extends NumericColumnProfile | CategoricalColumnProfile>(p: DatasetProfile, name: string): T {
  return p.columns.find((c) => c.name === name) as T;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof MlopsError ? e.code : 'not-mlops';
  }
  return undefined;
}

const sortedValues = (name: string): Float64Array =>
  Float64Array.from((golden.data[name] as (number | null)[]).filter((v): v is number => v !== null)).sort();

describe('profile()', () => {
  it('matches pandas describe, numpy quantiles and numpy.histogram when the sketch is exact', () => {
    const p = ds.profile({ sketchK: 4096, quantiles: golden.probs });
    expect(p.format).toBe('mlops-kit.profile');
    expect(p.version).toBe(1);
    expect(p.rows).toBe(3000);
    for (const name of ['amount', 'score']) {
      const c = col<NumericColumnProfile>(p, name);
      const g = golden[name];
      expect(c.type).toBe('number');
      expect(c.rankError).toBe(0);
      expect([c.count, c.missing, c.min, c.max]).toEqual([g.count, g.missing, g.min, g.max]);
      expect(c.mean).toBeCloseTo(g.mean, 11);
      expect(Math.abs((c.std as number) - g.std) / g.std).toBeLessThan(1e-12);
      expect(c.quantiles.values).toEqual(g.quantiles);
      expect(c.histogram.counts).toEqual(g.histogram.counts);
      c.histogram.edges.forEach((e, i) => expect(Math.abs(e - g.histogram.edges[i])).toBeLessThanOrEqual(1e-12 * Math.abs(g.max - g.min)));
    }
    const country = col<CategoricalColumnProfile>(p, 'country');
    expect([country.count, country.missing, country.exact, country.distinct]).toEqual([golden.country.count, golden.country.missing, true, 6]);
    expect(Object.fromEntries(country.top.map((t) => [t.value, t.count]))).toEqual(golden.country.counts);
    expect(country.other).toBe(0);
    const flag = col<CategoricalColumnProfile>(p, 'flag');
    expect(flag.type).toBe('boolean');
    expect(Object.fromEntries(flag.top.map((t) => [t.value, t.count]))).toEqual(golden.flag);
  });

  it('keeps quantiles and histograms within the documented rank error with the default sketch', () => {
    const p = ds.profile();
    const c = col<NumericColumnProfile>(p, 'amount');
    const sorted = sortedValues('amount');
    const n = sorted.length;
    expect(c.rankError).toBeGreaterThan(0);
    expect(c.rankError).toBeLessThan(0.02);
    c.quantiles.probs.forEach((q, i) => {
      const v = c.quantiles.values[i] as number;
      // The true ranks of v bracket q * n within the bound.
      let below = 0;
      let atOrBelow = 0;
      for (const x of sorted) {
        if (x < v) below++;
        if (x <= v) atOrBelow++;
      }
      expect(atOrBelow / n).toBeGreaterThanOrEqual(q - c.rankError - 1e-12);
      expect(below / n).toBeLessThanOrEqual(q + c.rankError + 1e-12);
    });
    expect(c.histogram.counts.reduce((a, b) => a + b, 0)).toBe(n);
    golden.amount.histogram.counts.forEach((g: number, i: number) => expect(Math.abs(c.histogram.counts[i] - g)).toBeLessThanOrEqual(2 * c.rankError * n));
  });

  it('merges exactly for counts, frequencies and moments: profile(a ∪ b) == mergeProfiles(profile(a), profile(b))', () => {
    const cuts = [0, 400, 401, 1700, 3000];
    const parts = cuts.slice(1).map((end, i) => ds.slice(cuts[i], end).profile());
    // Profiles travel as JSON (an artifact manifest, a file) before they are merged.
    const merged = mergeProfiles(parts.map((p) => JSON.parse(JSON.stringify(p))));
    const whole = ds.profile();
    expect(merged.rows).toBe(whole.rows);
    for (const name of ['amount', 'score']) {
      const m = col<NumericColumnProfile>(merged, name);
      const w = col<NumericColumnProfile>(whole, name);
      expect([m.count, m.missing, m.min, m.max, m.moments.count]).toEqual([w.count, w.missing, w.min, w.max, w.moments.count]);
      expect(Math.abs((m.mean as number) - (w.mean as number))).toBeLessThanOrEqual(1e-12 * Math.abs(w.mean as number));
      expect(Math.abs((m.std as number) - (w.std as number))).toBeLessThanOrEqual(1e-12 * (w.std as number));
      const sorted = sortedValues(name);
      const n = sorted.length;
      m.quantiles.values.forEach((v, i) => {
        const q = m.quantiles.probs[i];
        let atOrBelow = 0;
        let below = 0;
        for (const x of sorted) {
          if (x <= (v as number)) atOrBelow++;
          if (x < (v as number)) below++;
        }
        expect(atOrBelow / n).toBeGreaterThanOrEqual(q - m.rankError - 1e-12);
        expect(below / n).toBeLessThanOrEqual(q + m.rankError + 1e-12);
      });
    }
    for (const name of ['country', 'flag']) {
      const m = col<CategoricalColumnProfile>(merged, name);
      const w = col<CategoricalColumnProfile>(whole, name);
      expect(m).toEqual(w);
    }
    // Merging is associative for the exact parts.
    const regrouped = mergeProfiles(mergeProfiles(parts[0], parts[1]), mergeProfiles(parts[2], parts[3]));
    expect(col(regrouped, 'country')).toEqual(col(merged, 'country'));
    expect(col<NumericColumnProfile>(regrouped, 'score').moments.count).toBe(col<NumericColumnProfile>(merged, 'score').moments.count);
  });

  it('handles empty, all-missing, constant and date columns', () => {
    const d = Dataset.fromColumns(
      {
        none: [null, null, null],
        constant: [7, 7, 7],
        when: ['2024-01-01', '2024-01-03', null],
      },
      { schema: { none: 'number', when: 'date' } },
    );
    const p = JSON.parse(JSON.stringify(d.profile()));
    const none = col<NumericColumnProfile>(p, 'none');
    expect([none.count, none.missing, none.mean, none.std, none.min]).toEqual([0, 3, null, null, null]);
    expect(none.quantiles.values.every((v) => v === null)).toBe(true);
    expect(none.histogram).toEqual({ edges: [], counts: [] });
    const constant = col<NumericColumnProfile>(p, 'constant');
    expect(constant.std).toBe(0);
    expect(constant.histogram).toEqual({ edges: [7, 7], counts: [3] });
    const when = col<NumericColumnProfile>(p, 'when');
    expect(when.type).toBe('date');
    expect(when.min).toBe(Date.UTC(2024, 0, 1));
    expect(when.max).toBe(Date.UTC(2024, 0, 3));
    expect(parseProfile(p)).toEqual(p);
    const empty = d.slice(0, 0).profile();
    expect(empty.rows).toBe(0);
    expect(mergeProfiles(empty, d.profile()).rows).toBe(3);
  });

  it('profiles only the requested columns and validates options', () => {
    expect(ds.profile({ columns: ['score'] }).columns.map((c) => c.name)).toEqual(['score']);
    expect(codeOf(() => ds.profile({ columns: ['nope'] }))).toBe('DATA_COLUMN_NOT_FOUND');
    expect(codeOf(() => ds.profile({ bins: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ds.profile({ quantiles: [1.5] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => ds.profile({ sketchK: 2 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('parseProfile', () => {
  const good = JSON.parse(JSON.stringify(ds.head(100).profile()));

  it('round-trips a profile', () => {
    expect(parseProfile(good)).toEqual(good);
  });

  it('throws MONITOR_INCOMPATIBLE for another version and INVALID_ARGUMENT for malformed input', () => {
    expect(codeOf(() => parseProfile({ ...good, version: 2 }))).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf(() => parseProfile({ ...good, columns: [{ ...good.columns[0], sketch: { ...good.columns[0].sketch, version: 7 } }] }))).toBe(
      'MONITOR_INCOMPATIBLE',
    );
    expect(codeOf(() => parseProfile(null))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile([]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile({ ...good, format: 'other' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile({ ...good, rows: 99 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile({ ...good, columns: [good.columns[0], good.columns[0]] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile({ ...good, columns: [{ ...good.columns[0], type: 'text' }] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseProfile({ ...good, columns: [{ ...good.columns[0], moments: { ...good.columns[0].moments, count: 1 } }] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => parseProfile({ ...good, options: undefined }))).toBe('INVALID_ARGUMENT');
    // Derived views are recomputed from the sketches, so a tampered mean is replaced.
    const tampered = parseProfile({ ...good, columns: good.columns.map((c: NumericColumnProfile) => ({ ...c, mean: 1e9 })) });
    expect(tampered.columns[0]).toEqual(good.columns[0]);
  });

  it('refuses to merge profiles of different schemas', () => {
    const other = Dataset.fromColumns({ amount: ['a', 'b'] }).profile();
    expect(codeOf(() => mergeProfiles(good, other))).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf(() => mergeProfiles(good, ds.select(['score']).profile()))).toBe('MONITOR_INCOMPATIBLE');
    expect(codeOf(() => mergeProfiles())).toBe('INVALID_ARGUMENT');
  });
});
