import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumberText } from '../../../src/dataset/builder';
import { parseNumberBytes, scanEnd, scanNumber } from '../../../src/dataset/io/number-bytes';

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
      // The int32 path (up to 9 digits) and its edges.
      ['+7', 7],
      ['-0.0', -0],
      ['123456789', 123456789],
      ['-999999999', -999999999],
      ['1234567890', 1234567890],
      ['0.123456789', 0.123456789],
      ['00012.50', 12.5],
      ['-.5', -0.5],
      // Significands up to 2^53 (leading zeros do not count), exponents within ±22.
      ['1234567890123456', 1234567890123456],
      ['9007199254740991', 9007199254740991],
      ['0.9007199254740991', 0.9007199254740991],
      ['0000000000000000000000012.5', 12.5],
      ['1e22', 1e22],
      ['1e-22', 1e-22],
      ['12.5e21', 1.25e22],
      ['1.5e-21', 1.5e-21],
      ['-4.2E+3', -4200],
      ['0e999999', 0],
      ['-0e-999999', -0],
    ] as const) {
      expect(Object.is(parseNumberBytes(bytes(text), 0, text.length), value), text).toBe(true);
    }
    for (const text of [
      ...['', '-', '+', '.', '-.', 'e5', '.e5', '1e', '1e+', '1.2.3', '--1', '+-1', ' 1', '1 ', 'NaN', 'Infinity', '0x10', '1_000'],
      // Beyond the exact fast path: the string path reads these.
      ...['9007199254740992', '9007199254740993', '12345678901234567', '1234567890.1234567891', '1e23', '1.5e-22', '123e23', '1e-400', '1e400'],
      ...['2.2250738585072014e-308', '4.9e-324', '5e-324', '1.7976931348623157e308'],
    ]) {
      expect(parseNumberBytes(bytes(text), 0, text.length), text).toBeNaN();
    }
    // Respects the range it is given.
    expect(parseNumberBytes(bytes('x12.5y'), 1, 5)).toBe(12.5);
    expect(parseNumberBytes(bytes('1234'), 0, 2)).toBe(12);
    expect(parseNumberBytes(bytes('1e55'), 0, 3)).toBe(1e5);
  });

  it('a significand of 1 to 20 digits, with any point and exponent, reads as Number() or declines', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{0,19}$/), fc.integer({ min: 0, max: 20 }), fc.integer({ min: -40, max: 40 }), fc.boolean(), (digits, point, exp, negative) => {
        const at = Math.min(point, digits.length);
        const text = `${negative ? '-' : ''}${digits.slice(0, at)}.${digits.slice(at)}e${exp}`;
        agrees(text);
        // Inside the exact range the fast path must answer.
        const exponent = exp - (digits.length - at);
        if (BigInt(digits) < 2n ** 53n && exponent >= -22 && exponent <= 22) {
          expect(parseNumberBytes(bytes(text), 0, text.length), text).not.toBeNaN();
          fast++;
        }
      }),
      { numRuns: 3000, seed: 3 },
    );
    expect(fast).toBeGreaterThan(300);
  });
});

describe('scanNumber', () => {
  const scan = (text: string): [number, number] => {
    const v = scanNumber(bytes(text), 0, text.length);
    return [v, scanEnd];
  };

  it('stops where the number ends and gives its value', () => {
    expect(scan('12,5')).toEqual([12, 2]);
    expect(scan('-0.25\n')).toEqual([-0.25, 5]);
    expect(scan('1e5;x')).toEqual([1e5, 3]);
    expect(scan('123456789012.5|')).toEqual([123456789012.5, 14]);
    expect(scan('7')).toEqual([7, 1]);
  });

  it('gives NaN for what is not a number, or not an exact fast-path one, stopping inside the field', () => {
    for (const text of ['', ',', 'abc', '-,', '.,', '1e+,', 'e5,']) {
      const [v, stop] = scan(text);
      expect(v, text).toBeNaN();
      expect(stop, text).toBeLessThanOrEqual(Math.max(0, text.length - 1));
    }
    expect(scan('1e400,')).toEqual([NaN, 5]);
    expect(scan('12345678901234567890,')).toEqual([NaN, 20]);
    // The caller checks the stop: text after the digits means the field is not a number.
    expect(scan('12ab')).toEqual([12, 2]);
  });
});
