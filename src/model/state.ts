/**
 * A fitted model as plain data: the state record that the estimator is built from (`fromState`) and that
 * the model file stores. It lives apart from the estimator so serialization depends on the data, not on
 * the class (no import cycle between model/serialize.ts and model/softmax-regression.ts).
 */
import type { ScalerState } from '../preprocess/scaler.js';
import type { FeatureMapState } from '../preprocess/features.js';
import type { SolveResult } from '../solvers/solver.js';
import type { Label } from '../core/labels.js';
import type { SoftmaxRegressionOptions } from './options.js';

/** How a fit ended, plus what it was fitted on. The per-iteration history is in `history`. */
export interface FitResult extends Omit<SolveResult, 'w'> {
  solver: string;
  /**
   * Threads the fit's loss passes ran on (the `threads` option resolved for this problem: 'auto' gives more
   * than one only in Node and above the size threshold). Not kept in model files.
   */
  threads?: number;
  nSamples: number;
  sumWeights: number;
  /** Advice when the fit did not converge or the data look problematic (empty when all is well). */
  advice: string[];
}

/**
 * How the coefficient rows of a fitted model are read:
 *   'multinomial': K rows, p = softmax(W x + b);
 *   'binomial':    two classes, ONE row w and one intercept b (scikit-learn's coef_ shape (1, d)),
 *                  p(classes[1] | x) = sigmoid(w.x + b), p(classes[0] | x) = 1 - that;
 *   'ovr':         K rows, one binary problem each, p_k = sigmoid(z_k) / sum_l sigmoid(z_l).
 */
export type FittedMultiClass = 'multinomial' | 'binomial' | 'ovr';

/**
 * Everything a fitted model is, as plain data: what `toJSON` writes and `SoftmaxRegression.fromState`
 * builds a model from (validated: shapes, finiteness, sorted classes). Arrays are copies.
 */
export interface FittedState {
  classes: Label[];
  multiClass: FittedMultiClass;
  /** R x d with R = 1 for 'binomial', K otherwise. */
  coef: number[][];
  /** R intercepts. */
  intercept: number[];
  featureNames: string[] | null;
  scaler: ScalerState | null;
  /** Fitted feature map applied before the scaler (absent or null: none); coef columns are its outputs. */
  featureMap?: FeatureMapState | null;
  fitResult: FitResult | null;
}

/** The multi-class treatment a fit with these options uses for K classes. */
export function fittedMultiClassFor(multiClass: SoftmaxRegressionOptions['multiClass'], K: number): FittedMultiClass {
  if (K === 2 && multiClass !== 'multinomial') return 'binomial';
  return multiClass === 'ovr' ? 'ovr' : 'multinomial';
}
