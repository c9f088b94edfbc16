/**
 * Our side of the kernel benchmark: time of one loss+gradient evaluation (the objective's
 * valueAndGradient, penalty included) per kernel and shape, median of reps, on random data like
 * bench/peers/numpy_lossgrad.py (X standard normal, W 0.01 N(0,1)).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DenseMatrix } from '../src/matrix/dense.js';
import { SoftmaxObjective } from '../src/objective/softmax-objective.js';
import type { LossKernel } from '../src/backends/loss-kernel.js';
import { disableThreads, threadedKernel } from '../node/threads.js';

export interface KernelTiming {
  shape: [number, number, number];
  kernel: string;
  dtype: 'float64' | 'float32';
  ms: number[];
  medianMs: number;
}

export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function randomProblem(n: number, d: number, K: number, seed = 0, xDtype: 'float64' | 'float32' = 'float64') {
  const g = gaussian(seed);
  // Built in place in a DenseMatrix's own buffer (wasm-resident where possible, as the library's readers
  // and toMatrix make it), so a fit reads it without a copy.
  const M = DenseMatrix.zeros(n, d, xDtype);
  const X = M.data;
  for (let i = 0; i < X.length; i++) X[i] = g();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.min(K - 1, Math.floor(K * (0.5 + 0.5 * Math.tanh(g()))));
  return { X: M, y };
}

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Build an objective for one kernel choice; `make` lets the node layer inject a threaded kernel. */
export function timeObjective(obj: SoftmaxObjective, reps: number): number[] {
  const g = gaussian(1);
  const w = new Float64Array(obj.dimension);
  for (let i = 0; i < w.length; i++) w[i] = 0.01 * g();
  const grad = new Float64Array(obj.dimension);
  obj.valueAndGradient(w, grad); // warm-up (JIT, page faults)
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    obj.valueAndGradient(w, grad);
    out.push(performance.now() - t0);
  }
  return out;
}

export function kernelObjective(
  X: DenseMatrix,
  y: Int32Array,
  K: number,
  kernel: 'js' | 'wasm',
  dtype: 'float64' | 'float32',
  lossKernel?: LossKernel,
): SoftmaxObjective {
  // threads: 1 unless a (threaded) kernel is given: the default 'auto' would put large shapes on both cores,
  // and the "1 thread" columns measured two threads from 2026-11-29 to 2026-12-02.
  return new SoftmaxObjective(X, y, K, { l2: 1, fitIntercept: true, kernel, dtype, lossKernel, threads: 1 });
}

/** The CPU's SIMD extensions, from /proc/cpuinfo (Linux; elsewhere only the model name). */
export function cpuVectorExtensions(): string {
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    flags = line?.split(':')[1]?.trim().split(/\s+/) ?? [];
  } catch {
    // not Linux
  }
  const simd = flags.filter((f) => /^(sse4_2|avx|avx2|fma|avx512f|avx512dq|avx512bw|avx512vl|avx512_vnni|avx512_bf16)$/.test(f));
  const widest = flags.includes('avx512f') ? 'AVX-512 (512-bit)' : flags.includes('avx2') ? 'AVX2 (256-bit)' : flags.length ? 'SSE (128-bit)' : 'unknown';
  return `${cpus()[0]?.model ?? '?'}, widest vector extension ${widest}${simd.length ? `: ${simd.join(' ')}` : ''}`;
}

/** What a NumPy run reported: per dtype, the loss+gradient time (ms); and its BLAS as threadpoolctl saw it. */
interface NumpyRun {
  ms: Record<string, number>;
  blas: string;
}

function numpyRun(py: string, script: string, shapes: string, threads: number, env: NodeJS.ProcessEnv): NumpyRun {
  const txt = execFileSync(py, [script, '--shapes', shapes, '--reps', '5'], { env: { ...env, OPENBLAS_NUM_THREADS: String(threads) }, encoding: 'utf8' });
  const ms: Record<string, number> = {};
  let blas = 'unknown (no threadpoolctl)';
  for (const line of txt.trim().split('\n')) {
    const j = JSON.parse(line) as {
      kind: string;
      shape?: number[];
      dtype?: string;
      lossgrad_ms?: number;
      blas?: Array<{ internal_api?: string; version?: string; architecture?: string; num_threads?: number }> | string;
    };
    if (j.kind === 'lossgrad') ms[`${j.shape!.join('x')} ${j.dtype}`] = j.lossgrad_ms!;
    if (Array.isArray(j.blas) && j.blas.length)
      blas = j.blas.map((b) => `${b.internal_api ?? '?'} ${b.version ?? ''}, kernel ${b.architecture ?? '?'}, ${b.num_threads ?? '?'} thread(s)`).join('; ');
  }
  return { ms, blas };
}

export interface KernelBenchOptions {
  shapes: Array<[number, number, number]>;
  rounds: number;
  /** The NumPy peer (null: our figures only): /usr/bin/python3, numpy_lossgrad.py, and the environment to run it in (OPENBLAS overrides removed). */
  peer: { py: string; script: string; env: NodeJS.ProcessEnv } | null;
  say: (s?: string) => void;
  fmt: (x: number | null | undefined, digits?: number) => string;
}

/**
 * One loss+gradient evaluation, ours (WebAssembly SIMD, 1 and 2 threads) against NumPy/OpenBLAS (1 and 2
 * threads), float64 and float32, at each shape. A round runs NumPy at 1 thread, NumPy at 2 threads, then ours
 * at every shape and thread count; ratios are ours / NumPy per round at the same thread count (median over
 * rounds; below 1: we are faster).
 */
export async function kernelsBench(o: KernelBenchOptions): Promise<void> {
  const { say, fmt } = o;
  const dtypes = ['float64', 'float32'] as const;
  const shapeKey = (sh: [number, number, number]) => sh.join('x');
  const cell = new Map<string, { np1: number[]; np2: number[]; one: number[]; two: number[] }>();
  const key = (sh: [number, number, number], dt: string) => `${shapeKey(sh)} ${dt}`;
  for (const sh of o.shapes) for (const dt of dtypes) cell.set(key(sh, dt), { np1: [], np2: [], one: [], two: [] });
  let blas1 = '';
  let blas2 = '';
  // Shape by shape (one shape's copies of X in memory at a time), the sides in turn within each round.
  for (const sh of o.shapes) {
    const [n, d, K] = sh;
    const { X, y } = randomProblem(n, d, K);
    const objs = dtypes.map((dt) => ({
      dt,
      one: kernelObjective(X, y, K, 'wasm', dt),
      two: kernelObjective(X, y, K, 'wasm', dt, threadedKernel(X, y, K, null, dt, 2)),
    }));
    for (let r = 0; r < o.rounds; r++) {
      if (o.peer) {
        const n1 = numpyRun(o.peer.py, o.peer.script, shapeKey(sh), 1, o.peer.env);
        const n2 = numpyRun(o.peer.py, o.peer.script, shapeKey(sh), 2, o.peer.env);
        blas1 = n1.blas;
        blas2 = n2.blas;
        for (const [k, v] of Object.entries(n1.ms)) cell.get(k)?.np1.push(v);
        for (const [k, v] of Object.entries(n2.ms)) cell.get(k)?.np2.push(v);
      }
      for (const ob of objs) {
        const c = cell.get(key(sh, ob.dt))!;
        c.one.push(median(timeObjective(ob.one, 5)));
        c.two.push(median(timeObjective(ob.two, 5)));
      }
    }
  }
  await disableThreads();
  say('## One loss+gradient evaluation (dense) against NumPy/OpenBLAS at its best, milliseconds');
  say();
  say(`CPU: ${cpuVectorExtensions()}. Ours: WebAssembly SIMD, 128-bit vectors (f64x2, f32x4).`);
  say(
    o.peer
      ? `NumPy's BLAS (threadpoolctl, run without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE): 1 thread: ${blas1}; 2 threads: ${blas2}.`
      : 'NumPy: not available (our figures only).',
  );
  say(`${o.rounds} round(s); each figure is the median over rounds of a median of 5 evaluations; ratio = ours / NumPy at the same thread count.`);
  say();
  say(
    '| n x d x K | dtype | NumPy 1 thr | NumPy 2 thr | ours 1 thr | ours 2 thr | ours/NumPy 1 thr | ours/NumPy 2 thr | ours f64/f32 1 thr | ours f64/f32 2 thr |',
  );
  say('|---|---|---|---|---|---|---|---|---|---|');
  const pairRatio = (a: number[], b: number[]) => (a.length && b.length === a.length ? `${fmt(median(a.map((x, i) => x / b[i]!)), 2)}x` : '—');
  for (const sh of o.shapes) {
    const c64 = cell.get(key(sh, 'float64'))!;
    for (const dt of dtypes) {
      const c = cell.get(key(sh, dt))!;
      const f = (a: number[]) => (a.length ? fmt(median(a)) : 'missing');
      const r1 = dt === 'float32' ? pairRatio(c64.one, c.one) : '';
      const r2 = dt === 'float32' ? pairRatio(c64.two, c.two) : '';
      say(
        `| ${sh.join(' x ')} | ${dt} | ${f(c.np1)} | ${f(c.np2)} | ${f(c.one)} | ${f(c.two)} | ${pairRatio(c.one, c.np1)} | ${pairRatio(c.two, c.np2)} | ${r1} | ${r2} |`,
      );
    }
  }
  say();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const shapes = (process.argv[2] ?? '8000x784x10').split(',').map((s) => s.split('x').map(Number) as [number, number, number]);
  const kinds = (process.argv[3] ?? 'js:float64,wasm:float64,wasm:float32').split(',');
  for (const [n, d, K] of shapes) {
    const { X, y } = randomProblem(n, d, K);
    for (const kind of kinds) {
      const [kernel, dtype] = kind.split(':') as ['js' | 'wasm', 'float64' | 'float32'];
      const obj = kernelObjective(X, y, K, kernel, dtype);
      const ms = timeObjective(obj, kernel === 'js' ? 3 : 7);
      console.log(`${n}x${d}x${K} ${obj.kernel.name.padEnd(14)} median ${median(ms).toFixed(1)} ms  (${ms.map((m) => m.toFixed(0)).join(' ')})`);
    }
  }
}
