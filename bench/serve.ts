/**
 * Benchmark: single-row predictions over HTTP through `mlops-kit/serve/node`, against a
 * bare Node `http` server that reads the same request and answers a constant JSON (the
 * ceiling: what Node's HTTP stack alone can do on this machine).
 *
 *   node --import tsx bench/serve.ts                 # 10 s per target
 *   BENCH_QUICK=1 node --import tsx bench/serve.ts   # 2 s per target (smoke test)
 *
 * Targets, each in its own child process on 127.0.0.1 (the load generator, autocannon,
 * runs in this process, so server and client do not share an event loop):
 * - `bare`: `http.createServer`, reads the body, answers `{"ok":true}`;
 * - `logistic` and `gbdt`: `createPredictHandler` serving `fraud@production` from an fs
 *   registry (a logistic model and a gbdt of 100 trees, depth 6, trained on 20,000
 *   synthetic transactions), with metrics on, one transaction per request.
 * Every run is bounded by time (BENCH_SECONDS, default 10) and count (BENCH_MAX_REQUESTS,
 * default 1,000,000) and stops by itself. Connections: BENCH_CONNECTIONS (default 16).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createPredictHandler, Dataset, generateTransactions, ModelArtifact, Registry, Trainer, TRANSACTION_FEATURES, TRANSACTION_TARGET } from '../src/index';
import { serve } from '../src/serve/node';
import { FsStore } from '../src/storage/fs/index';

const quick = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 2 : 10));
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 1_000_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const dataDir = join(import.meta.dirname, '.data', 'serve');
const row = (() => {
  const { is_fraud: _y, transaction_id: _id, timestamp: _t, ...features } = generateTransactions({ rows: 1, seed: 3 })[0];
  return JSON.stringify(features);
})();

// ---------------------------------------------------------------- child: one server
if (process.argv[2] === 'target') {
  const kind = process.argv[3];
  let port: number;
  if (kind === 'bare') {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  } else {
    const registry = new Registry({ store: new FsStore({ root: join(dataDir, kind) }) });
    const handler = createPredictHandler({ registry, model: 'fraud', alias: 'production' });
    await handler.ready;
    port = (await serve(handler, { port: 0, host: '127.0.0.1' })).port;
  }
  if (process.send) process.send({ port });
  else console.log(`${kind} target listening on http://127.0.0.1:${port}/predict`);
} else {
  await main();
}

async function main(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const data = Dataset.fromRows(generateTransactions({ rows: 20_000, months: 6 }));
  for (const spec of [{ type: 'logistic' }, { type: 'gbdt', numTrees: 100, maxDepth: 6 }] as const) {
    const model = await new Trainer({ model: spec, target: TRANSACTION_TARGET, features: [...TRANSACTION_FEATURES] }).fit(data);
    const registry = new Registry({ store: new FsStore({ root: join(dataDir, spec.type) }) });
    const v = await registry.register('fraud', await ModelArtifact.create(model, { trainingData: data }));
    await registry.setAlias('fraud', 'production', v.version);
    await registry.close();
  }

  const results: { target: string; rps: number; p50: number; p99: number; errors: number }[] = [];
  for (const target of ['bare', 'logistic', 'gbdt']) {
    const child: ChildProcess = fork(import.meta.filename, ['target', target], { execArgv: process.execArgv, stdio: 'inherit' });
    try {
      const { port } = await new Promise<{ port: number }>((resolve, reject) => {
        child.once('message', (m) => resolve(m as { port: number }));
        child.once('exit', (code) => reject(new Error(`the ${target} server exited with ${code}`)));
      });
      const url = `http://127.0.0.1:${port}/predict`;
      const options = { url, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: row, connections: CONNECTIONS };
      await autocannon({ ...options, duration: 1 }); // warm-up: JIT, connections
      const r = await autocannon({ ...options, duration: SECONDS, maxOverallRequests: MAX_REQUESTS });
      results.push({ target, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });
    } finally {
      child.kill();
    }
  }

  const ceiling = results[0].rps;
  console.log(`\nSingle-row POST /predict, ${CONNECTIONS} connections, ${SECONDS} s per target, 127.0.0.1`);
  const header = ['target', 'requests/s', 'p50 ms', 'p99 ms', 'vs bare http', 'errors'];
  const rows = results.map((r) => [r.target, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), `${((r.rps / ceiling) * 100).toFixed(0)}%`, String(r.errors)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
}
