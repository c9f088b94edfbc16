/**
 * SoftmaxRegression: the estimator. It owns options, label encoding, weights, scaling and the gauge of
 * the intercepts; the math lives in SoftmaxObjective and the optimization in the solvers.
 */
import { checkFitMemory, checkMemory, estimateFitMemory, resolveLimits, type FitShape, type MemoryEstimate } from '../core/limits.js';
import { DataError, FitError, listForMessage, ModelFormatError, NotFittedError, OptionError, SoftmaxError } from '../errors.js';
import { logSoftmaxInPlace } from '../kernels/softmax.js';
import type { Matrix } from '../matrix/matrix.js';
import { ParamLayout } from '../objective/layout.js';
import { makeRng } from '../core/random.js';
import { SOLVERS } from '../solvers/registry.js';
import { applyScaler, fitScaler, type ScalerState } from '../preprocess/scaler.js';
import { applyFeatureMap, featureMapNames, fitFeatureMap, type FeatureMapState } from '../preprocess/features.js';
import { DenseMatrix } from '../matrix/dense.js';
import { predictProbabilities, predictScores } from '../backends/predict.js';
import { allFiniteF64 } from '../kernels/dense-js.js';
import type { IterationCallback, SolveResult } from '../solvers/solver.js';
import { encodeLabels, uniqueSortedLabels, type Label } from '../core/labels.js';
import { checkSampleWeight } from '../core/weights.js';
import { assertFinite, toMatrix, type MatrixLike } from './input.js';
import { binomialProblem, multinomialProblem, runSolver } from './dispatch.js';
import { resolveOptions, type SoftmaxRegressionOptions } from './options.js';
import { fitOneVsRest, ovrLogProbaInPlace, ovrProbaInPlace } from './ovr.js';
import { binomialLogProbaInto, binomialProbaInto } from './binomial.js';
import { modelFromJSON, modelToJSON, type ModelJSON } from './serialize.js';
import { fittedMultiClassFor, type FitResult, type FittedMultiClass, type FittedState } from './state.js';
import type { BlockStore } from '../stream/block.js';
import { checkStreamOptions, fitStore } from './stream-fit.js';
import { onlineStep, type OnlineState } from '../stream/online.js';
import { sgdRule, makeSchedule, type UpdateRule } from '../solvers/update-rules.js';
import type { StochasticOptions } from '../solvers/stochastic.js';

export { fittedMultiClassFor, type FitResult, type FittedMultiClass, type FittedState };

export interface FitOptions {
  /** s_i per row (>= 0, finite); multiplied by the class weight of the row's label. */
  sampleWeight?: ArrayLike<number>;
  /** Column names, stored in the model file and used in reports. */
  featureNames?: string[];
  /** Called after every iteration; return 'stop' (or false) to stop the fit early. */
  onIteration?: IterationCallback;
  /**
   * Memory budget in bytes: a fit whose estimated peak (see estimateMemory) exceeds it is refused with a
   * LimitError before anything large is allocated. Default: the library default (2 GiB in the core; half
   * the machine's memory once softmax-regression/node is imported; see setDefaultLimits).
   */
  maxMemory?: number;
}

export class SoftmaxRegression {
  readonly options: SoftmaxRegressionOptions;
  /** Sorted class labels, as given (numbers or strings). */
  classes: Label[] | null = null;
  /**
   * Coefficients, one row per class (K x d), except for the binomial model (two classes, multiClass
   * 'auto' or 'ovr'): ONE row, the weights of classes[1] (scikit-learn's coef_ of shape (1, d)).
   * Writable: an in-place write or an assignment takes effect in every predict method and in toJSON
   * (they read these arrays at call time; a wrong shape or a non-finite value there is a DataError).
   */
  coef: number[][] | null = null;
  /** One intercept per coefficient row (K, in the gauge sum_k b_k = 0 for the multinomial model; 1 for binomial). Writable as `coef`. */
  intercept: number[] | null = null;
  featureNames: string[] | null = null;
  nFeatures = 0;
  /** Fitted feature scaling (option `scale`), applied by every predict method. */
  scaler: ScalerState | null = null;
  /**
   * Fitted feature map (option `featureMap`), applied before the scaler by every predict method. With a map,
   * `nFeatures`, `featureNames` and `coef` describe the transformed features; the inputs are `nInputFeatures`.
   */
  featureMap: FeatureMapState | null = null;
  fitResult: FitResult | null = null;
  private kind: FittedMultiClass | null = null;
  /** partialFit's optimizer state (update rule state, rows seen); reset by fit. */
  private online: OnlineState | null = null;
  // Flat copies the predict kernels read, refreshed from coef/intercept at every call (O(R d)).
  private W: Float64Array | null = null;
  private b: Float64Array | null = null;

  constructor(options: Partial<SoftmaxRegressionOptions> = {}) {
    this.options = resolveOptions(options);
  }

  /** A fitted model from its state (validated), with these options (default: the defaults). */
  static fromState(state: FittedState, options: Partial<SoftmaxRegressionOptions> = {}): SoftmaxRegression {
    const m = new SoftmaxRegression(options);
    m.loadState(state);
    return m;
  }

  /** The fitted state as plain data (copies). */
  fittedState(): FittedState {
    this.checkFitted('fittedState');
    this.params('fittedState');
    return {
      classes: [...this.classes!],
      multiClass: this.kind!,
      coef: this.coef!.map((r) => [...r]),
      intercept: [...this.intercept!],
      featureNames: this.featureNames ? [...this.featureNames] : null,
      scaler: this.scaler ? { kind: this.scaler.kind, offset: [...this.scaler.offset], scale: [...this.scaler.scale] } : null,
      featureMap: this.featureMap
        ? { inputs: this.featureMap.inputs, inputNames: this.featureMap.inputNames ? [...this.featureMap.inputNames] : null, terms: [...this.featureMap.terms] }
        : null,
      fitResult: this.fitResult,
    };
  }

  /** How the coefficient rows are read ('binomial': one row for two classes); null before fit. */
  get fittedMultiClass(): FittedMultiClass | null {
    return this.kind;
  }

  private loadState(st: FittedState): void {
    const classes = st.classes;
    if (!Array.isArray(classes) || classes.length < 2) throw new DataError('TOO_FEW_CLASSES', `state.classes must list at least 2 classes`);
    const K = classes.length;
    if (st.multiClass !== 'multinomial' && st.multiClass !== 'binomial' && st.multiClass !== 'ovr')
      throw new DataError('SHAPE_MISMATCH', `state.multiClass must be 'multinomial', 'binomial' or 'ovr', got ${String(st.multiClass)}`);
    if (st.multiClass === 'binomial' && K !== 2) throw new DataError('SHAPE_MISMATCH', `state.multiClass 'binomial' needs exactly 2 classes, got ${K}`);
    const rows = st.multiClass === 'binomial' ? 1 : K;
    if (!Array.isArray(st.coef) || st.coef.length !== rows || !Array.isArray(st.coef[0]))
      throw new DataError('SHAPE_MISMATCH', `state.coef must have ${rows} row${rows === 1 ? '' : 's'} (${st.multiClass}, ${K} classes)`);
    const d = st.coef[0]!.length;
    if (d < 1) throw new DataError('SHAPE_MISMATCH', 'state.coef rows must not be empty');
    this.classes = [...classes];
    this.kind = st.multiClass;
    this.nFeatures = d;
    this.coef = st.coef.map((r) => (Array.isArray(r) ? [...r] : r));
    this.intercept = Array.isArray(st.intercept) ? [...st.intercept] : st.intercept;
    this.params('fromState'); // validates shapes and values
    if (st.featureNames && st.featureNames.length !== d)
      throw new DataError('SHAPE_MISMATCH', `state.featureNames has ${st.featureNames.length} names but coef has ${d} columns`);
    this.featureNames = st.featureNames ? [...st.featureNames] : null;
    if (st.scaler && (st.scaler.offset.length !== d || st.scaler.scale.length !== d))
      throw new DataError('SHAPE_MISMATCH', `state.scaler must have ${d} offsets and scales`);
    this.scaler = st.scaler;
    this.featureMap = st.featureMap ?? null;
    this.fitResult = st.fitResult;
  }

  get nIter(): number {
    return this.fitResult?.iterations ?? 0;
  }

  get nClasses(): number {
    return this.classes?.length ?? 0;
  }

  /** Columns X must have for predict: the feature map's inputs, or nFeatures without a map. */
  get nInputFeatures(): number {
    return this.featureMap?.inputs ?? this.nFeatures;
  }

  /** Names of the columns X must have for predict (null when the training data had none). */
  get inputFeatureNames(): string[] | null {
    return this.featureMap ? this.featureMap.inputNames : this.featureNames;
  }

  fit(X: MatrixLike, y: ArrayLike<Label>, fitOptions: FitOptions = {}): this {
    const o = this.options;
    this.online = null;
    let M = toMatrix(X);
    if (!y || typeof y.length !== 'number') throw new DataError('SHAPE_MISMATCH', `y must be an array of labels`);
    if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
    const classes = uniqueSortedLabels(y);
    if (classes.length < 2) {
      throw new DataError(
        'TOO_FEW_CLASSES',
        `y has ${classes.length} distinct class${classes.length === 1 ? ` (${JSON.stringify(classes[0])})` : 'es'}: softmax regression needs at least 2`,
      );
    }
    const K = classes.length;
    checkFitMemory(this.fitShape(M, K, fitOptions), resolveLimits({ maxMemory: fitOptions.maxMemory }));
    const yIdx = encodeLabels(y, classes);
    const n = M.rows;
    if (fitOptions.featureNames && fitOptions.featureNames.length !== M.cols) {
      throw new DataError('SHAPE_MISMATCH', `featureNames has ${fitOptions.featureNames.length} names but X has ${M.cols} columns`);
    }
    let featureNames = fitOptions.featureNames ? [...fitOptions.featureNames] : null;
    // The feature map comes first: the scaler and the model see the transformed columns.
    const featureMap = o.featureMap === null ? null : fitFeatureMap(o.featureMap, M, featureNames);
    if (featureMap) {
      M = applyFeatureMap(featureMap, M);
      assertFinite(M, 'X after featureMap');
      featureNames = featureMapNames(featureMap);
    }
    const d = M.cols;

    // s_i = sample weight x class weight (scikit-learn's convention).
    let s: Float64Array | null = fitOptions.sampleWeight ? checkSampleWeight(fitOptions.sampleWeight, n) : null;
    const cw = this.classWeights(classes, yIdx);
    if (cw) {
      s ??= new Float64Array(n).fill(1);
      for (let i = 0; i < n; i++) s[i]! *= cw[yIdx[i]!]!;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += s[i]!;
      if (!(sum > 0)) throw new DataError('INVALID_SAMPLE_WEIGHT', 'class weights x sample weights sum to 0');
    }

    const scaler = o.scale === 'none' ? null : fitScaler(o.scale, M);
    if (scaler) M = applyScaler(scaler, M);
    checkMagnitudes(M, o.dtype, scaler !== null);
    // dtype 'float32': the fit's kernels see float32 X (and keep float32 in their own copy).
    // (astype allocates the float32 copy wasm-resident where it can, so the kernels read it in place.)
    if (o.dtype === 'float32' && M instanceof DenseMatrix) M = M.astype('float32');

    const kind = fittedMultiClassFor(o.multiClass, K);
    // Coefficient rows: one for the binomial model (a single score z = w.x + b), K otherwise.
    const R = kind === 'binomial' ? 1 : K;
    const layout = new ParamLayout(R, d, o.fitIntercept);
    let w0: Float64Array | null = null;
    if (o.warmStart && this.coef && this.classes && this.kind === kind && this.nFeatures === d && sameLabels(this.classes, classes)) {
      const { W, b } = this.params('fit (warmStart)');
      w0 = new Float64Array(layout.dimension);
      w0.set(W);
      if (o.fitIntercept) w0.set(b, R * d);
    }
    const log = o.verbose ? (msg: string) => console.log(msg) : null;
    const userCb = fitOptions.onIteration;
    const onIteration: IterationCallback | undefined =
      log || userCb
        ? (info, w) => {
            log?.(
              `[${o.solver}] iter ${info.iteration}  F = ${info.value.toPrecision(12)}  max|g| = ${info.gradientNorm.toExponential(3)}  step = ${info.step.toExponential(2)}`,
            );
            return userCb ? userCb(info, w) : undefined;
          }
        : undefined;
    // One seeded stream per fit: sampling, shuffles and the early-stopping split all draw from it.
    const rng = makeRng(o.randomState);
    let result: SolveResult;
    let sumWeights: number;
    let threads = 1;
    if (kind === 'ovr') {
      const r = fitOneVsRest(M, yIdx, K, s, o, rng, w0, onIteration);
      result = { ...r.result, w: r.w };
      sumWeights = r.sumWeights;
    } else if (kind === 'binomial') {
      // y is already 0/1 (classes sorted): the positive class is classes[1], as scikit-learn's.
      const { objective, nonSmooth } = binomialProblem(M, yIdx, s, o);
      try {
        result = runSolver(objective, nonSmooth, w0 ?? new Float64Array(layout.dimension), o, rng, onIteration);
      } finally {
        objective.dispose();
      }
      sumWeights = objective.sumWeights;
    } else {
      const { objective, nonSmooth } = multinomialProblem(M, yIdx, K, s, o);
      try {
        result = runSolver(objective, nonSmooth, w0 ?? new Float64Array(layout.dimension), o, rng, onIteration);
        // After the fit: a new worker pool joins once started (node/threads.ts), so a short fit may have
        // run on one thread throughout.
        threads = objective.threads;
      } finally {
        // The fit is over: a small kernel's wasm memory goes to the next fit instead of the collector.
        objective.dispose();
      }
      sumWeights = objective.sumWeights;
    }

    const w = result.w;
    // A fit that overflowed (a step or penalty too large, e.g. sgd with C = 1e-300) must not become a model:
    // NaN or Infinity parameters cannot predict, and a model file cannot hold them. The model keeps its
    // previous state. (A solver that stopped on a non-finite trial but kept its last finite iterate, as gd
    // with a too-large fixed step does, returns a usable model with advice instead.)
    if (!allFiniteF64(w) || !Number.isFinite(result.value)) {
      const advice = adviceFor(result, o, new Float64Array(0), null, M, yIdx, K, R, true);
      throw new FitError(
        `the fit diverged: ${o.solver} ended after ${result.iterations} iteration(s) with ${!allFiniteF64(w) ? 'non-finite coefficients' : `objective ${result.value}`} (${result.stopReason}${result.message ? `: ${result.message}` : ''})${advice.length ? `; ${advice.join('; ')}` : ''}`,
        result.stopReason,
        result.iterations,
      );
    }
    // Only the unpenalized softmax leaves W's direction free (an L1 or group penalty pins it); ovr and
    // the binomial model have none.
    if (kind === 'multinomial') this.applyGauge(w, K, d, o.fitIntercept, o.penalty === 'none' || o.C === Infinity);
    const W = w.slice(0, R * d);
    const b = o.fitIntercept ? w.slice(R * d, R * d + R) : new Float64Array(R);
    const { w: _w, ...rest } = result;
    this.loadState({
      classes,
      multiClass: kind,
      coef: rowsOf(W, d),
      intercept: Array.from(b),
      featureNames,
      scaler,
      featureMap,
      fitResult: {
        ...rest,
        solver: o.solver,
        threads,
        nSamples: n,
        sumWeights,
        advice: adviceFor(result, o, W, o.fitIntercept ? b : null, M, yIdx, K, R),
      },
    });
    return this;
  }

  /**
   * Fit on data read in blocks (a BlockStore: softmax-regression/node's `fitFile` / `fitStream` build one
   * from a file or an async iterable through a binary cache). Full-batch solvers reach the same optimum as
   * `fit` on the same rows; see docs/streaming.md for what is available.
   */
  fitBlocks(store: BlockStore, fitOptions: Pick<FitOptions, 'onIteration'> = {}): this {
    const o = this.options;
    this.online = null;
    const s = store.summary;
    if (s.classes.length < 2) {
      throw new DataError('TOO_FEW_CLASSES', `the data have ${s.classes.length} distinct class(es): softmax regression needs at least 2`);
    }
    const r = fitStore(o, store, fitOptions.onIteration);
    const { w: _w, ...rest } = r.result;
    this.loadState({
      classes: s.classes,
      multiClass: r.kind,
      coef: rowsOf(r.W, s.d),
      intercept: Array.from(r.b),
      featureNames: s.featureNames,
      scaler: r.scaler,
      featureMap: null,
      fitResult: { ...rest, solver: o.solver, nSamples: s.n, sumWeights: s.n, advice: [] },
    });
    return this;
  }

  /**
   * Update the multinomial model with one batch of rows (online learning; src/stream/online.ts). The first
   * call needs `classes`, every label the model will ever see (as scikit-learn's partial_fit), unless the
   * model was fitted before (then it continues from that fit). Each call is one pass of mini-batch updates
   * over the batch with the rule of the model's mini-batch solver (`solver: 'adam'`, ...; plain SGD with
   * learningRate (default 0.01) when the solver is a full-batch one), its state kept between calls. Scaling
   * (option `scale`) is fitted on the first batch and then kept.
   */
  partialFit(
    X: MatrixLike,
    y: ArrayLike<Label>,
    opts: {
      classes?: ArrayLike<Label>;
      featureNames?: string[];
      /**
       * Rows of the whole data set when the batches replay a fixed one over several epochs: the penalty's
       * share per row is then l2 / nSamples, as in fit (default: the rows seen so far, for a true stream).
       */
      nSamples?: number;
    } = {},
  ): this {
    const o = this.options;
    let M = toMatrix(X);
    if (!y || typeof y.length !== 'number') throw new DataError('SHAPE_MISMATCH', `y must be an array of labels`);
    if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
    let st = this.online;
    const given = opts.classes !== undefined ? uniqueSortedLabels(opts.classes) : null;
    if (st === null) {
      checkStreamOptions(o, 'partialFit');
      const classes = given ?? (this.kind === 'multinomial' ? this.classes : null);
      if (!classes) {
        throw new OptionError('classes', 'the first partialFit call needs classes: every label the model will ever see (later batches may lack some of them)');
      }
      if (classes.length < 2) throw new DataError('TOO_FEW_CLASSES', `classes lists ${classes.length} label(s): softmax regression needs at least 2`);
      const K = classes.length;
      const d = M.cols;
      const continuing = this.kind === 'multinomial' && this.classes !== null && sameLabels(this.classes, classes) && this.nFeatures === d;
      if (!continuing) {
        this.scaler = o.scale === 'none' ? null : fitScaler(o.scale, M);
        this.featureNames = opts.featureNames ? [...opts.featureNames] : null;
        this.fitResult = null;
      }
      const w = new Float64Array(K * d + (o.fitIntercept ? K : 0));
      if (continuing) {
        const { W, b } = this.params('partialFit');
        w.set(W);
        if (o.fitIntercept) w.set(b, K * d);
      }
      const entry = SOLVERS[o.solver]!;
      let rule: UpdateRule;
      let learningRate: number;
      let schedule: (lr0: number, epoch: number) => number;
      let batchSize = o.batchSize;
      const rng = makeRng(o.randomState);
      if (entry.minibatch) {
        const cfg = entry.configure(o, { gtol: 0, tol: o.tol, sumWeights: 1, rng, nonSmooth: null, validation: null }) as StochasticOptions;
        rule = cfg.rule ?? (entry.solver as unknown as { defaultRule: (x: StochasticOptions) => UpdateRule }).defaultRule(cfg);
        learningRate = cfg.learningRate;
        schedule = cfg.schedule ?? makeSchedule('constant');
        batchSize = cfg.batchSize ?? batchSize;
      } else {
        rule = sgdRule(o.momentum, o.nesterov);
        learningRate = o.learningRate ?? 0.01;
        schedule = makeSchedule(o.schedule, { powerT: o.powerT, dropFactor: o.dropFactor, dropEvery: o.dropEvery });
      }
      st = {
        rule,
        ruleState: rule.init(w.length),
        w,
        seen: continuing ? (this.fitResult?.nSamples ?? 0) : 0,
        calls: 0,
        updates: 0,
        rng,
        learningRate,
        schedule,
        batchSize,
      };
      this.online = st;
      this.classes = [...classes];
      this.kind = 'multinomial';
      this.nFeatures = d;
    } else if (given && !sameLabels(given, this.classes!)) {
      throw new OptionError('classes', `differ from the first partialFit call's (${listForMessage(this.classes!, { quote: '' })})`);
    }
    const classes = this.classes!;
    const K = classes.length;
    const yIdx = encodeLabels(y, classes);
    if (M.cols !== this.nFeatures) throw new DataError('FEATURE_MISMATCH', `partialFit: X has ${M.cols} features but the model has ${this.nFeatures}`);
    if (this.scaler) M = applyScaler(this.scaler, M);
    const l2 = o.penalty === 'none' || o.C === Infinity ? 0 : 1 / o.C;
    onlineStep(st, M, yIdx, K, { fitIntercept: o.fitIntercept, l2, nSamples: opts.nSamples });
    const d = this.nFeatures;
    const W = st.w.slice(0, K * d);
    const b = o.fitIntercept ? st.w.slice(K * d, K * d + K) : new Float64Array(K);
    if (!allFiniteF64(W) || !allFiniteF64(b)) {
      this.online = null;
      throw new FitError(
        `partialFit diverged (non-finite coefficients): lower learningRate (now ${st.learningRate}) or standardize the features`,
        'non-finite',
        st.calls,
      );
    }
    // The reported intercepts in the usual gauge (sum 0); the optimizer keeps its own iterate.
    if (o.fitIntercept) {
      let m = 0;
      for (let k = 0; k < K; k++) m += b[k]!;
      for (let k = 0; k < K; k++) b[k]! -= m / K;
    }
    this.coef = rowsOf(W, d);
    this.intercept = Array.from(b);
    this.params('partialFit');
    return this;
  }

  /**
   * Estimated peak memory (bytes, with its parts) of fitting X and y with these options: the figure fit()
   * checks against the memory budget (formula in docs/reliability.md).
   */
  estimateMemory(X: MatrixLike, y: ArrayLike<Label>, fitOptions: FitOptions = {}): MemoryEstimate {
    const M = toMatrix(X, 'X', false);
    return estimateFitMemory(this.fitShape(M, uniqueSortedLabels(y).length, fitOptions));
  }

  private fitShape(M: Matrix, K: number, fitOptions: FitOptions): FitShape {
    const o = this.options;
    return {
      n: M.rows,
      d: M.cols,
      K,
      nnz: M.kind === 'csr' ? (M as unknown as { nnz: number }).nnz : undefined,
      solver: o.solver,
      elementBytes: o.dtype === 'float32' && M.kind !== 'csr' ? 4 : 8,
      scaled: o.scale !== 'none',
      weighted: fitOptions.sampleWeight !== undefined || o.classWeight !== null,
      multiClass: fittedMultiClassFor(o.multiClass, K),
    };
  }

  /**
   * Fix the free direction: softmax scores are unchanged by adding one constant to every intercept (and,
   * with no penalty, one vector to every row of W). Report b (and W without penalty) with zero mean across
   * classes, the gauge scikit-learn's fits and the reference files use; an L2 optimum is already in it.
   */
  private applyGauge(w: Float64Array, K: number, d: number, fitIntercept: boolean, centerCoef: boolean): void {
    if (fitIntercept) {
      let m = 0;
      for (let k = 0; k < K; k++) m += w[K * d + k]!;
      m /= K;
      for (let k = 0; k < K; k++) w[K * d + k]! -= m;
    }
    if (centerCoef) {
      for (let j = 0; j < d; j++) {
        let m = 0;
        for (let k = 0; k < K; k++) m += w[k * d + j]!;
        m /= K;
        for (let k = 0; k < K; k++) w[k * d + j]! -= m;
      }
    }
  }

  private classWeights(classes: Label[], yIdx: Int32Array): Float64Array | null {
    const cw = this.options.classWeight;
    if (cw === null) return null;
    const K = classes.length;
    const out = new Float64Array(K);
    if (cw === 'balanced') {
      const count = new Float64Array(K);
      for (let i = 0; i < yIdx.length; i++) count[yIdx[i]!]!++;
      for (let k = 0; k < K; k++) out[k] = yIdx.length / (K * count[k]!);
      return out;
    }
    const known = new Set(classes.map(String));
    for (const key of Object.keys(cw)) {
      if (!known.has(key)) throw new OptionError('classWeight', `names class '${key}', which is not in y (classes: ${listForMessage(classes, { quote: '' })})`);
    }
    // Own properties only: a class named 'constructor' or 'toString' must not find Object.prototype's member.
    classes.forEach((c, k) => (out[k] = Object.prototype.hasOwnProperty.call(cw, String(c)) ? cw[String(c)]! : 1));
    return out;
  }

  /**
   * Set the coefficients (R x d row-major) and intercepts (R) of a model whose `classes` are set: R = K
   * rows read as this model's options say (multinomial or ovr), or R = 1 with two classes (binomial).
   */
  setParams(W: Float64Array, b: Float64Array): void {
    if (!this.classes) throw new NotFittedError('setParams (set classes first)');
    const R = b.length;
    const K = this.classes.length;
    const kind: FittedMultiClass = R === 1 && K === 2 ? 'binomial' : this.options.multiClass === 'ovr' ? 'ovr' : 'multinomial';
    this.loadState({
      classes: this.classes,
      multiClass: kind,
      coef: rowsOf(W, W.length / R),
      intercept: Array.from(b),
      featureNames: this.featureNames,
      scaler: this.scaler,
      fitResult: this.fitResult,
    });
  }

  private checkFitted(method: string): void {
    if (!this.coef || !this.intercept || !this.classes || !this.kind) throw new NotFittedError(method);
  }

  /** Rows of coef the model's kind needs. */
  private get nRows(): number {
    return this.kind === 'binomial' ? 1 : this.nClasses;
  }

  /**
   * The public coef / intercept, checked (shape R x nFeatures, finite) and copied into the flat arrays the
   * kernels read. Called by every predict method, so writes to model.coef take effect (scikit-learn's
   * coef_ semantics) and can never silently diverge from what toJSON saves.
   */
  private params(method: string): { W: Float64Array; b: Float64Array } {
    const R = this.nRows;
    const d = this.nFeatures;
    const coef = this.coef;
    const intercept = this.intercept;
    if (!Array.isArray(coef) || coef.length !== R) {
      throw new DataError(
        'SHAPE_MISMATCH',
        `${method}: model.coef must be ${R} x ${d} (${this.kind}, ${this.nClasses} classes), got ${Array.isArray(coef) ? `${coef.length} rows` : typeof coef}`,
      );
    }
    if (!Array.isArray(intercept) || intercept.length !== R) {
      throw new DataError(
        'SHAPE_MISMATCH',
        `${method}: model.intercept must have ${R} entr${R === 1 ? 'y' : 'ies'}, got ${Array.isArray(intercept) ? intercept.length : typeof intercept}`,
      );
    }
    if (!this.W || this.W.length !== R * d) this.W = new Float64Array(R * d);
    if (!this.b || this.b.length !== R) this.b = new Float64Array(R);
    const W = this.W;
    const b = this.b;
    for (let k = 0; k < R; k++) {
      const row = coef[k];
      if (!row || typeof row !== 'object' || row.length !== d)
        throw new DataError(
          'SHAPE_MISMATCH',
          `${method}: model.coef[${k}] must have ${d} entries, got ${row && typeof row === 'object' ? row.length : typeof row}`,
        );
      for (let j = 0; j < d; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new DataError('NON_FINITE', `${method}: model.coef[${k}][${j}] must be a finite number, got ${String(v)}`);
        W[k * d + j] = v;
      }
      const bk = intercept[k];
      if (typeof bk !== 'number' || !Number.isFinite(bk))
        throw new DataError('NON_FINITE', `${method}: model.intercept[${k}] must be a finite number, got ${String(bk)}`);
      b[k] = bk;
    }
    return { W, b };
  }

  /** X as a Matrix, checked (except for non-finite values: see decisionFunctionFlat) and scaled as at fit time. */
  private prepare(X: MatrixLike, method: string): { M: Matrix; input: Matrix } {
    this.checkFitted(method);
    if (this.scaler && this.scaler.offset.length !== this.nFeatures)
      throw new DataError('SHAPE_MISMATCH', `${method}: the model's scaler has ${this.scaler.offset.length} features, its coefficients ${this.nFeatures}`);
    const input = toMatrix(X, 'X', false);
    let M = input;
    if (this.featureMap) {
      // A map can turn a non-finite input finite (an rbf of Infinity is 0): check the input itself.
      assertFinite(input);
      M = applyFeatureMap(this.featureMap, input, `${method}: X`);
    }
    if (M.cols !== this.nFeatures) {
      throw new DataError('FEATURE_MISMATCH', `${method}: X has ${M.cols} features but the model was fitted with ${this.nFeatures}`);
    }
    if (this.scaler) M = applyScaler(this.scaler, M);
    return { M, input };
  }

  /**
   * Scores z = W x + b as a flat n x R Float64Array: R = K, or R = 1 for the binomial model (the one score
   * w.x + b of classes[1], scikit-learn's decision_function for two classes).
   */
  decisionFunctionFlat(X: MatrixLike): Float64Array {
    return this.scoresFlat(X, 'decisionFunction', false);
  }

  /**
   * Scores (or multinomial probabilities, `softmax`) of X, n x K, checked for non-finite input. A NaN or
   * +-Infinity in row i makes every score of row i non-finite (IEEE sums propagate them, and scaling is
   * affine), and so every probability of that row too (softmax of a row holding NaN or +-Infinity is NaN),
   * so a scan of the n x K output replaces a scan of X; only when it fails is X scanned to name the value.
   * Finite X whose scores overflow is an error too: predictions are never NaN or Infinity.
   */
  private scoresFlat(X: MatrixLike, method: string, softmax: boolean): Float64Array {
    const { M, input } = this.prepare(X, method);
    const { W, b } = this.params(method);
    const K = this.nRows;
    // n x K scores: checked against the budget first (a typed error, not a failed allocation).
    // Probabilities are n x nClasses even where the scores are n x 1 (binomial).
    checkMemory(8 * M.rows * this.nClasses, resolveLimits(), `${method}() on ${M.rows} rows x ${this.nClasses} classes`, 'predict in batches of rows');
    const Z = new Float64Array(M.rows * K);
    if (softmax) predictProbabilities(M, W, K, b, Z, this.options.threads);
    else predictScores(M, W, K, b, Z, this.options.threads);
    if (!allFiniteF64(Z)) {
      assertFinite(input);
      // X is finite, so a score overflowed (|x| near the float64 limit times the coefficients): say so,
      // rather than return NaN or Infinity.
      let bad = 0;
      while (Number.isFinite(Z[bad]!)) bad++;
      const row = Math.floor(bad / K);
      throw new DataError('NON_FINITE', `${method}: the scores of row ${row} overflow float64 (feature values too large for this model's coefficients)`, {
        row,
      });
    }
    return Z;
  }

  /** Probabilities p = softmax(z) as a flat n x K Float64Array. */
  predictProbaFlat(X: MatrixLike): Float64Array {
    // Multinomial: scores and softmax in one call, so the worker threads (enableThreads) do both.
    if (this.kind === 'multinomial') return this.scoresFlat(X, 'predictProba', true);
    if (this.kind === 'binomial') return binomialProbaInto(this.scoresFlat(X, 'predictProba', false));
    const Z = this.scoresFlat(X, 'predictProba', false);
    const K = this.nClasses;
    for (let i = 0; i < Z.length; i += K) ovrProbaInPlace(Z, i, K);
    return Z;
  }

  /** Scores, n x K (n x 1 for the binomial model: see decisionFunctionFlat). */
  decisionFunction(X: MatrixLike): number[][] {
    return rowsOf(this.decisionFunctionFlat(X), this.nRows);
  }

  predictProba(X: MatrixLike): number[][] {
    return rowsOf(this.predictProbaFlat(X), this.nClasses);
  }

  /** log p computed as z - logsumexp(z): finite even where p underflows to 0. */
  predictLogProba(X: MatrixLike): number[][] {
    return rowsOf(this.predictLogProbaFlat(X), this.nClasses);
  }

  /** log p as a flat n x K Float64Array (no per-row arrays: what large n x K evaluations use); n x 2 for binomial. */
  predictLogProbaFlat(X: MatrixLike): Float64Array {
    const Z = this.scoresFlat(X, 'predictLogProba', false);
    if (this.kind === 'binomial') return binomialLogProbaInto(Z);
    const K = this.nClasses;
    const logProba = this.kind === 'ovr' ? ovrLogProbaInPlace : logSoftmaxInPlace;
    for (let i = 0; i < Z.length; i += K) logProba(Z, i, K);
    return Z;
  }

  /** Class indices (argmax of the scores; ties go to the first class, as numpy's argmax). */
  predictIndex(X: MatrixLike): Int32Array {
    const Z = this.scoresFlat(X, 'predict', false);
    if (this.kind === 'binomial') {
      // classes[1] where w.x + b > 0 (a score of exactly 0 goes to classes[0], as scikit-learn's).
      return Int32Array.from(Z, (z) => (z > 0 ? 1 : 0));
    }
    const K = this.nClasses;
    const n = Z.length / K;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (Z[i * K + k]! > Z[i * K + best]!) best = k;
      out[i] = best;
    }
    return out;
  }

  predict(X: MatrixLike): Label[] {
    const idx = this.predictIndex(X);
    return Array.from(idx, (k) => this.classes![k]!);
  }

  /** Mean accuracy (weighted by sampleWeight when given). */
  score(X: MatrixLike, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number>): number {
    const idx = this.predictIndex(X);
    if (y.length !== idx.length) throw new DataError('SHAPE_MISMATCH', `X has ${idx.length} rows but y has ${y.length} labels`);
    const sw = sampleWeight ? checkSampleWeight(sampleWeight, idx.length) : null;
    let hit = 0;
    let tot = 0;
    for (let i = 0; i < idx.length; i++) {
      const s = sw ? sw[i]! : 1;
      tot += s;
      if (this.classes![idx[i]!] === y[i]) hit += s;
    }
    return hit / tot;
  }

  /**
   * The model file's content. Checked by the loader's own validation before it is returned, so a model that
   * could not be loaded back (a non-finite number, which JSON writes as null) is never written: saving
   * fails instead of reporting success.
   */
  toJSON(): ModelJSON {
    this.checkFitted('toJSON');
    const json = modelToJSON(this.fittedState(), this.options);
    try {
      modelFromJSON(json, (state, opts) => SoftmaxRegression.fromState(state, opts));
    } catch (e) {
      if (e instanceof ModelFormatError) {
        throw new SoftmaxError(
          'MODEL_FORMAT',
          `this model cannot be written as a loadable model file (at ${e.path || 'the top level'}: ${e.detail}); nothing was saved`,
        );
      }
      throw e;
    }
    return json;
  }

  /** Load a model from its JSON form (an object, or a JSON string), validating everything. */
  static fromJSON(json: unknown): SoftmaxRegression {
    return modelFromJSON(json, (state, opts) => SoftmaxRegression.fromState(state, opts));
  }
}

function rowsOf(flat: ArrayLike<number> & { subarray?: unknown }, K: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += K) out.push(Array.prototype.slice.call(flat, i, i + K) as number[]);
  return out;
}

function sameLabels(a: Label[], b: Label[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Advice a user can act on when a fit did not converge or looks degenerate. */
function adviceFor(
  r: SolveResult,
  o: SoftmaxRegressionOptions,
  W: Float64Array,
  b: Float64Array | null,
  X: Matrix,
  y: Int32Array,
  K: number,
  R: number,
  diverged = false,
): string[] {
  const out: string[] = [];
  if (diverged) {
    if (o.penalty !== 'none' && o.C < 1e-6) out.push(`C = ${o.C} makes the penalty (strength 1/C) overflow: raise C`);
    if (SOLVERS[o.solver]?.minibatch || o.learningRate !== null) out.push(`lower learningRate (now ${o.learningRate ?? 'the default'}) or use solver 'lbfgs'`);
    if (o.scale === 'none') out.push("standardize the features (scale: 'standard')");
    return out;
  }
  if ((o.penalty === 'none' || o.C === Infinity) && separates(X, y, K, W, b, R)) {
    // A linear rule classifies every training row correctly, so scaling it up lowers the loss forever: the
    // unpenalized optimum is at infinity and the coefficients found depend only on where the solver stopped.
    out.push(
      `the training data are linearly separable (the fitted model classifies every row correctly) and penalty is 'none': the optimum is at infinity, so the coefficients depend on tol/maxIter; use penalty 'l2' (finite C) for a unique, finite solution`,
    );
  }
  if (!r.converged) {
    if (r.stopReason === 'max-iterations') out.push(`raise maxIter (now ${o.maxIter}) or loosen tol (now ${o.tol})`);
    if (o.scale === 'none' && X.kind === 'dense') {
      // Ask about very different feature scales, naming the most extreme columns.
      const d = X.cols;
      const n = X.rows;
      // Largest |x| per column on a sample of rows: a scale measure that cannot overflow (squares of 1e300 would).
      const big = new Float64Array(d);
      const step = Math.max(1, Math.floor(n / 2000));
      for (let i = 0; i < n; i += step) for (let j = 0; j < d; j++) big[j] = Math.max(big[j]!, Math.abs(X.get(i, j)));
      let lo = Infinity;
      let hi = 0;
      let jlo = 0;
      let jhi = 0;
      for (let j = 0; j < d; j++) {
        if (big[j]! > 0 && big[j]! < lo) ((lo = big[j]!), (jlo = j));
        if (big[j]! > hi) ((hi = big[j]!), (jhi = j));
      }
      if (hi > 0 && lo < Infinity && hi / lo > 100) {
        out.push(
          `features are on very different scales (column ${jhi} reaches ~${(hi / lo).toExponential(1)}x the magnitude of column ${jlo}): standardize them (option scale: 'standard')`,
        );
      }
    }
    if (r.stopReason === 'line-search-failed') out.push("the line search failed: the problem may be badly scaled; try scale: 'standard' or solver 'newton-cg'");
    if (r.stopReason === 'non-finite' && (o.learningRate !== null || SOLVERS[o.solver]?.minibatch)) {
      out.push(
        `the step size is too large: the objective blew up; lower learningRate (now ${o.learningRate ?? 'the default'}) or standardize the features (scale: 'standard')`,
      );
    }
    if (r.stopReason === 'max-iterations' && (o.solver === 'sag' || o.solver === 'saga' || o.solver === 'gd' || SOLVERS[o.solver]?.minibatch)) {
      out.push(
        `'${o.solver}' is a first-order method whose speed depends on the feature scales and on C; standardize the features, or use 'lbfgs' / 'trust-region'${o.penalty === 'l1' || o.penalty === 'elasticnet' || o.penalty === 'group-lasso' ? " (or 'fista' for this penalty)" : ''}`,
      );
    }
  }
  return out;
}

/** Largest |x| whose square, summed over a row of d such values, stays finite: sqrt(MAX_VALUE / d). */
export function maxSafeMagnitude(d: number): number {
  return Math.sqrt(Number.MAX_VALUE / Math.max(1, d));
}
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Refuse, before a fit, values the solvers cannot work with: squared row norms (step sizes, Lipschitz
 * constants, curvature) overflow float64 when |x| exceeds sqrt(MAX_VALUE / d), about 1.3e154 / sqrt(d),
 * and dtype 'float32' turns anything beyond 3.4e38 into Infinity. Otherwise the fit would end in NaN.
 */
function checkMagnitudes(M: Matrix, dtype: string, scaled: boolean): void {
  const data = M instanceof DenseMatrix ? M.data : (M as unknown as { data: ArrayLike<number> }).data;
  const d = M.cols;
  const limit = Math.min(maxSafeMagnitude(d), dtype === 'float32' ? FLOAT32_MAX : Infinity);
  let worst = 0;
  let at = -1;
  for (let p = 0; p < data.length; p++) {
    const a = Math.abs(data[p]!);
    if (a > worst) {
      worst = a;
      at = p;
    }
  }
  if (!(worst > limit)) return;
  let where = '';
  if (M instanceof DenseMatrix) where = ` (row ${Math.floor(at / d)}, column ${at % d})`;
  const row = M instanceof DenseMatrix ? Math.floor(at / d) : undefined;
  const column = M instanceof DenseMatrix ? at % d : undefined;
  if (dtype === 'float32' && worst > FLOAT32_MAX) {
    throw new DataError(
      'NON_FINITE',
      `a feature value of ${worst.toExponential(3)}${scaled ? ' after scaling' : ''}${where} is beyond float32's range (3.4e38): use dtype 'float64'${scaled ? '' : " or scale: 'standard'"}`,
      { row, column },
    );
  }
  throw new DataError(
    'NON_FINITE',
    `a feature value of ${worst.toExponential(3)}${scaled ? ' after scaling' : ''}${where} is too large: squared norms of rows of ${d} such values overflow float64 (limit ${limit.toExponential(2)}); ${scaled ? 'rescale the data' : "use scale: 'standard' (--scale standard) or rescale the data"}`,
    { row, column },
  );
}

/** Whether the linear model (W, b) classifies every row of X correctly (strictly: ties count as errors). */
function separates(X: Matrix, y: Int32Array, K: number, W: Float64Array, b: Float64Array | null, R: number): boolean {
  const z = new Float64Array(K);
  for (let i = 0; i < X.rows; i++) {
    X.rowScores(i, W, R, b, z);
    if (R === 1) {
      // Binomial: one score, positive for classes[1].
      if (y[i] === 1 ? !(z[0]! > 0) : !(z[0]! < 0)) return false;
      continue;
    }
    const zy = z[y[i]!]!;
    for (let k = 0; k < K; k++) if (k !== y[i] && z[k]! >= zy) return false;
  }
  return true;
}
