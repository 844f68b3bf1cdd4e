// The CLI's dispatch, help, argument parsing and progress bar, in process (fast); the
// child-process tests in cli.test.ts cover the bin itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytes, duration, parse } from '../../src/cli/args';
import type { CliContext } from '../../src/cli/context';
import { COMMANDS, runCli } from '../../src/cli/run';
import { generateTransactions, transactionsToCSV } from '../../src/demo/index';
import { VERSION } from '../../src/version';

const dir = mkdtempSync(join(tmpdir(), 'mlops-cli-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(options: { tty?: boolean } = {}): CliContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t), isTTY: options.tty },
    stderr: { write: (t: string) => (err += t), isTTY: options.tty, columns: 120 },
    env: {},
    cwd: dir,
    out: () => out,
    err: () => err,
  };
}

describe('runCli', () => {
  it('--help lists every command; every command has --help with its options and examples', async () => {
    const ctx = context();
    expect(await runCli(['--help'], ctx)).toBe(0);
    for (const c of COMMANDS) expect(ctx.out()).toContain(`  ${c.name}`);
    expect(COMMANDS.map((c) => c.name)).toEqual(['models', 'versions', 'show', 'promote', 'rollback', 'history', 'delete', 'gc', 'train', 'evaluate', 'drift', 'serve']);
    for (const c of COMMANDS) {
      const h = context();
      expect(await runCli([c.name, '--help'], h), c.name).toBe(0);
      expect(h.out()).toMatch(new RegExp(`^Usage: mlops-kit ${c.name}`));
      expect(h.out()).toContain('-h, --help');
      expect(h.out()).toContain('Examples:');
      for (const name of Object.keys(c.spec.options)) expect(h.out()).toContain(`--${name}`);
    }
  });

  it('no arguments prints the help with exit code 2; --version prints the version', async () => {
    const ctx = context();
    expect(await runCli([], ctx)).toBe(2);
    expect(ctx.out()).toContain('Usage: mlops-kit <command>');
    const v = context();
    expect(await runCli(['--version'], v)).toBe(0);
    expect(v.out()).toBe(`${VERSION}\n`);
  });

  it('usage mistakes are one line naming the fix, exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['versions', 'fraud', '--bogus'], /Unknown option --bogus\. Run "mlops-kit versions --help"/],
      [['versions'], /Missing <model>/],
      [['versions', 'a', 'b', '--store', 'x'], /Unexpected argument "b"/],
      [['promote', 'fraud/1'], /Missing --store: pass --store fs:\.\/models/],
      [['models', '--store', 's3://bucket'], /Unknown store "s3:\/\/bucket"/],
      [['models', '--store', 'mysql://admin:hunter2@db/registry'], /Unknown store "mysql:\/\/admin:\*\*\*@db\/registry"/],
      [['train', '--data', 'x.csv', '--target', 'y', '--model', 'forest'], /--model must be one of linear, logistic/],
      [['train', '--data', 'x.csv', '--target', 'y', '--model', 'gbdt', '--test-fraction', '2'], /--test-fraction must be a number from 0 to 0\.9/],
      [['serve', '--port', '8080'], /Pass --model <name> \(with --store\) .* or --artifact/],
      [['serve', '--model', 'm', '--store', 'fs:x', '--refresh', 'soon'], /--refresh must be a duration/],
      [['evaluate', '--model', 'not a ref', '--data', 'x.csv'], /neither an artifact file nor a registry reference/],
    ];
    for (const [argv, message] of cases) {
      const ctx = context();
      expect(await runCli(argv, ctx), argv.join(' ')).toBe(2);
      expect(ctx.err().trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(ctx.err(), argv.join(' ')).toMatch(message);
    }
  });

  it('draws a progress bar on a terminal, and none otherwise', async () => {
    writeFileSync(join(dir, 'small.csv'), transactionsToCSV(generateTransactions({ rows: 400, seed: 4 })));
    const argv = ['train', '--data', 'small.csv', '--target', 'is_fraud', '--model', 'gbdt', '--params', '{"numTrees":40,"threads":1}', '--drop', 'transaction_id,timestamp', '--test-fraction', '0', '--out', 'small.mlpk'];
    const tty = context({ tty: true });
    expect(await runCli(argv, tty)).toBe(0);
    expect(tty.err()).toMatch(/\rtraining gbdt \[#+-*\] \d+\/40 loss/);
    expect(tty.err().endsWith('\r\u001b[K')).toBe(true);
    const pipe = context();
    expect(await runCli(argv, pipe)).toBe(0);
    expect(pipe.err()).toBe('');
    expect(pipe.out()).toContain('Wrote small.mlpk');
  });
});

describe('argument helpers', () => {
  const spec = { positionals: [], options: { d: { type: 'string' as const, help: '' }, b: { type: 'string' as const, help: '' } } };
  it('durations and sizes', () => {
    const args = (d: string, b: string) => parse('x', spec, ['--d', d, '--b', b]);
    expect(duration('x', args('500ms', '1'), 'd')).toBe(500);
    expect(duration('x', args('5s', '1'), 'd')).toBe(5000);
    expect(duration('x', args('1.5h', '1'), 'd')).toBe(5_400_000);
    expect(duration('x', args('250', '1'), 'd')).toBe(250);
    expect(bytes('x', args('1', '512kb'), 'b')).toBe(524_288);
    expect(bytes('x', args('1', '1MB'), 'b')).toBe(1_048_576);
    expect(() => duration('x', args('5 minutes', '1'), 'd')).toThrow(/--d must be a duration/);
    expect(() => bytes('x', args('1', 'lots'), 'b')).toThrow(/--b must be a size/);
  });

  it('accepts --name=value and refuses a missing value', () => {
    expect(parse('x', spec, ['--d=5s']).values.d).toBe('5s');
    expect(() => parse('x', spec, ['--d'])).toThrow(/CLI_USAGE|argument missing|Run "mlops-kit x --help"/);
  });
});
