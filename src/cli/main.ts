#!/usr/bin/env node
/**
 * The `mlops-kit` command. See `mlops-kit --help` and docs/cli.md.
 *
 * @module
 */
import { runCli } from './run';

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then((code) => {
  process.exitCode = code;
});
