import { describe, expect, it } from 'vitest';
import { MlopsError, isMlopsError } from '../src/errors';

describe('MlopsError', () => {
  it('carries a code, details and a JSON form without the stack', () => {
    const e = new MlopsError('DATA_EMPTY', 'nothing here', { details: { rows: 0 } });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(MlopsError);
    expect(e.code).toBe('DATA_EMPTY');
    expect(e.toJSON()).toEqual({ name: 'MlopsError', code: 'DATA_EMPTY', message: 'nothing here', details: { rows: 0 } });
    expect(isMlopsError(e, 'DATA_EMPTY')).toBe(true);
    expect(isMlopsError(e, 'ABORTED')).toBe(false);
  });

  it('instanceof works across copies of the class (brand check)', () => {
    // Simulate a second copy of the library: an object branded the same way.
    const foreign = Object.assign(new Error('x'), { code: 'ABORTED' });
    Object.defineProperty(foreign, Symbol.for('mlops-kit.MlopsError'), { value: true });
    expect(foreign instanceof MlopsError).toBe(true);
    expect(new Error('plain') instanceof MlopsError).toBe(false);
    expect((null as unknown) instanceof MlopsError).toBe(false);
  });
});
