// The main job (`npm start`): examples/lifecycle.ts runs the whole lifecycle as a child
// process. The figures of the story must hold: a champion near 95% accuracy, drift from
// month 6, accuracy decaying to about 70% by month 8, a retrained model back above 90%
// that passes the gate, a hot reload and a rollback the server follows.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { root } from '../cli/helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('examples/lifecycle.ts tells the story with the right figures and writes its reports', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/lifecycle.ts'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', MLOPS_DEMO_DIR: dir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  // Release: gbdt beats logistic, about 95% accurate.
  expect(summary.v1.type).toBe('gbdt');
  expect(summary.v1.accuracy).toBeGreaterThan(0.93);
  expect(summary.v1.accuracy).toBeLessThan(0.98);
  expect(summary.v1.accuracy).toBeGreaterThan(summary.v1.logisticAccuracy);
  // Months 6-8: drift every month, accuracy falling to about 70%.
  expect(summary.months.map((m: { month: number }) => m.month)).toEqual([6, 7, 8]);
  for (const m of summary.months) {
    expect(m.drifted).toBe(true);
    expect(m.decayed).toBe(true);
  }
  const acc = summary.months.map((m: { accuracy: number }) => m.accuracy);
  expect(acc[0]).toBeGreaterThan(acc[1]);
  expect(acc[1]).toBeGreaterThan(acc[2]);
  expect(acc[2]).toBeGreaterThan(0.62);
  expect(acc[2]).toBeLessThan(0.75);
  // Retrained on recent data: better than the champion there, and above 90%.
  expect(summary.v2.accuracy).toBeGreaterThan(0.9);
  expect(summary.v2.championAccuracy).toBeLessThan(0.8);
  // The rollback was served, then version 2 again.
  expect(summary.rollback).toEqual({ servedAfterRollback: 1, final: 2 });
  // The narrative and the files.
  for (const step of ['1. Collect', '2. Clean', '5. Evaluate', '6. Gate', '9. Serve', '10. Months pass', '12. Validate', '14. Roll back']) expect(stdout).toContain(step);
  expect(stdout).toMatch(/month 8: DATA DRIFT in \d of 7 features .*accuracy \d\d\.\d% vs 9\d\.\d% at release -> DECAY/);
  for (const file of ['evaluation-v1.html', 'evaluation-v2.html', 'drift-month-8.html', 'fraud-v1.mlpk', 'registry']) expect(existsSync(join(dir, file)), file).toBe(true);
  expect(readFileSync(join(dir, 'drift-month-8.html'), 'utf8')).toContain('<svg');
}, 180_000);
