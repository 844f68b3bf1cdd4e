import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findInvalidUtf8, utf8Chunks } from '../../../src/dataset/io/utf8';
import { MlopsError } from '../../../src/errors';

async function collect(chunks: Uint8Array[]): Promise<Uint8Array | MlopsError> {
  async function* source(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  const parts: number[] = [];
  try {
    for await (const c of utf8Chunks(source(), 'input')) parts.push(...c);
  } catch (err) {
    if (err instanceof MlopsError) return err;
    throw err;
  }
  return Uint8Array.from(parts);
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

// Mostly valid text with the occasional stray byte, so both outcomes are common.
const mostlyText = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => [...new TextEncoder().encode(s)]) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 3 }) },
  ),
  { maxLength: 12 },
).map((parts) => Uint8Array.from(parts.flat()));

describe('UTF-8 validation', () => {
  it('findInvalidUtf8 agrees with a fatal TextDecoder, and points at the first bad byte', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(mostlyText, (bytes) => {
        const bad = findInvalidUtf8(bytes);
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        expect(bad < 0).toBe(valid);
        if (bad >= 0) {
          expect(findInvalidUtf8(bytes, 0, bad)).toBe(-1); // everything before it is fine
          expect(() => fatal.decode(bytes.subarray(0, Math.min(bytes.length, bad + 4)))).toThrow();
        }
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  it('utf8Chunks gives the same bytes (or the same error offset) however the input is split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mostlyText, fc.array(fc.nat(), { maxLength: 6 }), async (bom, body, cuts) => {
        const bytes = bom ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
        const whole = await collect([bytes]);
        const pieces = await collect(split(bytes, cuts));
        if (whole instanceof MlopsError) {
          expect(pieces).toBeInstanceOf(MlopsError);
          expect((pieces as MlopsError).details).toEqual(whole.details);
          expect(whole.details?.offset).toBe(findInvalidUtf8(bytes, bom ? 3 : 0));
        } else {
          expect(pieces).toEqual(whole);
          expect(Array.from(whole)).toEqual(Array.from(body));
        }
      }),
      { numRuns: 1000, seed: 4 },
    );
  });
});
