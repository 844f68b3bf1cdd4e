#!/usr/bin/env node
/**
 * The `mlops-kit` command. See `mlops-kit --help` and docs/cli.md.
 *
 * @module
 */
import { registerRuntime } from '../artifact/runtime';
import { onnxRuntime } from '../runtime/onnx';
import { runCli } from './run';

// The command is an application, so it opts in to the ONNX runtime: imported ONNX models
// are served, evaluated and checked for drift like native ones (onnxruntime-node is
// loaded only when such an artifact is).
registerRuntime(onnxRuntime());
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then((code) => {
  process.exitCode = code;
});
