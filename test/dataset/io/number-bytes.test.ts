import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumberText } from '../../../src/dataset/builder';
import { parseNumberBytes } from '../../../src/dataset/io/number-bytes';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The byte parser either declines (NaN) or returns exactly what the string path returns. */
function agrees(text: string): void {
  const fast = parseNumberBytes(bytes(text), 0, bytes(text).length);
  if (Number.isNaN(fast)) return;
  expect(Object.is(fast, parseNumberText(text)), text).toBe(true);
  expect(Object.is(fast, Number(text)), text).toBe(true);
}

describe('parseNumberBytes', () => {
  it('matches Number() on doubles printed every way JavaScript prints them', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (v, digits) => {
        for (const text of [String(v), v.toFixed(Math.min(digits, 15)), v.toExponential(digits), v.toPrecision(Math.max(1, digits))]) agrees(text);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });

  it('matches Number() on arbitrary decimal strings, and declines what the grammar rejects', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[+-]?\d{0,18}(\.\d{0,18})?([eE][+-]?\d{0,6})?$/), (text) => {
        agrees(text);
        const ok = parseNumberText(text) !== undefined;
        if (!ok) expect(parseNumberBytes(bytes(text), 0, text.length)).toBeNaN();
      }),
      { numRuns: 3000, seed: 2 },
    );
  });

  it('takes the fast path for the common cases and declines the rest', () => {
    for (const [text, value] of [
      ['0', 0],
      ['-0', -0],
      ['123.456', 123.456],
      ['-2.5e+3', -2500],
      ['.5', 0.5],
      ['5.', 5],
      ['0.000000000000000000001', 1e-21],
      ['999999999999999', 999999999999999],
    ] as const) {
      expect(Object.is(parseNumberBytes(bytes(text), 0, text.length), value), text).toBe(true);
    }
    for (const text of ['', '-', '.', 'e5', '1e', '1e+', '1.2.3', ' 1', '1 ', 'NaN', 'Infinity', '0x10', '1_000', '1234567890123456', '1e23', '1e-400']) {
      expect(parseNumberBytes(bytes(text), 0, text.length), text).toBeNaN();
    }
    // Respects the range it is given.
    expect(parseNumberBytes(bytes('x12.5y'), 1, 5)).toBe(12.5);
  });
});
