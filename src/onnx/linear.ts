/**
 * A fitted model as the affine map ONNX graphs hold: scores z = W' x + b' on the raw features, with the
 * stored feature scaling folded in, and the link that turns scores into probabilities.
 *
 * Folding the scaling x'_j = (x_j - o_j) / s_j into the coefficients:
 *   z_k = sum_j W_kj (x_j - o_j) / s_j + b_k = sum_j (W_kj / s_j) x_j + (b_k - sum_j W_kj o_j / s_j).
 */
import { NotFittedError, OnnxError } from '../errors.js';
import type { Label } from '../core/labels.js';
import type { SoftmaxRegression } from '../model/softmax-regression.js';

/**
 * multinomial: p = softmax(z), one row per class.
 * binomial: one row, p(class 1) = sigmoid(z), p(class 0) = 1 - sigmoid(z) (scikit-learn's binary model).
 * ovr: one row per class, p_k = sigmoid(z_k) / sum_l sigmoid(z_l) (scikit-learn's one-vs-rest).
 */
export type LinkKind = 'multinomial' | 'binomial' | 'ovr';

export interface LinearForm {
  classes: Label[];
  kind: LinkKind;
  /** Rows of W' (1 for binomial, else one per class) x d, row-major. */
  W: Float64Array;
  b: Float64Array;
  nFeatures: number;
  featureNames: string[] | null;
}

export function linearForm(model: SoftmaxRegression): LinearForm {
  if (!model.coef || !model.intercept || !model.classes) throw new NotFittedError('toOnnx');
  // A feature map (x1^2, rbf, ...) is no linear function of the inputs: a graph of W and b would read the wrong columns.
  if (model.featureMap) {
    throw new OnnxError(
      `the model computes ${model.featureMap.terms.length} features from its ${model.featureMap.inputs} input columns (option featureMap); ONNX export covers models that are linear in their input columns`,
    );
  }
  const classes = [...model.classes];
  const rows = model.coef.length;
  const d = model.nFeatures;
  const kind: LinkKind = rows === 1 && classes.length === 2 ? 'binomial' : model.options.multiClass === 'ovr' ? 'ovr' : 'multinomial';
  if (kind !== 'binomial' && rows !== classes.length) throw new OnnxError(`model has ${rows} coefficient rows for ${classes.length} classes`);
  const W = new Float64Array(rows * d);
  const b = new Float64Array(rows);
  const s = model.scaler;
  for (let k = 0; k < rows; k++) {
    let shift = 0;
    for (let j = 0; j < d; j++) {
      const w = model.coef[k]![j]!;
      const scale = s ? s.scale[j]! : 1;
      W[k * d + j] = w / scale;
      if (s) shift += (w * s.offset[j]!) / scale;
    }
    b[k] = model.intercept[k]! - shift;
  }
  return { classes, kind, W, b, nFeatures: d, featureNames: model.featureNames ? [...model.featureNames] : null };
}
