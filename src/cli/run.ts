/**
 * `mlops-kit`: dispatch to a command, print errors as one line, map outcomes to exit
 * codes (0 success, 1 a check failed: gate, drift; 2 an error or a usage mistake).
 *
 * @module
 */
import { isMlopsError } from '../errors';
import { VERSION } from '../version';
import { helpText, parse } from './args';
import type { Command } from './command';
import { driftCommand } from './commands/drift';
import { evaluateCommand } from './commands/evaluate';
import { deleteCommand, gcCommand, historyCommand, modelsCommand, promoteCommand, rollbackCommand, showCommand, versionsCommand } from './commands/registry-commands';
import { serveCommand } from './commands/serve';
import { trainCommand } from './commands/train';
import type { CliContext, ExitCode } from './context';

/** Every command, in the order of the help. */
export const COMMANDS: readonly Command[] = [
  modelsCommand,
  versionsCommand,
  showCommand,
  promoteCommand,
  rollbackCommand,
  historyCommand,
  deleteCommand,
  gcCommand,
  trainCommand,
  evaluateCommand,
  driftCommand,
  serveCommand,
];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: mlops-kit <command> [options]',
    '',
    'The MLOps lifecycle from the command line: train, evaluate and gate, manage the model registry, watch for drift, serve.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Registry commands take --store fs:<dir> | sqlite:<file> | postgres://... (or $MLOPS_STORE).',
    'Exit codes: 0 success, 1 a check failed (gate, drift), 2 an error.',
    'Run "mlops-kit <command> --help" for a command\'s options.',
    '',
  ].join('\n');
}

/** Runs one invocation; resolves its exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    ctx.stderr.write(`mlops-kit: unknown command ${JSON.stringify(name)}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run "mlops-kit --help".\n`);
    return 2;
  }
  try {
    const args = parse(command.name, command.spec, rest);
    if (args.values.help === true) {
      ctx.stdout.write(helpText(command.name, command.summary, command.spec, command.examples));
      return 0;
    }
    return await command.run(args, ctx);
  } catch (err) {
    if (isMlopsError(err)) {
      ctx.stderr.write(`mlops-kit ${command.name}: ${err.message.replace(/\s*\n\s*/g, '; ')} [${err.code}]\n`);
      // A refused promotion is a check that failed (exit 1), like a failed gate or drift.
      if (err.code === 'REGISTRY_GATE_FAILED') return 1;
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    ctx.stderr.write(`mlops-kit ${command.name}: ${e?.code !== undefined ? `${e.code}: ` : ''}${e?.message ?? String(err)}\n`);
    if (ctx.env.MLOPS_DEBUG !== undefined && e?.stack !== undefined) ctx.stderr.write(`${e.stack}\n`);
    return 2;
  }
}
