/**
 * The outputs every exported model ends with, fed by the family's raw score:
 *
 * - regression: `value`, double `[N, 1]`;
 * - binary: `probabilities`, double `[N, 2]` (`[1 - p, p]`, p = P(classes[1])), and
 *   `label` `[N]` (`classes[1]` when p >= 0.5);
 * - multiclass: `probabilities`, double `[N, K]`, and `label` `[N]` (the first class
 *   of highest probability).
 *
 * `label` holds the class labels themselves: a string tensor for text classes, double
 * for numeric classes, bool for boolean classes.
 *
 * @module
 */
import type { ClassLabel, Task } from '../../models/types';
import type { GraphBuilder } from './graph';
import { DataType, type DataTypeCode } from './proto';

function classConstant(g: GraphBuilder, classes: readonly ClassLabel[]): { name: string; type: DataTypeCode } {
  if (classes.every((c) => typeof c === 'number')) return { name: g.constant('classes', DataType.DOUBLE, [classes.length], classes as number[]), type: DataType.DOUBLE };
  if (classes.every((c) => typeof c === 'boolean')) return { name: g.constant('classes', DataType.BOOL, [classes.length], classes.map(Number)), type: DataType.BOOL };
  return { name: g.constant('classes', DataType.STRING, [classes.length], classes.map(String)), type: DataType.STRING };
}

/**
 * Adds the outputs. `output` is a double `[N, 1]` value (regression), a double `[N, 1]`
 * probability of `classes[1]` (binary), or double `[N, K]` probabilities (multiclass).
 */
export function buildHead(g: GraphBuilder, task: Task, classes: readonly ClassLabel[] | undefined, output: string): void {
  if (task === 'regression') {
    g.output('value', output, DataType.DOUBLE, ['N', 1], 'predicted value');
    return;
  }
  const k = classes!.length;
  const cls = classConstant(g, classes!);
  let probabilities = output;
  let index: string;
  if (task === 'binary') {
    probabilities = g.op('Concat', [g.op('Sub', [g.constant('one', DataType.DOUBLE, [], [1]), output]), output], { axis: { i: 1 } });
    const positive = g.op('GreaterOrEqual', [output, g.constant('threshold', DataType.DOUBLE, [], [0.5])]);
    index = g.op('Reshape', [g.op('Cast', [positive], { to: { i: DataType.INT64 } }), g.constant('shape', DataType.INT64, [1], [-1])]);
  } else {
    index = g.op('ArgMax', [probabilities], { axis: { i: 1 }, keepdims: { i: 0 } });
  }
  g.output('label', g.op('Gather', [cls.name, index], { axis: { i: 0 } }), cls.type, ['N'], `class label (${classes!.map(String).join(', ')})`);
  g.output('probabilities', probabilities, DataType.DOUBLE, ['N', k], `class probabilities in the order ${classes!.map(String).join(', ')}`);
}
