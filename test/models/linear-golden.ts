/**
 * Shared helpers for the golden tests of the linear families: loads the scikit-learn
 * fixtures written by test/fixtures/models/generate_linear_models.py and trains the same
 * case through the public Trainer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Dataset } from '../../src/dataset/dataset';
import { Trainer } from '../../src/trainer/trainer';
import type { Model } from '../../src/models/model';
import type { ModelType } from '../../src/models/types';

export interface GoldenDataset {
  columns: Record<string, (number | string | null)[]>;
  target: (number | string)[];
  weight?: number[];
  test: { columns: Record<string, (number | string | null)[]>; target: (number | string)[] };
}

export interface GoldenCase {
  name: string;
  dataset: string;
  family: ModelType;
  params: Record<string, unknown>;
  weighted: boolean;
  classWeight?: 'balanced' | null;
  sklearn: string;
  coef: number[];
  intercept: number[];
  testPred: number[];
}

export interface GoldenFile {
  datasets: Record<string, GoldenDataset>;
  cases: GoldenCase[];
}

export const golden: GoldenFile = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/models/linear_models.json', import.meta.url)), 'utf8'));

/** The training and test sets of a fixture data set (target column `y`, weights `w`). */
export function goldenData(name: string): { train: Dataset; test: Dataset } {
  const ds = golden.datasets[name];
  const train: Record<string, unknown[]> = { ...ds.columns, y: ds.target };
  if (ds.weight !== undefined) train.w = ds.weight;
  return { train: Dataset.fromColumns(train), test: Dataset.fromColumns({ ...ds.test.columns, y: ds.test.target }) };
}

/** Trains a fixture case through the Trainer; returns the model and its test-set outputs. */
export async function fitGolden(c: GoldenCase): Promise<{ model: Model; testPred: Float64Array; coef: Float64Array; intercept: Float64Array }> {
  const { train, test } = goldenData(c.dataset);
  const features = Object.keys(golden.datasets[c.dataset].columns);
  const model = await new Trainer({
    model: { type: c.family, ...c.params },
    target: 'y',
    features,
    sampleWeight: c.weighted ? 'w' : undefined,
    classWeight: c.classWeight ?? undefined,
  }).fit(train);
  const tensor = (name: string) => model.state.tensors.find((t) => t.name === name)!.data as Float64Array;
  const preds = await model.predict(test);
  return { model, testPred: preds.raw, coef: tensor('coef'), intercept: tensor('intercept') };
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Largest |a[i] - b[i]| / max(|b[i]|, floor · max|b|): relative error with a floor for near-zero entries. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor * scale, 1e-300));
  return m;
}
