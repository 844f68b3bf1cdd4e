/**
 * What a command runs with: its output streams, whether they are terminals, the
 * environment and the working directory. Injected so that commands run in tests exactly
 * as from a shell.
 *
 * @module
 */

/** Something text can be written to (`process.stdout`, a test buffer). */
export interface TextSink {
  write(text: string): unknown;
  /** True on a terminal. */
  isTTY?: boolean;
  /** Terminal width. */
  columns?: number;
}

/** The environment of one CLI invocation. */
export interface CliContext {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The outcome of a command: its exit code. 0 success, 1 a check failed (gate, drift), 2 an error. */
export type ExitCode = 0 | 1 | 2;
