/**
 * `mlops-kit evaluate`: metrics of an artifact on labelled data, an HTML report, and a
 * gate whose verdict is the exit code (for CI).
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { compare, Evaluator, gate, type Comparison, type GateResult, type GateRules } from '../../evaluator/index';
import { list, required, str } from '../args';
import { loadArtifact, readJsonObject } from '../artifact-source';
import { HELP_OPTION, JSON_OPTION, type Command } from '../command';
import { loadData } from '../data';
import { fmt, printJson, printTable } from '../output';
import { progressBar } from '../progress';
import { STORE_OPTION } from '../store';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Score a model on labelled data (metrics with 95% intervals); with --gate, exit 1 when the gate fails.',
  spec: {
    positionals: [],
    options: {
      model: { type: 'string', value: '<file|ref>', help: 'An artifact file, or a registry reference (fraud@production, fraud/3) with --store.' },
      data: { type: 'string', value: '<file.csv>', help: 'Labelled data: CSV with a header (or .ndjson), holding the target column.' },
      gate: { type: 'string', value: '<rules.json>', help: 'Gate rules, e.g. {"min": {"accuracy": 0.9}, "tolerance": 0.005}; exit code 1 when they fail.' },
      champion: { type: 'string', value: '<file|ref>', help: 'Also evaluate this model on the same data, compare, and require "not worse than" it in the gate.' },
      slices: { type: 'string', value: '<a,b,...>', help: 'Columns to score separately (one slice per value).' },
      html: { type: 'string', value: '<report.html>', help: 'Write the evaluation report as a self-contained HTML page.' },
      ...STORE_OPTION,
      ...JSON_OPTION,
      ...HELP_OPTION,
    },
  },
  examples: [
    'mlops-kit evaluate --model model.mlpk --data test.csv --html report.html',
    'mlops-kit evaluate --model fraud/4 --champion fraud@production --data test.csv --gate rules.json --store fs:./models',
  ],
  async run(args, ctx) {
    const store = str(args, 'store');
    const { artifact, label } = await loadArtifact('evaluate', 'model', required('evaluate', args, 'model'), store, ctx);
    const data = await loadData(required('evaluate', args, 'data'), ctx);
    const slices = list(args, 'slices');
    const evaluator = new Evaluator(slices === undefined ? {} : { slices });
    const bar = progressBar(ctx.stderr, `evaluating ${label}`);
    const onProgress = (e: { phase: string; done: number; total: number }) => bar.update(e.done, e.total, e.phase === 'predict' ? 'predicted' : 'bootstrap resamples');
    let report;
    try {
      report = await evaluator.evaluate(artifact, data, { name: label, onProgress });
    } finally {
      bar.end();
    }
    let comparison: Comparison | undefined;
    let rules: GateRules | undefined = str(args, 'gate') === undefined ? undefined : ((await readJsonObject('gate', str(args, 'gate')!, ctx)) as GateRules);
    const championRef = str(args, 'champion');
    if (championRef !== undefined) {
      const champion = await loadArtifact('evaluate', 'champion', championRef, store, ctx);
      const championReport = await evaluator.evaluate(champion.artifact, data, { name: champion.label });
      comparison = await compare(report, championReport);
      rules = { ...(rules ?? {}), notWorseThan: championReport };
    }
    const verdict: GateResult | undefined = rules === undefined ? undefined : gate(report, rules);
    const html = str(args, 'html');
    if (html !== undefined) await writeFile(resolve(ctx.cwd, html), report.toHTML({ title: `${label}: evaluation` }));

    if (args.values.json === true) {
      printJson(ctx.stdout, { model: label, rows: report.data.rows, metrics: report.metrics, intervals: report.intervals, ...(comparison && { comparison: comparison.metrics }), ...(verdict && { gate: verdict }) });
    } else {
      ctx.stdout.write(`${label} on ${report.data.rows} rows (${report.task}, target "${report.target}"):\n`);
      printTable(
        ctx.stdout,
        ['METRIC', 'VALUE', '95% INTERVAL'],
        Object.entries(report.metrics).map(([k, v]) => {
          const i = report.intervals[k];
          return [k, fmt(v), i ? `[${fmt(i.lower)}, ${fmt(i.upper)}]` : '-'];
        }),
        'No metrics.',
      );
      if (comparison !== undefined) ctx.stdout.write(`\nAgainst the champion ${championRef}:\n${comparison.summary.map((s) => `  ${s}`).join('\n')}\n`);
      if (verdict !== undefined) ctx.stdout.write(`\nGate: ${verdict.passed ? 'PASSED' : 'FAILED'}\n${verdict.checks.map((c) => `  ${c.passed ? 'pass' : 'FAIL'}  ${c.message}`).join('\n')}\n`);
      if (html !== undefined) ctx.stdout.write(`\nReport: ${html}\n`);
    }
    await artifact.close();
    return verdict !== undefined && !verdict.passed ? 1 : 0;
  },
};
