/**
 * A streamed fit: model options + a BlockStore (and its first-pass summary) -> the fitted state. Full-batch
 * solvers run unchanged on a StreamObjective (sums over blocks); mini-batch solvers run streamed epochs
 * (minibatch.ts). What needs all rows at once is refused with an OptionError that says so: one-vs-rest
 * (K passes), sag/saga (a gradient table of n rows), exact Newton (a dense Hessian built row by row),
 * non-smooth penalties, sample and class weights, feature maps, early stopping.
 */
import { FitError, OptionError } from '../errors.js';
import { makeRng } from '../core/random.js';
import { binomialRowLoss, softmaxRowLoss } from '../objective/finite-sum.js';
import { SOLVERS, type SolveContext } from '../solvers/registry.js';
import type { IterationCallback, SolveResult } from '../solvers/solver.js';
import type { StochasticOptions } from '../solvers/stochastic.js';
import type { UpdateRule } from '../solvers/update-rules.js';
import type { ScalerState } from '../preprocess/scaler.js';
import type { SoftmaxRegressionOptions } from './options.js';
import type { BlockStore, StreamSummary } from '../stream/block.js';
import { StreamObjective } from '../stream/stream-objective.js';
import { MemoryBlockStore, type DataBlock } from '../stream/block.js';
import { FirstPass, remapBlock } from '../stream/first-pass.js';
import { DataError } from '../errors.js';
import type { Label } from '../core/labels.js';
import { DenseMatrix } from '../matrix/dense.js';
import { CSRMatrix } from '../matrix/csr.js';
import { toMatrix, type MatrixLike } from './input.js';
import { streamMinibatch } from '../stream/minibatch.js';

/** The solvers a streamed fit runs: full-batch ones over summed blocks, mini-batch ones by epochs. */
export const STREAM_SOLVERS: readonly string[] = ['lbfgs', 'newton-cg', 'trust-region', 'gd', 'sgd', 'adam', 'adagrad', 'rmsprop'];

/** The scaler a fit with `kind` scaling gets from the first pass's statistics (fitScaler's conventions). */
export function scalerFromSummary(kind: SoftmaxRegressionOptions['scale'], s: StreamSummary): ScalerState | null {
  if (kind === 'none') return null;
  const d = s.d;
  const offset = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(1);
  const st = s.stats;
  for (let j = 0; j < d; j++) {
    if (kind === 'standard') {
      const sd = Math.sqrt(st.variance[j]!);
      scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
      if (!s.sparse) offset[j] = st.mean[j]!;
    } else if (s.sparse) {
      scale[j] = st.maxAbs[j]! > 0 ? st.maxAbs[j]! : 1;
    } else {
      offset[j] = st.min[j]!;
      const range = st.max[j]! - st.min[j]!;
      scale[j] = range > 0 ? (Number.isFinite(range) ? range : Number.MAX_VALUE) : 1;
    }
  }
  return { kind, offset, scale };
}

/** Refuse options a streamed fit cannot honour, naming the option. */
export function checkStreamOptions(o: SoftmaxRegressionOptions, what = 'a streamed fit'): void {
  const why = (option: string, msg: string) => new OptionError(option, `${msg} in ${what} (the data are read in blocks, never whole)`, 'INCOMPATIBLE_OPTIONS');
  if (!STREAM_SOLVERS.includes(o.solver)) throw why('solver', `'${o.solver}' is not available; use one of ${STREAM_SOLVERS.join(', ')}`);
  if (o.penalty !== 'l2' && o.penalty !== 'none') throw why('penalty', `penalty '${o.penalty}' is not available (l2 and none are)`);
  if (o.multiClass === 'ovr') throw why('multiClass', "'ovr' is not available (it fits K problems); use 'auto' or 'multinomial'");
  if (o.classWeight !== null) throw why('classWeight', 'class weights are not available');
  if (o.featureMap !== null) throw why('featureMap', 'feature maps are not available');
  if (o.earlyStopping) throw why('earlyStopping', 'early stopping (a held-out split) is not available');
}

export interface StreamFitResult {
  W: Float64Array;
  b: Float64Array;
  /** Score rows: 1 for the binomial model, K otherwise. */
  R: number;
  kind: 'binomial' | 'multinomial';
  scaler: ScalerState | null;
  result: SolveResult;
  kernel: string;
}

/** Fit on a store. The model (softmax-regression.ts) turns the result into its fitted state. */
export function fitStore(o: SoftmaxRegressionOptions, store: BlockStore, onIteration?: IterationCallback): StreamFitResult {
  checkStreamOptions(o);
  const s = store.summary;
  const K = s.classes.length;
  const kind = K === 2 && o.multiClass !== 'multinomial' ? 'binomial' : 'multinomial';
  const scaler = scalerFromSummary(o.scale, s);
  const l2 = o.penalty === 'none' || o.C === Infinity ? 0 : 1 / o.C;
  const objective = new StreamObjective(store, {
    l2,
    fitIntercept: o.fitIntercept,
    scaler,
    binomial: kind === 'binomial',
    kernel: o.backend === 'js' ? 'js' : 'auto',
  });
  const w0 = new Float64Array(objective.dimension);
  const entry = SOLVERS[o.solver]!;
  const rng = makeRng(o.randomState);
  const context: SolveContext = {
    gtol: o.tol * objective.sumWeights,
    tol: o.tol,
    sumWeights: objective.sumWeights,
    rng,
    nonSmooth: null,
    validation: null,
    onIteration,
  };
  let result: SolveResult;
  if (o.maxIter === 0 && o.epochs === null) {
    const g = new Float64Array(w0.length);
    const value = objective.valueAndGradient(w0, g);
    let gn = 0;
    for (let q = 0; q < g.length; q++) gn = Math.max(gn, Math.abs(g[q]!));
    result = {
      w: w0,
      value,
      gradientNorm: gn,
      iterations: 0,
      functionEvaluations: 1,
      gradientEvaluations: 1,
      hessianVectorProducts: 0,
      dataPasses: 1,
      converged: false,
      stopReason: 'max-iterations',
      message: 'maxIter is 0: the starting point',
      history: [],
      elapsedMs: 0,
    };
  } else if (entry.minibatch) {
    const options = entry.configure(o, context) as StochasticOptions;
    const solver = entry.solver as unknown as { defaultRule: (opt: StochasticOptions) => UpdateRule };
    const rule = options.rule ?? solver.defaultRule(options);
    const offset = scaler ? Float64Array.from(scaler.offset) : null;
    if (offset && store.shift) for (let j = 0; j < s.d; j++) offset[j]! -= store.shift[j]!;
    const shiftOnly = !scaler && store.shift ? Float64Array.from(store.shift, (v) => -v) : null;
    const invScale = scaler ? Float64Array.from(scaler.scale, (v) => 1 / v) : null;
    result = streamMinibatch(objective, store, w0, options, rule, kind === 'binomial' ? binomialRowLoss : softmaxRowLoss(K), {
      offset: offset ?? shiftOnly,
      invScale,
    });
  } else {
    result = entry.solver.solve(objective, w0, entry.configure(o, context));
  }
  const w = result.w;
  let finite = Number.isFinite(result.value);
  for (let q = 0; q < w.length && finite; q++) finite = Number.isFinite(w[q]!);
  if (!finite) {
    throw new FitError(
      `the streamed fit diverged: ${o.solver} ended after ${result.iterations} iteration(s) (${result.stopReason}${result.message ? `: ${result.message}` : ''})`,
      result.stopReason,
      result.iterations,
    );
  }
  const R = objective.R;
  const d = s.d;
  const W = w.slice(0, R * d);
  const b = o.fitIntercept ? w.slice(R * d, R * d + R) : new Float64Array(R);
  if (kind === 'multinomial') gauge(W, b, K, d, o.fitIntercept, l2 === 0);
  return { W, b, R, kind, scaler, result, kernel: objective.kernelName };
}

/** Intercepts (and, without a penalty, coefficient columns) centred across classes: see SoftmaxRegression.applyGauge. */
function gauge(W: Float64Array, b: Float64Array, K: number, d: number, fitIntercept: boolean, centerCoef: boolean): void {
  if (fitIntercept) {
    let m = 0;
    for (let k = 0; k < K; k++) m += b[k]!;
    m /= K;
    for (let k = 0; k < K; k++) b[k]! -= m;
  }
  if (centerCoef) {
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let k = 0; k < K; k++) m += W[k * d + j]!;
      m /= K;
      for (let k = 0; k < K; k++) W[k * d + j]! -= m;
    }
  }
}

/** A MemoryBlockStore over X and y cut into blocks of `blockRows` rows (tests; data that fit in memory). */
export function blockStoreFromArrays(X: MatrixLike, y: ArrayLike<Label>, opts: { blockRows?: number; featureNames?: string[] } = {}): MemoryBlockStore {
  const M = toMatrix(X);
  if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
  const B = Math.max(1, opts.blockRows ?? 65536);
  const sparse = M instanceof CSRMatrix;
  const pass = new FirstPass(M.cols, sparse);
  const blocks: DataBlock[] = [];
  for (let start = 0; start < M.rows; start += B) {
    const end = Math.min(M.rows, start + B);
    const codes = pass.codes(Array.prototype.slice.call(y, start, end) as Label[], start);
    let block: DataBlock;
    if (M instanceof DenseMatrix) block = { kind: 'dense', rows: end - start, X: M.data.slice(start * M.cols, end * M.cols), y: codes };
    else {
      const c = M as CSRMatrix;
      const p0 = c.indptr[start]!;
      const p1 = c.indptr[end]!;
      block = {
        kind: 'csr',
        rows: end - start,
        indptr: Int32Array.from(c.indptr.subarray(start, end + 1), (p) => p - p0),
        indices: c.indices.slice(p0, p1),
        data: c.data.slice(p0, p1),
        y: codes,
      };
    }
    pass.add(block);
    blocks.push(block);
  }
  const { summary, remap } = pass.finish(opts.featureNames ?? null);
  return new MemoryBlockStore(
    summary,
    blocks.map((b) => remapBlock(b, remap)),
  );
}
