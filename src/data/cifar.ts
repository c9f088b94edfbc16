/**
 * CIFAR-10 binary batches (`data_batch_1.bin` ... `test_batch.bin`): a sequence of 3073-byte records,
 * 1 label byte (0-9) then 3072 pixel bytes: the 1024 red values of the 32x32 image row by row, then the
 * 1024 green, then the 1024 blue. Feature j of the Dataset is byte j of the pixel block, named
 * r0..r1023, g0..g1023, b0..b1023.
 */
import { ParseError } from '../errors.js';
import { checkMemory, resolveLimits, type Limits } from '../core/limits.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Dataset } from './dataset.js';
import { rejectGzip } from './gzip.js';

export const CIFAR_PIXELS = 3072;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;
export const CIFAR10_CLASSES = 10;
/** Largest 8-bit pixel value: normalize maps [0, 255] to [0, 1]. */
const U8_MAX = 255;

let names: string[] | null = null;
function cifarFeatureNames(): string[] {
  if (!names) {
    names = [];
    for (const ch of ['r', 'g', 'b']) for (let j = 0; j < 1024; j++) names.push(`${ch}${j}`);
  }
  return names.slice();
}

export function parseCifar10(bytes: Uint8Array, opts: { file?: string; normalize?: boolean; limits?: Partial<Limits> } = {}): Dataset {
  const file = opts.file;
  rejectGzip(bytes, file);
  if (bytes.length === 0) throw new ParseError('CIFAR-10: empty file (no records)', { file, offset: 0 });
  if (bytes.length % CIFAR_RECORD !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD);
    throw new ParseError(
      `CIFAR-10: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD}-byte records (1 label + 3072 pixels): ${whole} records then ${bytes.length - whole * CIFAR_RECORD} stray bytes`,
      { file, offset: whole * CIFAR_RECORD },
    );
  }
  const n = bytes.length / CIFAR_RECORD;
  // Validate every label before allocating X.
  for (let i = 0; i < n; i++) {
    const lab = bytes[i * CIFAR_RECORD]!;
    if (lab >= CIFAR10_CLASSES) {
      throw new ParseError(`CIFAR-10: record ${i} has label ${lab}; labels are 0-9 (is this a CIFAR-100 file, which has 2 label bytes?)`, {
        file,
        offset: i * CIFAR_RECORD,
      });
    }
  }
  checkMemory(
    8 * n * CIFAR_PIXELS + bytes.length,
    resolveLimits(opts.limits),
    `${file ?? 'CIFAR-10 data'} (${n} images x ${CIFAR_PIXELS} features as float64)`,
    'read fewer batches at once',
  );
  const divisor = (opts.normalize ?? true) ? U8_MAX : 1;
  const X = new Float64Array(n * CIFAR_PIXELS);
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const o = i * CIFAR_RECORD;
    y[i] = bytes[o]!;
    const xo = i * CIFAR_PIXELS;
    for (let j = 0; j < CIFAR_PIXELS; j++) X[xo + j] = bytes[o + 1 + j]! / divisor;
  }
  return { X: new DenseMatrix(n, CIFAR_PIXELS, X), y, featureNames: cifarFeatureNames(), source: file };
}
