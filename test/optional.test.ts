import { describe, expect, it } from 'vitest';
import { MlopsError } from '../src/errors';
import { importOptional } from '../src/optional';

async function rejection(p: Promise<unknown>): Promise<MlopsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MlopsError);
    return e as MlopsError;
  }
  throw new Error('expected a rejection');
}

describe('importOptional', () => {
  it('a package that is not installed is DEPENDENCY_MISSING with the npm install line', async () => {
    const e = await rejection(
      importOptional(() => import('@tensorflow/tfjs-backend-nonexistent' as string), {
        package: '@tensorflow/tfjs-backend-nonexistent',
        feature: 'The demo backend',
        install: ['@tensorflow/tfjs-backend-nonexistent@4.22.0'],
      }),
    );
    expect(e.code).toBe('DEPENDENCY_MISSING');
    expect(e.message).toContain('npm install @tensorflow/tfjs-backend-nonexistent@4.22.0');
    expect(e.details).toMatchObject({ package: '@tensorflow/tfjs-backend-nonexistent' });
  });

  it('a package that is installed but fails to load says so, with the reason and the chosen code', async () => {
    const broken = () => Promise.reject(Object.assign(new Error('The module was compiled against a different Node.js version'), { code: 'ERR_DLOPEN_FAILED' }));
    const e = await rejection(importOptional(broken, { package: 'better-sqlite3', feature: 'The sqlite store', failedCode: 'STORE_UNAVAILABLE' }));
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toMatch(/installed but failed to load: The module was compiled against a different Node\.js version\. Reinstall it \(npm rebuild better-sqlite3/);
    // A dependency of the package that is missing is not the package itself missing.
    const nested = () => Promise.reject(Object.assign(new Error("Cannot find package 'left-pad' imported from x"), { code: 'ERR_MODULE_NOT_FOUND' }));
    expect((await rejection(importOptional(nested, { package: 'pg', feature: 'The postgres store' }))).message).toContain('installed but failed to load');
  });

  it('finds the probed export on the module or on its CommonJS default, and refuses a module without it', async () => {
    const esm = await importOptional<{ join: unknown }>(() => import('node:path'), { package: 'node:path', feature: 'test', probe: 'join' });
    expect(typeof esm.join).toBe('function');
    const cjs = await importOptional<{ Pool: unknown }>(() => Promise.resolve({ default: { Pool: class {} } }), { package: 'pg', feature: 'test', probe: 'Pool' });
    expect(typeof cjs.Pool).toBe('function');
    const ctor = await importOptional<() => void>(() => Promise.resolve({ default: function Database() {} }), { package: 'better-sqlite3', feature: 'test' });
    expect(typeof ctor).toBe('function');
    const e = await rejection(importOptional(() => Promise.resolve({ other: 1 }), { package: 'x-lib', feature: 'The x feature', probe: 'needed' }));
    expect(e.code).toBe('DEPENDENCY_MISSING');
    expect(e.message).toContain('has no export "needed"');
  });
});
