/**
 * Test data and hand-written models for the evaluator tests: a plain object implementing
 * PredictiveModel (as an imported model would), and real `Model`s built from a fitted
 * Pipeline and a small hand-written Predictor.
 */
import { Dataset } from '../../src/dataset/dataset';
import { Model, Predictions, type PredictInput, type PredictiveModel, type RunRecord } from '../../src/models/model';
import type { ClassLabel, ModelState, Predictor, Task } from '../../src/models/types';
import { Pipeline } from '../../src/preprocess/pipeline';
import { createRng } from '../../src/random';

const COUNTRIES = ['DE', 'FR', 'NL', 'US'];

/** A fraud-like binary dataset: amount, country, hour, weight, fraud (boolean). */
export function fraudData(n: number, seed: number): Dataset {
  const r = createRng(seed);
  const rows = Array.from({ length: n }, () => {
    const country = COUNTRIES[r.int(4)];
    const fraud = r.next() < (country === 'US' ? 0.35 : 0.2);
    const amount = Math.round((fraud ? 300 : 120) + r.normal() * 90);
    return { amount, country, hour: r.int(24), weight: r.int(3) + 0.5, fraud };
  });
  return Dataset.fromRows(rows);
}

/** Deterministic "score" of a row, a noisy function of amount (no randomness at predict time). */
export function fraudScore(row: Record<string, unknown>, quality = 1): number {
  const amount = Number(row.amount);
  const h = Number(row.hour);
  const noise = Math.sin(amount * 12.9898 + h * 78.233) * 0.5;
  return 1 / (1 + Math.exp(-(quality * (amount - 200) / 60 + noise * (2 - quality))));
}

/** A model that is not a `Model`: any object with task, target, classes and predict. */
export class ScoreModel implements PredictiveModel {
  readonly task: Task = 'binary';
  readonly classes: readonly ClassLabel[] = [false, true];
  constructor(
    readonly target: string,
    private readonly score: (row: Record<string, unknown>) => number,
  ) {}
  async predict(input: PredictInput): Promise<Predictions> {
    const rows = input instanceof Dataset ? input.toRows() : Array.isArray(input) ? input : [input];
    return new Predictions('binary', Float64Array.from(rows, (r) => this.score(r)), 1, this.classes);
  }
}

/** A three-class model over (x, y) built by hand; classes 'a', 'b', 'c'. */
export class ThreeClassModel implements PredictiveModel {
  readonly task: Task = 'multiclass';
  readonly target = 'label';
  readonly classes: readonly ClassLabel[] = ['a', 'b', 'c'];
  constructor(private readonly sharpness = 1) {}
  async predict(input: PredictInput): Promise<Predictions> {
    const rows = input instanceof Dataset ? input.toRows() : Array.isArray(input) ? input : [input];
    const out = new Float64Array(rows.length * 3);
    rows.forEach((r, i) => {
      const x = Number(r.x);
      const logits = [-x * this.sharpness, 0.3, x * this.sharpness];
      const m = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - m));
      const s = e[0] + e[1] + e[2];
      for (let j = 0; j < 3; j++) out[i * 3 + j] = e[j] / s;
    });
    return new Predictions('multiclass', out, 3, this.classes);
  }
}

/** A three-class dataset for {@link ThreeClassModel}. */
export function threeClassData(n: number, seed: number): Dataset {
  const r = createRng(seed);
  return Dataset.fromRows(
    Array.from({ length: n }, () => {
      const x = r.normal() * 1.5;
      const z = x + r.normal() * 0.8;
      return { x, group: r.next() < 0.5 ? 'g1' : 'g2', label: z < -0.6 ? 'a' : z > 0.6 ? 'c' : 'b' };
    }),
  );
}

function runRecord(task: Task, target: string, features: string[]): RunRecord {
  return {
    runId: 'test-run',
    modelType: task === 'regression' ? 'linear' : 'logistic',
    task,
    params: {},
    seed: 1,
    backend: 'js',
    target,
    features,
    dataFingerprint: '0'.repeat(64),
    trainRows: 0,
    history: [],
    iterations: 0,
    converged: true,
    startedAt: new Date(0).toISOString(),
    durations: { preprocessMs: 0, fitMs: 0, totalMs: 0 },
    libraryVersion: 'test',
  };
}

/** A linear predictor over the pipeline's features with fixed weights (sigmoid for binary). */
function linearPredictor(task: Task, weights: number[], bias: number, classes?: ClassLabel[]): Predictor {
  const state: ModelState = { type: task === 'regression' ? 'linear' : 'logistic', task, numFeatures: weights.length, params: {}, tensors: [], ...(classes ? { classes } : {}) };
  return {
    state,
    outputWidth: 1,
    predictMatrix(X: Float32Array, rows: number, out = new Float64Array(rows)): Float64Array {
      const k = weights.length;
      for (let i = 0; i < rows; i++) {
        let z = bias;
        for (let j = 0; j < k; j++) z += weights[j] * X[i * k + j];
        out[i] = task === 'binary' ? 1 / (1 + Math.exp(-z)) : z;
      }
      return out;
    },
  };
}

/** A real `Model` (Pipeline + Predictor) for the fraud data. */
export function fraudModel(train: Dataset): Model {
  const features = ['amount', 'hour'];
  const pipeline = Pipeline.fit(train, features, { numeric: { scale: 'standard' } });
  return new Model(pipeline, linearPredictor('binary', [1.8, 0.05], -1.2, [false, true]), 'fraud', runRecord('binary', 'fraud', features));
}

/** A regression dataset and a real linear `Model` for it. */
export function regressionSetup(n: number, seed: number): { data: Dataset; model: Model } {
  const r = createRng(seed);
  const data = Dataset.fromRows(
    Array.from({ length: n }, () => {
      const a = r.normal();
      const b = r.normal();
      return { a, b, region: r.next() < 0.5 ? 'north' : 'south', y: 3 + 2 * a - b + r.normal() * 0.7 };
    }),
  );
  const pipeline = Pipeline.fit(data, ['a', 'b'], { numeric: { scale: 'none', impute: 'none' } });
  const model = new Model(pipeline, linearPredictor('regression', [1.9, -1.1], 3.1), 'y', runRecord('regression', 'y', ['a', 'b']));
  return { data, model };
}
