/**
 * The registry commands: models, versions, show, promote, rollback, history, delete, gc.
 *
 * @module
 */
import { parseReference, type ModelVersion, type Registry } from '../../registry/index';
import type { GateRules } from '../../evaluator/index';
import { duration, str, usage, type ParsedArgs } from '../args';
import { readJsonObject } from '../artifact-source';
import { HELP_OPTION, JSON_OPTION, type Command } from '../command';
import type { CliContext, ExitCode } from '../context';
import { fmt, printFields, printJson, printTable, size, time } from '../output';
import { openRegistry, STORE_OPTION } from '../store';

async function withRegistry(command: string, args: ParsedArgs, ctx: CliContext, fn: (registry: Registry) => Promise<ExitCode>): Promise<ExitCode> {
  const registry = await openRegistry(command, str(args, 'store'), ctx);
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}

const WHO = {
  by: { type: 'string', value: '<who>', help: 'Who does it, for the audit history (default: $MLOPS_ACTOR or $USER).' },
  reason: { type: 'string', value: '<text>', help: 'Why, for the audit history.' },
} as const;

const headline = (v: ModelVersion): string =>
  Object.entries(v.artifact.metrics ?? {})
    .filter(([k]) => ['accuracy', 'rocAuc', 'r2', 'rmse'].includes(k))
    .map(([k, x]) => `${k}=${fmt(x)}`)
    .join(' ');

/** A reference with an optional alias, `fraud` or `fraud@staging` (default alias production). */
function aliasRef(command: string, value: string): { name: string; alias: string } {
  const at = value.indexOf('@');
  const ref = parseReference(at < 0 ? `${value}@production` : value);
  if (ref.alias === undefined) throw usage(command, `Expected <model>[@alias], got ${JSON.stringify(value)}.`);
  return { name: ref.name, alias: ref.alias };
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List the models of a registry, with their version counts and aliases.',
  spec: { positionals: [], options: { ...STORE_OPTION, prefix: { type: 'string', value: '<text>', help: 'Only names starting with this.' }, ...JSON_OPTION, ...HELP_OPTION } },
  examples: ['mlops-kit models --store fs:./models', 'mlops-kit models --store postgres://ci@db/mlops --json'],
  run: (args, ctx) =>
    withRegistry('models', args, ctx, async (registry) => {
      const models = [];
      let cursor: string | undefined;
      do {
        const page = await registry.listModels({ limit: 1000, ...(cursor !== undefined && { cursor }), ...(str(args, 'prefix') !== undefined && { prefix: str(args, 'prefix') }) });
        for (const m of page.items) models.push({ ...m, aliases: Object.fromEntries((await registry.getAliases(m.name)).map((a) => [a.alias, a.version])) });
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      if (args.values.json === true) printJson(ctx.stdout, models);
      else
        printTable(
          ctx.stdout,
          ['MODEL', 'VERSIONS', 'LATEST', 'ALIASES', 'CREATED'],
          models.map((m) => [m.name, String(m.versionCount), m.latestVersion === null ? '-' : String(m.latestVersion), Object.entries(m.aliases).map(([a, v]) => `${a}->${v}`).join(', ') || '-', time(m.createdAt)]),
          'No models.',
        );
      return 0;
    }),
};

export const versionsCommand: Command = {
  name: 'versions',
  summary: 'List the versions of a model, newest first.',
  spec: {
    positionals: [{ name: 'model', help: 'Model name.' }],
    options: { ...STORE_OPTION, limit: { type: 'string', value: '<n>', help: 'Most versions shown (default 50).' }, ...JSON_OPTION, ...HELP_OPTION },
  },
  examples: ['mlops-kit versions fraud --store fs:./models'],
  run: (args, ctx) =>
    withRegistry('versions', args, ctx, async (registry) => {
      const limit = Number(str(args, 'limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usage('versions', `--limit must be an integer from 1 to 1000, got ${JSON.stringify(str(args, 'limit'))}.`);
      const { items } = await registry.listVersions(args.positionals[0], { limit });
      if (args.values.json === true) printJson(ctx.stdout, items);
      else
        printTable(
          ctx.stdout,
          ['VERSION', 'CREATED', 'BY', 'TYPE', 'METRICS', 'ALIASES', 'DIGEST', 'DESCRIPTION'],
          items.map((v) => [String(v.version), time(v.createdAt), v.createdBy, v.artifact.modelType ?? '-', headline(v) || '-', v.aliases.join(', ') || '-', v.digest.slice(0, 12), v.description]),
          `Model "${args.positionals[0]}" has no versions.`,
        );
      return 0;
    }),
};

export const showCommand: Command = {
  name: 'show',
  summary: 'Show one version: digest, lineage, metrics, tags and aliases.',
  spec: { positionals: [{ name: 'ref', help: 'fraud/3, fraud@production or fraud@latest.' }], options: { ...STORE_OPTION, ...JSON_OPTION, ...HELP_OPTION } },
  examples: ['mlops-kit show fraud@production --store fs:./models', 'mlops-kit show fraud/3 --json'],
  run: (args, ctx) =>
    withRegistry('show', args, ctx, async (registry) => {
      const v = await registry.resolve(args.positionals[0]);
      if (args.values.json === true) {
        printJson(ctx.stdout, v);
        return 0;
      }
      printFields(ctx.stdout, [
        ['ref', v.ref],
        ['aliases', v.aliases.join(', ') || '-'],
        ['digest', `sha256:${v.digest}`],
        ['size', size(v.size)],
        ['created', `${time(v.createdAt)} by ${v.createdBy}`],
        ['description', v.description || undefined],
        ['type', v.artifact.modelType && `${v.artifact.modelType} (${v.artifact.task ?? '?'})`],
        ['data', v.artifact.dataFingerprint && `sha256:${v.artifact.dataFingerprint}`],
        ['run', v.artifact.runId],
        ['metrics', Object.entries(v.artifact.metrics ?? {}).map(([k, x]) => `${k}=${fmt(x)}`).join(' ') || undefined],
        ['tags', Object.entries(v.tags).map(([k, x]) => `${k}=${x}`).join(' ') || undefined],
        ['copied from', v.source && `${v.source.registry ? `${v.source.registry}:` : ''}${v.source.name}/${v.source.version}`],
      ]);
      return 0;
    }),
};

export const promoteCommand: Command = {
  name: 'promote',
  summary: 'Point an alias (default production) at a version; recorded in the history.',
  spec: {
    positionals: [{ name: 'ref', help: 'The version to promote: fraud/3 (or fraud@staging to promote what staging points at).' }],
    options: {
      ...STORE_OPTION,
      alias: { type: 'string', value: '<alias>', help: 'Alias to move (default production).' },
      ...WHO,
      gate: { type: 'string', value: '<rules.json>', help: "Refuse unless the version's stored evaluation passes these gate rules." },
      'if-current': { type: 'string', value: '<version>', help: 'Move only if the alias points at this version now (compare-and-swap).' },
      ...JSON_OPTION,
      ...HELP_OPTION,
    },
  },
  examples: ['mlops-kit promote fraud/3 --store fs:./models --reason "CHG-1234"', 'mlops-kit promote fraud@staging --alias production --gate rules.json'],
  run: (args, ctx) =>
    withRegistry('promote', args, ctx, async (registry) => {
      const target = await registry.resolve(args.positionals[0]);
      const alias = str(args, 'alias') ?? 'production';
      const ifCurrent = str(args, 'if-current');
      if (ifCurrent !== undefined && !/^[1-9]\d*$/.test(ifCurrent)) throw usage('promote', `--if-current must be a version number, got ${JSON.stringify(ifCurrent)}.`);
      const gateFile = str(args, 'gate');
      const event = await registry.setAlias(target.name, alias, target.version, {
        ...(str(args, 'by') !== undefined && { by: str(args, 'by') }),
        ...(str(args, 'reason') !== undefined && { reason: str(args, 'reason') }),
        ...(gateFile !== undefined && { requireGate: (await readJsonObject('gate', gateFile, ctx)) as GateRules }),
        ...(ifCurrent !== undefined && { ifCurrent: Number(ifCurrent) }),
      });
      if (args.values.json === true) printJson(ctx.stdout, event ?? { name: target.name, alias, from: target.version, to: target.version, unchanged: true });
      else ctx.stdout.write(event === null ? `${target.name}@${alias} already points at ${target.version}.\n` : `${target.name}@${alias}: ${event.from ?? '-'} -> ${event.to}\n`);
      return 0;
    }),
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Move an alias back to where it pointed before its last move.',
  spec: { positionals: [{ name: 'model', help: 'fraud (alias production) or fraud@staging.' }], options: { ...STORE_OPTION, ...WHO, ...JSON_OPTION, ...HELP_OPTION } },
  examples: ['mlops-kit rollback fraud --store fs:./models --reason "error rate spike"'],
  run: (args, ctx) =>
    withRegistry('rollback', args, ctx, async (registry) => {
      const { name, alias } = aliasRef('rollback', args.positionals[0]);
      const event = await registry.rollback(name, alias, {
        ...(str(args, 'by') !== undefined && { by: str(args, 'by') }),
        ...(str(args, 'reason') !== undefined && { reason: str(args, 'reason') }),
      });
      if (args.values.json === true) printJson(ctx.stdout, event);
      else ctx.stdout.write(`${name}@${alias}: ${event.from ?? '-'} -> ${event.to} (rollback)\n`);
      return 0;
    }),
};

export const historyCommand: Command = {
  name: 'history',
  summary: "The audit history of a model's aliases: who moved what, when and why.",
  spec: { positionals: [{ name: 'model', help: 'fraud (every alias) or fraud@production (one alias).' }], options: { ...STORE_OPTION, ...JSON_OPTION, ...HELP_OPTION } },
  examples: ['mlops-kit history fraud --store fs:./models', 'mlops-kit history fraud@production --json'],
  run: (args, ctx) =>
    withRegistry('history', args, ctx, async (registry) => {
      const value = args.positionals[0];
      const ref = value.includes('@') ? aliasRef('history', value) : { name: value, alias: undefined };
      const events = await registry.aliasHistory(ref.name, ref.alias);
      if (args.values.json === true) printJson(ctx.stdout, events);
      else
        printTable(
          ctx.stdout,
          ['AT', 'ALIAS', 'ACTION', 'FROM', 'TO', 'BY', 'REASON'],
          events.map((e) => [time(e.at), e.alias, e.action, e.from === null ? '-' : String(e.from), e.to === null ? '-' : String(e.to), e.by, e.reason]),
          `No alias of "${ref.name}" has moved yet.`,
        );
      return 0;
    }),
};

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'Delete a version (refused while an alias points at it). Needs --yes.',
  spec: { positionals: [{ name: 'ref', help: 'The version: fraud/3.' }], options: { ...STORE_OPTION, yes: { type: 'boolean', short: 'y', help: 'Confirm the deletion.' }, ...JSON_OPTION, ...HELP_OPTION } },
  examples: ['mlops-kit delete fraud/3 --yes --store fs:./models'],
  run: (args, ctx) =>
    withRegistry('delete', args, ctx, async (registry) => {
      const ref = parseReference(args.positionals[0]);
      if (ref.version === undefined) throw usage('delete', `delete takes a version such as ${ref.name}/3, not an alias.`);
      if (args.values.yes !== true) throw usage('delete', `Deleting ${ref.name}/${ref.version} cannot be undone: add --yes to confirm.`);
      await registry.deleteVersion(ref.name, ref.version);
      if (args.values.json === true) printJson(ctx.stdout, { deleted: `${ref.name}/${ref.version}` });
      else ctx.stdout.write(`Deleted ${ref.name}/${ref.version}. Its blob is freed by "mlops-kit gc" once nothing else uses it.\n`);
      return 0;
    }),
};

export const gcCommand: Command = {
  name: 'gc',
  summary: 'Delete stored artifacts that no version references any more.',
  spec: {
    positionals: [],
    options: {
      ...STORE_OPTION,
      grace: { type: 'string', value: '<duration>', help: 'Keep blobs stored more recently than this (default 1h): protects registrations in progress.' },
      'dry-run': { type: 'boolean', help: 'Report what would be deleted, delete nothing.' },
      ...JSON_OPTION,
      ...HELP_OPTION,
    },
  },
  examples: ['mlops-kit gc --store fs:./models --dry-run', 'mlops-kit gc --store sqlite:./registry.db --grace 24h'],
  run: (args, ctx) =>
    withRegistry('gc', args, ctx, async (registry) => {
      const graceMs = duration('gc', args, 'grace');
      const report = await registry.gc({ ...(graceMs !== undefined && { graceMs }), dryRun: args.values['dry-run'] === true });
      if (args.values.json === true) printJson(ctx.stdout, report);
      else
        ctx.stdout.write(
          `${args.values['dry-run'] === true ? 'Would delete' : 'Deleted'} ${report.deleted.length} blob(s), ${size(report.freedBytes)}; ${report.referenced} referenced, ${report.spared} unreferenced but younger than the grace period (${report.scanned} scanned).\n`,
        );
      return 0;
    }),
};
