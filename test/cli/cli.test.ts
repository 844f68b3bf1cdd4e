// The mlops-kit command end to end, as child processes against real stores: train,
// register, promote, rollback, history, evaluate with a gate, drift, delete, gc, serve.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTransactions, transactionsToCSV } from '../../src/demo/index';
import { importONNX } from '../../src/runtime/onnx';
import { cli, ensureBuilt, startCli, type CliResult } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-cli-'));
const store = `fs:${join(dir, 'models')}`;
const run = (...args: string[]): Promise<CliResult> => cli(args, { cwd: dir });

beforeAll(() => {
  ensureBuilt();
  writeFileSync(join(dir, 'train.csv'), transactionsToCSV(generateTransactions({ rows: 2000, months: 3, seed: 1 })));
  writeFileSync(join(dir, 'test.csv'), transactionsToCSV(generateTransactions({ rows: 600, month: 4, seed: 2 })));
  writeFileSync(join(dir, 'drifted.csv'), transactionsToCSV(generateTransactions({ rows: 600, month: 9, seed: 3 })));
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ min: { accuracy: 0.9, rocAuc: 0.9 } }));
  writeFileSync(join(dir, 'strict.json'), JSON.stringify({ min: { accuracy: 0.999 } }));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An error is one line on stderr, with the code, and no stack trace. */
function expectOneLineError(r: CliResult, code: string, exitCode = 2): void {
  expect(r.code).toBe(exitCode);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('mlops-kit (built command, child processes)', () => {
  it('train writes an artifact and registers it; no progress bar when stderr is not a terminal', async () => {
    const r = await run('train', '--data', 'train.csv', '--target', 'is_fraud', '--model', 'gbdt', '--drop', 'transaction_id,timestamp', '--params', '{"numTrees":30,"maxDepth":4}', '--register', 'fraud', '--store', store, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe('fraud/1');
    expect(out.metrics.accuracy).toBeGreaterThan(0.9);
    expect(existsSync(join(dir, 'fraud.mlpk'))).toBe(true);
    const r2 = await run('train', '--data', 'train.csv', '--target', 'is_fraud', '--model', 'logistic', '--features', 'amount,hour,merchant_category,card_present,distance_km,account_age_days,txn_last_24h', '--out', 'logistic.mlpk', '--register', 'fraud', '--store', store);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/Held-out evaluation \(400 rows\): accuracy 0\.9\d+/);
    expect(r2.stdout).toContain('Registered fraud/2.');
  });

  it('promote, with and without a gate; a failing gate is refused in one line', async () => {
    expect((await run('promote', 'fraud/1', '--store', store, '--reason', 'first release')).stdout).toBe('fraud@production: - -> 1\n');
    const refused = await run('promote', 'fraud/2', '--store', store, '--gate', 'strict.json');
    expectOneLineError(refused, 'REGISTRY_GATE_FAILED', 1);
    expect(refused.stderr).toContain('below the minimum 0.999');
    const ok = await run('promote', 'fraud/2', '--store', store, '--gate', 'rules.json', '--by', 'alice', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'fraud', alias: 'production', from: 1, to: 2, by: 'alice' });
  });

  it('versions, show and models as tables and JSON', async () => {
    const table = await run('versions', 'fraud', '--store', store);
    expect(table.stdout.split('\n')[0]).toMatch(/^VERSION\s+CREATED\s+BY\s+TYPE\s+METRICS\s+ALIASES\s+DIGEST\s+DESCRIPTION/);
    const versions = JSON.parse((await run('versions', 'fraud', '--store', store, '--json')).stdout);
    expect(versions.map((v: { version: number; aliases: string[] }) => [v.version, v.aliases])).toEqual([
      [2, ['production']],
      [1, []],
    ]);
    const show = await run('show', 'fraud@production', '--store', store);
    expect(show.stdout).toMatch(/^ref:\s+fraud\/2$/m);
    expect(show.stdout).toMatch(/^type:\s+logistic \(binary\)$/m);
    const models = JSON.parse((await run('models', '--store', store, '--json')).stdout);
    expect(models).toEqual([expect.objectContaining({ name: 'fraud', versionCount: 2, latestVersion: 2, aliases: { production: 2 } })]);
  });

  it('rollback and the audit history', async () => {
    expect((await run('rollback', 'fraud', '--store', store, '--reason', 'drill')).stdout).toBe('fraud@production: 2 -> 1 (rollback)\n');
    const history = JSON.parse((await run('history', 'fraud@production', '--store', store, '--json')).stdout);
    expect(history.map((e: { action: string; from: number | null; to: number; reason: string }) => [e.action, e.from, e.to, e.reason])).toEqual([
      ['set', null, 1, 'first release'],
      ['set', 1, 2, ''],
      ['rollback', 2, 1, 'drill'],
    ]);
  });

  it('evaluate: metrics, an HTML report, and the gate as the exit code', async () => {
    const pass = await run('evaluate', '--model', 'fraud.mlpk', '--data', 'test.csv', '--gate', 'rules.json', '--html', 'eval.html');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/^accuracy\s+0\.9\d*\s+\[0\.\d+, 0\.\d+\]$/m);
    expect(pass.stdout).toContain('Gate: PASSED');
    expect(readFileSync(join(dir, 'eval.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const fail = await run('evaluate', '--model', 'fraud@production', '--store', store, '--data', 'drifted.csv', '--gate', 'rules.json', '--json');
    expect(fail.code).toBe(1);
    const json = JSON.parse(fail.stdout);
    expect(json.model).toBe('fraud/1');
    expect(json.gate.passed).toBe(false);
    expect(json.metrics.accuracy).toBeLessThan(0.8);
    const duel = await run('evaluate', '--model', 'logistic.mlpk', '--champion', 'fraud@production', '--store', store, '--data', 'test.csv');
    expect(duel.stdout).toContain('Against the champion fraud@production:');
    expect(duel.stdout).toMatch(/Gate: (PASSED|FAILED)/);
  });

  it('drift: exit 0 on comparable data, 1 on drifted data, with an HTML report', async () => {
    const same = await run('drift', '--reference', 'train.csv', '--current', 'test.csv', '--target', 'is_fraud', '--drop', 'transaction_id');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No dataset drift');
    const drifted = await run('drift', '--reference', 'fraud@production', '--store', store, '--current', 'drifted.csv', '--html', 'drift.html');
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/DRIFT: \d of 7 features drifted/);
    expect(drifted.stdout).toMatch(/^accuracy: 0\.\d+ vs 0\.9\d+ at training DECAYED$/m);
    expect(readFileSync(join(dir, 'drift.html'), 'utf8')).toContain('<svg');
  });

  it('delete needs --yes and a free version; gc frees the blob', async () => {
    expectOneLineError(await run('delete', 'fraud/2', '--store', store), 'CLI_USAGE');
    expectOneLineError(await run('delete', 'fraud/1', '--store', store, '--yes'), 'REGISTRY_ALIAS_IN_USE');
    expect((await run('delete', 'fraud/2', '--store', store, '--yes')).code).toBe(0);
    const gc = JSON.parse((await run('gc', '--store', store, '--grace', '0', '--json')).stdout);
    expect(gc.deleted).toHaveLength(1);
    expect(gc.referenced).toBe(1);
  });

  it('a sqlite store; errors are one line with exit code 2', async () => {
    const sqlite = await run('models', '--store', `sqlite:${join(dir, 'r.db')}`, '--json');
    expect(sqlite.code).toBe(0);
    expect(JSON.parse(sqlite.stdout)).toEqual([]);
    expectOneLineError(await run('show', 'fraud/9', '--store', store), 'REGISTRY_NOT_FOUND');
    expectOneLineError(await run('versions', 'fraud'), 'CLI_USAGE');
    expectOneLineError(await run('train', '--data', 'missing.csv', '--target', 'y', '--model', 'gbdt'), 'DATA_SOURCE');
    const unknown = await run('deploy');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mlops-kit: unknown command "deploy"/);
  });

  it('serve --artifact: an imported ONNX model is served like a native one', async () => {
    const fixtures = join(__dirname, '../fixtures/artifact');
    const golden = JSON.parse(readFileSync(join(fixtures, 'sk_pipeline_binary.json'), 'utf8'));
    const imported = await importONNX(join(fixtures, 'sk_pipeline_binary.onnx'), { task: 'binary', classes: golden.classes, signature: { inputs: golden.signature } });
    await imported.writeFile(join(dir, 'churn.mlpk'));
    await imported.close();
    const child = startCli(['serve', '--artifact', 'churn.mlpk', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let url: string | undefined;
      for (let i = 0; i < 400 && url === undefined && child.exitCode === null; i++) {
        url = /"event":"listening","url":"([^"]+)"/.exec(out)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(url, out).toBeDefined();
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(golden.rows[0]) });
      expect(res.status).toBe(200);
      expect(Math.abs((await res.json()).prediction.probabilities['1'] - golden.probability[0])).toBeLessThan(1e-5);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serve: follows the alias, answers predictions, reloads on promote, stops on SIGTERM', async () => {
    const child = startCli(['serve', '--store', store, '--model', 'fraud', '--port', '0', '--host', '127.0.0.1', '--refresh', '50ms'], { cwd: dir });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const logs = (): Record<string, unknown>[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const waitFor = async (what: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      for (let i = 0; i < 400; i++) {
        const hit = logs().find(what);
        if (hit !== undefined) return hit;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no such log line in:\n${out}`);
    };
    try {
      const { url } = (await waitFor((l) => l.event === 'listening')) as { url: string };
      await waitFor((l) => l.event === 'model-loaded' && l.version === 1);
      const row = { amount: 320, hour: 2, merchant_category: 'electronics', card_present: false, distance_km: 800, account_age_days: 12, txn_last_24h: 1 };
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(row) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-model-version')).toBe('1');
      expect((await res.json()).prediction.label).toBe(true);
      await run('train', '--data', 'train.csv', '--target', 'is_fraud', '--model', 'logistic', '--drop', 'transaction_id,timestamp', '--register', 'fraud', '--store', store);
      await run('promote', 'fraud/3', '--store', store);
      await waitFor((l) => l.event === 'model-loaded' && l.version === 3 && l.previous === 1);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(logs().some((l) => l.event === 'shutdown' && l.signal === 'SIGTERM')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
