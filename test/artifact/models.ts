// Small trained models of every family, for the artifact tests.
import { Dataset } from '../../src/dataset/dataset';
import type { Model } from '../../src/models/model';
import type { ModelType, Task } from '../../src/models/types';
import type { PreprocessSpec } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';

export function makeData(n: number, seed: number): Dataset {
  const r = createRng(seed);
  const cats = ['DE', 'US', 'FR', 'NL'];
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const amount = r.normal() * 100 + 50;
      const country = cats[r.int(4)];
      const vip = r.next() < 0.3;
      const score = amount * 0.02 + (country === 'US' ? 1.5 : 0) + (vip ? 1 : 0) + r.normal();
      return {
        amount: r.next() < 0.1 ? null : amount,
        age: Math.floor(r.next() * 80),
        country: r.next() < 0.05 ? null : country,
        vip,
        seen: new Date(Date.UTC(2024, 0, 1 + r.int(300), r.int(24))),
        y: score * 10 + 1000,
        label: score > 1.5 ? 'yes' : 'no',
        tier: score < 0.5 ? 'bronze' : score < 2.5 ? 'silver' : 'gold',
      };
    }),
  );
}

export const FEATURES = ['amount', 'age', 'country', 'vip', 'seen'];
export const TARGETS: Record<Task, string> = { regression: 'y', binary: 'label', multiclass: 'tier' };

const SMALL: Record<ModelType, Record<string, unknown>> = {
  linear: {},
  logistic: {},
  softmax: {},
  mlp: { hiddenLayers: [6], epochs: 5 },
  gbdt: { numTrees: 8, maxDepth: 3 },
};

const cache = new Map<string, Promise<{ model: Model; data: Dataset }>>();

/** A model of `type` for `task` trained on 400 seeded rows (memoised). */
export function trained(type: ModelType, task: Task, preprocess?: PreprocessSpec): Promise<{ model: Model; data: Dataset }> {
  const key = `${type}/${task}/${JSON.stringify(preprocess)}`;
  let p = cache.get(key);
  if (p === undefined) {
    const data = makeData(400, 3);
    p = new Trainer({ model: { type, ...SMALL[type], ...(type === 'mlp' || type === 'gbdt' ? { task } : {}) }, target: TARGETS[task], features: FEATURES, seed: 7, preprocess })
      .fit(data)
      .then((model) => ({ model, data }));
    cache.set(key, p);
  }
  return p;
}

/** Every family and task combination the SDK supports. */
export const FAMILY_TASKS: Array<[ModelType, Task]> = [
  ['linear', 'regression'],
  ['logistic', 'binary'],
  ['softmax', 'multiclass'],
  ['mlp', 'regression'],
  ['mlp', 'binary'],
  ['mlp', 'multiclass'],
  ['gbdt', 'regression'],
  ['gbdt', 'binary'],
  ['gbdt', 'multiclass'],
];
