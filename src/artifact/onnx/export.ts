/**
 * Exports a native artifact as one ONNX model: the preprocessing pipeline, the family's
 * model, and the output head. Opsets: ai.onnx 17 and ai.onnx.ml 3; IR version 8.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { Pipeline } from '../../preprocess/pipeline';
import type { ModelState } from '../../models/types';
import { VERSION } from '../../version';
import type { ArtifactManifest } from '../manifest';
import type { ArtifactSignature } from '../signature';
import { GraphBuilder, ML } from './graph';
import { buildHead } from './heads';
import { buildGbdt } from './gbdt';
import { buildLinear } from './linear';
import { buildMlp } from './mlp';
import { buildPreprocessing } from './preprocess';

/** The operator set versions an exported model imports. */
export const ONNX_OPSETS: Readonly<Record<string, number>> = { '': 17, [ML]: 3 };

/** What the exporter reads from an artifact. */
export interface ExportSource {
  pipeline: Pipeline;
  state: ModelState;
  manifest: ArtifactManifest;
  signature: ArtifactSignature;
  digest: string;
}

/** The ONNX bytes of a native artifact. Throws `ONNX_EXPORT`. */
export function exportToONNX(src: ExportSource): Uint8Array {
  const { pipeline, state, manifest, signature } = src;
  const g = new GraphBuilder();
  const X = buildPreprocessing(g, pipeline);
  let score: string;
  switch (state.type) {
    case 'linear':
    case 'logistic':
    case 'softmax':
      score = buildLinear(g, X, state);
      break;
    case 'mlp':
      score = buildMlp(g, X, state);
      break;
    case 'gbdt':
      score = buildGbdt(g, X, state);
      break;
    default:
      throw new MlopsError('ONNX_EXPORT', `ONNX export is not available for ${state.type} models.`);
  }
  buildHead(g, state.task, state.classes, score);
  return g.encode({
    graphName: manifest.name,
    producerVersion: VERSION,
    docString: `${manifest.name}: ${state.type} ${state.task} model exported from mlops-kit artifact sha256:${src.digest}`,
    opsets: { ...ONNX_OPSETS },
    metadata: {
      'mlops-kit.name': manifest.name,
      'mlops-kit.model_type': state.type,
      'mlops-kit.task': state.task,
      'mlops-kit.artifact_digest': src.digest,
      'mlops-kit.created_at': manifest.createdAt,
      'mlops-kit.signature': JSON.stringify(signature),
    },
  });
}
