/**
 * The shape of a command and the options every command shares.
 *
 * @module
 */
import type { ArgsSpec, OptionSpec, ParsedArgs } from './args';
import type { CliContext, ExitCode } from './context';

/** One `mlops-kit <command>`. */
export interface Command {
  /** The word after `mlops-kit`. */
  name: string;
  /** One line for the command list and the help. */
  summary: string;
  /** Arguments and options. */
  spec: ArgsSpec;
  /** Example invocations shown by `--help`. */
  examples: readonly string[];
  /** Runs it; resolves the exit code. */
  run(args: ParsedArgs, ctx: CliContext): Promise<ExitCode>;
}

/** `--help`, on every command. */
export const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'Show this help.' } };
/** `--json`, for scripts. */
export const JSON_OPTION: Record<string, OptionSpec> = { json: { type: 'boolean', help: 'Print JSON instead of a table.' } };
