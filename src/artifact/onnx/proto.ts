/**
 * Encoders for the ONNX protobuf messages an exported model uses (field numbers from
 * onnx/onnx.proto, IR version 8).
 *
 * @module
 */
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
/** An ONNX element type. */
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** ONNX IR version written (onnx 1.12 and later read it). */
export const IR_VERSION = 8;

/** A constant tensor. */
export interface TensorInit {
  name: string;
  dims: readonly number[];
  type: DataTypeCode;
  /** Numbers (FLOAT, DOUBLE, INT64, BOOL, UINT8) or texts (STRING). */
  values: ArrayLike<number> | readonly string[];
}

/** An attribute value; the ONNX attribute type follows from the JavaScript type. */
export type AttributeValue =
  | { f: number }
  | { i: number }
  | { s: string }
  | { t: TensorInit }
  | { floats: ArrayLike<number> }
  | { ints: readonly number[] }
  | { strings: readonly string[] };

/** A graph node. */
export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

/** A graph input or output: name, element type, dimensions (a string for a symbolic one). */
export interface ValueInfo {
  name: string;
  type: DataTypeCode;
  dims: readonly (number | string)[];
  doc?: string;
}

const encoder = new TextEncoder();

/** TensorProto. Numbers go in raw_data (little-endian), texts in string_data. */
export function encodeTensor(t: TensorInit): Uint8Array {
  const w = new ProtoWriter();
  w.packedVarints(1, t.dims);
  w.varint(2, t.type);
  w.string(8, t.name);
  if (t.type === DataType.STRING) {
    for (const s of t.values as readonly string[]) w.bytes(6, encoder.encode(s));
    return w.finish();
  }
  const v = t.values as ArrayLike<number>;
  const size = t.type === DataType.DOUBLE || t.type === DataType.INT64 ? 8 : t.type === DataType.FLOAT ? 4 : 1;
  const raw = new Uint8Array(v.length * size);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < v.length; i++) {
    if (t.type === DataType.DOUBLE) dv.setFloat64(i * 8, v[i], true);
    else if (t.type === DataType.FLOAT) dv.setFloat32(i * 4, v[i], true);
    else if (t.type === DataType.INT64) dv.setBigInt64(i * 8, BigInt(v[i]), true);
    else raw[i] = v[i];
  }
  return w.bytes(9, raw).finish();
}

function encodeAttribute(name: string, a: AttributeValue): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8.
  if ('f' in a) return w.float(2, a.f).varint(20, 1).finish();
  if ('i' in a) return w.varint(3, a.i).varint(20, 2).finish();
  if ('s' in a) return w.string(4, a.s).varint(20, 3).finish();
  if ('t' in a) return w.bytes(5, encodeTensor(a.t)).varint(20, 4).finish();
  if ('floats' in a) return w.packedFloats(7, a.floats).varint(20, 6).finish();
  if ('ints' in a) return w.packedVarints(8, a.ints).varint(20, 7).finish();
  for (const s of a.strings) w.bytes(9, encoder.encode(s));
  return w.varint(20, 8).finish();
}

function encodeNode(n: NodeSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  // Attributes in name order: the same graph always encodes to the same bytes.
  for (const key of Object.keys(n.attributes ?? {}).sort()) w.bytes(5, encodeAttribute(key, n.attributes![key]));
  if (n.domain !== undefined && n.domain !== '') w.string(7, n.domain);
  return w.finish();
}

function encodeValueInfo(v: ValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.bytes(1, typeof d === 'number' ? new ProtoWriter().varint(1, d).finish() : new ProtoWriter().string(2, d).finish());
  const tensorType = new ProtoWriter().varint(1, v.type).bytes(2, shape.finish()).finish();
  const type = new ProtoWriter().bytes(1, tensorType).finish();
  const w = new ProtoWriter().string(1, v.name).bytes(2, type);
  if (v.doc !== undefined) w.string(3, v.doc);
  return w.finish();
}

/** Everything in a ModelProto. */
export interface ModelSpec {
  /** Operator sets, e.g. `{ '': 17, 'ai.onnx.ml': 3 }`. */
  opsets: Record<string, number>;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graphName: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorInit[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  /** Types of intermediate values (for ai.onnx.ml ops that shape inference does not type). */
  valueInfo: readonly ValueInfo[];
  /** ModelProto.metadata_props. */
  metadata: Record<string, string>;
}

/** Encodes a ModelProto. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.nodes) g.bytes(1, encodeNode(n));
  g.string(2, m.graphName);
  for (const t of m.initializers) g.bytes(5, encodeTensor(t));
  for (const v of m.inputs) g.bytes(11, encodeValueInfo(v));
  for (const v of m.outputs) g.bytes(12, encodeValueInfo(v));
  for (const v of m.valueInfo) g.bytes(13, encodeValueInfo(v));
  const w = new ProtoWriter().varint(1, IR_VERSION).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.bytes(7, g.finish());
  for (const [domain, version] of Object.entries(m.opsets)) w.bytes(8, new ProtoWriter().string(1, domain).varint(2, version).finish());
  for (const key of Object.keys(m.metadata).sort()) w.bytes(14, new ProtoWriter().string(1, key).string(2, m.metadata[key]).finish());
  return w.finish();
}
