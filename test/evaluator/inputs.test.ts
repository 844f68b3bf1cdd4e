import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  brier,
  calibrationCurve,
  confusionMatrix,
  f1,
  logLoss,
  mae,
  precision,
  r2,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from '../../src/evaluator/index';

const invalid = (pattern: RegExp, details?: Record<string, unknown>) =>
  expect.objectContaining({ code: 'METRIC_INVALID_INPUT', message: expect.stringMatching(pattern), ...(details ? { details: expect.objectContaining(details) } : {}) });

describe('metric input validation names the argument, the index and the value', () => {
  it('length mismatches', () => {
    expect(() => accuracy([1, 0, 1], [1, 0])).toThrowError(invalid(/yPred has 2 entries but yTrue has 3/));
    expect(() => rocAuc([1, 0, 1], [0.1, 0.2])).toThrowError(invalid(/yScore has 2 entries but yTrue has 3/));
    expect(() => mae([1, 2], [1, 2], { sampleWeight: [1] })).toThrowError(invalid(/sampleWeight has 1 entries but yTrue has 2/));
    expect(() => logLoss(['a', 'b'], [[0.5, 0.5]])).toThrowError(invalid(/yProb has 1 entries but yTrue has 2/));
  });

  it('NaN and infinite scores or values', () => {
    expect(() => rocAuc([0, 1, 1], [0.2, Number.NaN, 0.4])).toThrowError(invalid(/yScore\[1\] is NaN/, { index: 1, value: 'NaN' }));
    expect(() => rocAuc([0, 1, 1], new Float64Array([0.2, 0.3, Infinity]))).toThrowError(invalid(/yScore\[2\] is Infinity/, { index: 2 }));
    expect(() => mae([1, 2, Number.NaN], [1, 2, 3])).toThrowError(invalid(/yTrue\[2\] is NaN/));
    expect(() => r2([1, 2, 3], [1, '2' as unknown as number, 3])).toThrowError(invalid(/yPred\[1\] is "2"; values must be numbers/));
    expect(() => rocAuc(['a', 'b', 'c'], [[0.5, 0.5, Number.NaN], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])).toThrowError(invalid(/yScore\[0\]\[2\] is NaN/));
  });

  it('probabilities outside [0, 1] or rows not summing to one', () => {
    expect(() => logLoss([0, 1], [0.2, 1.3])).toThrowError(invalid(/yProb\[1\] is 1.3, outside \[0, 1\]/, { index: 1, value: 1.3 }));
    expect(() => brier([0, 1], [-0.1, 0.3])).toThrowError(invalid(/yProb\[0\] is -0.1/));
    expect(() => calibrationCurve([0, 1], [0.5, 2])).toThrowError(invalid(/yProb\[1\] is 2/));
    const rows = [
      [0.2, 0.8, 0],
      [0.5, 0.4, 0.2],
    ];
    expect(() => logLoss(['a', 'b'], rows, { labels: ['a', 'b', 'c'] })).toThrowError(invalid(/yProb\[1\] sums to 1.1, not 1 \(tolerance 0.00001\)/, { index: 1 }));
    expect(() => rocAuc(['a', 'b', 'c'], [[0.2, 0.8, 0], [0.5, 0.4, 0.2], [0, 0, 1]])).toThrowError(invalid(/yScore\[1\] sums to 1.1/));
    // within the documented tolerance passes
    expect(() => logLoss(['a', 'b'], [[0.2, 0.8 + 5e-6, 0], [0.5, 0.5, 0]], { labels: ['a', 'b', 'c'] })).not.toThrow();
  });

  it('labels: missing values, mixed kinds, labels not among the known classes', () => {
    expect(() => accuracy([1, null as unknown as number, 0], [1, 1, 0])).toThrowError(invalid(/yTrue\[1\] is null; labels must be numbers, strings or booleans/));
    expect(() => f1(['a', 'b'], ['a', 1 as unknown as string], { average: 'macro' })).toThrowError(invalid(/yPred\[1\] is the number 1 but yTrue holds string labels/));
    expect(() => accuracy([0, Number.NaN], [0, 1])).toThrowError(invalid(/yTrue\[1\] is NaN/));
    expect(() => logLoss(['a', 'zebra'], [[0.5, 0.5], [0.3, 0.7]], { labels: ['a', 'b'] })).toThrowError(invalid(/yTrue\[1\] is "zebra", a class not in labels/, { index: 1, value: 'zebra' }));
    expect(() => topKAccuracy(['a', 'q'], [[0.5, 0.5], [0.3, 0.7]], { labels: ['a', 'b'], k: 1 })).toThrowError(invalid(/yTrue\[1\] is "q"/));
    expect(() => precision(['a', 'b'], ['a', 'b'], { average: 'macro', labels: ['a', 'z'] })).not.toThrow();
    expect(() => rocAuc(['a', 'b', 'c'], { data: new Float64Array(9).fill(1 / 3), cols: 3 }, { labels: ['a', 'b', 'z'] })).toThrowError(invalid(/yTrue\[2\] is "c", which is not in labels/));
  });

  it('weights: negative or non-finite', () => {
    expect(() => accuracy([1, 0], [1, 0], { sampleWeight: [1, -2] })).toThrowError(invalid(/sampleWeight\[1\] is -2; weights must be >= 0/));
    expect(() => accuracy([1, 0], [1, 0], { sampleWeight: [Number.NaN, 1] })).toThrowError(invalid(/sampleWeight\[0\] is NaN/));
    expect(() => accuracy([1, 0], [1, 0], { sampleWeight: [0, 0] })).toThrowError(expect.objectContaining({ code: 'METRIC_UNDEFINED' }));
  });

  it('empty inputs and bad options', () => {
    expect(() => accuracy([], [])).toThrowError(invalid(/yTrue is empty/));
    expect(() => precision([0, 1], [0, 1], { average: 'mean' as never })).toThrowError(invalid(/average must be/));
    expect(() => precision([0, 1], [0, 1], { zeroDivision: 2 as never })).toThrowError(invalid(/zeroDivision must be/));
    expect(() => rocAuc([0, 1], [0.1, 0.2], { maxFpr: 0 })).toThrowError(invalid(/maxFpr must be in \(0, 1\]/));
    expect(() => calibrationCurve([0, 1], [0.1, 0.2], { bins: 0 })).toThrowError(invalid(/bins must be a positive integer/));
  });

  it('string labels need posLabel where the positive class is ambiguous', () => {
    expect(() => rocCurve(['ok', 'fraud'], [0.1, 0.9])).toThrowError(invalid(/pass posLabel/i));
    expect(rocCurve(['ok', 'fraud'], [0.1, 0.9], { posLabel: 'fraud' }).tpr.at(-1)).toBe(1);
    expect(() => averagePrecision(['ok', 'fraud'], [0.1, 0.9])).toThrowError(invalid(/posLabel/));
    expect(averagePrecision(['ok', 'fraud'], [0.1, 0.9], { posLabel: 'fraud' })).toBe(1);
    // rocAuc's default positive class is the greater label, as in scikit-learn
    expect(rocAuc(['ok', 'fraud'], [0.1, 0.9])).toBe(0);
    expect(rocAuc(['ok', 'fraud'], [0.1, 0.9], { posLabel: 'fraud' })).toBe(1);
  });

  it('typed arrays of labels and scores work like plain arrays, booleans match 0/1 posLabel', () => {
    const y = [0, 1, 1, 0, 1];
    const s = [0.1, 0.8, 0.4, 0.5, 0.9];
    expect(rocAuc(Uint8Array.from(y), Float32Array.from(s))).toBe(rocAuc(y, Float32Array.from(s)));
    expect(f1(new Int32Array(y), new Int32Array([0, 1, 0, 1, 1]))).toBe(f1(y, [0, 1, 0, 1, 1]));
    expect(f1(y.map(Boolean), [0, 1, 0, 1, 1].map(Boolean), { posLabel: 1 })).toBe(f1(y, [0, 1, 0, 1, 1]));
  });
});

describe('label encoding of integer typed arrays', () => {
  it('gives the same results as plain arrays for 8-, 16- and 32-bit labels, negatives included', () => {
    const y = [-3, 0, 2, 2, -3, 7, 0, 2];
    const p = [-3, 2, 2, 0, -3, 7, 7, 2];
    const expected = confusionMatrix(y, p);
    for (const T of [Int8Array, Int16Array, Int32Array, Float32Array]) {
      expect(confusionMatrix(T.from(y), T.from(p))).toEqual(expected);
      expect(f1(T.from(y), p, { average: 'macro' })).toBe(f1(y, p, { average: 'macro' }));
    }
    const u = [0, 300, 5, 300, 65535];
    expect(confusionMatrix(Uint16Array.from(u), u).labels).toEqual([0, 5, 300, 65535]);
    expect(confusionMatrix(Uint8Array.from([9, 1, 1]), [1, 9, 1]).labels).toEqual([1, 9]);
  });
});
