/**
 * The few protocol-buffers wire-format pieces ONNX files need (varints, length-delimited fields, fixed32/64),
 * written here rather than pulled in: the core must run in the browser with no dependency, and an ONNX
 * model of a linear classifier is a handful of messages.
 *
 * Wire format: every field is a varint key (fieldNumber << 3 | wireType) then its value; wire types
 * 0 = varint, 1 = 64-bit, 2 = length-delimited (bytes, strings, sub-messages, packed repeated scalars),
 * 5 = 32-bit. int64 fields are varints of the two's-complement value, so negative ones take 10 bytes.
 */
import { SoftmaxError } from '../errors.js';

export class ProtobufWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private varint(v: bigint): void {
    // Two's complement for negatives: int64 fields carry the low 64 bits.
    let x = BigInt.asUintN(64, v);
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** An int32/int64/enum/bool field (skipped when 0, as proto3 does for scalars). */
  int(field: number, v: number | bigint): this {
    if (v === 0 || v === 0n) return this;
    this.key(field, 0);
    this.varint(BigInt(v));
    return this;
  }

  /** An int64 field written even when 0 (for repeated values and oneof members). */
  intAlways(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(BigInt(v));
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(b.length));
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A string field (skipped when empty). */
  string(field: number, s: string): this {
    if (s === '') return this;
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: ProtobufWriter): this {
    return this.bytes(field, w.finish());
  }

  packedFloats(field: number, v: ArrayLike<number>): this {
    const b = new Uint8Array(v.length * 4);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i]!, true);
    return this.bytes(field, b);
  }

  packedDoubles(field: number, v: ArrayLike<number>): this {
    const b = new Uint8Array(v.length * 8);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < v.length; i++) dv.setFloat64(i * 8, v[i]!, true);
    return this.bytes(field, b);
  }

  packedInts(field: number, v: ArrayLike<number | bigint>): this {
    const w = new ProtobufWriter();
    for (let i = 0; i < v.length; i++) w.varint(BigInt(v[i]!));
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

/** One decoded field: varints as bigint, fixed32/64 and length-delimited as raw bytes. */
export type FieldValue = { wire: 0; value: bigint } | { wire: 1 | 5 | 2; value: Uint8Array };

/** Malformed protobuf bytes (truncated, bad varint, unknown wire type). */
export class ProtobufError extends SoftmaxError {
  constructor(message: string) {
    super('MODEL_FORMAT', message);
  }
}

/** Splits a message into its fields, by number (repeated fields keep their order). */
export function decodeFields(b: Uint8Array, what: string): Map<number, FieldValue[]> {
  const out = new Map<number, FieldValue[]>();
  let p = 0;
  const varint = (): bigint => {
    let x = 0n;
    let shift = 0n;
    for (;;) {
      if (p >= b.length) throw new ProtobufError(`${what}: truncated varint at byte ${p}`);
      const c = b[p++]!;
      x |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) return x;
      shift += 7n;
      if (shift > 63n) throw new ProtobufError(`${what}: varint longer than 10 bytes at byte ${p}`);
    }
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || p + n > b.length) throw new ProtobufError(`${what}: field runs past the end (byte ${p}, needs ${n} of ${b.length - p} left)`);
    const v = b.subarray(p, p + n);
    p += n;
    return v;
  };
  while (p < b.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let v: FieldValue;
    if (wire === 0) v = { wire: 0, value: varint() };
    else if (wire === 1) v = { wire: 1, value: take(8) };
    else if (wire === 5) v = { wire: 5, value: take(4) };
    else if (wire === 2) v = { wire: 2, value: take(Number(varint())) };
    else throw new ProtobufError(`${what}: unsupported wire type ${wire} (field ${field}) at byte ${p}`);
    if (field === 0) throw new ProtobufError(`${what}: field number 0 at byte ${p}`);
    let list = out.get(field);
    if (!list) out.set(field, (list = []));
    list.push(v);
  }
  return out;
}

// ---- typed readers over a decoded field map ------------------------------------------------------

const utf8 = new TextDecoder('utf-8');

export function getBytes(f: Map<number, FieldValue[]>, n: number): Uint8Array | undefined {
  const l = f.get(n);
  const v = l?.[l.length - 1];
  return v && v.wire === 2 ? v.value : undefined;
}

export function getString(f: Map<number, FieldValue[]>, n: number): string {
  const b = getBytes(f, n);
  return b ? utf8.decode(b) : '';
}

export function getRepeatedBytes(f: Map<number, FieldValue[]>, n: number): Uint8Array[] {
  return (f.get(n) ?? []).filter((v): v is { wire: 2; value: Uint8Array } => v.wire === 2).map((v) => v.value);
}

export function getRepeatedStrings(f: Map<number, FieldValue[]>, n: number): string[] {
  return getRepeatedBytes(f, n).map((b) => utf8.decode(b));
}

/** int64 as a JS number; throws past 2^53 (no ONNX attribute of ours needs more). */
function toNumber(x: bigint, what: string): number {
  const s = BigInt.asIntN(64, x);
  if (s > BigInt(Number.MAX_SAFE_INTEGER) || s < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtobufError(`${what}: integer ${s} is beyond 2^53`);
  return Number(s);
}

export function getInt(f: Map<number, FieldValue[]>, n: number, what: string): number {
  const l = f.get(n);
  const v = l?.[l.length - 1];
  return v && v.wire === 0 ? toNumber(v.value, what) : 0;
}

/** A repeated integer field, packed or not. */
export function getRepeatedInts(f: Map<number, FieldValue[]>, n: number, what: string): number[] {
  const out: number[] = [];
  for (const v of f.get(n) ?? []) {
    if (v.wire === 0) out.push(toNumber(v.value, what));
    else if (v.wire === 2) {
      const inner = decodePackedVarints(v.value, what);
      for (const x of inner) out.push(toNumber(x, what));
    }
  }
  return out;
}

function decodePackedVarints(b: Uint8Array, what: string): bigint[] {
  const out: bigint[] = [];
  let p = 0;
  while (p < b.length) {
    let x = 0n;
    let shift = 0n;
    for (;;) {
      if (p >= b.length) throw new ProtobufError(`${what}: truncated packed varint`);
      const c = b[p++]!;
      x |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) break;
      shift += 7n;
    }
    out.push(x);
  }
  return out;
}

export function getFloat(f: Map<number, FieldValue[]>, n: number): number {
  const l = f.get(n);
  const v = l?.[l.length - 1];
  return v && v.wire === 5 ? new DataView(v.value.buffer, v.value.byteOffset, 4).getFloat32(0, true) : 0;
}

/** A repeated float (32-bit) field, packed or not. */
export function getRepeatedFloats(f: Map<number, FieldValue[]>, n: number): number[] {
  const out: number[] = [];
  for (const v of f.get(n) ?? []) {
    if (v.wire === 0) continue;
    const dv = new DataView(v.value.buffer, v.value.byteOffset, v.value.byteLength);
    if (v.wire === 5) out.push(dv.getFloat32(0, true));
    else if (v.wire === 2) for (let i = 0; i + 4 <= dv.byteLength; i += 4) out.push(dv.getFloat32(i, true));
  }
  return out;
}

/** A repeated double field, packed or not. */
export function getRepeatedDoubles(f: Map<number, FieldValue[]>, n: number): number[] {
  const out: number[] = [];
  for (const v of f.get(n) ?? []) {
    if (v.wire === 0) continue;
    const dv = new DataView(v.value.buffer, v.value.byteOffset, v.value.byteLength);
    if (v.wire === 1) out.push(dv.getFloat64(0, true));
    else if (v.wire === 2) for (let i = 0; i + 8 <= dv.byteLength; i += 8) out.push(dv.getFloat64(i, true));
  }
  return out;
}
