/**
 * One streamed (or in-memory) fit of a CSV file, for bench/stream.ts: prints one JSON line with the timings
 * of every pass and the process's peak RSS (the parent runs it as a child so that figure is the fit's own).
 *
 *   node --import tsx bench/stream-child.ts FILE [--dtype float32] [--solver lbfgs] [--tol 1e-6] [--rebuild] [--in-memory] [--coef]
 */
import { performance } from 'node:perf_hooks';
import { statSync } from 'node:fs';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { openFileCache } from '../node/stream/fit.js';
import { readDataset } from '../node/io.js';
import '../node/limits.js';

const args = process.argv.slice(2);
const file = args[0]!;
const opt = (k: string, d: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : d;
};
const dtype = opt('dtype', 'float32') as 'float32' | 'float64';
const options = { solver: opt('solver', 'lbfgs') as 'lbfgs', tol: Number(opt('tol', '1e-6')), scale: 'standard' as const, maxIter: 1000 };
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const report: Record<string, unknown> = { fileBytes: statSync(file).size };
const model = new SoftmaxRegression(options);
if (args.includes('--in-memory')) {
  const t0 = performance.now();
  const ds = readDataset(file);
  const t1 = performance.now();
  model.fit(ds.X, ds.y);
  const fr = model.fitResult!;
  Object.assign(report, {
    rows: ds.y.length,
    cols: ds.X.cols,
    firstPass: { seconds: (t1 - t0) / 1000, cpuSeconds: 0, parser: 'readDataset', cacheBytes: 0 },
    passes: [],
    cacheRead: { seconds: 0, cpuSeconds: 0 },
    fit: {
      seconds: (performance.now() - t1) / 1000,
      iterations: fr.iterations,
      objective: fr.value,
      converged: fr.converged,
      stopReason: fr.stopReason,
      passes: fr.dataPasses ?? 0,
    },
  });
} else {
  const passes: Array<{ pass: number; seconds: number; cpuSeconds: number }> = [];
  let lastCpu = 0;
  // A pass's time: from the end of the previous pass (or the fit's start) to its last block.
  let lastEnd = -1;
  const c0 = cpu();
  const t0 = performance.now();
  const opened = await openFileCache(file, {
    cacheDir: process.env.SOFTMAX_CACHE_DIR,
    dtype,
    reuseCache: !args.includes('--rebuild'),
    onProgress: (p) => {
      if (p.pass <= 1 || lastEnd < 0 || p.rows !== p.totalRows) return;
      const now = performance.now();
      const c = cpu();
      passes.push({ pass: p.pass, seconds: (now - lastEnd) / 1000, cpuSeconds: c - lastCpu });
      lastEnd = now;
      lastCpu = c;
    },
  });
  const firstPass = {
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpu() - c0,
    parser: opened.parser ?? (opened.reused ? 'cache reused' : null),
    cacheBytes: opened.store.meta.bytes,
  };
  const { store } = opened;
  // A bare read of the cache: the ceiling of a pass.
  const c1 = cpu();
  const t1 = performance.now();
  let rows = 0;
  store.forEachBlock((b) => (rows += b.rows));
  const cacheRead = { seconds: (performance.now() - t1) / 1000, cpuSeconds: cpu() - c1 };
  const t2 = performance.now();
  lastEnd = t2;
  lastCpu = cpu();
  model.fitBlocks(store);
  const fr = model.fitResult!;
  Object.assign(report, {
    rows,
    cols: store.summary.d,
    firstPass,
    passes,
    cacheRead,
    fit: {
      seconds: (performance.now() - t2) / 1000,
      iterations: fr.iterations,
      objective: fr.value,
      converged: fr.converged,
      stopReason: fr.stopReason,
      passes: fr.dataPasses ?? 0,
    },
  });
}
if (args.includes('--coef')) Object.assign(report, { coef: model.coef, intercept: model.intercept });
report.maxRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify(report));
