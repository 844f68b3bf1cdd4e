// examples/custom-adapter.ts writes an adapter and runs the conformance suites on it
// (under node:test), importing the package by name as a user would.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

it('examples/custom-adapter.ts passes the conformance suites', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/custom-adapter.ts'], { cwd: root });
  expect(stdout).toMatch(/^# fail 0$/m);
  const passed = Number(/^# pass (\d+)$/m.exec(stdout)?.[1]);
  expect(passed).toBeGreaterThanOrEqual(23);
});
