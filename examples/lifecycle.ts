/**
 * The whole life of a fraud model, end to end, on the embedded default store (a folder).
 *
 *   npm start
 *   node --conditions=source --import tsx examples/lifecycle.ts   (the same thing)
 *
 * collect -> clean -> split -> train (gbdt and logistic, compared) -> evaluate -> gate ->
 * package -> register -> promote -> serve over HTTP -> months pass and the fraudsters
 * change tactics -> the monitor sees data drift, then accuracy decay as labels arrive ->
 * retrain on recent data -> validate against the champion -> promote (the server
 * hot-reloads) -> roll back, and forward again.
 *
 * Everything is written under ./mlops-demo (or $MLOPS_DEMO_DIR): the registry, the
 * artifacts, the evaluation and drift reports (HTML) and summary.json with the figures.
 * Inspect the registry afterwards with the CLI:
 *
 *   npm run cli -- history fraud --store fs:./mlops-demo/registry   (in this repository;
 *   npx mlops-kit ... where the package is installed)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  compare,
  createPredictHandler,
  Dataset,
  DriftMonitor,
  Evaluator,
  gate,
  generateTransactions,
  ModelArtifact,
  Registry,
  Trainer,
  TRANSACTION_FEATURES,
  TRANSACTION_TARGET,
  type EvaluationReport,
  type GateRules,
  type Model,
  type Transaction,
} from 'mlops-kit';
import { serve } from 'mlops-kit/serve/node';
import { FsStore } from 'mlops-kit/storage/fs';

const started = performance.now();
const dir = resolve(process.env.MLOPS_DEMO_DIR ?? 'mlops-demo');
const MONTH_ROWS = 4000;
const SEED = 2024;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const step = (n: number, title: string): void => console.log(`\n${n}. ${title}`);
const say = (text: string): void => console.log(`   ${text}`);
const file = (path: string): string => relative(process.cwd(), path) || path;
const summary: Record<string, unknown> = {};

// 1. Collect ---------------------------------------------------------------------------
step(1, 'Collect');
const raw = generateTransactions({ rows: 6 * MONTH_ROWS, months: 6, seed: SEED, dirty: true });
say(`${raw.length} card transactions from months 0-5, labelled by chargebacks (seeded synthetic data).`);

// 2. Clean -----------------------------------------------------------------------------
step(2, 'Clean');
const loaded = Dataset.fromRows(raw, { schema: { amount: 'number', distance_km: 'number' }, mode: 'coerce' });
const seen = new Set<string>();
const unique = loaded.filter((row) => !seen.has(row.transaction_id as string) && seen.add(row.transaction_id as string) !== undefined);
const clean = unique.dropMissing(['amount']).filter((row) => (row.amount as number) > 0);
const unreadable = loaded.loadIssues[0];
say(`${loaded.loadIssues.length} unreadable cells became missing (e.g. ${unreadable?.value} in "${unreadable?.column}").`);
say(`Removed ${loaded.numRows - unique.numRows} duplicate deliveries and ${unique.numRows - clean.numRows} rows with a missing or negative amount (refunds).`);
say(`${clean.numRows} rows left; missing distances stay missing: the models' pipelines impute them.`);

// 3. Split -----------------------------------------------------------------------------
step(3, 'Split');
const { train, test } = clean.split({ testFraction: 0.2, seed: SEED, stratifyBy: TRANSACTION_TARGET });
const fraudRate = (ds: Dataset): number => ds.toRows().filter((r) => r[TRANSACTION_TARGET] === true).length / ds.numRows;
say(`Train ${train.numRows} rows, test ${test.numRows} rows, stratified: ${pct(fraudRate(train))} and ${pct(fraudRate(test))} fraud.`);

// 4. Train -----------------------------------------------------------------------------
step(4, 'Train');
const fit = async (model: { type: 'gbdt' | 'logistic'; [p: string]: unknown }, data: Dataset): Promise<Model> => {
  const t0 = performance.now();
  const trained = await new Trainer({ model, target: TRANSACTION_TARGET, features: [...TRANSACTION_FEATURES], seed: SEED }).fit(data);
  say(`${model.type.padEnd(8)} trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return trained;
};
const GBDT = { type: 'gbdt', numTrees: 150, maxDepth: 5, learningRate: 0.1 } as const;
const gbdt = await fit(GBDT, train);
const logistic = await fit({ type: 'logistic' }, train);

// 5. Evaluate --------------------------------------------------------------------------
step(5, 'Evaluate on the held-out test set (95% bootstrap intervals)');
const evaluator = new Evaluator({ slices: ['merchant_category'] });
const line = (name: string, r: EvaluationReport): void => {
  const i = r.intervals.accuracy;
  say(`${name.padEnd(8)} accuracy ${pct(r.metrics.accuracy)} [${pct(i?.lower)}, ${pct(i?.upper)}]  ROC AUC ${r.metrics.rocAuc?.toFixed(3)}  recall ${pct(r.metrics.recall)}`);
};
const gbdtReport = await evaluator.evaluate(gbdt, test, { name: 'gbdt' });
const logisticReport = await evaluator.evaluate(logistic, test, { name: 'logistic' });
line('gbdt', gbdtReport);
line('logistic', logisticReport);
const duel = await compare(gbdtReport, logisticReport, { metrics: ['accuracy', 'rocAuc'] });
for (const s of duel.summary) say(`gbdt vs logistic, ${s.replace('candidate', 'gbdt').replace('champion', 'logistic')}`);
const gbdtWins = duel.candidateBetter.length > 0 || (gbdtReport.metrics.accuracy ?? 0) >= (logisticReport.metrics.accuracy ?? 0);
const [champion, championReport] = gbdtWins ? [gbdt, gbdtReport] : [logistic, logisticReport];
say(`Champion: ${champion.state.type}.`);
const evalV1 = join(dir, 'evaluation-v1.html');
writeFileSync(evalV1, championReport.toHTML({ title: 'fraud v1: evaluation' }));
say(`Report: ${file(evalV1)}`);
summary.v1 = { type: champion.state.type, accuracy: championReport.metrics.accuracy, rocAuc: championReport.metrics.rocAuc, logisticAccuracy: logisticReport.metrics.accuracy };

// 6. Gate ------------------------------------------------------------------------------
step(6, 'Gate');
const RULES: GateRules = { min: { accuracy: 0.9, rocAuc: 0.9, recall: 0.8 } };
const verdict = gate(championReport, RULES);
for (const c of verdict.checks) say(`${c.passed ? 'pass' : 'FAIL'}  ${c.message}`);
if (!verdict.passed) throw new Error(`The champion fails the release gate: ${verdict.reasons.join(' ')}`);

// 7. Package ---------------------------------------------------------------------------
step(7, 'Package');
const artifactV1 = await ModelArtifact.create(champion, { name: 'fraud', trainingData: train, evaluation: championReport, tags: { data: 'months 0-5' } });
const artifactPath = join(dir, 'fraud-v1.mlpk');
await artifactV1.writeFile(artifactPath);
say(`${file(artifactPath)}: ${(artifactV1.byteLength / 1024).toFixed(0)} KiB, sha256 ${artifactV1.digest.slice(0, 16)}…, signature of ${artifactV1.signature.inputs.length} inputs, training profile included.`);

// 8. Register and promote --------------------------------------------------------------
step(8, 'Register and promote');
const registry = new Registry({ store: new FsStore({ root: join(dir, 'registry') }), actor: 'ci:fraud-pipeline' });
const v1 = await registry.register('fraud', artifactV1, { description: 'trained on months 0-5' });
await registry.setAlias('fraud', 'production', v1.version, { reason: 'first release', requireGate: RULES });
say(`Registered ${v1.ref}; fraud@production -> ${v1.version} (the move re-checked the stored evaluation against the gate).`);

// 9. Serve -----------------------------------------------------------------------------
step(9, 'Serve');
let now = Date.parse('2024-07-01T00:00:00Z'); // simulated time: the monitor's clock
const monitor = new DriftMonitor({ reference: artifactV1, window: { type: 'time', size: '30d', slide: '1d' }, clock: () => now });
const handler = createPredictHandler({ registry, model: 'fraud', alias: 'production', refreshMs: 100, monitor });
const server = await serve(handler, { port: 0, host: '127.0.0.1', signals: false });
await handler.ready;
say(`Listening on ${server.url} (POST /predict, GET /health /ready /metrics), serving fraud@production.`);
const features = (t: Transaction): Record<string, unknown> => Object.fromEntries(TRANSACTION_FEATURES.map((f) => [f, t[f as keyof Transaction]]));
const post = async (body: unknown): Promise<{ version: string | null; json: any }> => {
  const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST /predict answered ${res.status}: ${await res.text()}`);
  return { version: res.headers.get('x-model-version'), json: await res.json() };
};
for (const t of generateTransactions({ rows: 3, month: 6, seed: 1 })) {
  const { version, json } = await post(features(t));
  say(`${String(t.amount).padStart(7)} EUR at ${String(t.hour).padStart(2)}h, ${t.merchant_category.padEnd(13)} -> P(fraud) ${json.prediction.probabilities.true.toFixed(3)} (fraud/${version})`);
}

// 10. Months pass ----------------------------------------------------------------------
step(10, 'Months pass: the fraudsters switch to card testing (small, daytime, digital purchases)');
const MONTH_MS = 30 * 24 * 3600 * 1000;
const monthStart = (m: number): number => Date.parse('2024-01-01T00:00:00Z') + m * MONTH_MS;
const recent: Transaction[] = [];
const months: { month: number; drifted: boolean; driftedFeatures: string[]; accuracy: number | null; decayed: boolean }[] = [];
let lastDrift = monitor.check();
for (const month of [6, 7, 8]) {
  const traffic = generateTransactions({ rows: MONTH_ROWS, month, seed: SEED });
  const scores: number[] = [];
  for (let i = 0; i < traffic.length; i += 500) {
    const batch = traffic.slice(i, i + 500);
    now = Date.parse(batch[0].timestamp);
    const { json } = await post({ rows: batch.map(features) });
    for (const p of json.predictions) scores.push(p.probabilities.true);
  }
  now = monthStart(month + 1);
  const drift = monitor.check();
  // The chargebacks of the month arrive: the true labels.
  monitor.observeOutcomes({ predictions: scores, labels: traffic.map((t) => t.is_fraud), timestamps: traffic.map((t) => t.timestamp) });
  const withLabels = monitor.check();
  const accuracy = withLabels.performance?.metrics.find((m) => m.name === 'accuracy');
  const shift = drift.driftedFeatures.length === 0 ? 'no data drift' : `DATA DRIFT in ${drift.driftedFeatures.length} of ${drift.features.length} features (${drift.driftedFeatures.join(', ')})`;
  say(`month ${month}: ${shift}; labels arrive: accuracy ${pct(accuracy?.value)} vs ${pct(accuracy?.baseline)} at release${accuracy?.decayed ? ' -> DECAY' : ''}`);
  months.push({ month, drifted: drift.drifted, driftedFeatures: drift.driftedFeatures, accuracy: accuracy?.value ?? null, decayed: accuracy?.decayed === true });
  if (month >= 7) recent.push(...traffic);
  lastDrift = withLabels;
}
const driftPath = join(dir, 'drift-month-8.html');
writeFileSync(driftPath, lastDrift.toHTML({ title: 'fraud@production: drift, month 8' }));
say(`Drift report: ${file(driftPath)}`);
summary.months = months;

// 11. Retrain on recent data -----------------------------------------------------------
step(11, 'Retrain on the last two months (labelled by now)');
const recentData = Dataset.fromRows(recent);
const split2 = recentData.split({ testFraction: 0.25, seed: SEED, stratifyBy: TRANSACTION_TARGET });
const candidate = await fit(GBDT, split2.train);

// 12. Validate against the champion ----------------------------------------------------
step(12, 'Validate the candidate against the champion on the same recent test set');
const served = await registry.load('fraud@production');
const candidateReport = await evaluator.evaluate(candidate, split2.test, { name: 'candidate' });
const incumbentReport = await evaluator.evaluate(served, split2.test, { name: 'fraud/1' });
line('candidate', candidateReport);
line('fraud/1', incumbentReport);
const versus = await compare(candidateReport, incumbentReport, { metrics: ['accuracy', 'rocAuc'] });
for (const s of versus.summary) say(`candidate vs fraud/1, ${s.replace('champion', 'fraud/1')}`);
const RULES_V2: GateRules = { ...RULES, notWorseThan: incumbentReport };
const verdict2 = gate(candidateReport, RULES_V2);
say(`Gate (release rules + not worse than fraud/1): ${verdict2.passed ? 'PASSED' : `FAILED: ${verdict2.reasons.join(' ')}`}`);
if (!verdict2.passed) throw new Error('The retrained model fails the gate.');
const evalV2 = join(dir, 'evaluation-v2.html');
writeFileSync(evalV2, candidateReport.toHTML({ title: 'fraud v2: evaluation' }));
say(`Report: ${file(evalV2)}`);
summary.v2 = { accuracy: candidateReport.metrics.accuracy, rocAuc: candidateReport.metrics.rocAuc, championAccuracy: incumbentReport.metrics.accuracy };

// 13. Promote: the server hot-reloads --------------------------------------------------
step(13, 'Package, register, promote: the server switches without a restart');
const artifactV2 = await ModelArtifact.create(candidate, { name: 'fraud', trainingData: split2.train, evaluation: candidateReport, tags: { data: 'months 7-8' } });
const v2 = await registry.register('fraud', artifactV2, { description: 'retrained on months 7-8 after card-testing drift' });
await registry.setAlias('fraud', 'production', v2.version, { reason: 'accuracy decay after drift', requireGate: { min: RULES.min } });
const waitForVersion = async (version: number): Promise<number> => {
  const t0 = performance.now();
  while (handler.model?.version !== version) {
    if (performance.now() - t0 > 10_000) throw new Error(`The server did not switch to version ${version}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
};
const switchMs = await waitForVersion(v2.version);
const probe = features(generateTransactions({ rows: 1, month: 9, seed: 7 })[0]);
say(`fraud@production -> ${v2.version}; the server picked it up in ${switchMs.toFixed(0)} ms. A request now: fraud/${(await post(probe)).version}.`);

// 14. Roll back, and forward again -----------------------------------------------------
step(14, 'Roll back (one call), then forward again');
await registry.rollback('fraud', 'production', { reason: 'drill: rollback rehearsal' });
await waitForVersion(v1.version);
const afterRollback = (await post(probe)).version;
say(`rollback -> fraud@production is ${v1.version} again; the server answers with fraud/${afterRollback}.`);
await registry.setAlias('fraud', 'production', v2.version, { reason: 'drill over' });
await waitForVersion(v2.version);
say(`setAlias -> back on fraud/${(await post(probe)).version}.`);
say('Alias history (who, when, why):');
for (const e of await registry.aliasHistory('fraud', 'production')) say(`  ${e.at}  ${e.action.padEnd(8)} ${String(e.from ?? '-').padStart(2)} -> ${e.to}  by ${e.by}  "${e.reason}"`);
summary.rollback = { servedAfterRollback: Number(afterRollback), final: v2.version };

await server.close();
await registry.close();
summary.seconds = (performance.now() - started) / 1000;
writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\nDone in ${(summary.seconds as number).toFixed(1)} s. Everything is in ${file(dir)}/ (registry, artifacts, reports, summary.json).`);
console.log(`Next: npm run cli -- versions fraud --store fs:${file(join(dir, 'registry'))}`);
