/**
 * `mlops-kit train`: CSV in, verified artifact out (and optionally registered).
 *
 * @module
 */
import { resolve } from 'node:path';
import { ModelArtifact } from '../../artifact/index';
import { Evaluator, type EvaluationReport } from '../../evaluator/index';
import { MODEL_TYPES } from '../../models/families';
import { Trainer } from '../../trainer/trainer';
import { list, num, required, str, usage } from '../args';
import { readJsonObject } from '../artifact-source';
import { HELP_OPTION, JSON_OPTION, type Command } from '../command';
import { loadData } from '../data';
import { fmt, printJson, size } from '../output';
import { progressBar } from '../progress';
import { openRegistry, STORE_OPTION } from '../store';

/** Metrics shown after training (all of them are in the artifact and with --json). */
const HEADLINE = ['accuracy', 'rocAuc', 'f1', 'precision', 'recall', 'logLoss', 'r2', 'rmse', 'mae'];

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a model on a CSV file, evaluate it on a held-out part, and write a verifiable artifact (optionally registering it).',
  spec: {
    positionals: [],
    options: {
      data: { type: 'string', value: '<file.csv>', help: 'Training data: CSV with a header (or .ndjson).' },
      target: { type: 'string', value: '<column>', help: 'The column to predict.' },
      model: { type: 'string', value: '<type>', help: `Model family: ${MODEL_TYPES.join(', ')}.` },
      params: { type: 'string', value: '<file.json>', help: 'Model parameters as JSON (a file, or inline {...}), e.g. {"numTrees": 200}.' },
      features: { type: 'string', value: '<a,b,...>', help: 'Input columns (default: every column except the target and --drop).' },
      drop: { type: 'string', value: '<a,b,...>', help: 'Columns not to use (ids, timestamps).' },
      'test-fraction': { type: 'string', value: '<f>', help: 'Share held out for evaluation, 0 to 0.9 (default 0.2; 0: no evaluation).' },
      seed: { type: 'string', value: '<n>', help: 'Seed of the split and the training (default 42).' },
      out: { type: 'string', short: 'o', value: '<file.mlpk>', help: 'Where to write the artifact (default <name>.mlpk).' },
      name: { type: 'string', value: '<name>', help: 'Artifact name (default: the --register name, else <target>-<model>).' },
      register: { type: 'string', value: '<model>', help: 'Also register the artifact under this model name (needs --store).' },
      ...STORE_OPTION,
      ...JSON_OPTION,
      ...HELP_OPTION,
    },
  },
  examples: [
    'mlops-kit train --data train.csv --target is_fraud --model gbdt --drop transaction_id,timestamp',
    'mlops-kit train --data train.csv --target is_fraud --model gbdt --params \'{"numTrees":200}\' --register fraud --store fs:./models',
  ],
  async run(args, ctx) {
    const type = required('train', args, 'model');
    if (!(MODEL_TYPES as readonly string[]).includes(type)) throw usage('train', `--model must be one of ${MODEL_TYPES.join(', ')}, got ${JSON.stringify(type)}.`);
    const target = required('train', args, 'target');
    const dataPath = required('train', args, 'data');
    const testFraction = num('train', args, 'test-fraction', { min: 0, max: 0.9 }) ?? 0.2;
    const seed = num('train', args, 'seed', { integer: true, min: 0 }) ?? 42;
    const registerAs = str(args, 'register');
    if (registerAs !== undefined && str(args, 'store') === undefined && ctx.env.MLOPS_STORE === undefined) throw usage('train', '--register needs --store (or MLOPS_STORE).');
    const params = str(args, 'params') === undefined ? {} : await readJsonObject('params', str(args, 'params')!, ctx);
    if ('type' in params) throw usage('train', '--params holds the parameters only; the family is --model.');
    const json = args.values.json === true;
    const log = (text: string): void => {
      if (!json) ctx.stdout.write(`${text}\n`);
    };

    const chosen = list(args, 'features');
    const data = await loadData(dataPath, ctx, chosen === undefined ? undefined : [...chosen, target]);
    const drop = new Set([target, ...(list(args, 'drop') ?? [])]);
    const features = chosen ?? data.columnNames.filter((c) => !drop.has(c));
    log(`Loaded ${dataPath}: ${data.numRows} rows, ${data.numColumns} columns.`);
    const targetType = data.column(target).type;
    const { train, test } =
      testFraction > 0
        ? data.split({ testFraction, seed, ...((targetType === 'category' || targetType === 'boolean') && { stratifyBy: target }) })
        : { train: data, test: undefined };

    const bar = progressBar(ctx.stderr, `training ${type}`);
    const started = Date.now();
    let model;
    try {
      model = await new Trainer({
        model: { ...params, type } as never,
        target,
        features,
        seed,
        onProgress: (e) => bar.update(e.epoch, e.totalEpochs, e.loss === undefined ? '' : `loss ${fmt(e.loss)}`),
      }).fit(train);
    } finally {
      bar.end(); // also on failure: the error line must not start on the bar's line
    }
    log(`Trained ${type} on ${train.numRows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s (features: ${features.join(', ')}).`);

    let report: EvaluationReport | undefined;
    if (test !== undefined) {
      report = await new Evaluator().evaluate(model, test);
      const shown = HEADLINE.filter((k) => k in report!.metrics);
      log(`Held-out evaluation (${test.numRows} rows): ${shown.map((k) => `${k} ${fmt(report!.metrics[k])}`).join(', ')}`);
    }
    const name = str(args, 'name') ?? registerAs ?? `${target}-${type}`;
    const artifact = await ModelArtifact.create(model, { name, trainingData: train, ...(report !== undefined && { evaluation: report }) });
    const out = resolve(ctx.cwd, str(args, 'out') ?? `${name}.mlpk`);
    await artifact.writeFile(out);
    log(`Wrote ${str(args, 'out') ?? `${name}.mlpk`} (${size(artifact.byteLength)}, sha256:${artifact.digest}).`);

    let version: { ref: string; version: number } | undefined;
    if (registerAs !== undefined) {
      const registry = await openRegistry('train', str(args, 'store'), ctx);
      try {
        version = await registry.register(registerAs, artifact, { description: `trained by mlops-kit train on ${dataPath}` });
      } finally {
        await registry.close();
      }
      log(`Registered ${version.ref}. Promote it with: mlops-kit promote ${version.ref} --alias production`);
    }
    if (json) printJson(ctx.stdout, { artifact: out, digest: artifact.digest, bytes: artifact.byteLength, metrics: report?.metrics ?? null, ...(version !== undefined && { version: version.ref }) });
    return 0;
  },
};
