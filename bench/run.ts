/**
 * `npm run bench`: our kernels and fits side by side with the peers on this machine, alternating the two
 * sides run by run, reporting medians and per-pair ratios (ours / peer; < 1 means we are faster).
 *
 * Peers (each optional; a missing one is reported and our figures are still printed):
 *   - NumPy/OpenBLAS and scikit-learn through Debian's python3-sklearn (`apt-get install -y python3-sklearn`),
 *     run as /usr/bin/python3 with bench/peers/*.py, always without the OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
 *     overrides some machines set (they hold OpenBLAS to older kernels): the peer at its best;
 *   - TensorFlow.js 4.22 (dev dependency), cpu and wasm backends.
 * Data: the package's data/ folder (or $BENCH_DATA_DIR); the synthetic sets are generated into $SYNTH_DIR
 * (default ./synth, git-ignored) by the peer generators (bench/peers/gen_synth_*.py) when missing.
 *
 *   npm run bench -- [--only coldstart,defaults,kernels,fits,sparse,predict,epoch,memory,scaling,solvers,serve] [--fits digits,mnist-std,mnist-raw,synth]
 *                    [--sets iris,wine,breast_cancer,digits,digits-raw,mnist-raw,mnist-std,synth,sparse]   (defaults)
 *                    [--solver-datasets iris,wine,digits,mnist]
 *                    [--rounds 3] [--quick] [--out FILE] [--coldstart-runs 15]
 *                    [--peer-coretype Haswell]   (hold the peers' OpenBLAS to that kernel, e.g. AVX2 on an AVX-512 CPU)
 *                    [--serve-seconds 5] [--soak] [--soak-seconds 60]   (serve: only when named in --only)
 *                    [--stream-file F] [--stream-gb 4] [--stream-subset 2000000] [--stream-dtype float32]
 *                                                                        (stream: only when named in --only)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fitBench } from './fit.js';
import { formatSolversTable, runSolversBench } from './solvers.js';
import { cpuVectorExtensions, kernelObjective, kernelsBench, median, randomProblem, timeObjective } from './kernels.js';
import { adamEpochs } from './epoch.js';
import { tfjsEpochs } from './tfjs_epoch.js';
import { disableThreads, enableThreads } from '../node/threads.js';
import { readDataset } from '../node/io.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { wasmAvailable } from '../src/kernels/wasm.js';
import { runServeBench } from './serve.js';
import { runStreamBench } from './stream.js';
import { formatDefaultsTable, runDefaultsBench, sklearnDefaults, type DefaultsCase } from './defaults.js';
import { coldStartBench } from './coldstart.js';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const SHARED = process.env.BENCH_DATA_DIR ?? join(ROOT, 'data');
const PEERS = join(ROOT, 'bench', 'peers');
const SYNTH = process.env.SYNTH_DIR ?? join(ROOT, 'synth');
const PY = '/usr/bin/python3';
/** Our stopping tolerance in the fit comparison: tight enough to reach scikit-learn's objective. */
const OUR_TOL = 1e-7;

const args = process.argv.slice(2);
const opt = (k: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = new Set((opt('only') ?? 'coldstart,defaults,kernels,fits,sparse,predict,epoch,memory,scaling,solvers').split(','));
const rounds = Number(opt('rounds') ?? (quick ? 1 : 3));
const out: string[] = [];
const say = (s = '') => {
  console.log(s);
  out.push(s);
};
const fmt = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : Number(x.toPrecision(digits)).toString();

// ----------------------------------------------------------------------------- machine and peers
/**
 * Every peer process runs with the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides removed (they
 * hold OpenBLAS to its Haswell/AVX2 kernels on CPUs with AVX-512) and, unless a thread count is given, with
 * OpenBLAS's own default thread count (all cores): scikit-learn and NumPy at their best.
 */
/**
 * --peer-coretype NAME runs the peers under OPENBLAS_CORETYPE=NAME (Haswell: the AVX2 kernels), to show how
 * the comparison moves between CPUs; the header's BLAS line then names that kernel.
 */
const peerCoretype = opt('peer-coretype');
function peerEnv(threads?: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (peerCoretype) env.OPENBLAS_CORETYPE = peerCoretype;
  delete env.PEER_KEEP_OPENBLAS_ENV;
  if (threads !== undefined) env.OPENBLAS_NUM_THREADS = String(threads);
  return env;
}
const numpyEnv = (threads: number) => peerEnv(threads);
function python(code: string, env: NodeJS.ProcessEnv = peerEnv()): string | null {
  const r = spawnSync(PY, ['-c', code], { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.trim() : null;
}
const pyVersions = existsSync(PY) ? python('import sklearn, numpy; print(sklearn.__version__, numpy.__version__)') : null;
const havePeers = pyVersions !== null && existsSync(join(PEERS, 'numpy_lossgrad.py'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The OpenBLAS the peers load, as threadpoolctl sees it (under the peers' environment). */
const blasInfo = havePeers
  ? python(
      "import numpy, json\nfrom threadpoolctl import threadpool_info\nprint(json.dumps([{k: i.get(k) for k in ('internal_api','version','architecture','num_threads')} for i in threadpool_info() if i.get('user_api') == 'blas']))",
    )
  : null;
const blasLine = (() => {
  if (!blasInfo) return 'threadpoolctl not available: the peer BLAS kernel is unknown';
  const list = JSON.parse(blasInfo) as Array<{ internal_api: string; version: string; architecture: string; num_threads: number }>;
  return list.map((b) => `${b.internal_api} ${b.version}, kernel ${b.architecture}, ${b.num_threads} threads`).join('; ');
})();

say(`# softmax-regression benchmark — ${new Date().toISOString().slice(0, 10)}`);
say();
say(
  `Machine: ${cpus()[0]?.model ?? '?'} x ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; softmax-regression ${pkg.version}; WebAssembly SIMD ${wasmAvailable() ? 'yes (128-bit)' : 'no'}.`,
);
say(`CPU: ${cpuVectorExtensions()}.`);
say(
  havePeers
    ? `Peers: scikit-learn ${pyVersions!.split(' ')[0]}, NumPy ${pyVersions!.split(' ')[1]} (${PY}), every peer run with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE removed${peerCoretype ? ` and then OPENBLAS_CORETYPE=${peerCoretype} set (--peer-coretype)` : ''}; BLAS (threadpoolctl): ${blasLine}.`
    : `Peers: scikit-learn/NumPy NOT FOUND (${PY} with sklearn, and ${PEERS}); install with \`apt-get install -y python3-sklearn\`. Our figures only.`,
);
say(`Rounds: ${rounds} (sides alternate within each round). Ratios are ours / peer (below 1: we are faster).`);
say();

function ratioCell(pairs: number[]): string {
  return pairs.length ? `${fmt(median(pairs), 2)}x` : '—';
}

// ----------------------------------------------------------------------------- cold start
if (only.has('coldstart')) coldStartBench(ROOT, Number(opt('coldstart-runs') ?? (quick ? 5 : 15)), say, fmt);

// ----------------------------------------------------------------------------- defaults vs defaults
if (only.has('defaults')) {
  const d = (name: string) => join(SHARED, name);
  const cases: DefaultsCase[] = [
    { id: 'iris', name: 'iris, standardized', train: d('iris_train.csv'), test: d('iris_test.csv'), C: 1, scale: 'standard', repeats: 21 },
    { id: 'wine', name: 'wine, standardized', train: d('wine_train.csv'), test: d('wine_test.csv'), C: 1, scale: 'standard', repeats: 21 },
    {
      id: 'breast_cancer',
      name: 'breast_cancer, standardized',
      train: d('breast_cancer_train.csv'),
      test: d('breast_cancer_test.csv'),
      C: 1,
      scale: 'standard',
      repeats: 11,
    },
    { id: 'digits', name: 'digits, standardized', train: d('digits_train.csv'), test: d('digits_test.csv'), C: 1, scale: 'standard', repeats: 7 },
    { id: 'digits-raw', name: 'digits, unscaled', train: d('digits_train.csv'), test: d('digits_test.csv'), C: 1, scale: 'none', repeats: 3 },
    { id: 'mnist-raw', name: 'MNIST subset, raw [0,1]', train: d('mnist10k_train.csv.gz'), test: d('mnist10k_test.csv.gz'), C: 0.1, scale: 'none', repeats: 1 },
    {
      id: 'mnist-std',
      name: 'MNIST subset, standardized',
      train: d('mnist10k_train.csv.gz'),
      test: d('mnist10k_test.csv.gz'),
      C: 1,
      scale: 'standard',
      repeats: 1,
    },
  ];
  if (!quick) {
    const s = synthPath();
    if (s)
      cases.push({ id: 'synth', name: 'synthetic dense, standardized', train: s, test: s.replace('_train', '_test'), C: 1, scale: 'standard', repeats: 1 });
    const sp = join(SYNTH, 'synth_sparse_train.svm');
    if (existsSync(sp))
      cases.push({
        id: 'sparse',
        name: 'synthetic sparse (CSR), unscaled',
        train: sp,
        test: sp.replace('_train', '_test'),
        C: 1,
        scale: 'none',
        libsvm: true,
        repeats: 1,
      });
    else say(`(sparse set skipped: generate it with \`SYNTH_DIR=${SYNTH} ${PY} ${join(PEERS, 'gen_synth_sparse.py')}\`)`);
  }
  const pick = opt('sets')?.split(',');
  const chosen = pick ? cases.filter((c) => pick.includes(c.id)) : cases;
  say('## Defaults against defaults: the model and the time a user gets (scikit-learn lbfgs, tol 1e-4, max_iter 10000)');
  say();
  say(
    'Ours: `new SoftmaxRegression({ C })`, nothing else set (default solver, stopping rule and thread policy). Objective in one convention (summed loss + 1/(2C)||W||^2); time = the whole fit call, median of the repeats (on the small sets after one untimed round of ours, as V8 compiles our code during its first fits); time ratio = ours / scikit-learn per round (median, then each round).',
  );
  say();
  const rows = runDefaultsBench({
    cases: chosen,
    rounds,
    peer: havePeers ? sklearnDefaults(PY, join(PEERS, 'sklearn_fit.py'), peerEnv()) : null,
    log: (m) => console.error(m),
  });
  for (const l of formatDefaultsTable(rows)) say(l);
  say();
}

// ----------------------------------------------------------------------------- kernels
if (only.has('kernels')) {
  const shapes: Array<[number, number, number]> = quick
    ? [[8000, 784, 10]]
    : [
        [8000, 784, 10],
        [60000, 784, 10],
        [200000, 100, 10],
      ];
  await kernelsBench({ shapes, rounds, peer: havePeers ? { py: PY, script: join(PEERS, 'numpy_lossgrad.py'), env: numpyEnv(2) } : null, say, fmt });
}

// ----------------------------------------------------------------------------- whole fits
interface FitCase {
  id: string;
  /** Fits per measurement, median taken on both sides (small sets: V8 needs a few runs to optimize). */
  repeats: number;
  name: string;
  train: string;
  test?: string;
  C: number;
  scale: 'standard' | 'none';
}
function synthPath(): string | null {
  const p = join(SYNTH, 'synth_dense_train.csv');
  if (existsSync(p)) return p;
  if (!havePeers) return null;
  say(`(generating the synthetic dense set into ${SYNTH} …)`);
  spawnSync(PY, [join(PEERS, 'gen_synth_dense.py')], { env: { ...peerEnv(), SYNTH_DIR: SYNTH }, stdio: 'ignore' });
  return existsSync(p) ? p : null;
}

if (only.has('fits')) {
  const cases: FitCase[] = [
    {
      id: 'digits',
      repeats: 5,
      name: 'digits, standardized, C=1',
      train: join(SHARED, 'digits_train.csv'),
      test: join(SHARED, 'digits_test.csv'),
      C: 1,
      scale: 'standard',
    },
    {
      id: 'mnist-std',
      repeats: 1,
      name: 'MNIST subset, standardized, C=1',
      train: join(SHARED, 'mnist10k_train.csv.gz'),
      test: join(SHARED, 'mnist10k_test.csv.gz'),
      C: 1,
      scale: 'standard',
    },
    {
      id: 'mnist-raw',
      repeats: 1,
      name: 'MNIST subset, raw [0,1], C=0.1',
      train: join(SHARED, 'mnist10k_train.csv.gz'),
      test: join(SHARED, 'mnist10k_test.csv.gz'),
      C: 0.1,
      scale: 'none',
    },
  ];
  if (!quick && (!opt('fits') || opt('fits')!.includes('synth'))) {
    const s = synthPath();
    if (s) cases.push({ id: 'synth', repeats: 1, name: 'synthetic dense 160,000 x 100 x 10, standardized, C=1', train: s, C: 1, scale: 'standard' });
    else say('(synthetic dense set unavailable: needs the peer generator)');
  } else cases.splice(1, 2);
  const pick = opt('fits')?.split(',');
  if (pick) for (let i = cases.length - 1; i >= 0; i--) if (!pick.includes(cases[i]!.id)) cases.splice(i, 1);
  const solvers = ['lbfgs', 'newton-cg'];
  say('## Whole fits vs scikit-learn lbfgs (multinomial, L2), seconds');
  say();
  say(
    `Ours: 2 threads, float64, tol ${OUR_TOL} (max |gradient of the mean loss|); scikit-learn: tol 1e-4 (its lbfgs stops on its own function-decrease test).`,
  );
  say(
    '"to target" = wall time from the start of our fit until its objective is within 1e-6 relative of the one scikit-learn reached (the whole fit up to that point).',
  );
  say();
  say('| data | sklearn s (iters) | solver | ours s (iters) | ratio | objective ours vs sklearn (rel) | to target s | ratio to target |');
  say('|---|---|---|---|---|---|---|---|');
  enableThreads(2);
  for (const c of cases) {
    if (!existsSync(c.train)) {
      say(`| ${c.name} | data missing (${c.train}) | | | | | | |`);
      continue;
    }
    const sk: Array<{ t: number; it: number; obj: number }> = [];
    const ours: Record<string, Array<{ t: number; it: number; obj: number; reach: number | null }>> = {};
    for (let r = 0; r < rounds; r++) {
      let target: number | undefined;
      if (havePeers) {
        const a = [join(PEERS, 'sklearn_fit.py'), '--train', c.train, '--C', String(c.C), '--scale', c.scale, '--repeats', String(c.repeats)];
        const j = JSON.parse(execFileSync(PY, a, { encoding: 'utf8', env: peerEnv() }).trim().split('\n').pop()!) as {
          fit_s_median: number;
          n_iter: number;
          objective: number;
        };
        sk.push({ t: j.fit_s_median, it: j.n_iter, obj: j.objective });
        target = j.objective;
      }
      for (const s of solvers) {
        const f = fitBench(c.train, { C: c.C, scale: c.scale, solver: s, tol: OUR_TOL, target, repeats: c.repeats });
        (ours[s] ??= []).push({ t: f.fit_s_median, it: f.n_iter, obj: f.objective, reach: f.reached_target_s });
      }
    }
    const skT = sk.length ? median(sk.map((x) => x.t)) : null;
    for (const s of solvers) {
      const o = ours[s]!;
      const pairs = sk.length ? o.map((x, i) => x.t / sk[i]!.t) : [];
      const reachPairs = sk.length ? o.flatMap((x, i) => (x.reach !== null ? [x.reach / sk[i]!.t] : [])) : [];
      const rel = sk.length ? (o[o.length - 1]!.obj - sk[sk.length - 1]!.obj) / Math.abs(sk[sk.length - 1]!.obj) : null;
      const reach = o.filter((x) => x.reach !== null).map((x) => x.reach!);
      say(
        `| ${c.name} | ${skT === null ? 'missing' : `${fmt(skT)} (${sk[sk.length - 1]!.it})`} | ${s} | ${fmt(median(o.map((x) => x.t)))} (${o[o.length - 1]!.it}) | ${ratioCell(pairs)} | ${rel === null ? '—' : rel.toExponential(1)} | ${reach.length ? fmt(median(reach)) : sk.length ? 'not reached' : '—'} | ${ratioCell(reachPairs)} |`,
      );
    }
  }
  await disableThreads();
  say();
}

// ----------------------------------------------------------------------------- sparse fits
if (only.has('sparse')) {
  // The synthetic sparse set (80,000 x 50,000, ~34 nonzeros per row after de-duplication, 20 classes) is
  // ~60 MB of LibSVM text: generated on request only (SYNTH_DIR, never committed).
  const train = join(SYNTH, 'synth_sparse_train.svm');
  say('## Whole fits on sparse data (CSR) vs scikit-learn lbfgs and saga, seconds');
  say();
  if (!existsSync(train)) {
    say(`(skipped: ${train} is missing; generate it with \`SYNTH_DIR=${SYNTH} ${PY} ${join(PEERS, 'gen_synth_sparse.py')}\`)`);
  } else {
    say(
      `Synthetic sparse set (${train}), C=1, no scaling. Ours: float64, tol ${OUR_TOL}; lbfgs and newton-cg on 2 threads, saga on one (its steps are sequential). "to target" = our wall time until the objective is within 1e-6 relative of the peer's.`,
    );
    say();
    say('| peer solver | peer s (iters) | peer objective | ours: solver | ours s (iters) | ratio | to target s | ratio to target |');
    say('|---|---|---|---|---|---|---|---|');
    const sparseRounds = quick ? 1 : Math.min(rounds, 2);
    // Against scikit-learn's saga, our saga too (just-in-time sparse updates, src/solvers/sag-lazy.ts).
    const sparseSolvers = (peer: string) => (peer === 'saga' ? ['lbfgs', 'newton-cg', 'saga'] : ['lbfgs', 'newton-cg']);
    for (const peer of ['lbfgs', 'saga']) {
      const sk: Array<{ t: number; it: number; obj: number }> = [];
      const ours: Record<string, Array<{ t: number; it: number; reach: number | null }>> = {};
      for (let r = 0; r < sparseRounds; r++) {
        let target: number | undefined;
        if (havePeers) {
          const a = [join(PEERS, 'sklearn_fit.py'), '--train', train, '--libsvm', '--solver', peer, '--C', '1', '--repeats', '1'];
          const j = JSON.parse(execFileSync(PY, a, { encoding: 'utf8', env: peerEnv() }).trim().split('\n').pop()!) as {
            fit_s_median: number;
            n_iter: number;
            objective: number;
          };
          sk.push({ t: j.fit_s_median, it: j.n_iter, obj: j.objective });
          target = j.objective;
        }
        for (const s of sparseSolvers(peer)) {
          // lbfgs/newton-cg: loss passes split over 2 threads (the CSR kernel on the worker pool); saga's
          // steps are sequential (one thread).
          const f = fitBench(train, { C: 1, scale: 'none', solver: s, tol: OUR_TOL, target, threads: s === 'saga' ? 1 : 2 });
          (ours[s] ??= []).push({ t: f.fit_s_median, it: f.n_iter, reach: f.reached_target_s });
        }
      }
      for (const s of sparseSolvers(peer)) {
        const o = ours[s]!;
        const pairs = sk.length ? o.map((x, i) => x.t / sk[i]!.t) : [];
        const reachPairs = sk.length ? o.flatMap((x, i) => (x.reach !== null ? [x.reach / sk[i]!.t] : [])) : [];
        const reach = o.filter((x) => x.reach !== null).map((x) => x.reach!);
        say(
          `| ${peer} | ${sk.length ? `${fmt(median(sk.map((x) => x.t)))} (${sk[sk.length - 1]!.it})` : 'missing'} | ${sk.length ? sk[sk.length - 1]!.obj.toFixed(3) : '—'} | ${s} | ${fmt(median(o.map((x) => x.t)))} (${o[o.length - 1]!.it}) | ${ratioCell(pairs)} | ${reach.length ? fmt(median(reach)) : sk.length ? 'not reached' : '—'} | ${ratioCell(reachPairs)} |`,
        );
      }
    }
  }
  say();
}

// ----------------------------------------------------------------------------- prediction
if (only.has('predict')) {
  const train = join(SHARED, 'mnist10k_train.csv.gz');
  if (existsSync(train)) {
    const tr = readDataset(train);
    const m = new SoftmaxRegression({ C: 0.1, maxIter: 5 });
    m.fit(tr.X, tr.y);
    const n = tr.X.rows;
    const ours: number[] = [];
    const ours2: number[] = [];
    const np: number[] = [];
    const pairs: number[] = [];
    const pairs2: number[] = [];
    m.predictProbaFlat(tr.X as never);
    const predictRate = (): number => {
      const ts: number[] = [];
      for (let k = 0; k < 7; k++) {
        const t0 = performance.now();
        m.predictProbaFlat(tr.X as never);
        ts.push((performance.now() - t0) / 1000);
      }
      return n / median(ts);
    };
    for (let r = 0; r < rounds; r++) {
      let npRate: number | null = null;
      if (havePeers) {
        const code = `import numpy as np, time, statistics
rng=np.random.default_rng(0); X=rng.random((${n},784)); W=rng.standard_normal((10,784))*0.01; b=np.zeros(10)
def f():
  Z=X@W.T+b; Z-=Z.max(axis=1,keepdims=True); E=np.exp(Z); E/=E.sum(axis=1,keepdims=True); return E
f(); ts=[]
for _ in range(7):
  t=time.perf_counter(); f(); ts.append(time.perf_counter()-t)
print(${n}/statistics.median(ts))`;
        const r2 = spawnSync(PY, ['-c', code], { env: numpyEnv(2), encoding: 'utf8' });
        if (r2.status === 0) npRate = Number(r2.stdout.trim());
      }
      const rate = predictRate();
      // 2 threads: the rows split over the worker pool (enableThreads), as a fit does.
      enableThreads(2);
      m.predictProbaFlat(tr.X as never);
      const rate2 = predictRate();
      await disableThreads();
      ours.push(rate);
      ours2.push(rate2);
      if (npRate !== null) {
        np.push(npRate);
        pairs.push(npRate / rate);
        pairs2.push(npRate / rate2);
      }
    }
    say('## Prediction throughput (predictProba, MNIST subset 8,000 x 784, 10 classes), rows per second');
    say();
    say(
      'Ours: `predictProbaFlat` (scores and softmax, flat n x K output; `predictProba` adds only the number[][] conversion). NumPy: the same float64 product and softmax on an 8,000 x 784 array.',
    );
    say();
    say('| NumPy X W^T + softmax (2 thr) | ours 1 thr | ours 2 thr | NumPy rate / ours 1 thr | NumPy rate / ours 2 thr |');
    say('|---|---|---|---|---|');
    say(`| ${np.length ? fmt(median(np)) : 'missing'} | ${fmt(median(ours))} | ${fmt(median(ours2))} | ${ratioCell(pairs)} | ${ratioCell(pairs2)} |`);
    say();
  }
}

// ----------------------------------------------------------------------------- mini-batch epoch
if (only.has('epoch')) {
  const train = join(SHARED, 'mnist10k_train.csv.gz');
  if (existsSync(train)) {
    say('## Mini-batch Adam epoch (MNIST subset, batch 128, no penalty), seconds per epoch');
    say();
    const ours: number[] = [];
    const cpu: number[] = [];
    const wasm: number[] = [];
    let tfv = 'missing';
    for (let r = 0; r < rounds; r++) {
      const c = await tfjsEpochs(train, 'cpu', 2);
      if ('median_s' in c) (cpu.push(c.median_s), (tfv = c.version));
      ours.push(adamEpochs(train, 4).median_s);
      const w = await tfjsEpochs(train, 'wasm', 2);
      if ('median_s' in w) wasm.push(w.median_s);
    }
    say(`| ours (adam) | TF.js ${tfv} cpu | TF.js wasm | ours / cpu | ours / wasm |`);
    say('|---|---|---|---|---|');
    say(
      `| ${fmt(median(ours))} | ${cpu.length ? fmt(median(cpu)) : 'missing'} | ${wasm.length ? fmt(median(wasm)) : 'missing'} | ${cpu.length ? `${fmt(median(ours) / median(cpu), 2)}x` : '—'} | ${wasm.length ? `${fmt(median(ours) / median(wasm), 2)}x` : '—'} |`,
    );
    say();
  }
}

// ----------------------------------------------------------------------------- memory
if (only.has('memory')) {
  say('## Memory: peak RSS during a fit (random dense X built in place, 10 iterations, 2 threads)');
  say();
  say('RSS before the fit includes X, the Node/tsx runtime and the started worker pool. "growth" = peak minus before.');
  say();
  say('| X | X dtype | fit dtype | bytes of X | RSS before fit | peak RSS in fit | growth | limit 1.5 X + 100 MB | peak / limit |');
  say('|---|---|---|---|---|---|---|---|---|');
  const shape = quick ? '8000x784x10' : '60000x784x10';
  for (const [xdt, dt] of [
    ['float64', 'float64'],
    ['float64', 'float32'],
    ['float32', 'float32'],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(ROOT, 'bench', 'memory.ts'),
        '--random',
        shape,
        '--x-dtype',
        xdt,
        '--threads',
        '2',
        '--dtype',
        dt,
        '--C',
        '1',
        '--max-iter',
        '10',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    if (r.status !== 0) {
      say(`| ${shape} | ${xdt} | ${dt} | failed: ${r.stderr.split('\n')[0]} | | | | | |`);
      continue;
    }
    const j = JSON.parse(r.stdout.trim()) as { x_bytes: number; rss_before_fit: number; peak_rss_during_fit: number; limit: number };
    const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
    say(
      `| ${shape} | ${xdt} | ${dt} | ${mb(j.x_bytes)} | ${mb(j.rss_before_fit)} | ${mb(j.peak_rss_during_fit)} | ${mb(j.peak_rss_during_fit - j.rss_before_fit)} | ${mb(j.limit)} | ${fmt(j.peak_rss_during_fit / j.limit, 3)} |`,
    );
  }
  say();
}

// ----------------------------------------------------------------------------- linear scaling
if (only.has('scaling')) {
  say('## Cost grows linearly: one loss+gradient (float64, 1 thread), ms and ns per n·d·K');
  say();
  say('| n | d | K | ms | ns per n·d·K |');
  say('|---|---|---|---|---|');
  const grid: Array<[number, number, number]> = [];
  for (const n of quick ? [1000, 20000] : [1000, 5000, 20000, 50000, 200000]) grid.push([n, 100, 10]);
  for (const d of quick ? [50, 400] : [25, 50, 200, 400, 784]) grid.push([20000, d, 10]);
  for (const K of quick ? [2, 20] : [2, 5, 20, 50]) grid.push([20000, 100, K]);
  for (const [n, d, K] of grid) {
    const { X, y } = randomProblem(n, d, K);
    const ms = median(timeObjective(kernelObjective(X, y, K, 'wasm', 'float64'), 7));
    say(`| ${n} | ${d} | ${K} | ${fmt(ms)} | ${fmt((ms * 1e6) / (n * d * K))} |`);
  }
  say();
}

// ----------------------------------------------------------------------------- every solver (issue 3)
if (only.has('solvers')) {
  say('## Every solver: time and passes over the data to reach the optimum within 1e-6 relative');
  say();
  say('Fixed train split of each data set, standardized, C = 1 (L2) and 0.1 (L1); F* from a tight trust-region (L2) or');
  say('FISTA (L1) solve; "—": not reached within the time budget (the gap then reached is given). See bench/solvers.ts.');
  say();
  const datasets = (opt('solver-datasets') ?? (quick ? 'iris,wine,digits' : 'iris,wine,digits,mnist')).split(',');
  say(formatSolversTable(runSolversBench({ datasets, budget: quick ? 0.25 : 1, log: (m) => console.error(m) })));
  say();
}

// ----------------------------------------------------------------------------- HTTP serving (issue 12)
if (only.has('serve')) {
  say('## `softmax serve` under load (autocannon), against a plain node:http server as the ceiling');
  say();
  const lines = await runServeBench({
    root: ROOT,
    seconds: Number(opt('serve-seconds') ?? (quick ? 3 : 5)),
    rounds,
    soak: args.includes('--soak'),
    soakSeconds: Number(opt('soak-seconds') ?? 60),
    log: (m) => console.error(m),
  });
  for (const l of lines) say(l);
  say();
}

// ----------------------------------------------------------------------------- streamed fits (issue 13)
if (only.has('stream')) {
  say('## Streamed fit of a file larger than memory (bench/stream.ts)');
  say();
  const lines = runStreamBench({
    root: ROOT,
    file: opt('stream-file') ?? process.env.STREAM_BENCH_FILE ?? '/tmp/softmax-stream-4g.csv',
    gb: Number(opt('stream-gb') ?? 4),
    subsetRows: Number(opt('stream-subset') ?? 2_000_000),
    dtype: (opt('stream-dtype') ?? 'float32') as 'float32' | 'float64',
    solver: opt('stream-solver') ?? 'lbfgs',
    tol: Number(opt('stream-tol') ?? 1e-4),
    log: (m) => console.error(m),
  });
  for (const l of lines) say(l);
  say();
}

const file = opt('out');
if (file) {
  writeFileSync(file + '.tmp', out.join('\n') + '\n');
  renameSync(file + '.tmp', file);
}
