/**
 * `npm run bench -- --only defaults`: the model a user gets with default options against the model
 * scikit-learn's defaults give, set by set (issue 11, goals 2 and 3). Both sides fit the same standardized
 * (or raw) training rows with only C set; the clock runs around the whole fit call on each side (our fit
 * includes choosing and setting up its kernels and threads; scaling and reading happen before, as in the
 * peer script). Sides alternate within each round; small sets are fitted several times per measurement and
 * the median taken (both sides run warm, in one process each: ours after one untimed round of its repeats on the small sets).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readDataset } from '../node/io.js';
import type { Dataset } from '../src/data/dataset.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { applyScaler, fitScaler } from '../src/preprocess/scaler.js';
import { median } from './kernels.js';

export interface DefaultsCase {
  id: string;
  name: string;
  train: string;
  test: string;
  C: number;
  scale: 'standard' | 'none';
  libsvm?: boolean;
  /** Fits per measurement (median taken on both sides). */
  repeats: number;
}

export interface DefaultsRow {
  c: DefaultsCase;
  n: number;
  d: number;
  K: number;
  ours: { obj: number; acc: number; t: number[]; iters: number; gradientNorm: number; threads: string; stop: string };
  peer: { obj: number; acc: number; t: number[]; iters: number } | null;
  /** ours / peer per round. */
  timeRatios: number[];
}

interface PeerFit {
  fit_s_median: number;
  n_iter: number;
  objective: number;
  test_acc: number;
}

function load(c: DefaultsCase): { tr: Dataset; te: Dataset } {
  const tr = readDataset(c.train);
  const te = readDataset(c.test, c.libsvm ? { nFeatures: tr.X.cols } : {});
  if (c.scale === 'standard' && tr.X.kind === 'dense') {
    const sc = fitScaler('standard', tr.X);
    return { tr: { ...tr, X: applyScaler(sc, tr.X) as typeof tr.X }, te: { ...te, X: applyScaler(sc, te.X) as typeof te.X } };
  }
  return { tr, te };
}

function accuracy(m: SoftmaxRegression, te: Dataset): number {
  const pred = m.predict(te.X as never);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (String(pred[i]) === String(te.y[i])) ok++;
  return ok / pred.length;
}

export function runDefaultsBench(o: {
  cases: DefaultsCase[];
  rounds: number;
  peer: ((c: DefaultsCase) => PeerFit) | null;
  log: (m: string) => void;
}): DefaultsRow[] {
  const rows: DefaultsRow[] = [];
  for (const c of o.cases) {
    if (!existsSync(c.train) || !existsSync(c.test)) {
      o.log(`(${c.name}: data missing, ${c.train})`);
      continue;
    }
    const { tr, te } = load(c);
    // One untimed round of ours first: V8 compiles our code while it runs (a fresh process's first digits
    // fits take 2-3x a warm one), and the peer's repeats run warm in its own process too.
    // (Small sets only: a large set's first fit is its own warm-up, and the peer's large fits are each the
    // first of their process too.)
    if (c.repeats > 1) for (let k = 0; k < c.repeats; k++) new SoftmaxRegression({ C: c.C }).fit(tr.X as never, tr.y);
    const times: number[] = [];
    const peerTimes: number[] = [];
    const ratios: number[] = [];
    let model: SoftmaxRegression | null = null;
    let peer: PeerFit | null = null;
    for (let r = 0; r < o.rounds; r++) {
      if (o.peer) {
        peer = o.peer(c);
        peerTimes.push(peer.fit_s_median);
      }
      const ts: number[] = [];
      for (let k = 0; k < c.repeats; k++) {
        const m = new SoftmaxRegression({ C: c.C });
        const t0 = performance.now();
        m.fit(tr.X as never, tr.y);
        ts.push((performance.now() - t0) / 1000);
        model = m;
      }
      times.push(median(ts));
      if (peer) ratios.push(median(ts) / peer.fit_s_median);
      o.log(`${c.id} round ${r + 1}: ours ${median(ts).toFixed(4)} s${peer ? `, scikit-learn ${peer.fit_s_median.toFixed(4)} s` : ''}`);
    }
    const fr = model!.fitResult!;
    rows.push({
      c,
      n: tr.X.rows,
      d: tr.X.cols,
      K: model!.classes!.length,
      ours: {
        obj: fr.value,
        acc: accuracy(model!, te),
        t: times,
        iters: fr.iterations,
        gradientNorm: fr.gradientNorm,
        threads: String((fr as { threads?: number }).threads ?? 1),
        stop: fr.stopReason,
      },
      peer: peer ? { obj: peer.objective, acc: peer.test_acc, t: peerTimes, iters: peer.n_iter } : null,
      timeRatios: ratios,
    });
  }
  return rows;
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : '—');

export function formatDefaultsTable(rows: DefaultsRow[]): string[] {
  const out = [
    '| data (n x d x K, C) | ours: objective | scikit-learn: objective | objective ratio - 1 | test acc ours / sklearn | ours s (iters, threads) | sklearn s (iters) | time ratio (per round) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = r.peer;
    const rel = p ? r.ours.obj / p.obj - 1 : NaN;
    out.push(
      `| ${r.c.name} (${r.n} x ${r.d} x ${r.K}, C=${r.c.C}) | ${r.ours.obj.toFixed(6)} | ${p ? p.obj.toFixed(6) : 'missing'} | ${p ? rel.toExponential(1) : '—'} | ${r.ours.acc.toFixed(4)} / ${p ? p.acc.toFixed(4) : '—'} | ${fmt(median(r.ours.t))} (${r.ours.iters}, ${r.ours.threads}) | ${p ? `${fmt(median(p.t))} (${p.iters})` : '—'} | ${r.timeRatios.length ? `${fmt(median(r.timeRatios), 2)}x (${r.timeRatios.map((x) => fmt(x, 2)).join(', ')})` : '—'} |`,
    );
  }
  return out;
}

/** The peer side: bench/peers/sklearn_fit.py with scikit-learn's defaults but C. */
export function sklearnDefaults(py: string, script: string, env: NodeJS.ProcessEnv): (c: DefaultsCase) => PeerFit {
  return (c) => {
    const a = [
      script,
      '--train',
      c.train,
      '--test',
      c.test,
      '--C',
      String(c.C),
      '--scale',
      c.libsvm ? 'none' : c.scale,
      '--repeats',
      String(c.repeats),
      '--multi-class',
      'auto',
    ];
    if (c.libsvm) a.push('--libsvm');
    const txt = execFileSync(py, a, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
    return JSON.parse(txt.trim().split('\n').pop()!) as PeerFit;
  };
}
