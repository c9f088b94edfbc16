/**
 * IDX files, the format MNIST ships in (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`):
 *
 *   bytes 0-1  0x00 0x00
 *   byte  2    element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *   byte  3    number of dimensions D (>= 1)
 *   4 * D      dimension sizes, unsigned 32-bit big-endian
 *   then       prod(dims) elements, big-endian, row-major
 *
 * The header's claimed size is checked against the bytes actually present BEFORE anything is allocated,
 * so a forged header (say 2^31 images of 28x28) is a ParseError, never an attempt to allocate terabytes.
 */
import { DataError, LimitError, OptionError, ParseError } from '../errors.js';
import { checkMemory, resolveLimits, type Limits } from '../core/limits.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Dataset } from './dataset.js';
import { rejectGzip } from './gzip.js';

export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

export interface IdxArray {
  dims: number[];
  type: IdxType;
  /** Elements in row-major order. For u8 a view of the input bytes (no copy). */
  data: ArrayLike<number>;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'u8', size: 1 },
  0x09: { type: 'i8', size: 1 },
  0x0b: { type: 'i16', size: 2 },
  0x0c: { type: 'i32', size: 4 },
  0x0d: { type: 'f32', size: 4 },
  0x0e: { type: 'f64', size: 8 },
};
const TYPE_CODES: Record<IdxType, number> = { u8: 0x08, i8: 0x09, i16: 0x0b, i32: 0x0c, f32: 0x0d, f64: 0x0e };
/** Largest pixel value of 8-bit images: normalize maps [0, 255] to [0, 1]. */
const U8_MAX = 255;

export function parseIdx(bytes: Uint8Array, opts: { file?: string } = {}): IdxArray {
  const file = opts.file;
  rejectGzip(bytes, file);
  if (bytes.length < 4) throw new ParseError(`IDX: file is ${bytes.length} bytes, too short for the 4-byte magic number`, { file, offset: bytes.length });
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ParseError(`IDX: bad magic number (must start with 00 00, got ${hex(bytes[0]!)} ${hex(bytes[1]!)}): not an IDX file`, { file, offset: 0 });
  }
  const t = TYPES[bytes[2]!];
  if (!t) throw new ParseError(`IDX: unknown element type code ${hex(bytes[2]!)} (known: 08 u8, 09 i8, 0B i16, 0C i32, 0D f32, 0E f64)`, { file, offset: 2 });
  const ndim = bytes[3]!;
  if (ndim === 0) throw new ParseError('IDX: the header declares 0 dimensions', { file, offset: 3 });
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) {
    throw new ParseError(`IDX: truncated header: ${ndim} dimensions need ${headerLen} header bytes, file has ${bytes.length}`, { file, offset: bytes.length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));

  // Check the claimed size against the bytes present, with no allocation and no overflow: stop as soon
  // as the running product exceeds what the file can hold (unless a later dimension is 0).
  const available = bytes.length - headerLen;
  const maxCount = Math.floor(available / t.size);
  let count = 1;
  const hasZero = dims.includes(0);
  if (hasZero) count = 0;
  else {
    for (const dsz of dims) {
      count *= dsz;
      if (count > maxCount) {
        throw new ParseError(
          `IDX: header claims dimensions ${dims.join(' x ')} of ${t.type} (${formatBig(dims, t.size)} bytes of data) but only ${available} bytes follow the header: truncated or forged file`,
          { file, offset: bytes.length },
        );
      }
    }
  }
  const nbytes = count * t.size;
  if (nbytes !== available) {
    throw new ParseError(
      `IDX: header claims ${count} ${t.type} elements (${nbytes} bytes) but ${available} bytes follow the header: ${available - nbytes} trailing bytes`,
      { file, offset: headerLen + nbytes },
    );
  }

  let data: ArrayLike<number>;
  const at = headerLen;
  switch (t.type) {
    case 'u8':
      data = bytes.subarray(at, at + count);
      break;
    case 'i8':
      data = new Int8Array(bytes.buffer, bytes.byteOffset + at, count).slice();
      break;
    case 'i16': {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(at + 2 * i, false);
      data = a;
      break;
    }
    case 'i32': {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(at + 4 * i, false);
      data = a;
      break;
    }
    case 'f32':
    case 'f64': {
      // Big-endian floats; NaN and Infinity would flow silently into a fit, so they are refused here.
      const a = t.type === 'f32' ? new Float32Array(count) : new Float64Array(count);
      const read = t.type === 'f32' ? (o: number) => view.getFloat32(o, false) : (o: number) => view.getFloat64(o, false);
      for (let i = 0; i < count; i++) {
        const v = read(at + t.size * i);
        if (!Number.isFinite(v)) throw new ParseError(`IDX: element ${i} is ${v} (NaN and Infinity are not allowed)`, { file, offset: at + t.size * i });
        a[i] = v;
      }
      data = a;
      break;
    }
  }
  return { dims, type: t.type, data };
}

/** Encode an array as IDX bytes (for tests and for exporting data in MNIST's format). */
export function encodeIdx(dims: number[], type: IdxType, data: ArrayLike<number>): Uint8Array {
  const size = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 }[type];
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new DataError('SHAPE_MISMATCH', `encodeIdx: ${data.length} values for dimensions ${dims.join(' x ')}`);
  if (dims.length < 1 || dims.length > 255) throw new OptionError('dims', 'IDX holds 1 to 255 dimensions');
  const head = 4 + 4 * dims.length;
  const out = new Uint8Array(head + count * size);
  const v = new DataView(out.buffer);
  out[2] = TYPE_CODES[type];
  out[3] = dims.length;
  dims.forEach((dsz, i) => v.setUint32(4 + 4 * i, dsz, false));
  for (let i = 0; i < count; i++) {
    const x = data[i]!;
    const o = head + i * size;
    if (type === 'u8') v.setUint8(o, x);
    else if (type === 'i8') v.setInt8(o, x);
    else if (type === 'i16') v.setInt16(o, x, false);
    else if (type === 'i32') v.setInt32(o, x, false);
    else if (type === 'f32') v.setFloat32(o, x, false);
    else v.setFloat64(o, x, false);
  }
  return out;
}

export interface MnistOptions {
  /** Images file name, for messages. */
  file?: string;
  /** Labels file name, for messages. */
  labelsFile?: string;
  /** Divide u8 pixels by 255 so they lie in [0, 1] (default true). Other element types are kept as they are. */
  normalize?: boolean;
  /** Memory budget and widest row (maxColumns), checked before X and the feature names are allocated. */
  limits?: Partial<Limits>;
}

/**
 * Images (n x rows x cols, or any n x ...) and labels (n) IDX files -> Dataset with X dense n x (rows*cols),
 * feature names px0..px{d-1} (the names the shipped MNIST CSVs use, so models move between the two).
 * `labels` may be null for images to predict (y = []).
 */
export function mnistFromIdx(images: Uint8Array, labels: Uint8Array | null, opts: MnistOptions = {}): Dataset {
  const img = parseIdx(images, { file: opts.file });
  if (img.dims.length < 2) {
    throw new ParseError(`IDX images: expected at least 2 dimensions (n x features), got ${img.dims.length}`, { file: opts.file, offset: 3 });
  }
  const n = img.dims[0]!;
  const d = img.dims.slice(1).reduce((a, b) => a * b, 1);
  // A header may claim 0 images of 65536 x 32768 pixels: no bytes to contradict it, but 2^31 feature
  // names and a row that wide. Refuse by the limits before allocating anything of size d.
  const limits = resolveLimits(opts.limits);
  if (d > limits.maxColumns) {
    throw new LimitError(
      'maxColumns',
      d,
      limits.maxColumns,
      `${opts.file ?? 'IDX images'}: ${img.dims.slice(1).join(' x ')} = ${d} features per image, more than the maxColumns limit (${limits.maxColumns}); raise it with the maxColumns option (CLI: --max-columns N) if the images really are this large`,
    );
  }
  checkMemory(8 * n * d + 24 * d, limits, `${opts.file ?? 'IDX images'} (${n} images x ${d} features as float64)`);
  let y: number[] = [];
  if (labels !== null) {
    const lab = parseIdx(labels, { file: opts.labelsFile });
    if (lab.dims.length !== 1) {
      throw new ParseError(`IDX labels: expected 1 dimension, got ${lab.dims.length} (${lab.dims.join(' x ')})`, { file: opts.labelsFile, offset: 3 });
    }
    if (lab.dims[0] !== n) {
      throw new DataError('SHAPE_MISMATCH', `IDX: ${opts.file ?? 'images'} holds ${n} images but ${opts.labelsFile ?? 'labels'} holds ${lab.dims[0]} labels`);
    }
    if (lab.type === 'f32' || lab.type === 'f64') {
      for (let i = 0; i < n; i++) {
        if (!Number.isInteger(lab.data[i]!)) {
          throw new ParseError(`IDX labels: label ${i} is ${lab.data[i]}, not an integer class`, {
            file: opts.labelsFile,
            offset: 4 + 4 + i * (lab.type === 'f32' ? 4 : 8),
          });
        }
      }
    }
    y = Array.from(lab.data);
  }
  const normalize = opts.normalize ?? true;
  const X = new Float64Array(n * d);
  const src = img.data;
  if (normalize && img.type === 'u8') for (let p = 0; p < X.length; p++) X[p] = src[p]! / U8_MAX;
  else for (let p = 0; p < X.length; p++) X[p] = src[p]!;
  const featureNames = new Array<string>(d);
  for (let j = 0; j < d; j++) featureNames[j] = `px${j}`;
  return { X: new DenseMatrix(n, d, X), y, featureNames, source: opts.file };
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function formatBig(dims: number[], size: number): string {
  const v = dims.reduce((a, b) => a * b, size);
  return Number.isFinite(v) && v < 1e15 ? String(v) : v.toExponential(3);
}
