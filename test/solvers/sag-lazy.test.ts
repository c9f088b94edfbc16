/**
 * sag/saga just-in-time updates on sparse X (src/solvers/sag-lazy.ts) take the same steps as the dense
 * updates: same seed, same draws, the same iterate after every epoch to ~1e-10 (rounding only), for L2,
 * L1 (coordinates crossing zero between visits) and elastic net, with and without intercepts and weights,
 * and when the L2 decay forces a catch-up in the middle of an epoch.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { LinearFiniteSum, logisticRowLoss, softmaxRowLoss } from '../../src/objective/finite-sum.js';
import { l1Term } from '../../src/objective/penalty.js';
import type { NonSmoothTerm } from '../../src/objective/objective.js';
import { sag, saga } from '../../src/solvers/sag.js';
import { makeRng } from '../../src/core/random.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** n rows over d features, 2-6 entries a row; the last features are rare (a handful of rows each). */
function problem(n: number, d: number, K: number, seed: number) {
  const r = lcg(seed);
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const m = 2 + Math.floor(r() * 5);
    while (cols.size < m) cols.add(Math.floor((r() < 0.8 ? r() * 0.5 : r()) * d));
    for (const j of [...cols].sort((a, b) => a - b)) {
      idx.push(j);
      val.push(2 * r() - 1);
    }
    indptr[i + 1] = idx.length;
  }
  const X = new CSRMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val));
  const y = new Int32Array(n).map(() => Math.floor(r() * K));
  const sw = new Float64Array(n).map(() => 0.5 + r());
  return { X, y, sw, r };
}

interface Case {
  name: string;
  solver: 'sag' | 'saga';
  l2: number;
  l1?: number;
  fitIntercept?: boolean;
  weighted?: boolean;
  /** One-vs-rest's binary logistic loss (one output) instead of the softmax. */
  logistic?: boolean;
}

const cases: Case[] = [
  { name: 'sag, L2', solver: 'sag', l2: 1 },
  { name: 'sag, L2, sample weights, no intercept', solver: 'sag', l2: 0.5, weighted: true, fitIntercept: false },
  { name: 'sag, strong L2 (catch-up mid-epoch)', solver: 'sag', l2: 200 },
  { name: 'saga, L2', solver: 'saga', l2: 1 },
  { name: 'saga, L1', solver: 'saga', l2: 0, l1: 0.3 },
  { name: 'saga, L1 strong (exact zeros)', solver: 'saga', l2: 0, l1: 3 },
  { name: 'saga, elastic net, sample weights', solver: 'saga', l2: 0.4, l1: 0.6, weighted: true },
  { name: 'saga, elastic net, strong L2 (catch-up mid-epoch), no intercept', solver: 'saga', l2: 300, l1: 0.5, fitIntercept: false },
  { name: 'sag, binary logistic (one output)', solver: 'sag', l2: 1, logistic: true },
  { name: 'saga, binary logistic, L1, sample weights', solver: 'saga', l2: 0, l1: 0.3, logistic: true, weighted: true },
];

function run(c: Case, lazy: boolean | 'js') {
  const n = 80;
  const d = 40;
  const K = c.logistic ? 1 : 3;
  const { X, y, sw, r } = problem(n, d, c.logistic ? 2 : K, 5);
  const P = new LinearFiniteSum(X, y, c.logistic ? logisticRowLoss : softmaxRowLoss(K), {
    l2: c.l2,
    fitIntercept: c.fitIntercept ?? true,
    sampleWeight: c.weighted ? sw : null,
  });
  let rowCalls = 0;
  const rowScores = P.rowScores.bind(P);
  P.rowScores = (i, w, out) => {
    rowCalls++;
    rowScores(i, w, out);
  };
  // A start away from zero, so L1 coordinates cross zero between visits.
  const w0 = new Float64Array(P.dimension).map(() => r() - 0.5);
  const R: NonSmoothTerm | null = c.l1 ? l1Term(c.l1, K * d) : null;
  const iterates: Float64Array[] = [];
  const res = (c.solver === 'sag' ? sag : saga).solve(P, w0, {
    gtol: 0,
    maxIter: 6,
    rng: makeRng(42),
    nonSmooth: R,
    lazy,
    onIteration: (_info, w) => {
      iterates.push(Float64Array.from(w));
    },
  });
  return { iterates, w: res.w, rowCalls, zeros: res.w.subarray(0, K * d).filter((v) => v === 0).length };
}

describe('sag/saga just-in-time updates on sparse X', () => {
  for (const c of cases) {
    it(`${c.name}: same iterates as the dense updates (1e-10), WebAssembly and TypeScript loops`, () => {
      const dense = run(c, false);
      for (const lazy of [run(c, true), run(c, 'js')]) compare(c, dense, lazy);
    });
  }

  function compare(c: Case, dense: ReturnType<typeof run>, lazy: ReturnType<typeof run>) {
    // The lazy run never goes through the per-row dense scores (so the comparison is not dense vs dense).
    assert.equal(lazy.rowCalls, 0);
    assert.ok(dense.rowCalls >= 6 * 80);
    assert.equal(lazy.iterates.length, 6);
    assert.equal(dense.iterates.length, 6);
    for (let e = 0; e < 6; e++) {
      const a = lazy.iterates[e]!;
      const b = dense.iterates[e]!;
      let scale = 1;
      let diff = 0;
      for (let q = 0; q < a.length; q++) {
        scale = Math.max(scale, Math.abs(b[q]!));
        diff = Math.max(diff, Math.abs(a[q]! - b[q]!));
      }
      assert.ok(diff <= 1e-10 * scale, `epoch ${e + 1}: max difference ${diff}`);
    }
    if (c.l1 && c.l1 >= 3) {
      // Strong L1: many exact zeros, the same ones.
      assert.ok(dense.zeros > 20, `zeros: ${dense.zeros}`);
      assert.equal(lazy.zeros, dense.zeros);
    }
  }

  it('a row listing a column twice: saga falls back to the dense updates, sag stays lazy and agrees', () => {
    const X = new CSRMatrix(3, 2, Int32Array.from([0, 2, 3, 4]), Int32Array.from([0, 0, 1, 0]), Float64Array.from([1, 0.5, -1, 2]));
    const y = Int32Array.from([0, 1, 0]);
    for (const solver of [sag, saga]) {
      const out: Float64Array[] = [];
      for (const lazy of [false, true, 'js'] as const) {
        const P = new LinearFiniteSum(X, y, softmaxRowLoss(2), { l2: 1, fitIntercept: true });
        out.push(solver.solve(P, new Float64Array(P.dimension), { gtol: 0, maxIter: 4, rng: makeRng(1), lazy }).w);
      }
      for (const o of out.slice(1)) for (let q = 0; q < o.length; q++) assert.ok(Math.abs(out[0]![q]! - o[q]!) <= 1e-12, solver.name);
    }
  });
});
