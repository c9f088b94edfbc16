/** IDX (MNIST) and CIFAR-10 readers, on small files the tests write in those formats (gzipped and not). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, mnistFromIdx, parseIdx } from '../../src/data/idx.js';
import { parseCifar10, CIFAR_RECORD } from '../../src/data/cifar.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { DataError, ParseError, SoftmaxError } from '../../src/errors.js';
import { readDataset } from '../../node/io.js';

/** Hand-written big-endian IDX bytes, independent of encodeIdx. */
function idxBytes(typeCode: number, dims: number[], payload: number[]): Uint8Array {
  const head = [0, 0, typeCode, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...head, ...payload]);
}

function parseErr(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ParseError');
}

test('parseIdx reads a hand-written u8 file (2 x 2 x 3)', () => {
  const bytes = idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  const a = parseIdx(bytes);
  assert.equal(a.type, 'u8');
  assert.deepEqual(a.dims, [2, 2, 3]);
  assert.deepEqual(Array.from(a.data), [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
});

test('parseIdx reads big-endian i16, i32, f32, f64 and signed i8', () => {
  assert.deepEqual(Array.from(parseIdx(idxBytes(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).data), [258, -2]);
  assert.deepEqual(Array.from(parseIdx(idxBytes(0x0c, [1], [0xff, 0xff, 0xff, 0xfd])).data), [-3]);
  assert.deepEqual(Array.from(parseIdx(idxBytes(0x09, [2], [0x7f, 0x80])).data), [127, -128]);
  // 1.5 as f32 is 0x3FC00000; -2 as f64 is 0xC000000000000000.
  assert.deepEqual(Array.from(parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0])).data), [1.5]);
  assert.deepEqual(Array.from(parseIdx(idxBytes(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0])).data), [-2]);
});

test('encodeIdx/parseIdx round trip for every type', () => {
  const cases: [Parameters<typeof encodeIdx>[1], number[]][] = [
    ['u8', [0, 7, 255, 3, 2, 1]],
    ['i8', [-128, 0, 127, 5, -5, 1]],
    ['i16', [-32768, 32767, 0, 1, -1, 300]],
    ['i32', [-2147483648, 2147483647, 0, 1, -1, 70000]],
    ['f32', [0.5, -1.25, 3, 1024, 0, -0]],
    ['f64', [Math.PI, -1e300, 1e-300, 0, 2, 7]],
  ];
  for (const [type, vals] of cases) {
    const a = parseIdx(encodeIdx([3, 2], type, vals));
    assert.equal(a.type, type);
    assert.deepEqual(a.dims, [3, 2]);
    assert.deepEqual(Array.from(a.data), vals, type);
  }
});

test('a forged header claiming 2^31 images is a ParseError with an offset, not an allocation', () => {
  const forged = idxBytes(0x08, [2 ** 31, 28, 28], [1, 2, 3, 4]);
  const e = parseErr(() => parseIdx(forged, { file: 'evil-images-idx3-ubyte' }));
  assert.equal(e.file, 'evil-images-idx3-ubyte');
  assert.equal(e.offset, forged.length);
  assert.match(e.message, /forged|truncated/);
  // The largest claim the header can make (255 dimensions of 2^32 - 1) is rejected the same way.
  const huge = idxBytes(0x0e, new Array(255).fill(0xffffffff), []);
  assert.ok(parseErr(() => parseIdx(huge)).offset !== undefined);
  // And through mnistFromIdx.
  assert.ok(parseErr(() => mnistFromIdx(forged, idxBytes(0x08, [1], [0]))).offset !== undefined);
});

test('IDX errors: bad magic, unknown type, truncated header, trailing bytes, NaN floats', () => {
  assert.equal(parseErr(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]))).offset, 0);
  assert.equal(parseErr(() => parseIdx(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]))).offset, 2);
  assert.equal(parseErr(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]))).offset, 8);
  assert.equal(parseErr(() => parseIdx(Uint8Array.from([0, 0, 8]))).offset, 3);
  const e = parseErr(() => parseIdx(idxBytes(0x08, [2], [1, 2, 3])));
  assert.equal(e.offset, 10);
  assert.match(e.message, /trailing/);
  assert.equal(parseErr(() => parseIdx(idxBytes(0x0d, [2], [0, 0, 0, 0, 0x7f, 0xc0, 0, 0]))).offset, 12);
  assert.match(parseErr(() => parseIdx(gzipSync(idxBytes(0x08, [1], [1])))).message, /gzip/);
});

test('mnistFromIdx: pixels / 255, px names, labels; count mismatch is a DataError', () => {
  const images = idxBytes(0x08, [3, 2, 2], [0, 255, 51, 102, 255, 255, 0, 0, 1, 2, 3, 4]);
  const labels = idxBytes(0x08, [3], [7, 0, 9]);
  const ds = mnistFromIdx(images, labels, { file: 'imgs' });
  assert.ok(ds.X instanceof DenseMatrix);
  assert.deepEqual((ds.X as DenseMatrix).toArrays(), [
    [0, 1, 0.2, 0.4],
    [1, 1, 0, 0],
    [1 / 255, 2 / 255, 3 / 255, 4 / 255],
  ]);
  assert.deepEqual(ds.y, [7, 0, 9]);
  assert.deepEqual(ds.featureNames, ['px0', 'px1', 'px2', 'px3']);
  const raw = mnistFromIdx(images, labels, { normalize: false });
  assert.deepEqual((raw.X as DenseMatrix).toArrays()[0], [0, 255, 51, 102]);
  assert.deepEqual(mnistFromIdx(images, null).y, []);
  assert.throws(
    () => mnistFromIdx(images, idxBytes(0x08, [2], [1, 2])),
    (e: unknown) => e instanceof DataError && e.code === 'SHAPE_MISMATCH',
  );
  assert.throws(() => mnistFromIdx(images, idxBytes(0x08, [3, 1], [1, 2, 3])), ParseError);
  assert.throws(() => mnistFromIdx(labels, labels), ParseError);
});

function cifarBytes(labels: number[], pixel: (i: number, j: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * CIFAR_RECORD);
  labels.forEach((lab, i) => {
    out[i * CIFAR_RECORD] = lab;
    for (let j = 0; j < 3072; j++) out[i * CIFAR_RECORD + 1 + j] = pixel(i, j);
  });
  return out;
}

test('CIFAR-10 round trip: labels, r/g/b planes, normalization', () => {
  const bytes = cifarBytes([3, 0, 9], (i, j) => (i * 7 + j) % 256);
  const ds = parseCifar10(bytes, { file: 'data_batch_1.bin' });
  const X = ds.X as DenseMatrix;
  assert.equal(X.rows, 3);
  assert.equal(X.cols, 3072);
  assert.deepEqual(ds.y, [3, 0, 9]);
  assert.equal(X.get(1, 0), 7 / 255);
  assert.equal(X.get(2, 3071), ((14 + 3071) % 256) / 255);
  assert.equal(ds.featureNames![0], 'r0');
  assert.equal(ds.featureNames![1024], 'g0');
  assert.equal(ds.featureNames![3071], 'b1023');
  assert.equal((parseCifar10(bytes, { normalize: false }).X as DenseMatrix).get(0, 5), 5);
});

test('CIFAR-10 errors: partial record, bad label, empty, gzip', () => {
  const good = cifarBytes([1, 2], () => 0);
  const e = parseErr(() => parseCifar10(good.subarray(0, CIFAR_RECORD + 100), { file: 'b.bin' }));
  assert.equal(e.offset, CIFAR_RECORD);
  assert.equal(e.file, 'b.bin');
  const bad = good.slice();
  bad[CIFAR_RECORD] = 10;
  assert.equal(parseErr(() => parseCifar10(bad)).offset, CIFAR_RECORD);
  assert.equal(parseErr(() => parseCifar10(new Uint8Array(0))).offset, 0);
  assert.match(parseErr(() => parseCifar10(gzipSync(good))).message, /gzip/);
});

test('readDataset: IDX files in MNIST naming, plain and gzipped, labels found next to the images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-idx-'));
  try {
    const images = idxBytes(0x08, [2, 1, 3], [0, 255, 0, 51, 0, 255]);
    const labels = idxBytes(0x08, [2], [4, 1]);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), images);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
    writeFileSync(join(dir, 't10k-images.idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(dir, 't10k-labels.idx1-ubyte.gz'), gzipSync(labels));
    writeFileSync(join(dir, 'other-labels'), idxBytes(0x08, [2], [5, 6]));
    const plain = readDataset(join(dir, 'train-images-idx3-ubyte'));
    assert.deepEqual(plain.y, [4, 1]);
    assert.deepEqual((plain.X as DenseMatrix).toArrays(), [
      [0, 1, 0],
      [0.2, 0, 1],
    ]);
    const gz = readDataset(join(dir, 't10k-images.idx3-ubyte.gz'));
    assert.deepEqual(gz.y, [4, 1]);
    assert.deepEqual((gz.X as DenseMatrix).toArrays(), (plain.X as DenseMatrix).toArrays());
    assert.deepEqual(readDataset(join(dir, 'train-images-idx3-ubyte'), { labelsPath: join(dir, 'other-labels') }).y, [5, 6]);
    assert.deepEqual(readDataset(join(dir, 'train-images-idx3-ubyte'), { label: null }).y, []);
    writeFileSync(join(dir, 'lonely-images-idx3-ubyte'), images);
    assert.throws(
      () => readDataset(join(dir, 'lonely-images-idx3-ubyte')),
      (e: unknown) => e instanceof SoftmaxError && /labels/.test(e.message),
    );
    // A forged header on disk, gzipped: still a ParseError naming the file.
    writeFileSync(join(dir, 'evil-images-idx3-ubyte.gz'), gzipSync(idxBytes(0x08, [2 ** 31, 28, 28], [0])));
    writeFileSync(join(dir, 'evil-labels-idx1-ubyte'), labels);
    const e = parseErr(() => readDataset(join(dir, 'evil-images-idx3-ubyte.gz')));
    assert.equal(e.file, join(dir, 'evil-images-idx3-ubyte.gz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readDataset: CIFAR .bin, plain and gzipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-cifar-'));
  try {
    const bytes = cifarBytes([5, 6, 7], (i, j) => (i + j) % 256);
    writeFileSync(join(dir, 'data_batch_1.bin'), bytes);
    writeFileSync(join(dir, 'test_batch.bin.gz'), gzipSync(bytes));
    const a = readDataset(join(dir, 'data_batch_1.bin'));
    const b = readDataset(join(dir, 'test_batch.bin.gz'));
    assert.deepEqual(a.y, [5, 6, 7]);
    assert.deepEqual(Array.from((b.X as DenseMatrix).data), Array.from((a.X as DenseMatrix).data));
    writeFileSync(join(dir, 'broken.bin'), bytes.subarray(0, 5000));
    const e = parseErr(() => readDataset(join(dir, 'broken.bin')));
    assert.equal(e.file, join(dir, 'broken.bin'));
    assert.equal(e.offset, CIFAR_RECORD);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
