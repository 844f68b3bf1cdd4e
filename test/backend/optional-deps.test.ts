/**
 * tfjs and Dawn are optional: the core's static import graph holds none of them, and a
 * process without them installed trains on cpu and gets DEPENDENCY_MISSING (naming the
 * packages to install) for wasm and webgpu.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'mlops-deps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Static imports and re-exports of a TS file (`import type` / `export type` excluded; `import()` is not static). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)([^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[2]);
  return out;
}

/** The file a relative import points at, or undefined while it does not exist yet (the typecheck reports that). */
function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((c) => c.endsWith('.ts') && existsSync(c));
}

describe('optional dependencies', () => {
  it("the core entry's static import graph holds only node builtins and runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const allowed = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const seen = new Set<string>();
    const offenders: string[] = [];
    const stack = [join(root, 'src/index.ts')];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) {
          const local = resolveLocal(file, spec);
          if (local !== undefined) stack.push(local);
        }
        else if (!spec.startsWith('node:') && !builtins.has(spec) && !allowed.has(spec)) offenders.push(`${file.slice(root.length + 1)} imports ${spec}`);
      }
    }
    expect(seen.has(join(root, 'src/backend/registry.ts'))).toBe(true);
    expect(seen.has(join(root, 'src/backend/wasm.ts'))).toBe(false); // loaded on demand only
    expect(offenders).toEqual([]);
  });

  it('without tfjs and Dawn installed: cpu trains, wasm/webgpu say what to install, auto falls back to cpu', async () => {
    // A resolve hook that makes the optional packages look uninstalled.
    const hooks = join(tmp, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (/^@tensorflow\\//.test(specifier) || specifier === 'webgpu') {
    throw Object.assign(new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}`,
    );
    const register = join(tmp, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const file = join(tmp, 'no-tfjs.mts');
    writeFileSync(
      file,
      `
import { useBackend } from ${JSON.stringify(join(root, 'src/backend/index.ts'))};
import { Dataset } from ${JSON.stringify(join(root, 'src/dataset/dataset.ts'))};
import { Trainer } from ${JSON.stringify(join(root, 'src/trainer/trainer.ts'))};
const out = {};
for (const name of ['wasm', 'webgpu']) {
  try { await useBackend(name); out[name] = 'started'; } catch (e) { out[name] = { code: e.code, message: e.message }; }
}
const auto = await useBackend('auto');
out.auto = { name: auto.name, fallbacks: auto.fallbacks.map((f) => f.code) };
const ds = Dataset.fromColumns({ a: [1, 2, 3, 4, 5, 6], y: ['p', 'q', 'p', 'q', 'p', 'q'] });
out.trained = (await new Trainer({ model: { type: 'mlp', hiddenLayers: [2], epochs: 1 }, target: 'y' }).fit(ds)).runRecord.backend;
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--import', register, file], { cwd: root, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, { code: string; message: string }> & { auto: { name: string; fallbacks: string[] }; trained: string };
    expect(out.wasm.code).toBe('DEPENDENCY_MISSING');
    expect(out.wasm.message).toContain('npm install @tensorflow/tfjs-core@4.22.0');
    expect(out.webgpu.code).toBe('DEPENDENCY_MISSING');
    expect(out.webgpu.message).toContain('npm install');
    expect(out.auto).toEqual({ name: 'cpu', fallbacks: ['DEPENDENCY_MISSING'] }); // webgpu; wasm ranks below cpu
    expect(out.trained).toBe('cpu');
  });
});
