/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, numbers in
 * JavaScript's shortest round-trip form. The same value always gives the same text, so an
 * artifact's bytes depend on its content only, never on key insertion order.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { MAX_JSON_DEPTH as MAX_DEPTH } from './format';

/**
 * How to treat a number JSON cannot hold (`NaN`, `Infinity`): `'null'` writes `null` (as
 * `JSON.stringify` does); `'error'` throws, for values that must survive the round trip.
 */
export type NonFinitePolicy = 'null' | 'error';

/**
 * Serialises `value` canonically. Honours `toJSON()`; skips `undefined`, functions and
 * symbols in objects (writes `null` for them in arrays), as `JSON.stringify` does.
 * Throws `INVALID_ARGUMENT` for a bigint, a cycle, nesting deeper than `MAX_JSON_DEPTH`, or a
 * non-finite number under the `'error'` policy.
 */
export function canonicalJSON(value: unknown, nonFinite: NonFinitePolicy = 'null', what = 'value'): string {
  const seen = new Set<object>();
  const out: string[] = [];
  const write = (v: unknown, path: string, depth: number): boolean => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON(): unknown }).toJSON();
    }
    switch (typeof v) {
      case 'string':
        out.push(JSON.stringify(v));
        return true;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return true;
      case 'number':
        if (!Number.isFinite(v)) {
          if (nonFinite === 'error') {
            throw new MlopsError('INVALID_ARGUMENT', `${what}${path} is ${v}, which JSON cannot store; the artifact would not reproduce it.`, { details: { path } });
          }
          out.push('null');
        } else out.push(Object.is(v, -0) ? '0' : String(v));
        return true;
      case 'bigint':
        throw new MlopsError('INVALID_ARGUMENT', `${what}${path} is a bigint; convert it to a number or a string.`, { details: { path } });
      case 'undefined':
      case 'function':
      case 'symbol':
        return false;
    }
    if (v === null) {
      out.push('null');
      return true;
    }
    const obj = v as object;
    if (depth >= MAX_DEPTH) throw new MlopsError('INVALID_ARGUMENT', `${what} is nested more than ${MAX_DEPTH} levels deep.`, { details: { path } });
    if (seen.has(obj)) throw new MlopsError('INVALID_ARGUMENT', `${what}${path} refers back to itself (a cycle); JSON cannot store it.`, { details: { path } });
    seen.add(obj);
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const arr = obj as ArrayLike<unknown>;
      out.push('[');
      for (let i = 0; i < arr.length; i++) {
        if (i > 0) out.push(',');
        if (!write(arr[i], `${path}[${i}]`, depth + 1)) out.push('null');
      }
      out.push(']');
    } else {
      out.push('{');
      let first = true;
      for (const key of Object.keys(obj).sort()) {
        const mark = out.length;
        out.push(first ? '' : ',', JSON.stringify(key), ':');
        if (write((obj as Record<string, unknown>)[key], `${path}.${key}`, depth + 1)) first = false;
        else out.length = mark;
      }
      out.push('}');
    }
    seen.delete(obj);
    return true;
  };
  if (!write(value, '', 0)) throw new MlopsError('INVALID_ARGUMENT', `${what} cannot be written as JSON.`);
  return out.join('');
}
