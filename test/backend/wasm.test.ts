/**
 * Locating the wasm binaries: from the installed package, from a `wasmPath` folder, and
 * from CommonJS and ESM bundles of the SDK placed outside the project (where only the
 * working directory leads to the package). Each start runs in a fresh process because
 * tfjs loads the binaries once per process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { locateWasmFiles } from '../../src/backend/wasm';
import { MlopsError } from '../../src/errors';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'mlops-wasm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const src = (p: string): string => JSON.stringify(join(root, 'src', p));

/** A script that starts wasm (with the given options) and multiplies a 2x2 matrix. */
function script(options: string, extra = ''): string {
  return `
import { useBackend } from ${src('backend/index.ts')};
import { resolveBackendHandle } from ${src('backend/handle.ts')};
(async () => {
  const sel = await useBackend('wasm', ${options});
  const m = (await resolveBackendHandle('wasm')).matrix({ data: Float32Array.from([1, 2, 3, 4]), rows: 2, cols: 2 });
  const product = Array.from(await m.mul(Float64Array.from([1, 1]), 1));
  ${extra}
  console.log(JSON.stringify({ name: sel.name, wasm: sel.wasm, product, extra: typeof extraResult === 'undefined' ? null : extraResult }));
})().catch((e) => { console.log(JSON.stringify({ error: e.code ?? e.message })); });
`;
}

async function node(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('locateWasmFiles', () => {
  it('finds the binaries of the installed package next to the SDK', () => {
    const found = locateWasmFiles();
    expect(found.source).toBe('module');
    expect(found.version).toBe('4.22.0');
    expect(Object.keys(found.files).sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm']);
    expect(found.directory).toMatch(/@tensorflow[\\/]tfjs-backend-wasm[\\/]dist$/);
  });

  it('a wasmPath that is missing or lacks the files is BACKEND_UNAVAILABLE saying what is needed', () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    for (const wasmPath of [join(tmp, 'nope'), empty]) {
      let e: MlopsError | undefined;
      try {
        locateWasmFiles({ wasmPath });
      } catch (x) {
        e = x as MlopsError;
      }
      expect(e?.code).toBe('BACKEND_UNAVAILABLE');
      expect(e?.message).toContain('tfjs-backend-wasm-simd.wasm');
    }
  });
});

describe('starting wasm in a fresh process', () => {
  it('from a wasmPath folder; a different wasmPath once running is refused', async () => {
    const dir = join(tmp, 'wasm-files');
    mkdirSync(dir);
    for (const [name, path] of Object.entries(locateWasmFiles().files)) copyFileSync(path, join(dir, name));
    const file = join(tmp, 'wasm-path.ts');
    writeFileSync(
      file,
      script(
        `{ wasmPath: ${JSON.stringify(dir)} }`,
        `let extraResult; try { await useBackend('wasm', { wasmPath: ${JSON.stringify(root)} }); extraResult = 'accepted'; } catch (e) { extraResult = e.code; }`,
      ),
    );
    const out = await node(['--import', 'tsx', file]);
    expect(out).toMatchObject({ name: 'wasm', wasm: { directory: dir, simd: true, threads: false }, product: [3, 7], extra: 'INVALID_ARGUMENT' });
  });

  it.each(['cjs', 'esm'] as const)('from a %s bundle of the SDK and tfjs placed outside the project', async (format) => {
    const entry = join(tmp, `entry-${format}.ts`);
    writeFileSync(entry, script('{}'));
    const outfile = join(tmp, `bundle-${format}`, format === 'cjs' ? 'app.cjs' : 'app.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format,
      outfile,
      external: ['webgpu'],
      logLevel: 'silent',
      // The usual banner for ESM bundles that contain CommonJS code (tfjs's Node builds
      // use require and __dirname).
      banner:
        format === 'esm'
          ? {
              js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
            }
          : undefined,
    });
    const out = await node([outfile]);
    expect(out).toMatchObject({ name: 'wasm', product: [3, 7], wasm: { simd: true } });
    expect((out.wasm as { directory: string }).directory).toBe(locateWasmFiles().directory);
  });
});
