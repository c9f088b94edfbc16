/**
 * The subset of ONNX's protobuf schema (onnx.proto3: ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto) a linear classifier uses, as plain objects with an encoder and a
 * decoder. Field numbers are the schema's; fields we do not model are skipped when decoding.
 */
import { OnnxError } from '../errors.js';
import {
  decodeFields,
  getBytes,
  getFloat,
  getInt,
  getRepeatedBytes,
  getRepeatedDoubles,
  getRepeatedFloats,
  getRepeatedInts,
  getRepeatedStrings,
  getString,
  ProtobufError,
  ProtobufWriter,
  type FieldValue,
} from './protobuf.js';

/** TensorProto.DataType values we read or write. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};
export function dataTypeName(t: number): string {
  return DATA_TYPE_NAMES[t] ?? `type ${t}`;
}

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Numbers for numeric types (float32 values widened to doubles), strings for STRING. */
  values: number[] | string[];
}

export type OnnxAttribute =
  | { name: string; type: 'FLOAT'; value: number }
  | { name: string; type: 'INT'; value: number }
  | { name: string; type: 'STRING'; value: string }
  | { name: string; type: 'TENSOR'; value: OnnxTensor }
  | { name: string; type: 'FLOATS'; value: number[] }
  | { name: string; type: 'INTS'; value: number[] }
  | { name: string; type: 'STRINGS'; value: string[] };

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export type OnnxType =
  | {
      kind: 'tensor';
      elemType: number;
      /** null: unknown rank; a string: a symbolic dimension; null entry: unknown */ shape: (number | string | null)[] | null;
    }
  | { kind: 'sequence'; elem: OnnxType | null }
  | { kind: 'map'; keyType: number; value: OnnxType | null }
  | { kind: 'other' };

export interface OnnxValueInfo {
  name: string;
  type: OnnxType | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: OnnxGraph;
  metadata: { key: string; value: string }[];
}

// ---- encoding -------------------------------------------------------------------------------------

const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

function encodeTensor(t: OnnxTensor): ProtobufWriter {
  const w = new ProtobufWriter();
  if (t.dims.length) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  const v = t.values;
  switch (t.dataType) {
    case DataType.FLOAT:
      w.packedFloats(4, v as number[]);
      break;
    case DataType.DOUBLE:
      w.packedDoubles(10, v as number[]);
      break;
    case DataType.INT64:
      w.packedInts(7, v as number[]);
      break;
    case DataType.INT32:
      w.packedInts(5, v as number[]);
      break;
    case DataType.STRING:
      for (const s of v as string[]) w.bytes(6, new TextEncoder().encode(s));
      break;
    default:
      throw new OnnxError(`cannot write a tensor of ${dataTypeName(t.dataType)}`);
  }
  w.string(8, t.name);
  return w;
}

function encodeAttribute(a: OnnxAttribute): ProtobufWriter {
  const w = new ProtobufWriter().string(1, a.name);
  switch (a.type) {
    case 'FLOAT':
      w.float(2, a.value);
      break;
    case 'INT':
      w.intAlways(3, a.value);
      break;
    case 'STRING':
      w.bytes(4, new TextEncoder().encode(a.value));
      break;
    case 'TENSOR':
      w.message(5, encodeTensor(a.value));
      break;
    case 'FLOATS':
      w.packedFloats(7, a.value);
      break;
    case 'INTS':
      w.packedInts(8, a.value);
      break;
    case 'STRINGS':
      for (const s of a.value) w.bytes(9, new TextEncoder().encode(s));
      break;
  }
  w.int(20, ATTR_TYPE[a.type]);
  return w;
}

function encodeType(t: OnnxType): ProtobufWriter {
  const w = new ProtobufWriter();
  if (t.kind === 'tensor') {
    const tt = new ProtobufWriter().int(1, t.elemType);
    if (t.shape) {
      const shape = new ProtobufWriter();
      for (const d of t.shape) {
        const dim = new ProtobufWriter();
        if (typeof d === 'number') dim.intAlways(1, d);
        else if (typeof d === 'string') dim.string(2, d);
        shape.message(1, dim);
      }
      tt.message(2, shape);
    }
    w.message(1, tt);
  } else if (t.kind === 'sequence') {
    const s = new ProtobufWriter();
    if (t.elem) s.message(1, encodeType(t.elem));
    w.message(4, s);
  } else if (t.kind === 'map') {
    const m = new ProtobufWriter().int(1, t.keyType);
    if (t.value) m.message(2, encodeType(t.value));
    w.message(5, m);
  }
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtobufWriter {
  const w = new ProtobufWriter().string(1, v.name);
  if (v.type) w.message(2, encodeType(v.type));
  return w;
}

function encodeNode(n: OnnxNode): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const i of n.inputs) w.bytes(1, new TextEncoder().encode(i));
  for (const o of n.outputs) w.bytes(2, new TextEncoder().encode(o));
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, encodeAttribute(a));
  w.string(7, n.domain);
  return w;
}

export function encodeModel(m: OnnxModel): Uint8Array<ArrayBuffer> {
  const g = new ProtobufWriter();
  for (const n of m.graph.nodes) g.message(1, encodeNode(n));
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, encodeTensor(t));
  for (const v of m.graph.inputs) g.message(11, encodeValueInfo(v));
  for (const v of m.graph.outputs) g.message(12, encodeValueInfo(v));
  const w = new ProtobufWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion).string(6, m.docString);
  w.message(7, g);
  for (const o of m.opsets) w.message(8, new ProtobufWriter().string(1, o.domain).intAlways(2, o.version));
  for (const kv of m.metadata) w.message(14, new ProtobufWriter().string(1, kv.key).string(2, kv.value));
  return w.finish();
}

// ---- decoding -------------------------------------------------------------------------------------

type Fields = Map<number, FieldValue[]>;

export function decodeTensor(b: Uint8Array, where: string): OnnxTensor {
  const f = decodeFields(b, where);
  const name = getString(f, 8);
  const at = name ? `${where} '${name}'` : where;
  const dims = getRepeatedInts(f, 1, `${at}.dims`);
  const dataType = getInt(f, 2, `${at}.data_type`);
  if (getInt(f, 14, `${at}.data_location`) === 1 || f.has(13))
    throw new OnnxError(`${at}: tensor data stored in an external file is not supported (save the model with its weights inside)`);
  const count = dims.reduce((a, d) => a * d, 1);
  const raw = getBytes(f, 9);
  let values: number[] | string[];
  if (dataType === DataType.STRING) values = getRepeatedStrings(f, 6);
  else if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = dataType === DataType.DOUBLE || dataType === DataType.INT64 ? 8 : dataType === DataType.FLOAT || dataType === DataType.INT32 ? 4 : 0;
    if (!width) throw new OnnxError(`${at}: raw tensor data of ${dataTypeName(dataType)} is not supported`);
    if (raw.byteLength !== count * width)
      throw new OnnxError(`${at}: raw_data holds ${raw.byteLength} bytes, expected ${count * width} for dims [${dims.join(', ')}]`);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      if (dataType === DataType.DOUBLE) out.push(dv.getFloat64(i * 8, true));
      else if (dataType === DataType.FLOAT) out.push(dv.getFloat32(i * 4, true));
      else if (dataType === DataType.INT32) out.push(dv.getInt32(i * 4, true));
      else {
        const v = dv.getBigInt64(i * 8, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new OnnxError(`${at}: int64 value ${v} is beyond 2^53`);
        out.push(Number(v));
      }
    }
    values = out;
  } else if (dataType === DataType.FLOAT) values = getRepeatedFloats(f, 4);
  else if (dataType === DataType.DOUBLE) values = getRepeatedDoubles(f, 10);
  else if (dataType === DataType.INT64) values = getRepeatedInts(f, 7, `${at}.int64_data`);
  else if (dataType === DataType.INT32 || dataType === DataType.BOOL || dataType === DataType.INT8 || dataType === DataType.UINT8)
    values = getRepeatedInts(f, 5, `${at}.int32_data`);
  else throw new OnnxError(`${at}: tensors of ${dataTypeName(dataType)} are not supported`);
  if (values.length !== count) throw new OnnxError(`${at}: holds ${values.length} values, but its dims [${dims.join(', ')}] say ${count}`);
  return { name, dataType, dims, values };
}

function decodeAttribute(b: Uint8Array, where: string): OnnxAttribute | null {
  const f = decodeFields(b, where);
  const name = getString(f, 1);
  const at = `${where} attribute '${name}'`;
  let type = getInt(f, 20, at);
  // IR version 1 files have no type discriminator: infer it from the field present.
  if (type === 0) type = f.has(2) ? 1 : f.has(3) ? 2 : f.has(4) ? 3 : f.has(5) ? 4 : f.has(7) ? 6 : f.has(8) ? 7 : f.has(9) ? 8 : 0;
  switch (type) {
    case 1:
      return { name, type: 'FLOAT', value: getFloat(f, 2) };
    case 2:
      return { name, type: 'INT', value: getInt(f, 3, at) };
    case 3:
      return { name, type: 'STRING', value: new TextDecoder().decode(getBytes(f, 4) ?? new Uint8Array()) };
    case 4:
      return { name, type: 'TENSOR', value: decodeTensor(getBytes(f, 5) ?? new Uint8Array(), at) };
    case 6:
      return { name, type: 'FLOATS', value: getRepeatedFloats(f, 7) };
    case 7:
      return { name, type: 'INTS', value: getRepeatedInts(f, 8, at) };
    case 8:
      return { name, type: 'STRINGS', value: getRepeatedStrings(f, 9) };
    default:
      // Graph- and sparse-valued attributes: kept out; a node that needs one is refused by the importer.
      return null;
  }
}

function decodeType(b: Uint8Array, where: string): OnnxType {
  const f = decodeFields(b, where);
  const tensor = getBytes(f, 1);
  if (tensor) {
    const tf = decodeFields(tensor, where);
    const shapeB = getBytes(tf, 2);
    let shape: (number | string | null)[] | null = null;
    if (shapeB) {
      shape = getRepeatedBytes(decodeFields(shapeB, where), 1).map((db) => {
        const df = decodeFields(db, where);
        if (df.has(1)) return getInt(df, 1, where);
        if (df.has(2)) return getString(df, 2);
        return null;
      });
    }
    return { kind: 'tensor', elemType: getInt(tf, 1, where), shape };
  }
  const seq = getBytes(f, 4);
  if (seq) {
    const e = getBytes(decodeFields(seq, where), 1);
    return { kind: 'sequence', elem: e ? decodeType(e, where) : null };
  }
  const map = getBytes(f, 5);
  if (map) {
    const mf = decodeFields(map, where);
    const v = getBytes(mf, 2);
    return { kind: 'map', keyType: getInt(mf, 1, where), value: v ? decodeType(v, where) : null };
  }
  return { kind: 'other' };
}

function decodeValueInfo(b: Uint8Array, where: string): OnnxValueInfo {
  const f = decodeFields(b, where);
  const t = getBytes(f, 2);
  return { name: getString(f, 1), type: t ? decodeType(t, where) : null };
}

function decodeNode(b: Uint8Array, i: number): OnnxNode {
  const where = `graph node ${i}`;
  const f: Fields = decodeFields(b, where);
  const name = getString(f, 3);
  const opType = getString(f, 4);
  const at = `node ${i} (${opType}${name ? ` '${name}'` : ''})`;
  const attributes = getRepeatedBytes(f, 5)
    .map((a) => decodeAttribute(a, at))
    .filter((a): a is OnnxAttribute => a !== null);
  return { name, opType, domain: getString(f, 7), inputs: getRepeatedStrings(f, 1), outputs: getRepeatedStrings(f, 2), attributes };
}

/** Decode an ONNX model file. Throws OnnxError (or ProtobufError) on bytes that are not one. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new OnnxError('empty input: not an ONNX model', { code: 'MODEL_FORMAT' });
  try {
    return decodeModelFields(bytes);
  } catch (e) {
    if (e instanceof ProtobufError) throw new OnnxError(`not an ONNX model (or a truncated one): ${e.message}`, { code: 'MODEL_FORMAT' });
    throw e;
  }
}

function decodeModelFields(bytes: Uint8Array): OnnxModel {
  const f = decodeFields(bytes, 'ONNX model');
  const gb = getBytes(f, 7);
  if (!gb) throw new OnnxError('not an ONNX model: no graph (field 7 of ModelProto) found', { code: 'MODEL_FORMAT' });
  const gf = decodeFields(gb, 'graph');
  const graph: OnnxGraph = {
    name: getString(gf, 2),
    nodes: getRepeatedBytes(gf, 1).map((b, i) => decodeNode(b, i)),
    initializers: getRepeatedBytes(gf, 5).map((b, i) => decodeTensor(b, `initializer ${i}`)),
    inputs: getRepeatedBytes(gf, 11).map((b, i) => decodeValueInfo(b, `graph input ${i}`)),
    outputs: getRepeatedBytes(gf, 12).map((b, i) => decodeValueInfo(b, `graph output ${i}`)),
  };
  const opsets = getRepeatedBytes(f, 8).map((b) => {
    const of = decodeFields(b, 'opset_import');
    return { domain: getString(of, 1), version: getInt(of, 2, 'opset_import.version') };
  });
  const metadata = getRepeatedBytes(f, 14).map((b) => {
    const mf = decodeFields(b, 'metadata_props');
    return { key: getString(mf, 1), value: getString(mf, 2) };
  });
  return {
    irVersion: getInt(f, 1, 'ir_version'),
    opsets,
    producerName: getString(f, 2),
    producerVersion: getString(f, 3),
    docString: getString(f, 6),
    graph,
    metadata,
  };
}
