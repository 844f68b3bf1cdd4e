// Real ModelArtifacts from a small trained model, for the registry tests.
import { ModelArtifact } from '../../src/artifact/index';
import { Dataset } from '../../src/dataset/dataset';
import type { Model } from '../../src/models/model';
import { createRng } from '../../src/random';
import { Trainer } from '../../src/trainer/trainer';

let trainedModel: Promise<{ model: Model; data: Dataset }> | undefined;

/** A logistic model trained once on 300 seeded rows. */
export function smallModel(): Promise<{ model: Model; data: Dataset }> {
  trainedModel ??= (async () => {
    const r = createRng(11);
    const data = Dataset.fromRows(
      Array.from({ length: 300 }, () => {
        const amount = r.normal() * 50 + 100;
        const age = Math.floor(r.next() * 70) + 18;
        return { amount, age, label: amount * 0.03 + age * 0.02 + r.normal() > 4 ? 'fraud' : 'ok' };
      }),
    );
    const model = await new Trainer({ model: { type: 'logistic' }, target: 'label', seed: 3 }).fit(data);
    return { model, data };
  })();
  return trainedModel;
}

/** A distinct artifact per label (the label goes into the manifest's metadata). */
export async function realArtifact(label: string, options: { evaluation?: unknown } = {}): Promise<ModelArtifact> {
  const { model, data } = await smallModel();
  return ModelArtifact.create(model, { trainingData: data, createdAt: '2024-06-01T00:00:00.000Z', metadata: { label }, ...options });
}
