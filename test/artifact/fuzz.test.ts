import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/model-artifact';
import { MlopsError } from '../../src/errors';
import { craft, dissect, reseal } from './craft';
import { FAMILY_TASKS, trained } from './models';

type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }) }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      const out = Uint8Array.from(bytes);
      out[at % bytes.length] ^= m.xor;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
  }
}

/** Loads and predicts; returns the raw outputs, or the MlopsError code. Anything else fails the test. */
async function attempt(bytes: Uint8Array, rows: Record<string, unknown>[]): Promise<Float64Array | string> {
  try {
    const art = await ModelArtifact.fromBytes(bytes, { onWarning: () => undefined });
    return (await art.predict(rows)).raw;
  } catch (err) {
    if (err instanceof MlopsError) return err.code;
    throw err;
  }
}

describe('fuzzing valid artifacts', () => {
  const fixtures: Array<{ bytes: Uint8Array; rows: Record<string, unknown>[]; want: Float64Array }> = [];

  beforeAll(async () => {
    for (const [type, task] of FAMILY_TASKS) {
      const { model, data } = await trained(type, task);
      const art = await ModelArtifact.create(model, { createdAt: '2024-01-01T00:00:00.000Z', metadata: { note: 'fuzz' } });
      const rows = data.toRows().slice(0, 8);
      fixtures.push({ bytes: art.toBytes(), rows, want: (await art.predict(rows)).raw });
    }
  });

  it('a mutated file either loads with identical predictions or throws an MlopsError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(FAMILY_TASKS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, muts) => {
        const f = fixtures[which];
        const bytes = muts.reduce(apply, f.bytes);
        const result = await attempt(bytes, f.rows);
        if (typeof result !== 'string') expect(Array.from(result)).toEqual(Array.from(f.want));
        else if (Buffer.compare(Buffer.from(bytes), Buffer.from(f.bytes)) !== 0) expect(result).toMatch(/^ARTIFACT_/);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a mutated and re-sealed file (a forged seal) either loads and predicts or throws an MlopsError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(FAMILY_TASKS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, muts) => {
        const f = fixtures[which];
        const bytes = muts.reduce(apply, f.bytes);
        if (bytes.length >= 64) reseal(bytes);
        const result = await attempt(bytes, f.rows);
        if (typeof result !== 'string') expect(result.length).toBe(f.want.length);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('a header with any value replaced by any JSON either loads and predicts or throws an MlopsError', async () => {
    const paths = (v: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      if (typeof v !== 'object' || v === null) return [prefix];
      const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
    };
    await fc.assert(
      fc.asyncProperty(fc.nat(FAMILY_TASKS.length - 1), fc.nat(), fc.jsonValue({ maxDepth: 3 }), async (which, pick, value) => {
        const f = fixtures[which];
        const { header, data } = dissect(f.bytes);
        const all = paths(header).filter((p) => p.length > 0);
        const path = all[pick % all.length];
        let node = header as Record<string | number, unknown>;
        for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
        node[path[path.length - 1]] = value;
        const result = await attempt(craft({ header: JSON.stringify(header), data }), f.rows);
        if (typeof result !== 'string') expect(result.length).toBe(f.want.length);
      }),
      { numRuns: 400, seed: 5 },
    );
  });
});
