import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatReference, MAX_NAME_LENGTH, parseReference, Registry, validateAlias, validateModelName } from '../../src/registry/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { fakeArtifact, fakeDecoder } from './fake-artifact';

const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-'.split(''));
const anyChar = fc.constantFrom(...'aZ09._-/\\@ :*?"<>|\0é'.split(''));

function accepts(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (err) {
    expect((err as { code?: string }).code).toBe('REGISTRY_INVALID_NAME');
    return false;
  }
}

describe('names', () => {
  it('accepts only names that are safe as a directory name and unambiguous in a reference', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 140 }), (s) => {
        if (!accepts(() => validateModelName(s))) return;
        expect(s.length >= 1 && s.length <= MAX_NAME_LENGTH).toBe(true);
        expect(/[/\\@\0 :]/.test(s) || s.includes('..') || s.startsWith('.') || s.startsWith('-')).toBe(false);
        expect(s).toBe(s.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses Windows device names, which the fs store could not create there', () => {
    for (const bad of ['con', 'nul', 'com1', 'lpt9', 'aux.model', 'prn']) expect(accepts(() => validateModelName(bad))).toBe(false);
    for (const ok of ['console', 'null-model', 'com', 'auxiliary']) expect(validateModelName(ok)).toBe(ok);
  });

  it('round-trips references through format and parse', () => {
    const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 40 }).filter((s) => accepts(() => validateModelName(s)));
    const alias = fc.string({ unit: nameChar, minLength: 1, maxLength: 30 }).filter((s) => accepts(() => validateAlias(s, true)));
    fc.assert(
      fc.property(name, fc.oneof(fc.integer({ min: 1, max: 1e9 }), alias), (n, target) => {
        const ref = typeof target === 'number' ? { name: n, version: target } : { name: n, alias: target };
        expect(parseReference(formatReference(ref))).toEqual(ref);
      }),
      { numRuns: 500 },
    );
  });

  it('parses the documented forms', () => {
    expect(parseReference('fraud@production')).toEqual({ name: 'fraud', alias: 'production' });
    expect(parseReference('fraud/3')).toEqual({ name: 'fraud', version: 3 });
    expect(parseReference('fraud@latest')).toEqual({ name: 'fraud', alias: 'latest' });
    expect(parseReference({ name: 'fraud', version: 2 })).toEqual({ name: 'fraud', version: 2 });
    expect(() => parseReference('fraud')).toThrow(/fraud@production/);
    expect(() => validateAlias('latest', false)).toThrow(/reserved/);
  });

  it('refuses a "__proto__" tag key instead of dropping it (a filter on it would match every version)', async () => {
    const registry = new Registry({ store: new MemoryStore(), decode: fakeDecoder });
    await registry.register('m', fakeArtifact('a'), { tags: { team: 'risk' } });
    const hostile = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    await expect(registry.register('m', fakeArtifact('b'), { tags: hostile })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(registry.listVersions('m', { tags: hostile })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await registry.listVersions('m', { tags: { team: 'risk' } })).items.map((v) => v.version)).toEqual([1]);
  });
});
