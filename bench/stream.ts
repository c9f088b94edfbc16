/**
 * The streaming benchmark (issue 13, item 4; `npm run bench -- --only stream`). On a generated CSV of at
 * least 4 GB (scripts/gen-big.ts; 20 numeric columns, 3 classes; written to $STREAM_BENCH_FILE, default
 * /tmp/softmax-stream-4g.csv, when missing, never committed) it measures, in a child process so that its
 * peak RSS is the whole fit's:
 *   - the first pass (parse + statistics + cache write): rows/s, wall and per CPU-second;
 *   - every later pass (the solver's passes over the cache): rows/s, and a bare cache read;
 *   - peak RSS of the child (process.resourceUsage().maxRSS);
 * then checks the optimum: the first `--stream-subset` rows (default 2,000,000) fitted in memory and
 * streamed give the same objective (1e-9 relative) and coefficients.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, openSync, readSync, closeSync, writeSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface StreamBenchOptions {
  root: string;
  file: string;
  gb: number;
  subsetRows: number;
  dtype: 'float32' | 'float64';
  solver: string;
  tol: number;
  log: (m: string) => void;
}

interface ChildReport {
  rows: number;
  cols: number;
  fileBytes: number;
  firstPass: { seconds: number; cpuSeconds: number; parser: string | null; cacheBytes: number };
  passes: Array<{ pass: number; seconds: number; cpuSeconds: number }>;
  cacheRead: { seconds: number; cpuSeconds: number };
  fit: { seconds: number; iterations: number; objective: number; converged: boolean; stopReason: string; passes: number };
  coef?: number[][];
  intercept?: number[];
  maxRssBytes: number;
}

function child(o: StreamBenchOptions, file: string, extra: string[] = []): ChildReport {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(o.root, 'bench', 'stream-child.ts'), file, '--dtype', o.dtype, '--solver', o.solver, '--tol', String(o.tol), ...extra],
    { encoding: 'utf8', cwd: o.root, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`bench/stream-child.ts failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

/** The first n data rows of a CSV (with its header) into `out`. */
function headRows(src: string, out: string, n: number): void {
  const fd = openSync(src, 'r');
  const od = openSync(out, 'w');
  const buf = Buffer.allocUnsafe(1 << 22);
  let lines = -1; // the header does not count
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      let end = got;
      let p = 0;
      while (p < got) {
        const nl = buf.indexOf(10, p);
        if (nl < 0 || nl >= got) break;
        lines++;
        p = nl + 1;
        if (lines === n) {
          end = p;
          break;
        }
      }
      writeSync(od, buf, 0, end);
      if (lines === n) break;
    }
  } finally {
    closeSync(fd);
    closeSync(od);
  }
}

export function runStreamBench(o: StreamBenchOptions): string[] {
  const out: string[] = [];
  if (!existsSync(o.file)) {
    o.log(`generating ${o.file} (${o.gb} GB) with scripts/gen-big.ts ...`);
    const g = spawnSync(process.execPath, ['--import', 'tsx', join(o.root, 'scripts', 'gen-big.ts'), '--out', o.file, '--gb', String(o.gb)], {
      stdio: 'inherit',
      cwd: o.root,
    });
    if (g.status !== 0) throw new Error('scripts/gen-big.ts failed');
  }
  const size = statSync(o.file).size;
  o.log(`streamed fit of ${o.file} (${(size / 1e9).toFixed(2)} GB) ...`);
  const full = child(o, o.file, ['--rebuild']);
  const M = (x: number) => (x / 1e6).toFixed(2);
  const fp = full.firstPass;
  out.push(
    `File: ${(size / 1e9).toFixed(2)} GB CSV, ${full.rows.toLocaleString('en-US')} rows x ${full.cols} numeric columns + a label (3 classes); cache ${full.firstPass.cacheBytes / 1e9 > 0 ? (full.firstPass.cacheBytes / 1e9).toFixed(2) : '?'} GB ${o.dtype}; solver ${o.solver}, tol ${o.tol}, scale standard, C 1.`,
  );
  out.push('');
  out.push('| measure | value |');
  out.push('|---|---|');
  out.push(`| peak RSS of the whole streamed fit (child process) | ${(full.maxRssBytes / 2 ** 20).toFixed(0)} MiB |`);
  out.push(
    `| first pass (parse ${fp.parser ?? '?'}, statistics, cache write) | ${M(full.rows / fp.seconds)}M rows/s wall, ${M(full.rows / fp.cpuSeconds)}M rows/s per CPU-second (${fp.seconds.toFixed(1)} s) |`,
  );
  out.push(
    `| bare cache read (one pass, no math) | ${M(full.rows / full.cacheRead.seconds)}M rows/s wall, ${M(full.rows / full.cacheRead.cpuSeconds)}M rows/s per CPU-second |`,
  );
  const rates = full.passes.map((p) => full.rows / p.seconds).sort((a, b) => a - b);
  const cpuRates = full.passes.map((p) => full.rows / p.cpuSeconds).sort((a, b) => a - b);
  const mid = (a: number[]) => a[Math.floor(a.length / 2)]!;
  if (rates.length) {
    out.push(
      `| solver passes over the cache (read + loss and gradient, or Hessian-vector product) | ${rates.length} passes: median ${M(mid(rates))}M rows/s wall (slowest ${M(rates[0]!)}M, fastest ${M(rates[rates.length - 1]!)}M), median ${M(mid(cpuRates))}M rows/s per CPU-second |`,
    );
  }
  out.push(
    `| fit | ${full.fit.iterations} iterations, ${full.fit.passes} passes, ${full.fit.seconds.toFixed(1)} s, ${full.fit.converged ? 'converged' : 'NOT converged'} (${full.fit.stopReason}), objective ${full.fit.objective.toPrecision(12)} |`,
  );
  // The optimum: a subset that fits in memory, fitted both ways.
  const sub = `${o.file}.subset-${o.subsetRows}.csv`;
  if (!existsSync(sub)) headRows(o.file, sub, o.subsetRows);
  o.log(`in-memory vs streamed fit of the first ${o.subsetRows} rows ...`);
  // Tight tolerance: the comparison is about the optimum, not about where two runs stopped.
  const mem = child({ ...o, dtype: 'float64', tol: 1e-9 }, sub, ['--in-memory', '--coef']);
  const str = child({ ...o, dtype: 'float64', tol: 1e-9 }, sub, ['--rebuild', '--coef']);
  rmSync(sub, { force: true });
  let maxDiff = 0;
  let maxCoef = 0;
  mem.coef!.forEach((row, k) =>
    row.forEach((v, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - str.coef![k]![j]!));
      maxCoef = Math.max(maxCoef, Math.abs(v));
    }),
  );
  const rel = Math.abs(str.fit.objective - mem.fit.objective) / Math.abs(mem.fit.objective);
  out.push(
    `| same optimum on the first ${o.subsetRows.toLocaleString('en-US')} rows (float64 cache vs in-memory fit, tol 1e-9) | objective ${str.fit.objective.toPrecision(14)} vs ${mem.fit.objective.toPrecision(14)} (relative difference ${rel.toExponential(2)}), max coefficient difference ${(maxDiff / maxCoef).toExponential(2)} of the largest; in-memory peak RSS ${(mem.maxRssBytes / 2 ** 20).toFixed(0)} MiB vs streamed ${(str.maxRssBytes / 2 ** 20).toFixed(0)} MiB |`,
  );
  return out;
}
