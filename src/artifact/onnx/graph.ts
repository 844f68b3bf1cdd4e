/**
 * A small ONNX graph builder: constants, nodes with generated unique names, inputs and
 * outputs. Internal value names start with `mlk/` so they never collide with column names.
 *
 * @module
 */
import { type AttributeValue, type DataTypeCode, encodeModel, type NodeSpec, type TensorInit, type ValueInfo } from './proto';

/** The ai.onnx.ml domain. */
export const ML = 'ai.onnx.ml';

/** Builds one graph. */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorInit[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly valueInfo: ValueInfo[] = [];
  private counter = 0;

  /** A fresh internal value name. */
  fresh(hint: string): string {
    return `mlk/${hint}_${this.counter++}`;
  }

  /** Adds a constant; returns its name. */
  constant(hint: string, type: DataTypeCode, dims: readonly number[], values: TensorInit['values']): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, type, dims: [...dims], values });
    return name;
  }

  /** Adds a node with one output; returns the output name. */
  op(op: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>, domain?: string): string {
    const out = this.fresh(op.toLowerCase());
    this.opTo(op, inputs, [out], attributes, domain);
    return out;
  }

  /** Adds a node with one output of a declared type; returns the output name. */
  typedOp(op: string, inputs: readonly string[], type: DataTypeCode, dims: readonly (number | string)[], attributes?: Record<string, AttributeValue>, domain?: string): string {
    const out = this.op(op, inputs, attributes, domain);
    this.valueInfo.push({ name: out, type, dims });
    return out;
  }

  /** Adds a node writing to the given outputs. */
  opTo(op: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, AttributeValue>, domain?: string): void {
    this.nodes.push({ op, inputs, outputs, name: `mlk/node_${this.nodes.length}_${op}`, attributes, domain });
  }

  /** Declares a graph input. */
  input(name: string, type: DataTypeCode, dims: readonly (number | string)[], doc?: string): string {
    this.inputs.push({ name, type, dims, doc });
    return name;
  }

  /** Exposes `value` as a graph output called `name` (through an Identity node). */
  output(name: string, value: string, type: DataTypeCode, dims: readonly (number | string)[], doc?: string): void {
    this.opTo('Identity', [value], [name]);
    this.outputs.push({ name, type, dims, doc });
  }

  /** Encodes the ModelProto. */
  encode(meta: { graphName: string; producerVersion: string; docString: string; metadata: Record<string, string>; opsets: Record<string, number> }): Uint8Array {
    return encodeModel({
      opsets: meta.opsets,
      producerName: 'mlops-kit',
      producerVersion: meta.producerVersion,
      docString: meta.docString,
      graphName: meta.graphName,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      valueInfo: this.valueInfo,
      metadata: meta.metadata,
    });
  }
}
