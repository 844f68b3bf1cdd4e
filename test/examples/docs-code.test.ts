// The code of docs/quickstart.md runs as written (with the port and the store moved to
// a free port and a temporary directory).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { root } from '../cli/helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlops-quickstart-'));
// Inside the package (gitignored .tmp/), so that `mlops-kit` resolves to this package.
const script = join(root, '.tmp', `quickstart-${process.pid}.ts`);
mkdirSync(join(root, '.tmp'), { recursive: true });
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(script, { force: true });
});

it('docs/quickstart.md: the 30-line quick start trains, gates, registers, serves and answers', async () => {
  const page = readFileSync(join(root, 'docs/quickstart.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(page)![1];
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(30);
  expect(code).toContain("{ port: 8080 }");
  expect(code).toContain("root: './models'");
  writeFileSync(script, code.replace('{ port: 8080 }', "{ port: 0, host: '127.0.0.1' }").replace("root: './models'", `root: ${JSON.stringify(join(dir, 'models'))}`));
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', script], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
  expect(stdout).toMatch(/^1 \{/);
  expect(stdout).toMatch(/prediction: \{\s*label: true/);
}, 120_000);

it("README.md's quick start is the same code as docs/quickstart.md's (so the test above runs it)", () => {
  const block = (file: string): string => /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, file), 'utf8'))![1];
  expect(block('README.md')).toBe(block('docs/quickstart.md'));
});
