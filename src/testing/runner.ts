/**
 * The test-runner functions a conformance suite needs, injected by the caller so the
 * suites run under vitest, jest, node:test adapters or anything with the same shape.
 *
 * @module
 */

/** The assertions the suites use: only `toBe` and `toEqual`, which every runner has. */
export interface Assertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
}

/** `describe`, `it`, `expect`, `beforeEach`, `afterEach` of your test runner. */
export interface TestRunner {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>): void;
  expect(actual: unknown): Assertion;
  beforeEach(fn: () => Promise<void> | void): void;
  afterEach(fn: () => Promise<void> | void): void;
}

/** The error code a promise rejects with (`undefined` if it resolves or rejects without one). @internal */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: string })?.code ?? 'NO_CODE';
  }
}
