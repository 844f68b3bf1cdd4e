/**
 * Checks the built package as a user installs it: every `exports` entry resolves from ESM
 * and CJS, the core entry pulls in no optional dependency, and MlopsError's `instanceof`
 * works across the two builds in one process. Runs against dist/ (built by `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const optional = Object.keys(pkg.peerDependencies);

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) {
    console.warn('dist/ is missing: building the package for the package tests (npm test builds it first).');
    execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  }
}, 180_000);

describe('package exports', () => {
  it('every entry resolves and loads from ESM and CJS', () => {
    const names = subpaths.map((s) => (s === '.' ? pkg.name : `${pkg.name}/${s.slice(2)}`));
    const esm = `for (const n of ${JSON.stringify(names)}) { const m = await import(n); if (typeof m !== 'object') throw new Error(n); } console.log('ok');`;
    expect(node(['--input-type=module', '-e', esm]).trim()).toBe('ok');
    const cjs = `for (const n of ${JSON.stringify(names)}) { const m = require(n); if (typeof m !== 'object') throw new Error(n); } console.log('ok');`;
    expect(node(['-e', cjs]).trim()).toBe('ok');
  });

  it('the core ESM entry statically imports no optional dependency', () => {
    // Walk the static import graph of dist/index.js through its chunks.
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      const re = /^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
      for (const m of src.matchAll(re)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else bare.add(spec);
      }
    };
    visit(join(root, 'dist/index.js'));
    const offending = [...bare].filter((s) => optional.some((o) => s === o || s.startsWith(`${o}/`)));
    expect(offending).toEqual([]);
    // The core depends on nothing but Node built-ins.
    expect([...bare].filter((s) => !builtinModules.includes(s.replace(/^node:/, '')))).toEqual([]);
  });

  it('requiring the core CJS entry loads no optional dependency', () => {
    const script = `require(${JSON.stringify(pkg.name)}); const loaded = Object.keys(require.cache).filter((p) => p.includes('node_modules')); console.log(JSON.stringify(loaded));`;
    const loaded = JSON.parse(node(['-e', script])) as string[];
    expect(loaded).toEqual([]);
  });

  it('MlopsError instanceof works across the ESM and CJS builds in one process', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const esm = await import(${JSON.stringify(pkg.name)});
      const cjs = require(${JSON.stringify(pkg.name)});
      if (esm.MlopsError === cjs.MlopsError) throw new Error('expected two copies');
      const a = new esm.MlopsError('DATA_EMPTY', 'x');
      const b = new cjs.MlopsError('DATA_EMPTY', 'y');
      console.log(JSON.stringify([a instanceof cjs.MlopsError, b instanceof esm.MlopsError, new Error('z') instanceof esm.MlopsError]));`;
    expect(JSON.parse(node(['--input-type=module', '-e', script]))).toEqual([true, true, false]);
  });

  it('VERSION equals package.json version', async () => {
    const { VERSION } = await import('../../src/version');
    expect(VERSION).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
