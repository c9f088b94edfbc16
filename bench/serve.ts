/**
 * `npm run bench -- --only serve`: `softmax serve` under load with autocannon on 127.0.0.1, against the
 * machine's ceiling measured in the same run: a plain node:http server that reads the same request body and
 * answers with a small JSON document (no routing, parsing or predicting).
 *
 * Each server runs in its own process (autocannon runs in this one), 50 connections, a fixed duration
 * (`--serve-seconds`, default 10) per case: 1-row and 100-row requests (Open Inference Protocol v2 infer,
 * digits model: 64 features, 10 classes). Reported: requests/s, p50 and p99 latency, errors and non-2xx.
 * `--soak` adds a 60 s run (`--soak-seconds`) with a reload every 5 s (alternately SIGHUP and an atomic
 * replace of the model file picked up by --watch), which must lose no request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { saveModel } from '../node/model-file.js';
import { loadBuiltinDataset } from '../node/datasets.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import type { DenseMatrix } from '../src/matrix/dense.js';

export interface ServeBenchOptions {
  root: string;
  seconds: number;
  /** Rounds; the cases alternate within each and medians are reported. */
  rounds: number;
  soak: boolean;
  soakSeconds: number;
  connections?: number;
  log?: (m: string) => void;
}

interface Row {
  name: string;
  reqs: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

const ECHO = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const n = Buffer.concat(chunks).length;
    const body = '{"ok":true,"bytes":' + n + '}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + s.address().port })));
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`;

function startProcess(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) res({ child, url: (JSON.parse(out.slice(0, nl)) as { url: string }).url });
    });
    child.on('exit', (code) => rej(new Error(`server exited with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

function load(url: string, body: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds });
}

function row(name: string, r: autocannon.Result): Row {
  return { name, reqs: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, total: r.requests.total };
}

export async function runServeBench(o: ServeBenchOptions): Promise<string[]> {
  const log = o.log ?? (() => {});
  const connections = o.connections ?? 50;
  const dir = mkdtempSync(join(tmpdir(), 'softmax-serve-bench-'));
  const out: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const ds = loadBuiltinDataset('digits');
    const model = new SoftmaxRegression({ scale: 'minmax', C: 0.1 }).fit(ds.train.X, ds.train.y);
    const file = join(dir, 'digits.json');
    saveModel(model, file);
    const irisDs = loadBuiltinDataset('iris');
    const irisFile = join(dir, 'iris.json');
    saveModel(new SoftmaxRegression().fit(irisDs.train.X, irisDs.train.y), irisFile);
    const body = (M: DenseMatrix, n: number) =>
      JSON.stringify({ inputs: [{ name: 'float_input', shape: [n, M.cols], datatype: 'FP64', data: Array.from(M.data.subarray(0, n * M.cols)) }] });
    const X = ds.test.X as DenseMatrix;
    const one = body(X, 1);
    const hundred = body(X, 100);
    const irisOne = body(irisDs.test.X as DenseMatrix, 1);

    // The built CLI when it is current (has serve), else the sources through tsx (same code once loaded).
    const built = join(o.root, 'dist', 'cli', 'main.js');
    const useDist = existsSync(join(o.root, 'dist', 'node', 'serve', 'app.js'));
    const cli = useDist ? [built] : ['--import', 'tsx', join(o.root, 'cli', 'main.ts')];
    const echo = await startProcess(['-e', ECHO], o.root);
    children.push(echo.child);
    const srv = await startProcess(
      [...cli, 'serve', '--json', '--model', `digits=${file}`, '--model', `iris=${irisFile}`, '--port', '0', '--watch', '--max-rows', '1000'],
      o.root,
    );
    children.push(srv.child);
    const infer = `${srv.url}/v2/models/digits/infer`;
    const irisInfer = `${srv.url}/v2/models/iris/infer`;
    // Warm both (JIT) before measuring.
    await load(echo.url, one, 2, connections);
    await load(infer, one, 2, connections);
    await load(irisInfer, irisOne, 1, connections);
    // Cases alternate within each round and medians are reported: on a shared machine the ceiling moves
    // from one second to the next, so each ratio compares measurements taken side by side.
    const cases: [string, string, string][] = [
      ['node:http echo (ceiling), digits 1-row body', echo.url, one],
      ['softmax serve, digits, 1 row', infer, one],
      ['softmax serve, iris, 1 row', irisInfer, irisOne],
      ['node:http echo (ceiling), digits 100-row body', echo.url, hundred],
      ['softmax serve, digits, 100 rows', infer, hundred],
    ];
    const runs: Row[][] = cases.map(() => []);
    for (let r = 0; r < o.rounds; r++) {
      for (let c = 0; c < cases.length; c++) {
        const [name, url, b] = cases[c]!;
        log(`serve bench: round ${r + 1}/${o.rounds}: ${name}`);
        runs[c]!.push(row(name, await load(url, b, o.seconds, connections)));
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const rows: Row[] = runs.map((rs) => ({
      name: rs[0]!.name,
      reqs: med(rs.map((x) => x.reqs)),
      p50: med(rs.map((x) => x.p50)),
      p99: med(rs.map((x) => x.p99)),
      errors: rs.reduce((a, x) => a + x.errors, 0),
      non2xx: rs.reduce((a, x) => a + x.non2xx, 0),
      total: rs.reduce((a, x) => a + x.total, 0),
    }));
    // Per-round ratios (serve / the echo measured just before it), median over rounds.
    const ratioOf = (c: number, ceiling: number) => med(runs[c]!.map((x, i) => x.reqs / runs[ceiling]![i]!.reqs));

    const f = (x: number, dg = 3) => Number(x.toPrecision(dg)).toString();
    out.push(
      `${connections} connections, ${o.seconds} s per case and round, ${o.rounds} round${o.rounds === 1 ? '' : 's'} (cases alternate; medians, requests summed), loopback 127.0.0.1, Open Inference Protocol v2 infer (FP64 JSON); models: digits (64 features, 10 classes), iris (4 features, 3 classes); server: ${useDist ? 'dist/ (npm run build)' : 'sources through tsx (run npm run build first for the built CLI)'}.`,
    );
    out.push('');
    out.push('| case | req/s | p50 ms | p99 ms | errors | non-2xx | requests (all rounds) |');
    out.push('|---|---|---|---|---|---|---|');
    for (const r of rows) out.push(`| ${r.name} | ${f(r.reqs)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${r.non2xx} | ${r.total} |`);
    out.push('');
    const ratio1 = ratioOf(1, 0);
    const ratioIris = ratioOf(2, 0);
    const ratio100 = ratioOf(4, 3);
    const p99 = Math.max(rows[1]!.p99, rows[2]!.p99);
    const errs = rows.reduce((a, r) => a + r.errors + r.non2xx, 0);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    out.push(
      `Single row (median of per-round ratios): digits ${f(ratio1, 2)}x and iris ${f(ratioIris, 2)}x the ceiling (goal >= 0.7x: digits ${met(ratio1 >= 0.7)}, iris ${met(ratioIris >= 0.7)}); ` +
        `p99 ${f(rows[1]!.p99)} / ${f(rows[2]!.p99)} ms (goal <= 10 ms: ${met(p99 <= 10)}); 100 rows: ${f(ratio100, 2)}x the ceiling's request rate ` +
        `(${f(rows[4]!.reqs * 100)} rows/s); errors and non-2xx over all cases: ${errs} (goal 0: ${met(errs === 0)}).`,
    );
    if (o.soak) {
      log(`serve bench: soak ${o.soakSeconds} s with a reload every 5 s`);
      let reloads = 0;
      const alt = SoftmaxRegression.fromJSON(model.toJSON());
      const timer = setInterval(() => {
        // Alternate the two ways to reload: SIGHUP, and an atomic file replace seen by --watch.
        if (reloads % 2 === 0) srv.child.kill('SIGHUP');
        else saveModel(reloads % 4 === 1 ? alt : model, file);
        reloads++;
      }, 5000);
      const r = await load(infer, one, o.soakSeconds, Math.min(connections, 10));
      clearInterval(timer);
      const soak = row('soak', r);
      out.push('');
      out.push(
        `Soak: ${o.soakSeconds} s, 10 connections, 1-row requests, ${reloads} reloads (every 5 s, alternately SIGHUP and atomic file replace under --watch): ${soak.total} requests, ${f(soak.reqs)} req/s, p99 ${f(soak.p99)} ms, errors ${soak.errors}, non-2xx ${soak.non2xx} (goal: none lost: ${soak.errors + soak.non2xx === 0 ? 'met' : 'NOT met'}).`,
      );
    } else out.push('', 'Soak with reloads: not run (add --soak).');
  } finally {
    for (const c of children) await stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
