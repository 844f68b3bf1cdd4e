/**
 * The preprocessing pipeline as ONNX. One graph input per input column, `[N, 1]`:
 * `double` for number, boolean (0/1) and date (epoch ms) columns, `string` for category
 * columns (a missing category is the empty string). The result is the same float32
 * feature matrix the pipeline computes:
 *
 * - numeric: `Where(IsNaN(x), fill, x)` (imputation), then `(x - center) / scale` in
 *   double, then `Cast` to float, which rounds as a Float32Array store does;
 * - one-hot: `ai.onnx.ml.OneHotEncoder` (unseen and missing give all zeros);
 * - ordinal: `ai.onnx.ml.LabelEncoder` to the category index, `NaN` for missing/unseen.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { Pipeline } from '../../preprocess/pipeline';
import { type GraphBuilder, ML } from './graph';
import { DataType } from './proto';

/** Adds one input per pipeline column and returns the name of the float `[N, F]` feature matrix. */
export function buildPreprocessing(g: GraphBuilder, pipeline: Pipeline): string {
  const parts: string[] = [];
  for (const step of pipeline.steps) {
    if (step.kind === 'numeric') {
      let x = g.input(step.column, DataType.DOUBLE, ['N', 1], `${step.type}${step.type === 'date' ? ' (epoch milliseconds)' : step.type === 'boolean' ? ' (0 or 1)' : ''}; NaN when missing`);
      if (step.fill !== null) x = g.op('Where', [g.op('IsNaN', [x]), g.constant('fill', DataType.DOUBLE, [], [step.fill]), x]);
      if (step.center !== 0) x = g.op('Sub', [x, g.constant('center', DataType.DOUBLE, [], [step.center])]);
      if (step.scale !== 1) x = g.op('Div', [x, g.constant('scale', DataType.DOUBLE, [], [step.scale])]);
      parts.push(g.op('Cast', [x], { to: { i: DataType.FLOAT } }));
      continue;
    }
    if (step.categories.includes('')) {
      throw new MlopsError('ONNX_EXPORT', `Column "${step.column}" has the empty string as a category; the exported graph uses "" for a missing value. Rename that category before training.`);
    }
    const s = g.input(step.column, DataType.STRING, ['N', 1], 'category; "" when missing');
    const k = step.categories.length;
    if (step.kind === 'onehot') {
      if (k === 0) continue;
      const hot = g.typedOp('OneHotEncoder', [s], DataType.FLOAT, ['N', 1, k], { cats_strings: { strings: step.categories }, zeros: { i: 1 } }, ML);
      parts.push(g.op('Reshape', [hot, g.constant('shape', DataType.INT64, [2], [-1, k])]));
    } else {
      const codes = step.categories.map((_, i) => i);
      parts.push(g.typedOp('LabelEncoder', [s], DataType.FLOAT, ['N', 1], { keys_strings: { strings: step.categories }, values_floats: { floats: codes }, default_float: { f: NaN } }, ML));
    }
  }
  return parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis: { i: 1 } });
}
