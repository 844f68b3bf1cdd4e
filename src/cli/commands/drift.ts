/**
 * `mlops-kit drift`: compares current data with a reference (a CSV, a saved profile, or
 * the training profile inside an artifact); exit code 1 when drift or decay is found,
 * so it works as a CI or cron gate.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelArtifact } from '../../artifact/index';
import type { Dataset } from '../../dataset/dataset';
import { isMlopsError } from '../../errors';
import { DriftMonitor, type DriftMonitorOptions, type ObserveOptions } from '../../monitor/index';
import { list, required, str } from '../args';
import { loadArtifact, readJson } from '../artifact-source';
import { HELP_OPTION, JSON_OPTION, type Command } from '../command';
import { loadData } from '../data';
import { fmt, printJson, printTable } from '../output';
import { STORE_OPTION } from '../store';

export const driftCommand: Command = {
  name: 'drift',
  summary: 'Compare current data with a reference; exit code 1 when the data drifted (or, with labels and an artifact, the accuracy decayed).',
  spec: {
    positionals: [],
    options: {
      reference: { type: 'string', value: '<file|ref>', help: 'Reference: a CSV/NDJSON file, a profile .json (ds.profile()), an artifact file, or a registry reference with --store.' },
      current: { type: 'string', value: '<file.csv>', help: 'Current data: CSV with a header (or .ndjson).' },
      target: { type: 'string', value: '<column>', help: 'The label column (default: the artifact\'s target); not tested as a feature.' },
      features: { type: 'string', value: '<a,b,...>', help: 'Features to test (default: every reference column except dates and the target).' },
      drop: { type: 'string', value: '<a,b,...>', help: 'Columns not to test (ids).' },
      html: { type: 'string', value: '<report.html>', help: 'Write the drift report as a self-contained HTML page.' },
      ...STORE_OPTION,
      ...JSON_OPTION,
      ...HELP_OPTION,
    },
  },
  examples: [
    'mlops-kit drift --reference train.csv --current last-week.csv --target is_fraud --drop transaction_id --html drift.html',
    'mlops-kit drift --reference fraud@production --current today.csv --store fs:./models || page-oncall',
  ],
  async run(args, ctx) {
    const refValue = required('drift', args, 'reference');
    const current = await loadData(required('drift', args, 'current'), ctx);
    let reference: DriftMonitorOptions['reference'];
    let artifact: ModelArtifact | undefined;
    if (/\.(csv|tsv|ndjson|jsonl)$/i.test(refValue)) reference = await loadData(refValue, ctx);
    else if (/\.json$/i.test(refValue)) reference = (await readJson('reference', refValue, ctx)) as DriftMonitorOptions['reference'];
    else {
      artifact = (await loadArtifact('drift', 'reference', refValue, str(args, 'store'), ctx)).artifact;
      reference = artifact;
    }
    const target = str(args, 'target') ?? artifact?.target;
    const options: DriftMonitorOptions = { reference, window: { type: 'count', size: Math.max(1, current.numRows) }, ...(target !== undefined && { target }) };
    const drop = new Set(list(args, 'drop') ?? []);
    const features = list(args, 'features') ?? (drop.size > 0 ? new DriftMonitor(options).features.filter((f) => !drop.has(f)) : undefined);
    const monitor = new DriftMonitor(features === undefined ? options : { ...options, features });
    monitor.observe(current, artifact === undefined ? {} : await outcomes(artifact, current, target));
    const report = monitor.check();
    await artifact?.close();
    const html = str(args, 'html');
    if (html !== undefined) await writeFile(resolve(ctx.cwd, html), report.toHTML({ title: `Drift: ${str(args, 'current')} vs ${refValue}` }));

    if (args.values.json === true) printJson(ctx.stdout, report.toJSON());
    else {
      printTable(
        ctx.stdout,
        ['FEATURE', 'TEST', 'P-VALUE', 'EFFECT SIZE', 'MISSING', 'DRIFTED'],
        report.features.map((f) => [
          f.name,
          f.test?.name ?? f.status,
          f.test ? fmt(f.test.adjustedPValue) : '-',
          f.effectSize ? `${f.effectSize.name} ${fmt(f.effectSize.value)} (>= ${fmt(f.effectSize.threshold)})` : '-',
          `${fmt(f.missing.referenceRate)} -> ${fmt(f.missing.currentRate)}`,
          f.drifted ? 'YES' : 'no',
        ]),
        'No features tested.',
      );
      const perf = report.performance;
      if (perf !== null) {
        for (const m of perf.metrics) ctx.stdout.write(`${m.name}: ${fmt(m.value)} vs ${fmt(m.baseline)} at training${m.decayed ? ' DECAYED' : ''}\n`);
      }
      const verdict = report.drifted
        ? `DRIFT: ${report.driftedFeatures.length} of ${report.features.length - report.erroredFeatures.length} features drifted (${report.driftedFeatures.join(', ')}).`
        : `No dataset drift (${report.driftedFeatures.length} of ${report.features.length - report.erroredFeatures.length} features drifted; the threshold is a share of ${report.rule.driftShare}).`;
      ctx.stdout.write(`${verdict}${report.prediction?.drifted ? ' The predictions drifted.' : ''}${perf?.decayed ? ` Performance decayed (${perf.decayedMetrics.join(', ')}).` : ''}\n`);
      if (html !== undefined) ctx.stdout.write(`Report: ${html}\n`);
    }
    return report.alerting ? 1 : 0;
  },
};

/** The artifact's predictions, and the labels when the current data has the target column. */
async function outcomes(artifact: ModelArtifact, data: Dataset, target: string | undefined): Promise<ObserveOptions> {
  let predictions;
  try {
    predictions = await artifact.predict(data);
  } catch (err) {
    if (!isMlopsError(err, 'PREDICT_INVALID_INPUT')) throw err;
    return {}; // the current data lacks some inputs: test the features only
  }
  if (target === undefined || !data.has(target)) return { predictions };
  return { predictions, labels: data.column(target).toArray() as ObserveOptions['labels'] };
}
