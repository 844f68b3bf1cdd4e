// Small trained fraud models and registries for the serving tests.
import { ModelArtifact } from '../../src/artifact/index';
import { Dataset } from '../../src/dataset/dataset';
import { generateTransactions, TRANSACTION_FEATURES, TRANSACTION_TARGET } from '../../src/demo/index';
import { Registry } from '../../src/registry/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { Trainer } from '../../src/trainer/trainer';

export const json = 'application/json';

let cache: Promise<{ logistic: ModelArtifact; gbdt: ModelArtifact; data: Dataset }> | undefined;

/** A logistic and a gbdt fraud model, trained once per test file on 3,000 seeded transactions. */
export function fraudArtifacts(): Promise<{ logistic: ModelArtifact; gbdt: ModelArtifact; data: Dataset }> {
  cache ??= (async () => {
    const data = Dataset.fromRows(generateTransactions({ rows: 3000, months: 3, seed: 5 }));
    const fit = (model: { type: string; [k: string]: unknown }) => new Trainer({ model: model as never, target: TRANSACTION_TARGET, features: [...TRANSACTION_FEATURES], seed: 1 }).fit(data);
    const [lm, gm] = await Promise.all([fit({ type: 'logistic' }), fit({ type: 'gbdt', numTrees: 20, maxDepth: 4, threads: 1 })]);
    const createdAt = '2024-07-01T00:00:00.000Z';
    return {
      logistic: await ModelArtifact.create(lm, { name: 'fraud-logistic', trainingData: data, createdAt }),
      gbdt: await ModelArtifact.create(gm, { name: 'fraud-gbdt', trainingData: data, createdAt }),
      data,
    };
  })();
  return cache;
}

/** Feature rows (no label) of fresh transactions. */
export function requestRows(n: number, seed = 9): Record<string, unknown>[] {
  return generateTransactions({ rows: n, seed }).map(({ is_fraud: _label, transaction_id: _id, timestamp: _t, ...row }) => row);
}

/** A registry in memory holding the logistic model as fraud/1 and the gbdt model as fraud/2, production -> 1. */
export async function fraudRegistry(): Promise<Registry> {
  const { logistic, gbdt } = await fraudArtifacts();
  const registry = new Registry({ store: new MemoryStore(), actor: 'test' });
  await registry.register('fraud', logistic);
  await registry.register('fraud', gbdt);
  await registry.setAlias('fraud', 'production', 1);
  return registry;
}

/** A POST /predict request. */
export function post(body: unknown, init: { headers?: Record<string, string>; path?: string } = {}): Request {
  return new Request(`http://test${init.path ?? '/predict'}`, {
    method: 'POST',
    headers: { 'content-type': json, ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A GET request. */
export const get = (path: string): Request => new Request(`http://test${path}`);

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
