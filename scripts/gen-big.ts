/**
 * A large numeric CSV for the streaming benchmark (`npm run bench -- --only stream`; docs/streaming.md):
 * n rows of d standard-normal-ish features (5 significant digits, as a data export would write them) and a
 * label drawn from a fixed softmax model over K classes, so the fit has a real optimum. Deterministic
 * (seeded); rows are generated in chunks and written as they are made (memory stays a few MB).
 *
 *   node --import tsx scripts/gen-big.ts --out /tmp/big.csv [--gb 4 | --rows N] [--cols 20] [--classes 3] [--seed 1] [--gzip]
 *
 * Never commit the output: it is gigabytes.
 */
import { closeSync, openSync, writeSync, renameSync } from 'node:fs';
import { createGzip } from 'node:zlib';
import { createWriteStream } from 'node:fs';

const args = process.argv.slice(2);
const opt = (k: string, dflt?: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const out = opt('out');
if (!out) {
  console.error('usage: gen-big.ts --out FILE [--gb 4 | --rows N] [--cols 20] [--classes 3] [--seed 1] [--gzip]');
  process.exit(2);
}
const d = Number(opt('cols', '20'));
const K = Number(opt('classes', '3'));
const gb = opt('gb');
const rowsOpt = opt('rows');
const seed = Number(opt('seed', '1'));
const gzip = args.includes('--gzip');

/** mulberry32: a small seeded generator. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(seed);
// The true model: K x d weights in [-1, 1], intercepts in [-0.5, 0.5].
const W = Array.from({ length: K * d }, () => 2 * r() - 1);
const b = Array.from({ length: K }, () => r() - 0.5);
const header = [...Array.from({ length: d }, (_, j) => `x${j}`), 'label'].join(',') + '\n';

const CHUNK_ROWS = 20000;
const targetBytes = gb !== undefined ? Number(gb) * 1e9 : Infinity;
const targetRows = rowsOpt !== undefined ? Number(rowsOpt) : Infinity;
if (!Number.isFinite(targetBytes) && !Number.isFinite(targetRows)) {
  console.error('give --gb or --rows');
  process.exit(2);
}

// Feature values come from a pool of 65536 pre-formatted numbers (5 significant digits), so writing
// gigabytes costs byte copies, not number formatting; the labels use the pool's parsed values, exactly
// what a reader of the file sees.
const POOL = 65536;
const poolText: Buffer[] = [];
const poolValue = new Float64Array(POOL);
for (let p = 0; p < POOL; p++) {
  // Sum of 3 uniforms, centred and scaled: cheap, bell-shaped, unit variance.
  const t = ((r() + r() + r() - 1.5) * 2).toPrecision(5);
  poolText.push(Buffer.from(t));
  poolValue[p] = Number(t);
}
const labelText = Array.from({ length: K }, (_, k) => Buffer.from(`c${k}\n`));
const COMMA = 44;
const buf = Buffer.allocUnsafe(CHUNK_ROWS * (d * 10 + 8));

/** `rows` rows into buf; returns the bytes written. */
function chunk(rows: number): number {
  let at = 0;
  const z = new Float64Array(K);
  const idx = new Int32Array(d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) idx[j] = (r() * POOL) | 0;
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = b[k]!;
      for (let j = 0; j < d; j++) s += W[k * d + j]! * poolValue[idx[j]!]!;
      z[k] = s;
      if (s > zmax) zmax = s;
    }
    let tot = 0;
    for (let k = 0; k < K; k++) tot += z[k] = Math.exp(z[k]! - zmax);
    let u = r() * tot;
    let label = K - 1;
    for (let k = 0; k < K; k++) {
      u -= z[k]!;
      if (u <= 0) {
        label = k;
        break;
      }
    }
    for (let j = 0; j < d; j++) {
      at += poolText[idx[j]!]!.copy(buf, at);
      buf[at++] = COMMA;
    }
    at += labelText[label]!.copy(buf, at);
  }
  return at;
}

const tmp = `${out}.${process.pid}.tmp`;
let bytes = 0;
let rows = 0;
const t0 = Date.now();
if (gzip) {
  const ws = createWriteStream(tmp);
  const gz = createGzip({ level: 1 });
  gz.pipe(ws);
  const write = (s: string) => new Promise<void>((res) => (gz.write(s) ? res() : gz.once('drain', () => res())));
  await write(header);
  bytes += header.length;
  while (bytes < targetBytes && rows < targetRows) {
    const n = Math.min(CHUNK_ROWS, targetRows - rows);
    const len = chunk(n);
    await write(Buffer.from(buf.subarray(0, len)));
    bytes += len;
    rows += n;
  }
  await new Promise<void>((res) => {
    ws.on('finish', () => res());
    gz.end();
  });
} else {
  const fd = openSync(tmp, 'w');
  writeSync(fd, header);
  bytes += header.length;
  while (bytes < targetBytes && rows < targetRows) {
    const n = Math.min(CHUNK_ROWS, targetRows - rows);
    const len = chunk(n);
    let done = 0;
    while (done < len) done += writeSync(fd, buf, done, len - done);
    bytes += len;
    rows += n;
  }
  closeSync(fd);
}
renameSync(tmp, out);
console.log(JSON.stringify({ out, rows, cols: d, classes: K, bytes, seconds: (Date.now() - t0) / 1000 }));
