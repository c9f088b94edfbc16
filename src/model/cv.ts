/**
 * SoftmaxRegressionCV: choose C (and, for elastic net, l1Ratio) by stratified k-fold cross-validation,
 * then refit on all the data with the winner (scikit-learn's LogisticRegressionCV). This is the one
 * cross-validation loop of the package: `softmax cv` runs it too.
 *
 * Folds: stratifiedKFold (src/data/split.ts) with seed randomState: within each class, the rows are shuffled
 * and dealt round-robin into `cv` folds, so every fold keeps the class proportions (each class needs at least
 * `cv` rows). For each l1Ratio and fold, the whole C grid is fitted as a warm-started regularization path on
 * the other folds and scored on the held-out fold. Folds can also be given, one fold id per row (`cv` as an
 * array, scikit-learn's PredefinedSplit). Scoring, over the held-out rows, weighted by the fit's sample
 * weights when given (scikit-learn >= 1.4 passes sample_weight to the scorer; class weights are not used):
 *   'accuracy' (default, as scikit-learn):  weighted fraction predicted right; higher is better
 *   'log-loss':                             weighted mean -log p(y_i | x_i); lower is better
 * Per (l1Ratio, C): the mean over folds and the population standard deviation (numpy's default, as
 * scikit-learn's cv_results_). The winner has the best mean; ties go to the smallest C (the strongest
 * penalty), then the first l1Ratio given. refit: false (scikit-learn's behaviour): each fold's best
 * setting (first on ties), and a model whose coefficients and intercepts are the average of those folds'
 * fits, with C (and l1Ratio) the average of the folds' best values.
 */
import { DataError, NotFittedError, OptionError } from '../errors.js';
import type { CSRMatrix } from '../matrix/csr.js';
import type { DenseMatrix } from '../matrix/dense.js';
import { stratifiedKFold } from '../data/split.js';
import { encodeLabels, uniqueSortedLabels, type Label } from '../core/labels.js';
import { checkSampleWeight } from '../core/weights.js';
import { toMatrix, type MatrixLike } from './input.js';
import { resolveOptions, type SoftmaxRegressionOptions } from './options.js';
import { regularizationPath, resolveCs } from './path.js';
import { SoftmaxRegression, type FitOptions } from './softmax-regression.js';
import type { FittedState } from './state.js';

export type CVScoring = 'accuracy' | 'log-loss';

export interface SoftmaxRegressionCVOptions extends Partial<Omit<SoftmaxRegressionOptions, 'C' | 'l1Ratio' | 'warmStart'>> {
  /** C grid, or how many log-spaced values in [1e-4, 1e4] (default 10). */
  Cs?: number[] | number;
  /** l1Ratio grid (penalty 'elasticnet' only; default [0.5]). */
  l1Ratios?: number[];
  /**
   * Number of stratified folds (default 5), or the fold of every row: an array of n integers 0..k-1 (each
   * fold non-empty, every class present in every training part), as scikit-learn's PredefinedSplit.
   */
  cv?: number | ArrayLike<number>;
  scoring?: CVScoring;
  /**
   * Refit on all the data with the winner (default true). false (scikit-learn's refit=False): `model` has
   * the coefficients averaged over the folds' fits at each fold's best setting, and C / l1Ratio are the
   * averages of those settings.
   */
  refit?: boolean;
}

/** How one fold's fit at one C ended (for reports: cost and convergence of the search). */
export interface CVFitStats {
  iterations: number;
  converged: boolean;
  elapsedMs: number;
}

export class SoftmaxRegressionCV {
  readonly options: SoftmaxRegressionOptions;
  readonly Cs: number[];
  readonly l1Ratios: (number | null)[];
  /** Number of folds. */
  readonly cv: number;
  /** Fold id per row when given as `cv`, else null (stratified folds drawn with randomState). */
  readonly folds: Int32Array | null;
  readonly scoring: CVScoring;
  readonly refit: boolean;
  /** scores[r][f][c]: l1Ratio index r, fold f, C index c (Cs ascending). */
  scores: number[][][] | null = null;
  /** Mean over folds: meanScores[r][c]. */
  meanScores: number[][] | null = null;
  /** Population standard deviation over folds: stdScores[r][c]. */
  stdScores: number[][] | null = null;
  /** fitStats[r][f][c]: iterations, convergence and time of each fold's fit. */
  fitStats: CVFitStats[][][] | null = null;
  C: number | null = null;
  l1Ratio: number | null = null;
  bestScore: number | null = null;
  /** The model refitted on all data with the chosen C / l1Ratio (refit: false: the fold average). */
  model: SoftmaxRegression | null = null;
  /** refit: false: the index into Cs (and l1Ratios) each fold found best. */
  bestIndexPerFold: { r: number; c: number }[] | null = null;

  constructor(options: SoftmaxRegressionCVOptions = {}) {
    const { Cs, l1Ratios, cv, scoring, refit, ...rest } = options;
    if ('C' in rest) throw new OptionError('C', 'SoftmaxRegressionCV chooses C: give the grid as Cs');
    if ('l1Ratio' in rest) throw new OptionError('l1Ratio', 'SoftmaxRegressionCV chooses l1Ratio: give the grid as l1Ratios');
    if ('warmStart' in rest) throw new OptionError('warmStart', 'SoftmaxRegressionCV warm-starts along its C grid itself');
    this.Cs = resolveCs(Cs).sort((a, b) => a - b);
    const elastic = rest.penalty === 'elasticnet';
    if (l1Ratios !== undefined && !elastic) throw new OptionError('l1Ratios', `is only used with penalty 'elasticnet'`, 'INCOMPATIBLE_OPTIONS');
    const ratios = elastic ? (l1Ratios ?? [0.5]) : [null];
    if (!Array.isArray(ratios) || ratios.length === 0) throw new OptionError('l1Ratios', 'must be a non-empty array of numbers in [0, 1]');
    ratios.forEach((r, i) => {
      if (r !== null && (typeof r !== 'number' || !(r >= 0 && r <= 1))) throw new OptionError('l1Ratios', `entry ${i} must be in [0, 1], got ${String(r)}`);
    });
    this.l1Ratios = ratios;
    if (cv !== undefined && typeof cv === 'object' && cv !== null && typeof (cv as ArrayLike<number>).length === 'number') {
      const ids = Int32Array.from(cv as ArrayLike<number>, (v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
          throw new OptionError('cv', `fold id of row ${i} must be an integer >= 0, got ${String(v)}`);
        return v;
      });
      let k = 0;
      for (const v of ids) k = Math.max(k, v + 1);
      const seen = new Uint8Array(k);
      for (const v of ids) seen[v] = 1;
      const empty = seen.indexOf(0);
      if (empty >= 0) throw new OptionError('cv', `fold ${empty} has no rows (fold ids must be 0..k-1)`);
      if (k < 2) throw new OptionError('cv', `needs at least 2 folds, got ${k}`);
      this.folds = ids;
      this.cv = k;
    } else {
      this.folds = null;
      this.cv = (cv as number | undefined) ?? 5;
      if (!Number.isInteger(this.cv) || this.cv < 2) throw new OptionError('cv', `must be an integer >= 2 or an array of fold ids, got ${String(cv)}`);
    }
    this.scoring = scoring ?? 'accuracy';
    if (this.scoring !== 'accuracy' && this.scoring !== 'log-loss')
      throw new OptionError('scoring', `must be 'accuracy' or 'log-loss', got ${String(scoring)}`);
    this.refit = refit ?? true;
    if (typeof this.refit !== 'boolean') throw new OptionError('refit', `must be true or false, got ${String(refit)}`);
    if (rest.penalty === 'none')
      throw new OptionError(
        'penalty',
        `'none' has no C to choose: SoftmaxRegressionCV needs 'l2', 'l1', 'elasticnet' or 'group-lasso' (fit SoftmaxRegression for no penalty)`,
        'INCOMPATIBLE_OPTIONS',
      );
    // Validate the model options now (with a representative C and l1Ratio), so bad pairs fail here.
    this.options = resolveOptions({ ...rest, C: 1, l1Ratio: ratios[0] ?? null });
  }

  fit(X: MatrixLike, y: ArrayLike<Label>, fitOptions: FitOptions = {}): this {
    const M = toMatrix(X) as DenseMatrix | CSRMatrix;
    if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
    const classes = uniqueSortedLabels(y);
    const yIdx = encodeLabels(y, classes);
    const sw = fitOptions.sampleWeight ? checkSampleWeight(fitOptions.sampleWeight, M.rows) : null;
    let splits: { train: Int32Array; test: Int32Array }[];
    if (this.folds) {
      const folds = this.folds;
      if (folds.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `cv gives fold ids for ${folds.length} rows but X has ${M.rows}`);
      splits = [];
      for (let f = 0; f < this.cv; f++) {
        const train: number[] = [];
        const test: number[] = [];
        for (let i = 0; i < folds.length; i++) (folds[i] === f ? test : train).push(i);
        const present = new Set(train.map((i) => yIdx[i]!));
        if (present.size !== classes.length) {
          const missing = classes.filter((_, k) => !present.has(k));
          throw new DataError('TOO_FEW_CLASSES', `cv: the training part of fold ${f} has no rows of class ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
        }
        splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
      }
    } else {
      const counts = new Array<number>(classes.length).fill(0);
      for (let i = 0; i < yIdx.length; i++) counts[yIdx[i]!]!++;
      counts.forEach((c, k) => {
        if (c < this.cv) throw new DataError('TOO_FEW_CLASSES', `class ${JSON.stringify(classes[k])} has ${c} rows, fewer than cv = ${this.cv} folds`);
      });
      splits = stratifiedKFold(y, this.cv, this.options.randomState);
    }
    const parts = splits.map(({ train: tr, test: te }) => ({
      Xtr: M.selectRows(tr) as DenseMatrix | CSRMatrix,
      Xte: M.selectRows(te) as DenseMatrix | CSRMatrix,
      ytr: Array.from(tr, (i) => y[i]!),
      yte: Array.from(te, (i) => yIdx[i]!),
      sw: sw ? Array.from(tr, (i) => sw[i]!) : undefined,
      swTest: sw ? Array.from(te, (i) => sw[i]!) : null,
    }));
    const { C: _c, l1Ratio: _r, warmStart: _w, ...base } = this.options;
    const better = (a: number, b: number) => (this.scoring === 'accuracy' ? a > b : a < b);
    this.scores = [];
    this.meanScores = [];
    this.stdScores = [];
    this.fitStats = [];
    let best: { r: number; c: number; s: number } | null = null;
    // Per fold, its best (r, c) so far and that fit's state (refit: false averages them).
    const foldBest: { r: number; c: number; s: number; state: FittedState }[] = [];
    for (let r = 0; r < this.l1Ratios.length; r++) {
      const perFold: number[][] = [];
      const stats: CVFitStats[][] = [];
      for (let f = 0; f < parts.length; f++) {
        const p = parts[f]!;
        const row: number[] = [];
        const st: CVFitStats[] = [];
        const path = regularizationPath(p.Xtr, p.ytr, { ...base, l1Ratio: this.l1Ratios[r]!, Cs: this.Cs }, { sampleWeight: p.sw }, (m, C) => {
          const score = this.foldScore(m, p.Xte, p.yte, p.swTest);
          const c = this.Cs.indexOf(C);
          row.push(score);
          const fb = foldBest[f];
          if (!fb || better(score, fb.s)) foldBest[f] = { r, c, s: score, state: m.fittedState() };
        });
        for (const pt of path.points) st.push({ iterations: pt.iterations, converged: pt.converged, elapsedMs: pt.elapsedMs });
        perFold.push(row);
        stats.push(st);
      }
      this.scores.push(perFold);
      this.fitStats.push(stats);
      const mean = this.Cs.map((_, c) => perFold.reduce((a, row) => a + row[c]!, 0) / this.cv);
      this.meanScores.push(mean);
      this.stdScores.push(this.Cs.map((_, c) => Math.sqrt(perFold.reduce((a, row) => a + (row[c]! - mean[c]!) ** 2, 0) / this.cv)));
      mean.forEach((s, c) => {
        if (!best || better(s, best.s)) best = { r, c, s };
      });
    }
    const b = best!;
    this.C = this.Cs[b.c]!;
    this.l1Ratio = this.l1Ratios[b.r]!;
    this.bestScore = b.s;
    this.model = null;
    this.bestIndexPerFold = null;
    if (this.refit) {
      this.model = new SoftmaxRegression({ ...base, C: this.C, l1Ratio: this.l1Ratio });
      this.model.fit(M, y, fitOptions);
    } else {
      // scikit-learn's refit=False: average, over folds, the fit at each fold's own best setting.
      this.bestIndexPerFold = foldBest.map(({ r, c }) => ({ r, c }));
      const states = foldBest.map((fb) => fb.state);
      const first = states[0]!;
      const avg = (get: (s: FittedState) => number) => states.reduce((a, s) => a + get(s), 0) / states.length;
      const coef = first.coef.map((row, k) => row.map((_, j) => avg((s) => s.coef[k]![j]!)));
      const intercept = first.intercept.map((_, k) => avg((s) => s.intercept[k]!));
      this.C = foldBest.reduce((a, fb) => a + this.Cs[fb.c]!, 0) / foldBest.length;
      const ratios = foldBest.map((fb) => this.l1Ratios[fb.r]!);
      this.l1Ratio = ratios[0] === null ? null : ratios.reduce((a, v) => a + v!, 0) / ratios.length;
      this.model = SoftmaxRegression.fromState(
        { classes: first.classes, multiClass: first.multiClass, coef, intercept, featureNames: fitOptions.featureNames ?? null, scaler: null, fitResult: null },
        { ...base, C: this.C, l1Ratio: this.l1Ratio },
      );
    }
    return this;
  }

  /**
   * Each training part has every class (checked), so its model's class indices line up with yte. Rows are
   * weighted by the fit's sample weights when given (scikit-learn >= 1.4's scorer with sample_weight).
   */
  private foldScore(m: SoftmaxRegression, Xte: DenseMatrix | CSRMatrix, yte: number[], sw: number[] | null): number {
    let total = 0;
    for (let i = 0; i < yte.length; i++) total += sw ? sw[i]! : 1;
    if (this.scoring === 'accuracy') {
      const pred = m.predictIndex(Xte);
      let hit = 0;
      for (let i = 0; i < yte.length; i++) if (pred[i] === yte[i]) hit += sw ? sw[i]! : 1;
      return hit / total;
    }
    const lp = m.predictLogProba(Xte);
    let s = 0;
    for (let i = 0; i < yte.length; i++) s -= (sw ? sw[i]! : 1) * lp[i]![yte[i]!]!;
    return s / total;
  }

  private fitted(): SoftmaxRegression {
    if (!this.model) throw new NotFittedError('SoftmaxRegressionCV.predict');
    return this.model;
  }
  predict(X: MatrixLike): Label[] {
    return this.fitted().predict(X);
  }
  predictProba(X: MatrixLike): number[][] {
    return this.fitted().predictProba(X);
  }
  /** Mean accuracy of the model (weighted by sampleWeight when given). */
  score(X: MatrixLike, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number>): number {
    return this.fitted().score(X, y, sampleWeight);
  }
}
