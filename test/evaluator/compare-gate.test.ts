import { describe, expect, it } from 'vitest';
import { compare, EvaluationReport, Evaluator, gate, mcnemarTest } from '../../src/evaluator/index';
import { fraudData, fraudScore, regressionSetup, ScoreModel } from './helpers';

const data = fraudData(1200, 21);
const evaluator = new Evaluator({ bootstrap: { resamples: 200 }, slices: ['country', { name: 'night', filter: (r) => Number(r.hour) < 6 }] });
const good = new ScoreModel('fraud', (r) => fraudScore(r, 1.6));
const weak = new ScoreModel('fraud', (r) => fraudScore(r, 0.4));

describe('compare', () => {
  it('finds a much better candidate significantly better, with McNemar counts for accuracy', async () => {
    const [a, b] = [await evaluator.evaluate(good, data), await evaluator.evaluate(weak, data)];
    const result = await compare(a, b, { resamples: 300 });
    expect(result.rows).toBe(1200);
    const auc = result.metrics.find((m) => m.metric === 'rocAuc')!;
    expect(auc.test).toBe('paired-bootstrap');
    expect(auc.difference).toBeCloseTo(a.metrics.rocAuc! - b.metrics.rocAuc!, 15);
    expect(auc.interval!.lower).toBeGreaterThan(0);
    expect(auc.significant).toBe(true);
    expect(auc.better).toBe('candidate');
    expect(auc.pValue).toBeLessThan(0.01);
    const ll = result.metrics.find((m) => m.metric === 'logLoss')!;
    expect(ll.difference!).toBeLessThan(0);
    expect(ll.better).toBe('candidate');
    expect(result.candidateBetter).toContain('rocAuc');

    const acc = result.metrics.find((m) => m.metric === 'accuracy')!;
    const sa = a.predictions!.output;
    const sb = b.predictions!.output;
    const y = a.predictions!.y;
    let onlyA = 0;
    let onlyB = 0;
    for (let i = 0; i < y.length; i++) {
      const ra = (sa[i] >= 0.5 ? 1 : 0) === y[i];
      const rb = (sb[i] >= 0.5 ? 1 : 0) === y[i];
      if (ra && !rb) onlyA++;
      if (!ra && rb) onlyB++;
    }
    const m = mcnemarTest(onlyA, onlyB);
    expect(acc.test).toBe(m.method === 'exact' ? 'mcnemar-exact' : 'mcnemar-chi-square');
    expect(acc.pValue).toBe(m.pValue);
    expect(result.summary.find((l) => l.startsWith('rocAuc:'))).toMatch(/candidate significantly better/);
  });

  it('finds no difference between a model and itself (p = 1)', async () => {
    const a = await evaluator.evaluate(good, data);
    const result = await compare(a, EvaluationReport.fromJSON(JSON.parse(JSON.stringify(a))));
    for (const m of result.metrics) {
      expect(m.difference).toBe(0);
      expect(m.significant).toBe(false);
      expect(m.better).toBe('none');
      expect(m.pValue).toBe(1);
    }
  });

  it('rarely calls equally good models different (false positive rate near 5%)', async () => {
    // Two models of the same quality with independent noise: any difference is luck.
    const noisy = (seed: number): ScoreModel =>
      new ScoreModel('fraud', (r) => {
        const u = Math.sin(Number(r.amount) * 12.9898 + Number(r.hour) * 78.233 + seed * 37.719) * 43758.5453;
        return 1 / (1 + Math.exp(-((Number(r.amount) - 200) / 60 + 2 * (u - Math.floor(u) - 0.5))));
      });
    const quick = new Evaluator({ bootstrap: false });
    let significant = 0;
    const trials = 30;
    for (let t = 0; t < trials; t++) {
      const d = fraudData(300, 100 + t);
      const result = await compare(await quick.evaluate(noisy(2 * t), d), await quick.evaluate(noisy(2 * t + 1), d), { metrics: ['rocAuc'], resamples: 200, seed: t });
      if (result.metrics[0].significant) significant++;
    }
    expect(significant).toBeLessThanOrEqual(5);
  });

  it('refuses reports from different data, without predictions, or of other tasks', async () => {
    const a = await evaluator.evaluate(good, data);
    const other = await evaluator.evaluate(good, fraudData(1200, 22));
    await expect(compare(a, other)).rejects.toMatchObject({ code: 'COMPARE_INCOMPATIBLE', message: expect.stringMatching(/different data/) });
    const bare = await new Evaluator({ bootstrap: false, keepPredictions: false }).evaluate(weak, data);
    await expect(compare(a, bare)).rejects.toMatchObject({ code: 'COMPARE_INCOMPATIBLE', message: expect.stringMatching(/keepPredictions/) });
    const { data: rd, model } = regressionSetup(50, 1);
    const reg = await new Evaluator({ bootstrap: false }).evaluate(model, rd);
    await expect(compare(a, reg)).rejects.toMatchObject({ code: 'COMPARE_INCOMPATIBLE' });
    await expect(compare(a, a, { metrics: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/rocAuc/) });
  });
});

describe('gate', () => {
  it('passes and fails min / max rules with one reason per failed rule', async () => {
    const r = await evaluator.evaluate(good, data);
    const ok = gate(r, { min: { rocAuc: 0.5 }, max: { logLoss: 5 } });
    expect(ok).toMatchObject({ passed: true, reasons: [] });
    expect(ok.checks).toHaveLength(2);
    expect(ok.checks[0].message).toMatch(/rocAuc is 0\.\d+, at least 0\.5/);
    const bad = gate(r, { min: { rocAuc: 0.999, recall: 0.1 }, max: { logLoss: 0.01 } });
    expect(bad.passed).toBe(false);
    expect(bad.reasons).toHaveLength(2);
    expect(bad.reasons[0]).toMatch(/^rocAuc is 0\.\d+, below the minimum 0\.999\.$/);
    expect(bad.reasons[1]).toMatch(/^logLoss is .*, above the maximum 0\.01\.$/);
    expect(bad.checks.find((c) => c.metric === 'recall')!.passed).toBe(true);
  });

  it('rejects unknown metrics, slices and rules, listing what exists', async () => {
    const r = await evaluator.evaluate(good, data);
    expect(() => gate(r, { min: { auc: 0.9 } })).toThrowError(expect.objectContaining({ code: 'GATE_INVALID', message: expect.stringMatching(/unknown metric "auc".*rocAuc, averagePrecision/) }));
    expect(() => gate(r, { slices: { 'country=XX': { min: { rocAuc: 0.5 } } } })).toThrowError(expect.objectContaining({ code: 'GATE_INVALID', message: expect.stringMatching(/country=DE/) }));
    expect(() => gate(r, { minimum: { rocAuc: 0.5 } } as never)).toThrowError(expect.objectContaining({ code: 'GATE_INVALID', message: expect.stringMatching(/unknown rule minimum/) }));
    expect(() => gate(r, { min: { rocAuc: Number.NaN } })).toThrowError(expect.objectContaining({ code: 'GATE_INVALID' }));
  });

  it('checks notWorseThan the production model within a tolerance', async () => {
    const candidate = await evaluator.evaluate(weak, data);
    const champion = await evaluator.evaluate(good, data);
    const v = gate(candidate, { notWorseThan: champion, notWorseMetrics: ['rocAuc', 'logLoss'] });
    expect(v.passed).toBe(false);
    expect(v.reasons).toHaveLength(2);
    expect(v.reasons[0]).toMatch(/^rocAuc is .*, worse than production's .* by .* \(tolerance 0; higher is better\)\.$/);
    expect(v.reasons[1]).toMatch(/lower is better/);
    const gap = champion.metrics.rocAuc! - candidate.metrics.rocAuc!;
    expect(gate(candidate, { notWorseThan: champion, notWorseMetrics: ['rocAuc'], tolerance: gap + 1e-9 }).passed).toBe(true);
    expect(gate(candidate, { notWorseThan: champion, notWorseMetrics: ['rocAuc'], tolerance: { rocAuc: gap - 1e-9 } }).passed).toBe(false);
    expect(gate(champion, { notWorseThan: candidate }).passed).toBe(gate(champion, { notWorseThan: candidate }).checks.every((c) => c.passed));
    // By default only the task's headline metrics are compared (binary: rocAuc, averagePrecision).
    expect(gate(candidate, { notWorseThan: champion }).checks.map((c) => c.metric)).toEqual(['rocAuc', 'averagePrecision']);
    // A candidate that ranks exactly as well but is less calibrated passes the default gate;
    // naming a calibration metric makes the gate look at it.
    const squashed = await evaluator.evaluate(new ScoreModel('fraud', (r) => 0.25 + 0.5 * fraudScore(r, 1.6)), data);
    expect(squashed.metrics.rocAuc).toBeCloseTo(champion.metrics.rocAuc!, 12);
    expect(gate(squashed, { notWorseThan: champion }).passed).toBe(true);
    expect(gate(squashed, { notWorseThan: champion, notWorseMetrics: ['brier'] }).passed).toBe(false);
    const elsewhere = await evaluator.evaluate(good, fraudData(300, 5));
    expect(() => gate(candidate, { notWorseThan: elsewhere })).toThrowError(expect.objectContaining({ code: 'GATE_INVALID', message: expect.stringMatching(/other data/) }));
  });

  it('applies slice limits by slice name, by column, or to every slice, skipping small slices', async () => {
    const r = await evaluator.evaluate(good, data);
    const worst = Math.min(...r.slices.filter((s) => s.column === 'country').map((s) => s.metrics.rocAuc!));
    const byColumn = gate(r, { slices: { country: { min: { rocAuc: worst + 1e-9 } } } });
    expect(byColumn.passed).toBe(false);
    expect(byColumn.checks).toHaveLength(4);
    expect(byColumn.reasons).toHaveLength(1);
    expect(byColumn.reasons[0]).toMatch(/^rocAuc on slice country=\w\w is /);
    expect(gate(r, { slices: { 'country=DE': { min: { accuracy: 0 } } } }).checks).toHaveLength(1);
    const minRows = Math.max(...r.slices.map((s) => s.rows));
    const all = gate(r, { slices: { '*': { max: { brier: 1 } } }, minSliceRows: minRows });
    expect(all.passed).toBe(true);
    expect(all.checks).toHaveLength(r.slices.length);
    const skipped = all.checks.filter((c) => c.skipped);
    expect(skipped.length).toBe(r.slices.filter((s) => s.rows < minRows).length);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0].message).toMatch(new RegExp(`fewer than minSliceRows ${minRows}`));
  });

  it('with use: interval, compares the pessimistic end of the bootstrap interval', async () => {
    const r = await evaluator.evaluate(good, data);
    const point = r.metrics.rocAuc!;
    const lower = r.intervals.rocAuc!.lower;
    expect(gate(r, { min: { rocAuc: (point + lower) / 2 } }).passed).toBe(true);
    const v = gate(r, { min: { rocAuc: (point + lower) / 2 }, use: 'interval' });
    expect(v.passed).toBe(false);
    expect(v.reasons[0]).toMatch(/lower bound of rocAuc's interval/);
    const noBoot = await new Evaluator({ bootstrap: false }).evaluate(good, data);
    expect(gate(noBoot, { min: { rocAuc: 0.5 }, use: 'interval' }).reasons[0]).toMatch(/no bootstrap interval/);
  });

  it('fails a rule on an undefined metric, saying why', async () => {
    const onlyNegatives = data.filter((row) => row.fraud === false);
    const r = await new Evaluator({ bootstrap: false }).evaluate(good, onlyNegatives);
    const v = gate(r, { min: { rocAuc: 0.8 } });
    expect(v.passed).toBe(false);
    expect(v.reasons[0]).toMatch(/rocAuc is not available \(undefined: only one class is present/);
  });
});
