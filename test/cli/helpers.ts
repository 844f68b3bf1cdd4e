// Runs the mlops-kit command as a user does: a child process. In CI it runs the built
// bin (dist/cli/main.js, built first by `npm test`; built here if missing); elsewhere it
// runs the source through tsx, so no build is needed while developing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = resolve(__dirname, '../..');
const useDist = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const bin = join(root, 'dist/cli/main.js');

/** The command line that starts the CLI: `[node, ...args]`. */
export function cliCommand(): string[] {
  const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
  return useDist ? [process.execPath, bin] : [process.execPath, '--conditions=source', '--import', tsx, join(root, 'src/cli/main.ts')];
}

/** Builds dist/ when the built CLI is used and missing. */
export function ensureBuilt(): void {
  if (useDist && !existsSync(bin)) {
    console.warn('dist/ is missing: building the package for the CLI tests (npm test builds it first).');
    execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  }
}

/** The outcome of one invocation. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI without waiting for it. */
export function startCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
  const [node, ...pre] = cliCommand();
  return spawn(node, [...pre, ...args], { cwd: options.cwd, env: { ...process.env, NODE_OPTIONS: '', MLOPS_STORE: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI to completion. */
export function cli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
