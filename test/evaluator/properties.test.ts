import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random';
import { radixSort } from '../../src/math/radix-sort';
import { drawCounts, percentileInterval } from '../../src/evaluator/bootstrap';
import { type EvalData, prepareSuite } from '../../src/evaluator/suite';
import { accuracy, rocAuc, thresholdForCost, thresholdForMaxF1, thresholdForPrecision, thresholdForRecall } from '../../src/evaluator/index';

describe('radixSort', () => {
  const special = fc.constantFrom(0, -0, 1, -1, 0.5, 5e-324, -5e-324, 2.2250738585072014e-308, -1e300, 1e300, Number.MAX_VALUE, -Number.MAX_VALUE);
  const key = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), special, fc.integer({ min: -3, max: 3 }), fc.constantFrom(1 + 2 ** -52, 1 + 2 ** -51));

  it('sorts like Float64Array.prototype.sort and carries the payload stably', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 600 }), (values) => {
        const keys = Float64Array.from(values, (v) => v + 0);
        const payload = Float64Array.from(keys, (_, i) => i);
        const expected = keys.slice().sort();
        radixSort(keys, payload);
        expect(Array.from(keys)).toEqual(Array.from(expected));
        for (let i = 0; i < keys.length; i++) {
          expect(keys[i]).toBe(values[payload[i]] + 0);
          if (i > 0 && keys[i] === keys[i - 1]) expect(payload[i]).toBeGreaterThan(payload[i - 1]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handles long runs of equal high words (values differing only in the low 32 bits)', () => {
    const r = createRng(3);
    const keys = Float64Array.from({ length: 5000 }, () => 1 + r.int(1 << 20) * 2 ** -52);
    const expected = keys.slice().sort();
    radixSort(keys);
    expect(keys).toEqual(expected);
  });
});

/** ROC AUC by its definition: P(score+ > score-) + P(=)/2 over all pairs, weighted. */
function bruteAuc(y: boolean[], s: number[], w?: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (!y[i]) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j]) continue;
      const ww = (w?.[i] ?? 1) * (w?.[j] ?? 1);
      num += ww * (s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0);
      den += ww;
    }
  }
  return num / den;
}

describe('rocAuc', () => {
  it('equals the pairwise (Mann-Whitney) definition, ties counting half, weighted or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ y: fc.boolean(), s: fc.integer({ min: 0, max: 8 }), w: fc.integer({ min: 1, max: 4 }) }), { minLength: 2, maxLength: 120 }),
        (rows) => {
          const y = rows.map((r) => r.y);
          if (!y.includes(true) || !y.includes(false)) return;
          const s = rows.map((r) => r.s / 8);
          const w = rows.map((r) => r.w);
          expect(Math.abs(rocAuc(y, s) - bruteAuc(y, s))).toBeLessThan(1e-12);
          expect(Math.abs(rocAuc(y, s, { sampleWeight: w }) - bruteAuc(y, s, w))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function randomData(task: 'binary' | 'multiclass' | 'regression', n: number, seed: number, weighted: boolean): EvalData {
  const r = createRng(seed);
  const k = task === 'multiclass' ? 3 : 1;
  const y = new Float64Array(n);
  const output = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (task === 'regression') {
      y[i] = Math.round(r.normal() * 10) / 2;
      output[i] = y[i] + Math.round(r.normal() * 4) / 4;
    } else if (task === 'binary') {
      y[i] = r.next() < 0.3 ? 1 : 0;
      output[i] = Math.round((0.3 * y[i] + 0.7 * r.next()) * 20) / 20;
    } else {
      y[i] = r.int(3);
      const raw = [r.next(), r.next(), r.next()];
      raw[y[i]] += 0.6;
      const sum = raw[0] + raw[1] + raw[2];
      for (let j = 0; j < 3; j++) output[i * 3 + j] = raw[j] / sum;
    }
  }
  return {
    task,
    n,
    classes: task === 'binary' ? [0, 1] : task === 'multiclass' ? ['a', 'b', 'c'] : undefined,
    y,
    output,
    width: k,
    weights: weighted ? Float64Array.from({ length: n }, () => r.int(4)) : undefined,
    threshold: 0.5,
  };
}

function materialise(d: EvalData, counts: Uint32Array): EvalData {
  const idx: number[] = [];
  counts.forEach((c, i) => {
    for (let t = 0; t < c; t++) idx.push(i);
  });
  const k = d.width;
  return {
    ...d,
    n: idx.length,
    y: Float64Array.from(idx, (i) => d.y[i]),
    output: Float64Array.from({ length: idx.length * k }, (_, m) => d.output[idx[Math.floor(m / k)] * k + (m % k)]),
    weights: d.weights === undefined ? undefined : Float64Array.from(idx, (i) => d.weights![i]),
  };
}

describe('bootstrap by counts', () => {
  it('gives exactly the metrics of the materialised resample, for every task, weighted or not', () => {
    for (const task of ['binary', 'multiclass', 'regression'] as const) {
      for (const weighted of [false, true]) {
        const d = randomData(task, 150, task.length + (weighted ? 1 : 0), weighted);
        const suite = prepareSuite(d);
        const rng = createRng(11);
        const counts = new Uint32Array(d.n);
        for (let r = 0; r < 15; r++) {
          drawCounts(rng, d.n, counts);
          const byCounts = suite.compute(counts);
          const direct = prepareSuite(materialise(d, counts)).compute();
          for (const name of suite.names) {
            const a = byCounts[name];
            const b = direct[name];
            if (Number.isNaN(b)) expect(a, `${task} ${name}`).toBeNaN();
            else expect(Math.abs(a - b), `${task} ${weighted ? 'weighted' : ''} ${name}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(b)));
          }
        }
      }
    }
  });

  it('covers the true accuracy about 95% of the time', () => {
    // 150 test sets of 300 rows where the model is right with probability 0.8.
    let covered = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const r = createRng(`coverage-${t}`);
      const n = 300;
      const y = new Float64Array(n);
      const output = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = r.int(2);
        const right = r.next() < 0.8;
        output[i] = right === (y[i] === 1) ? 0.9 : 0.1;
      }
      const suite = prepareSuite({ task: 'binary', n, classes: [0, 1], y, output, width: 1, threshold: 0.5 });
      const values = new Float64Array(200);
      const counts = new Uint32Array(n);
      for (let b = 0; b < values.length; b++) values[b] = suite.compute(drawCounts(r, n, counts)).accuracy;
      const ci = percentileInterval(values, 0.95)!;
      if (ci.lower <= 0.8 && 0.8 <= ci.upper) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

describe('threshold selection is optimal over every threshold (brute force)', () => {
  const rows = fc.array(fc.record({ y: fc.boolean(), s: fc.integer({ min: 0, max: 12 }) }), { minLength: 3, maxLength: 80 });
  const atThreshold = (y: boolean[], s: number[], t: number): { tp: number; fp: number; fn: number; tn: number } => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    y.forEach((yi, i) => {
      const flag = s[i] >= t;
      if (yi && flag) tp++;
      else if (!yi && flag) fp++;
      else if (yi) fn++;
      else tn++;
    });
    return { tp, fp, fn, tn };
  };
  const thresholds = (s: number[]): number[] => [...new Set(s), Infinity];

  it('for cost, max F1, precision and recall targets', () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (data, fnCost, target) => {
        const y = data.map((d) => d.y);
        const s = data.map((d) => d.s / 12);
        if (!y.includes(true)) return;
        const costs = { falsePositive: 1, falseNegative: fnCost };
        const c = thresholdForCost(y, s, costs);
        const cost = (t: number): number => {
          const m = atThreshold(y, s, t);
          return m.fp + fnCost * m.fn;
        };
        const best = Math.min(...thresholds(s).map(cost));
        expect(c.cost).toBe(best);
        expect(cost(c.threshold)).toBe(best);
        const m = atThreshold(y, s, c.threshold);
        expect([c.truePositives, c.falsePositives, c.falseNegatives, c.trueNegatives]).toEqual([m.tp, m.fp, m.fn, m.tn]);

        const f = thresholdForMaxF1(y, s);
        const f1At = (t: number): number => {
          const q = atThreshold(y, s, t);
          return (2 * q.tp) / (2 * q.tp + q.fp + q.fn);
        };
        expect(f.f1).toBeCloseTo(Math.max(...thresholds(s).map(f1At)), 12);

        const prec = (t: number): number => {
          const q = atThreshold(y, s, t);
          return q.tp / (q.tp + q.fp);
        };
        const rec = (t: number): number => atThreshold(y, s, t).tp / y.filter(Boolean).length;
        const okP = thresholds(s).filter((t) => prec(t) >= target);
        if (okP.length === 0) expect(() => thresholdForPrecision(y, s, target)).toThrowError(expect.objectContaining({ code: 'METRIC_UNDEFINED' }));
        else expect(thresholdForPrecision(y, s, target).recall).toBe(Math.max(...okP.map(rec)));
        const okR = thresholds(s).filter((t) => rec(t) >= target);
        expect(thresholdForRecall(y, s, target).precision).toBe(Math.max(...okR.map(prec).filter((p) => !Number.isNaN(p))));
      }),
      { numRuns: 200 },
    );
  });

  it('prefers flagging nothing when every alert costs more than it saves', () => {
    const c = thresholdForCost([true, false, false, false], [0.9, 0.8, 0.7, 0.95], { falsePositive: 10, falseNegative: 1 });
    expect(c.threshold).toBe(Infinity);
    expect(c.cost).toBe(1);
    expect(Number.isNaN(c.precision)).toBe(true);
  });

  it('a fraud cost matrix lowers the threshold far below 0.5', () => {
    const r = createRng(1);
    const y: boolean[] = [];
    const s: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const fraud = r.next() < 0.02;
      y.push(fraud);
      s.push(1 / (1 + Math.exp(-((fraud ? 1.5 : -2.5) + r.normal()))));
    }
    const cheap = thresholdForCost(y, s, { falsePositive: 5, falseNegative: 500 });
    const equal = thresholdForCost(y, s, { falsePositive: 1, falseNegative: 1 });
    expect(cheap.threshold).toBeLessThan(equal.threshold);
    expect(cheap.recall).toBeGreaterThan(equal.recall);
    expect(accuracy(y, s.map((v) => v >= equal.threshold))).toBeGreaterThan(accuracy(y, s.map((v) => v >= cheap.threshold)));
  });
});

describe('precisionRecallAreas', () => {
  it('matches a brute-force average precision and PR AUC, with fresh or reused curve buffers, weighted or not', async () => {
    const { buildRanking, clfCurve, precisionRecallAreas } = await import('../../src/evaluator/ranking');
    // Reused across runs: a buffer left dirty by a longer curve must not leak into a shorter one.
    const scratch = { thresholds: new Float64Array(60).fill(9), tps: new Float64Array(60).fill(9), fps: new Float64Array(60).fill(9) };
    fc.assert(
      fc.property(fc.array(fc.record({ y: fc.boolean(), s: fc.integer({ min: 0, max: 6 }), w: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 60 }), (rows) => {
        const codes = Int32Array.from(rows, (r) => (r.y ? 1 : 0));
        const scores = Float64Array.from(rows, (r) => r.s / 6);
        const w = Float64Array.from(rows, (r) => r.w);
        const r = buildRanking(scores, 1, 0, codes, 1, true);
        for (const weights of [undefined, w]) {
          const wt = (i: number) => (weights === undefined ? 1 : weights[i]);
          // Brute force: every distinct score with some weight, descending, as a threshold.
          const ts = [...new Set(rows.filter((_, i) => wt(i) > 0).map((x) => x.s / 6))].sort((a, b) => b - a);
          const totalPos = rows.reduce((acc, x, i) => acc + (x.y ? wt(i) : 0), 0);
          let ap = 0;
          let area = 0;
          let prevR = 0;
          let prevP = 1;
          for (const t of ts) {
            let tp = 0;
            let fp = 0;
            rows.forEach((x, i) => {
              if (x.s / 6 >= t) (x.y ? (tp += wt(i)) : (fp += wt(i)));
            });
            const p = tp + fp > 0 ? tp / (tp + fp) : 0;
            const rc = tp / totalPos;
            ap += (rc - prevR) * p;
            area += ((rc - prevR) * (p + prevP)) / 2;
            prevR = rc;
            prevP = p;
          }
          for (const got of [precisionRecallAreas(clfCurve(r, weights)), precisionRecallAreas(clfCurve(r, weights, scratch))]) {
            if (!(totalPos > 0)) {
              expect(got.ap).toBeNaN();
              expect(got.prAuc).toBeNaN();
            } else {
              expect(got.ap).toBeCloseTo(ap, 12);
              expect(got.prAuc).toBeCloseTo(area, 12);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
