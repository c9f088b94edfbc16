/**
 * The fuzzing suite (issue 16): hostile inputs for every reader (CSV, LibSVM, IDX, CIFAR-10), the
 * model-file loader, the CLI commands and the request parser of `softmax serve`, each case classified as
 *
 *   error        a typed SoftmaxError (CLI: exit 1 or 2 with one line on stderr, no "unexpected")
 *   result       a parse, a model or a command that succeeded, with finite numbers only
 *   crash        anything else thrown (or, when cases run in a child process, the runtime dying)
 *   hang         a case slower than the hang limit
 *   non-finite   a result holding NaN or Infinity (X, labels, predictions, output)
 *   over-budget  peak memory grew by more than the memory budget the case ran under allows
 *
 * and the suite requires zero of the last four. Every case is a pure function of (target, seed, index):
 * `npm run fuzz -- --target csv --seed 7 --from 1234 --cases 1` replays one. `npm test` runs a few hundred
 * cases (test/fuzz/fuzz.test.ts); `npm run fuzz -- --cases 100000` many more (scripts/fuzz.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CsvReader, parseCsv } from '../../src/data/csv.js';
import { LibSvmReader, parseLibSvm } from '../../src/data/libsvm.js';
import { encodeIdx, mnistFromIdx } from '../../src/data/idx.js';
import { parseCifar10, CIFAR_RECORD } from '../../src/data/cifar.js';
import type { Dataset } from '../../src/data/dataset.js';
import { SoftmaxError } from '../../src/errors.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { main } from '../../cli/main.js';
import { saveModel } from '../../node/model-file.js';
import { createApp } from '../../node/serve/app.js';
import { Metrics } from '../../node/serve/metrics.js';
import { ModelRegistry } from '../../node/serve/registry.js';

export const OUTCOMES = ['error', 'result', 'crash', 'hang', 'non-finite', 'over-budget'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const BAD: readonly Outcome[] = ['crash', 'hang', 'non-finite', 'over-budget'];
export const TARGETS = ['csv', 'libsvm', 'idx', 'cifar', 'model', 'cli', 'serve'] as const;
export type Target = (typeof TARGETS)[number];

/** Memory budget every case runs under (readers' and fits' maxMemory). */
export const CASE_BUDGET = 64 * 1024 * 1024;
/** A case slower than this is a hang (sync code cannot be interrupted in-process; child runs are killed). */
export const HANG_MS = 10_000;

export interface CaseResult {
  outcome: Outcome;
  /** What happened, for the report of a bad outcome. */
  detail: string;
  ms: number;
}

// ---- seeded randomness: case i of seed s draws from its own stream ---------------------------------------

export type Rng = () => number;
export function caseRng(seed: number, index: number): Rng {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Tokens that broke parsers before: numeric extremes, separators, quotes, BOMs, prototype keys. */
const NASTY = [
  ',',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  '',
  ' ',
  '\t',
  ';',
  ':',
  '#',
  'NaN',
  'nan',
  'NA',
  '?',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1e308',
  '1e308',
  '1.7976931348623157e308',
  '1e300',
  '1e154',
  '1e-400',
  '5e-324',
  '-0',
  '0x1F',
  '1_000',
  '٣',
  '\u0000',
  '\ufeff',
  'é',
  '\u2028',
  '0:',
  '-1:',
  '2147483647:',
  '2147483648:',
  '99999999999:',
  '1:1e308',
  'qid:',
  'qid:-1',
  '{',
  '}',
  '[',
  ']',
  'null',
  '__proto__',
  'constructor',
  'toString',
  '=HYPERLINK("x")',
  '\x1b[31m',
];

function mutateText(r: Rng, s: string, maxEdits = 4): string {
  const edits = int(r, 0, maxEdits);
  for (let e = 0; e < edits; e++) {
    const at = s.length ? int(r, 0, s.length) : 0;
    const token = r() < 0.7 ? pick(r, NASTY) : String.fromCharCode(int(r, 0, 127));
    const op = r();
    if (op < 0.4) s = s.slice(0, at) + token + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + token + s.slice(at + int(r, 1, 6));
    else if (op < 0.9) s = s.slice(0, at) + s.slice(at + int(r, 1, 6));
    else s = s.slice(0, at); // truncate
  }
  return s;
}

function mutateBytes(r: Rng, b: Uint8Array, maxEdits = 3): Uint8Array {
  let a = Array.from(b);
  const edits = int(r, 0, maxEdits);
  for (let e = 0; e < edits; e++) {
    const i = a.length ? int(r, 0, a.length) : 0;
    const op = r();
    const v = r() < 0.3 ? pick(r, [0, 0xff, 0x7f, 0x80, 1]) : int(r, 0, 255);
    if (op < 0.3) a.splice(i, 0, v);
    else if (op < 0.5) a.splice(i, 1);
    else if (op < 0.9) a[Math.min(i, Math.max(0, a.length - 1))] = v;
    else a = a.slice(0, i);
  }
  return Uint8Array.from(a);
}

function randomNumberText(r: Rng): string {
  const p = r();
  if (p < 0.05) return pick(r, ['1e300', '-1e308', '1.7e308', '1e-320', '0', '-0', '3.4e38', '1e154']);
  if (p < 0.6) return String(Math.round((r() - 0.5) * 2000) / 100);
  return String(int(r, -5, 20));
}

// ---- inputs ---------------------------------------------------------------------------------------------

/** A valid CSV (random width, rows, quoting, labels, line endings), then mutated. */
export function csvCase(r: Rng): string {
  const d = int(r, 1, 5);
  const n = int(r, 0, 12);
  const quote = r() < 0.3;
  const nl = pick(r, ['\n', '\n', '\r\n', '\r']);
  const labels = pick(r, [
    ['0', '1'],
    ['0', '1', '2'],
    ['cat', 'dog'],
    ['a b', 'x,y', 'q"q'],
    ['1e300', '-1'],
  ]);
  const q = (s: string) => (quote || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = [[...Array.from({ length: d }, (_, j) => q(`f${j}`)), q('label')].join(',')];
  for (let i = 0; i < n; i++) rows.push([...Array.from({ length: d }, () => q(randomNumberText(r))), q(pick(r, labels))].join(','));
  let text = rows.join(nl) + (r() < 0.8 ? nl : '');
  if (r() < 0.1) text = '\ufeff' + text;
  return r() < 0.15 ? Array.from({ length: int(r, 0, 100) }, () => pick(r, [...NASTY, 'a', '1', ','])).join('') : mutateText(r, text);
}

export function libsvmCase(r: Rng): string {
  const n = int(r, 0, 10);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const idx = [...new Set(Array.from({ length: int(r, 0, 6) }, () => (r() < 0.05 ? pick(r, [2147483647, 1e7, 65536]) : int(r, 1, 30))))].sort(
      (a, b) => a - b,
    );
    lines.push(
      [pick(r, ['0', '1', '-1', '2', '+1', '2.5']), ...(r() < 0.1 ? ['qid:3'] : []), ...idx.map((j) => `${j}:${randomNumberText(r)}`)].join(' ') +
        (r() < 0.1 ? ' # c' : ''),
    );
  }
  const text = lines.join(pick(r, ['\n', '\r\n'])) + '\n';
  return r() < 0.15 ? Array.from({ length: int(r, 0, 80) }, () => pick(r, [...NASTY, '1', ':', ' '])).join('') : mutateText(r, text);
}

export function idxCase(r: Rng): { images: Uint8Array; labels: Uint8Array } {
  const type = pick(r, ['u8', 'u8', 'i8', 'i16', 'i32', 'f32', 'f64'] as const);
  const n = int(r, 0, 4);
  const dims = [n, ...Array.from({ length: int(r, 1, 2) }, () => int(r, 1, 4))];
  const count = dims.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: count }, () => (type === 'u8' ? int(r, 0, 255) : type === 'f32' || type === 'f64' ? (r() - 0.5) * 100 : int(r, -100, 100)));
  let images = encodeIdx(dims, type, vals);
  let labels = encodeIdx(
    [n],
    'u8',
    Array.from({ length: n }, () => int(r, 0, 9)),
  );
  if (r() < 0.2) {
    // Forged dimensions: huge claims over few bytes (the 0 x 65536 x 32768 header among them).
    const forged = pick(r, [
      [0, 65536, 32768],
      [2 ** 31, 28, 28],
      [1, 0xffffffff],
      [0, 0xffffffff, 0xffffffff],
      [3, 1, 1],
    ]);
    const head = new Uint8Array(4 + 4 * forged.length);
    head[2] = pick(r, [0x08, 0x0d, 0x0e]);
    head[3] = forged.length;
    forged.forEach((v, i) => new DataView(head.buffer).setUint32(4 + 4 * i, v, false));
    images = head;
  }
  if (r() < 0.6) images = mutateBytes(r, images);
  if (r() < 0.3) labels = mutateBytes(r, labels);
  if (r() < 0.05) images = Uint8Array.from({ length: int(r, 0, 64) }, () => int(r, 0, 255));
  return { images, labels };
}

export function cifarCase(r: Rng): Uint8Array {
  const n = int(r, 0, 2);
  const b = new Uint8Array(n * CIFAR_RECORD);
  for (let i = 0; i < n; i++) {
    b[i * CIFAR_RECORD] = int(r, 0, 9);
    b.fill(int(r, 0, 255), i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD);
  }
  return r() < 0.7 ? mutateBytes(r, b) : r() < 0.5 ? Uint8Array.from({ length: int(r, 0, 2 * CIFAR_RECORD) }, () => int(r, 0, 255)) : b;
}

let baseModels: string[] | null = null;
/** Small valid model files (multinomial and ovr, scaled and not, numeric and text classes). */
function modelTexts(): string[] {
  if (baseModels) return baseModels;
  const X = [
    [0, 1, 2],
    [1, 0, 2],
    [0.5, 0.5, 1],
    [2, 1, 0],
    [1, 2, 0.5],
    [0, 0, 1],
  ];
  baseModels = [
    JSON.stringify(new SoftmaxRegression({ maxIter: 50 }).fit(X, [0, 1, 2, 0, 1, 2], { featureNames: ['a', 'b', 'c'] }).toJSON(), null, 1),
    JSON.stringify(new SoftmaxRegression({ maxIter: 50, scale: 'standard', multiClass: 'ovr' }).fit(X, ['x', 'y', 'x', 'y', 'x', 'y']).toJSON()),
  ];
  return baseModels;
}

export function modelCase(r: Rng): string {
  let text = pick(r, modelTexts());
  // Structural edits: a number or a key replaced by something hostile.
  const structural = int(r, 0, 2);
  for (let e = 0; e < structural; e++) {
    const nums = [...text.matchAll(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)];
    if (nums.length === 0) break;
    const m = pick(r, nums);
    const rep = pick(r, [
      '1e300',
      '-1e308',
      '1e999',
      '2147483648',
      '4294967296',
      '9007199254740991',
      '1e300',
      '-1',
      '0',
      '"x"',
      'null',
      '[]',
      '{}',
      '1.5',
      'true',
    ]);
    text = text.slice(0, m.index!) + rep + text.slice(m.index! + m[0].length);
  }
  if (r() < 0.2) text = text.replace(/"nFeatures": ?\d+/, `"nFeatures": ${pick(r, ['1e300', '4294967296', '9007199254740991', '0', '-3', '3.5'])}`);
  if (r() < 0.1) text = text.replace(/"classes": ?\[/, `"classes": ["__proto__", "constructor", `);
  return r() < 0.6 ? mutateText(r, text, 3) : text;
}

// ---- checks ---------------------------------------------------------------------------------------------

function finiteDataset(ds: Dataset): string | null {
  const X = ds.X;
  for (let p = 0; p < X.data.length; p++) if (!Number.isFinite(X.data[p]!)) return `X holds ${X.data[p]}`;
  for (const v of ds.y) if (typeof v === 'number' && !Number.isFinite(v)) return `label ${v}`;
  if (ds.y.length !== 0 && ds.y.length !== X.rows) return `${ds.y.length} labels for ${X.rows} rows`;
  return null;
}

class NonFinite extends Error {}

function checked(ds: Dataset): Dataset {
  const bad = finiteDataset(ds);
  if (bad) throw new NonFinite(bad);
  return ds;
}

/** Feed text to a streaming reader in random pieces, as a file or stdin would arrive. */
function chunked<T extends CsvReader | LibSvmReader>(r: Rng, reader: T, text: string): Dataset {
  let at = 0;
  while (at < text.length) {
    const n = int(r, 1, Math.max(1, Math.ceil(text.length / 3)));
    reader.push(text.slice(at, at + n));
    at += n;
  }
  return reader.end();
}

const limits = { maxMemory: CASE_BUDGET };

/** Run one in-process case; `work` throws NonFinite for a non-finite result. */
async function classify(work: () => unknown | Promise<unknown>): Promise<CaseResult> {
  const rss0 = process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  let outcome: Outcome = 'result';
  let detail = '';
  try {
    await work();
  } catch (e) {
    if (e instanceof NonFinite) {
      outcome = 'non-finite';
      detail = e.message;
    } else if (e instanceof SoftmaxError) {
      outcome = 'error';
      detail = e.message.split('\n')[0]!.slice(0, 200);
      if (e.message.includes('\n')) {
        outcome = 'crash';
        detail = `multi-line error message: ${JSON.stringify(e.message.slice(0, 200))}`;
      }
    } else {
      outcome = 'crash';
      detail = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e);
    }
  }
  const ms = performance.now() - t0;
  // maxRSS is the process's peak: growth during this case is this case's doing. The budget bounds what
  // the readers and fits keep; allow it twice (a growth copy) plus the runtime's own slack.
  const grew = process.resourceUsage().maxRSS * 1024 - rss0;
  if (BAD.indexOf(outcome) < 0 && grew > 2 * CASE_BUDGET + 64 * 1024 * 1024) {
    outcome = 'over-budget';
    detail = `peak RSS grew by ${Math.round(grew / 2 ** 20)} MiB`;
  }
  if (BAD.indexOf(outcome) < 0 && ms > HANG_MS) {
    outcome = 'hang';
    detail = `${Math.round(ms)} ms`;
  }
  return { outcome, detail, ms };
}

let cliDir: string | null = null;
function workDir(): string {
  if (!cliDir) {
    cliDir = mkdtempSync(join(tmpdir(), 'softmax-fuzz-'));
    process.once('exit', () => rmSync(cliDir!, { recursive: true, force: true }));
  }
  return cliDir;
}

/** The CLI in-process on files written for the case. Exit 1/2 must come with one line; outputs finite. */
async function cliCase(r: Rng, index: number): Promise<void> {
  const dir = join(workDir(), String(index % 8));
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'd.csv');
  const svm = join(dir, 'd.svm');
  const model = join(dir, 'm.json');
  writeFileSync(csv, csvCase(r));
  writeFileSync(svm, libsvmCase(r));
  writeFileSync(model, modelCase(r));
  const data = r() < 0.6 ? csv : svm;
  const budget = ['--max-memory', String(CASE_BUDGET)];
  const argvs: string[][] = [
    ['train', data, '--max-iter', '20', '--no-progress', ...budget, ...(r() < 0.3 ? ['-o', join(dir, 'out.json')] : [])],
    [
      'train',
      data,
      '--max-iter',
      '20',
      '--no-progress',
      '--solver',
      pick(r, ['sgd', 'sag', 'newton-cg', 'gd', 'trust-region']),
      '--C',
      pick(r, ['1', '1e-12', '1e-300', '1e300']),
      ...budget,
    ],
    ['predict', data, '--model', model, ...budget],
    ['eval', data, '--model', model, ...budget],
    ['inspect', model],
    ['train', '-', '--max-iter', '10', '--no-progress', ...budget],
  ];
  const argv = pick(r, argvs);
  const inputs = [readFileSync(csv, 'utf8'), readFileSync(svm, 'utf8'), readFileSync(model, 'utf8')];
  let stdout = '';
  let stderr = '';
  const stdin = argv[1] === '-' ? csvCase(r) : '';
  inputs.push(stdin);
  const code = await main(argv, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    stdin: Readable.from([Buffer.from(stdin)]),
  });
  if (code === 0) {
    // A printed NaN or Infinity is a non-finite number, unless the input itself holds that word as text
    // (a label, a feature name, a message in a model file), which the command may echo.
    const echoed = (w: string) => inputs.some((t) => new RegExp(`(^|[^\\w.+-])${w}([^\\w.]|$)`).test(t));
    const bad = /(^|[\s=(,:])(-?(?:NaN|Infinity))(?=[\s,)]|$)/m.exec(stdout);
    if (bad && !echoed(bad[2]!.replace(/^-/, ''))) {
      const at = stdout.indexOf(bad[0]);
      throw new NonFinite(`${argv.join(' ')} printed a non-finite number: ${JSON.stringify(stdout.slice(Math.max(0, at - 60), at + 40))}`);
    }
    return;
  }
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  if (code !== 1 && code !== 2) throw new Error(`exit code ${code}`);
  if (lines.length !== 1 || /\(unexpected \w*;/.test(stderr)) throw new Error(`${argv[0]}: not a one-line typed error: ${stderr.slice(0, 300)}`);
  throw new SoftmaxError('PARSE_ERROR', lines[0]!);
}

let serveApp: ReturnType<typeof createApp> | null = null;
/** The `softmax serve` app in-process (hono's app.request: no socket), serving a numeric and a text model. */
function app(): ReturnType<typeof createApp> {
  if (serveApp) return serveApp;
  const dir = workDir();
  const X = [
    [0, 1, 2],
    [1, 0, 2],
    [0.5, 0.5, 1],
    [2, 1, 0],
    [1, 2, 0.5],
    [0, 0, 1],
  ];
  saveModel(new SoftmaxRegression({ maxIter: 50 }).fit(X, [0, 1, 2, 0, 1, 2], { featureNames: ['a', 'b', 'c'] }), join(dir, 'num.json'));
  saveModel(new SoftmaxRegression({ maxIter: 50, scale: 'standard' }).fit(X, ['x', 'y', 'x', 'y', 'x', 'y']), join(dir, 'txt.json'));
  const registry = new ModelRegistry([
    { name: 'num', file: join(dir, 'num.json') },
    { name: 'txt', file: join(dir, 'txt.json') },
  ]);
  serveApp = createApp(registry, new Metrics(), { maxBodyBytes: 64 * 1024, maxRows: 1000 });
  return serveApp;
}

/** A request: a valid body of one of the three protocols, then mutated; random content types and paths. */
function serveRequest(r: Rng): { path: string; init: RequestInit } {
  const rows = Array.from({ length: int(r, 0, 4) }, () => Array.from({ length: r() < 0.9 ? 3 : int(r, 0, 5) }, () => Number(randomNumberText(r))));
  const kind = int(r, 0, 2);
  const model = pick(r, ['num', 'txt', 'num', 'nope', '__proto__']);
  let path: string;
  let body: string;
  let type = 'application/json';
  if (kind === 0) {
    path = pick(r, [`/v2/models/${model}/infer`, `/v2/models/${model}/versions/1/infer`]);
    const flat = r() < 0.5;
    body = JSON.stringify({
      id: r() < 0.3 ? 'req-1' : undefined,
      inputs: [{ name: 'float_input', shape: [rows.length, 3], datatype: pick(r, ['FP64', 'FP32', 'INT64']), data: flat ? rows.flat() : rows }],
      outputs: r() < 0.3 ? [{ name: pick(r, ['label', 'probabilities', 'other']) }] : undefined,
    });
  } else if (kind === 1) {
    path = `/v1/models/${model}:predict`;
    body = JSON.stringify({ instances: rows });
  } else {
    path = pick(r, [`/v1/models/${model}:predict`, `/v2/models/${model}/infer`]);
    type = 'text/csv';
    body = ['a,b,c', ...rows.map((row) => row.join(','))].join('\n') + '\n';
  }
  if (r() < 0.7) body = mutateText(r, body, 3);
  if (r() < 0.1) type = pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'text/csv; charset=utf-8', '']);
  const headers: Record<string, string> = { 'content-type': type };
  if (r() < 0.2) headers.accept = 'text/csv';
  return { path, init: { method: 'POST', headers, body } };
}

/** Every number in a JSON value, for the finiteness check (JSON itself cannot hold NaN: look for null too). */
function jsonNumbersFinite(v: unknown, path = ''): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} = ${v}`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null && /probabilities/.test(path)) return `${path}[${i}] = null`;
      const bad = jsonNumbersFinite(v[i], `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const bad = jsonNumbersFinite(x, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

async function serveCase(r: Rng): Promise<void> {
  const { path, init } = serveRequest(r);
  const res = await app().request(path, init);
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  if (res.status >= 400) {
    let err: unknown;
    try {
      err = (JSON.parse(text) as { error?: unknown }).error;
    } catch {
      throw new Error(`${path}: HTTP ${res.status} without a JSON error body: ${text.slice(0, 200)}`);
    }
    if (typeof err !== 'string' || err.length === 0 || err.includes('\n'))
      throw new Error(`${path}: HTTP ${res.status} error is not a one-line message: ${JSON.stringify(err)}`);
    throw new SoftmaxError('PARSE_ERROR', err);
  }
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    const bad = jsonNumbersFinite(JSON.parse(text));
    if (bad) throw new NonFinite(`${path}: ${bad}`);
  } else if (
    /\b(NaN|Infinity)\b/.test(
      text
        .split('\n')
        .slice(1)
        .join('\n')
        .replace(/"[^"]*"/g, ''),
    )
  )
    throw new NonFinite(`${path}: non-finite CSV output`);
}

/** Run case `index` of `target` with `seed`. */
export function runCase(target: Target, seed: number, index: number): Promise<CaseResult> {
  const r = caseRng(seed, index + TARGETS.indexOf(target) * 1_000_003);
  switch (target) {
    case 'csv': {
      const text = csvCase(r);
      const missing = pick(r, ['error', 'mean'] as const);
      const label = pick(r, [undefined, undefined, null, 0, 'label'] as const);
      return classify(() => {
        const whole = checked(parseCsv(text, { missing, label, file: 'fuzz.csv', limits }));
        // The streaming reader agrees with the one-shot parse, however the text is cut.
        const parts = checked(chunked(r, new CsvReader({ missing, label, file: 'fuzz.csv', limits }), text));
        if (parts.X.data.length !== whole.X.data.length || parts.y.length !== whole.y.length) throw new Error('chunked CSV read differs from the whole read');
      });
    }
    case 'libsvm': {
      const text = libsvmCase(r);
      const nFeatures = r() < 0.2 ? int(r, 0, 40) : undefined;
      return classify(() => {
        const ds = checked(parseLibSvm(text, { file: 'fuzz.svm', nFeatures, limits }));
        const parts = checked(chunked(r, new LibSvmReader({ file: 'fuzz.svm', nFeatures, limits }), text));
        if (parts.X.data.length !== ds.X.data.length) throw new Error('chunked LibSVM read differs from the whole read');
        // A sparse fit of what was read: budget-checked, finite or a typed error.
        if (ds.y.length > 1 && new Set(ds.y).size > 1) {
          const m = new SoftmaxRegression({ maxIter: 20 }).fit(ds.X, ds.y, { maxMemory: CASE_BUDGET });
          if (!m.coef!.every((row) => row.every(Number.isFinite))) throw new NonFinite('non-finite coefficients');
        }
      });
    }
    case 'idx': {
      const { images, labels } = idxCase(r);
      return classify(() => checked(mnistFromIdx(images, labels, { file: 'img', labelsFile: 'lab', limits })));
    }
    case 'cifar': {
      const bytes = cifarCase(r);
      return classify(() => checked(parseCifar10(bytes, { file: 'b.bin', limits })));
    }
    case 'model': {
      const text = modelCase(r);
      return classify(() => {
        const m = SoftmaxRegression.fromJSON(text);
        const d = m.nFeatures;
        const X = [Array.from({ length: d }, (_, j) => j % 3), Array.from({ length: d }, (_, j) => -j / 7)];
        const P = m.predictProba(X);
        if (!P.every((row) => row.every(Number.isFinite))) throw new NonFinite('non-finite probabilities');
        // What loaded saves again, and loads back.
        SoftmaxRegression.fromJSON(JSON.stringify(m.toJSON()));
      });
    }
    case 'cli':
      return classify(() => cliCase(r, index));
    case 'serve':
      return classify(() => serveCase(r));
  }
}

export type Counts = Record<Outcome, number>;
export function emptyCounts(): Counts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;
}
