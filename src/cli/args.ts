/**
 * Command-line arguments: a declarative spec per command, parsed strictly with Node's
 * `util.parseArgs`, and the help text generated from the same spec.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { MlopsError } from '../errors';

/** One option of a command. */
export interface OptionSpec {
  /** `string` takes a value (`--store fs:./models` or `--store=fs:./models`); `boolean` is a flag. */
  type: 'string' | 'boolean';
  /** One-letter alias. */
  short?: string;
  /** Placeholder shown in the help (`<path>`). */
  value?: string;
  /** One line of help. */
  help: string;
}

/** One positional argument. */
export interface PositionalSpec {
  /** Name shown in the usage line. */
  name: string;
  /** One line of help. */
  help: string;
  /** Whether it may be left out. */
  optional?: boolean;
}

/** What a command accepts. */
export interface ArgsSpec {
  options: Record<string, OptionSpec>;
  positionals: readonly PositionalSpec[];
}

/** Parsed arguments. */
export interface ParsedArgs {
  /** Option values by name (flags are `true` or absent). */
  values: Record<string, string | boolean | undefined>;
  /** Positional arguments, in order. */
  positionals: string[];
}

/** A usage error (exit code 2) that points at the command's help. */
export function usage(command: string, message: string): MlopsError {
  return new MlopsError('CLI_USAGE', `${message} Run "mlops-kit ${command} --help" for usage.`);
}

/** Parses `argv` against a spec; unknown options, missing values and extra positionals are usage errors. */
export function parse(command: string, spec: ArgsSpec, argv: readonly string[]): ParsedArgs {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.short !== undefined && { short: o.short }) }])),
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw usage(command, unknown !== null ? `Unknown option ${unknown[1]}.` : `${message.replace(/\.$/, '')}.`);
  }
  if (parsed.values.help === true) return { values: parsed.values, positionals: parsed.positionals };
  const max = spec.positionals.length;
  const min = spec.positionals.filter((p) => p.optional !== true).length;
  if (parsed.positionals.length > max) throw usage(command, `Unexpected argument ${JSON.stringify(parsed.positionals[max])}.`);
  if (parsed.positionals.length < min) throw usage(command, `Missing <${spec.positionals[parsed.positionals.length].name}>.`);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** The help text of a command. */
export function helpText(command: string, summary: string, spec: ArgsSpec, examples: readonly string[]): string {
  const pos = spec.positionals.map((p) => (p.optional === true ? `[${p.name}]` : `<${p.name}>`)).join(' ');
  const lines = [`Usage: mlops-kit ${command}${pos ? ` ${pos}` : ''} [options]`, '', summary, ''];
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    const w = Math.max(...spec.positionals.map((p) => p.name.length));
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(w)}  ${p.help}`);
    lines.push('');
  }
  lines.push('Options:');
  const flags = Object.entries(spec.options).map(([name, o]) => [`${o.short !== undefined ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`, o.help]);
  const w = Math.max(...flags.map(([f]) => f.length));
  for (const [f, h] of flags) lines.push(`  ${f.padEnd(w)}  ${h}`);
  if (examples.length > 0) lines.push('', 'Examples:', ...examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** A string option's value, or undefined. */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A required string option. */
export function required(command: string, args: ParsedArgs, name: string): string {
  const v = str(args, name);
  if (v === undefined || v.length === 0) throw usage(command, `Missing --${name}.`);
  return v;
}

/** A numeric option, checked against a range. */
export function num(command: string, args: ParsedArgs, name: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (range.integer === true && !Number.isInteger(n)) || (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    const what = range.integer === true ? 'an integer' : 'a number';
    const bounds = range.min !== undefined && range.max !== undefined ? ` from ${range.min} to ${range.max}` : range.min !== undefined ? ` >= ${range.min}` : '';
    throw usage(command, `--${name} must be ${what}${bounds}, got ${JSON.stringify(v)}.`);
  }
  return n;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration option (`500ms`, `5s`, `1h`, `2d`, or plain milliseconds), in milliseconds. */
export function duration(command: string, args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (m === null) throw usage(command, `--${name} must be a duration such as 500ms, 5s, 10m, 1h or 2d, got ${JSON.stringify(v)}.`);
  return Number(m[1]) * UNITS[m[2] ?? 'ms'];
}

const SIZES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size option (`512kb`, `1mb`, or plain bytes), in bytes. */
export function bytes(command: string, args: ParsedArgs, name: string): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v.trim());
  if (m === null) throw usage(command, `--${name} must be a size such as 512kb or 1mb, got ${JSON.stringify(v)}.`);
  return Math.floor(Number(m[1]) * SIZES[(m[2] ?? 'b').toLowerCase()]);
}

/** A comma-separated list option. */
export function list(args: ParsedArgs, name: string): string[] | undefined {
  const v = str(args, name);
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
