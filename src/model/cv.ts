/**
 * SoftmaxRegressionCV: choose C (and, for elastic net, l1Ratio) by stratified k-fold cross-validation,
 * then refit on all the data with the winner (scikit-learn's LogisticRegressionCV). This is the one
 * cross-validation loop of the package: `softmax cv` runs it too.
 *
 * Folds: stratifiedKFold (src/data/split.ts) with seed randomState: within each class, the rows are shuffled
 * and dealt round-robin into `cv` folds, so every fold keeps the class proportions (each class needs at least
 * `cv` rows). For each l1Ratio and fold, the whole C grid is fitted as a warm-started regularization path on
 * the other folds and scored on the held-out fold. Scoring (unweighted, over held-out rows):
 *   'accuracy' (default, as scikit-learn):  fraction predicted right; higher is better
 *   'log-loss':                             mean -log p(y_i | x_i); lower is better
 * Per (l1Ratio, C): the mean over folds and the population standard deviation (numpy's default, as
 * scikit-learn's cv_results_). The winner has the best mean; ties go to the smallest C (the strongest
 * penalty), then the first l1Ratio given.
 */
import { DataError, NotFittedError, OptionError } from '../errors.js';
import type { CSRMatrix } from '../matrix/csr.js';
import type { DenseMatrix } from '../matrix/dense.js';
import { stratifiedKFold } from '../data/split.js';
import { encodeLabels, uniqueSortedLabels, type Label } from '../core/labels.js';
import { toMatrix, type MatrixLike } from './input.js';
import { resolveOptions, type SoftmaxRegressionOptions } from './options.js';
import { regularizationPath, resolveCs } from './path.js';
import { SoftmaxRegression, type FitOptions } from './softmax-regression.js';

export type CVScoring = 'accuracy' | 'log-loss';

export interface SoftmaxRegressionCVOptions extends Partial<Omit<SoftmaxRegressionOptions, 'C' | 'l1Ratio' | 'warmStart'>> {
  /** C grid, or how many log-spaced values in [1e-4, 1e4] (default 10). */
  Cs?: number[] | number;
  /** l1Ratio grid (penalty 'elasticnet' only; default [0.5]). */
  l1Ratios?: number[];
  /** Number of folds (default 5). */
  cv?: number;
  scoring?: CVScoring;
  /** Refit on all the data with the winner (default true); false leaves `model` null (scores only). */
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
  readonly cv: number;
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
  /** The model refitted on all data with the chosen C / l1Ratio. */
  model: SoftmaxRegression | null = null;

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
    this.cv = cv ?? 5;
    if (!Number.isInteger(this.cv) || this.cv < 2) throw new OptionError('cv', `must be an integer >= 2, got ${String(cv)}`);
    this.scoring = scoring ?? 'accuracy';
    if (this.scoring !== 'accuracy' && this.scoring !== 'log-loss')
      throw new OptionError('scoring', `must be 'accuracy' or 'log-loss', got ${String(scoring)}`);
    this.refit = refit ?? true;
    if (typeof this.refit !== 'boolean') throw new OptionError('refit', `must be true or false, got ${String(refit)}`);
    // Validate the model options now (with a representative C and l1Ratio), so bad pairs fail here.
    this.options = resolveOptions({ ...rest, C: 1, l1Ratio: ratios[0] ?? null });
  }

  fit(X: MatrixLike, y: ArrayLike<Label>, fitOptions: FitOptions = {}): this {
    const M = toMatrix(X) as DenseMatrix | CSRMatrix;
    if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
    const classes = uniqueSortedLabels(y);
    const yIdx = encodeLabels(y, classes);
    const counts = new Array<number>(classes.length).fill(0);
    for (let i = 0; i < yIdx.length; i++) counts[yIdx[i]!]!++;
    counts.forEach((c, k) => {
      if (c < this.cv) throw new DataError('TOO_FEW_CLASSES', `class ${JSON.stringify(classes[k])} has ${c} rows, fewer than cv = ${this.cv} folds`);
    });
    const splits = stratifiedKFold(y, this.cv, this.options.randomState);
    const parts = splits.map(({ train: tr, test: te }) => ({
      Xtr: M.selectRows(tr) as DenseMatrix | CSRMatrix,
      Xte: M.selectRows(te) as DenseMatrix | CSRMatrix,
      ytr: Array.from(tr, (i) => y[i]!),
      yte: Array.from(te, (i) => yIdx[i]!),
      sw: fitOptions.sampleWeight ? Array.from(tr, (i) => fitOptions.sampleWeight![i]!) : undefined,
    }));
    const { C: _c, l1Ratio: _r, warmStart: _w, ...base } = this.options;
    const better = (a: number, b: number) => (this.scoring === 'accuracy' ? a > b : a < b);
    this.scores = [];
    this.meanScores = [];
    this.stdScores = [];
    this.fitStats = [];
    let best: { r: number; c: number; s: number } | null = null;
    for (let r = 0; r < this.l1Ratios.length; r++) {
      const perFold: number[][] = [];
      const stats: CVFitStats[][] = [];
      for (const p of parts) {
        const row: number[] = [];
        const st: CVFitStats[] = [];
        const path = regularizationPath(p.Xtr, p.ytr, { ...base, l1Ratio: this.l1Ratios[r]!, Cs: this.Cs }, { sampleWeight: p.sw }, (m) =>
          row.push(this.foldScore(m, p.Xte, p.yte)),
        );
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
    if (this.refit) {
      this.model = new SoftmaxRegression({ ...base, C: this.C, l1Ratio: this.l1Ratio });
      this.model.fit(M, y, fitOptions);
    }
    return this;
  }

  /** Every class has >= cv rows, so each training fold has all classes and the indices line up. */
  private foldScore(m: SoftmaxRegression, Xte: DenseMatrix | CSRMatrix, yte: number[]): number {
    if (this.scoring === 'accuracy') {
      const pred = m.predictIndex(Xte);
      let hit = 0;
      for (let i = 0; i < yte.length; i++) if (pred[i] === yte[i]) hit++;
      return hit / yte.length;
    }
    const lp = m.predictLogProba(Xte);
    let s = 0;
    for (let i = 0; i < yte.length; i++) s -= lp[i]![yte[i]!]!;
    return s / yte.length;
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
  /** Mean accuracy of the refitted model. */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    return this.fitted().score(X, y);
  }
}
