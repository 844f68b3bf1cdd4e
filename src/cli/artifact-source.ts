/**
 * Where a command reads a model or a JSON file from: an artifact file, or a registry
 * reference (`fraud@production`, `fraud/3`) with `--store`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelArtifact } from '../artifact/index';
import { MlopsError } from '../errors';
import { usage } from './args';
import type { CliContext } from './context';
import { openRegistry } from './store';

/** Loads `value` as an artifact file, or else as a registry reference. */
export async function loadArtifact(command: string, option: string, value: string, store: string | undefined, ctx: CliContext): Promise<{ artifact: ModelArtifact; label: string }> {
  const path = resolve(ctx.cwd, value);
  if (existsSync(path)) return { artifact: await ModelArtifact.fromFile(path), label: value };
  if (!/^[a-z0-9][a-z0-9._-]*(@[a-z0-9][a-z0-9._-]*|\/\d+)$/.test(value)) {
    throw usage(command, `--${option} ${JSON.stringify(value)} is neither an artifact file nor a registry reference such as fraud@production or fraud/3.`);
  }
  const registry = await openRegistry(command, store, ctx);
  try {
    const version = await registry.resolve(value);
    return { artifact: await registry.load(version.ref), label: version.ref };
  } finally {
    await registry.close();
  }
}

/** Reads a JSON file (or inline JSON starting with `{`). */
export async function readJson(option: string, value: string, ctx: CliContext): Promise<unknown> {
  const inline = value.trimStart().startsWith('{');
  let text: string;
  try {
    text = inline ? value : await readFile(resolve(ctx.cwd, value), 'utf8');
  } catch (err) {
    throw new MlopsError('INVALID_ARGUMENT', `--${option}: cannot read ${JSON.stringify(value)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MlopsError('INVALID_ARGUMENT', `--${option}: ${inline ? 'the value' : JSON.stringify(value)} is not valid JSON (${(err as Error).message}).`);
  }
}

/** A JSON object option (parameters, gate rules). */
export async function readJsonObject(option: string, value: string, ctx: CliContext): Promise<Record<string, unknown>> {
  const json = await readJson(option, value, ctx);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new MlopsError('INVALID_ARGUMENT', `--${option} must hold a JSON object, e.g. {"min": {"accuracy": 0.9}}.`);
  return json as Record<string, unknown>;
}
