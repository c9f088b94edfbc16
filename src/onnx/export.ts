/**
 * toOnnx: a fitted model as an ONNX graph that ONNX Runtime (and anything else that reads ONNX) runs.
 *
 * Input `float_input` [N, d]; outputs `label` [N] (int64 or string class labels) and `probabilities`
 * [N, K]. No ZipMap: ONNX Runtime's JavaScript bindings cannot return map outputs, and a tensor is what
 * every runtime reads.
 *
 * dtype 'float32' (default): the graph scikit-learn's converter (skl2onnx) writes for LogisticRegression,
 *   one ai.onnx.ml LinearClassifier node:
 *     multinomial: multi_class=1, post_transform SOFTMAX;
 *     binomial:    rows [-w, w], intercepts [-b, b], post_transform LOGISTIC, so the two outputs are
 *                  [sigmoid(-z), sigmoid(z)] = [1 - p, p] (skl2onnx's two-column form of a binary model);
 *     one-vs-rest: post_transform LOGISTIC then Normalizer L1 (p_k = sigmoid(z_k) / sum_l sigmoid(z_l)).
 *   LinearClassifier holds float32 coefficients, so probabilities agree with predictProba to about 1e-6.
 * dtype 'float64': the same map in core operators on doubles (MatMul, Add, Softmax or Sigmoid [+ ReduceSum,
 *   Div], ArgMax, Gather on a label tensor), agreeing with predictProba to rounding (1e-12).
 * The stored feature scaling is folded into W and b (see linear.ts).
 */
import { OnnxError } from '../errors.js';
import type { Label } from '../core/labels.js';
import type { SoftmaxRegression } from '../model/softmax-regression.js';
import { linearForm, type LinearForm } from './linear.js';
import { DataType, encodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './proto.js';

export interface ToOnnxOptions {
  /** 'float32' (LinearClassifier, the default) or 'float64' (core operators on doubles). */
  dtype?: 'float32' | 'float64';
  /** Written as the model's producer_version. */
  producerVersion?: string;
}

export const ONNX_INPUT = 'float_input';
export const ONNX_OUTPUTS = ['label', 'probabilities'] as const;
/** Default-domain opset and IR version written (ONNX Runtime 1.30 reads opsets 13-26). */
const OPSET = 17;
const ML_OPSET = 1;
const IR_VERSION = 8;

function labelTensor(classes: Label[]): { dataType: number; values: number[] | string[] } {
  if (classes.every((c) => typeof c === 'string')) return { dataType: DataType.STRING, values: classes as string[] };
  const bad = classes.find((c) => typeof c !== 'number' || !Number.isSafeInteger(c));
  if (bad !== undefined) {
    throw new OnnxError(
      `class label ${JSON.stringify(bad)} is not an integer: ONNX classifiers label with int64 or string tensors (refit with integer or string labels)`,
    );
  }
  return { dataType: DataType.INT64, values: classes as number[] };
}

const attr = {
  i: (name: string, value: number): OnnxAttribute => ({ name, type: 'INT', value }),
  s: (name: string, value: string): OnnxAttribute => ({ name, type: 'STRING', value }),
  fs: (name: string, value: number[]): OnnxAttribute => ({ name, type: 'FLOATS', value }),
  is: (name: string, value: number[]): OnnxAttribute => ({ name, type: 'INTS', value }),
  ss: (name: string, value: string[]): OnnxAttribute => ({ name, type: 'STRINGS', value }),
};

function node(opType: string, inputs: string[], outputs: string[], attributes: OnnxAttribute[] = [], domain = ''): OnnxNode {
  return { name: `${opType}_${outputs[0]}`, opType, domain, inputs, outputs, attributes };
}

/** Rows of the score map as the graph holds them: a binomial row w becomes [-w, w] (scores [-z, z]). */
function scoreRows(f: LinearForm): { W: Float64Array; b: Float64Array; rows: number } {
  const d = f.nFeatures;
  if (f.kind !== 'binomial') return { W: f.W, b: f.b, rows: f.b.length };
  const W = new Float64Array(2 * d);
  for (let j = 0; j < d; j++) {
    W[j] = -f.W[j]!;
    W[d + j] = f.W[j]!;
  }
  return { W, b: Float64Array.of(-f.b[0]!, f.b[0]!), rows: 2 };
}

function float32Graph(f: LinearForm, labels: { dataType: number; values: number[] | string[] }): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const { W, b } = scoreRows(f);
  const attrs: OnnxAttribute[] = [
    attr.fs('coefficients', Array.from(W)),
    attr.fs('intercepts', Array.from(b)),
    attr.i('multi_class', f.kind === 'multinomial' ? 1 : 0),
    attr.s('post_transform', f.kind === 'multinomial' ? 'SOFTMAX' : 'LOGISTIC'),
    labels.dataType === DataType.STRING ? attr.ss('classlabels_strings', labels.values as string[]) : attr.is('classlabels_ints', labels.values as number[]),
  ];
  if (f.kind !== 'ovr') return { nodes: [node('LinearClassifier', [ONNX_INPUT], ['label', 'probabilities'], attrs, 'ai.onnx.ml')], initializers: [] };
  return {
    nodes: [
      node('LinearClassifier', [ONNX_INPUT], ['label', 'sigmoid_scores'], attrs, 'ai.onnx.ml'),
      node('Normalizer', ['sigmoid_scores'], ['probabilities'], [attr.s('norm', 'L1')], 'ai.onnx.ml'),
    ],
    initializers: [],
  };
}

function float64Graph(f: LinearForm, labels: { dataType: number; values: number[] | string[] }): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const d = f.nFeatures;
  const { W, b, rows } = scoreRows(f);
  // MatMul wants W' transposed: [d, rows].
  const Wt = new Array<number>(d * rows);
  for (let k = 0; k < rows; k++) for (let j = 0; j < d; j++) Wt[j * rows + k] = W[k * d + j]!;
  const initializers: OnnxTensor[] = [
    { name: 'coef', dataType: DataType.DOUBLE, dims: [d, rows], values: Wt },
    { name: 'intercept', dataType: DataType.DOUBLE, dims: [rows], values: Array.from(b) },
    { name: 'classes', dataType: labels.dataType, dims: [labels.values.length], values: labels.values },
  ];
  const nodes: OnnxNode[] = [node('MatMul', [ONNX_INPUT, 'coef'], ['xw']), node('Add', ['xw', 'intercept'], ['scores'])];
  if (f.kind === 'multinomial') nodes.push(node('Softmax', ['scores'], ['probabilities'], [attr.i('axis', 1)]));
  else if (f.kind === 'binomial') nodes.push(node('Sigmoid', ['scores'], ['probabilities']));
  else {
    initializers.push({ name: 'class_axis', dataType: DataType.INT64, dims: [1], values: [1] });
    nodes.push(
      node('Sigmoid', ['scores'], ['sigmoid_scores']),
      node('ReduceSum', ['sigmoid_scores', 'class_axis'], ['sigmoid_total'], [attr.i('keepdims', 1)]),
      node('Div', ['sigmoid_scores', 'sigmoid_total'], ['probabilities']),
    );
  }
  nodes.push(
    node('ArgMax', ['scores'], ['label_index'], [attr.i('axis', 1), attr.i('keepdims', 0)]),
    node('Gather', ['classes', 'label_index'], ['label'], [attr.i('axis', 0)]),
  );
  return { nodes, initializers };
}

/** Build the ONNX graph of a fitted model (see the file comment); `encodeOnnx` or `toOnnx` give bytes. */
export function toOnnxModel(model: SoftmaxRegression, options: ToOnnxOptions = {}): OnnxModel {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new OnnxError(`dtype must be 'float32' or 'float64', got '${String(dtype)}'`, { code: 'INVALID_OPTION' });
  const f = linearForm(model);
  const labels = labelTensor(f.classes);
  const K = f.classes.length;
  const { nodes, initializers } = dtype === 'float32' ? float32Graph(f, labels) : float64Graph(f, labels);
  const elem = dtype === 'float32' ? DataType.FLOAT : DataType.DOUBLE;
  const metadata: { key: string; value: string }[] = [{ key: 'link', value: f.kind }];
  if (f.featureNames) metadata.push({ key: 'feature_names', value: JSON.stringify(f.featureNames) });
  return {
    irVersion: IR_VERSION,
    opsets:
      dtype === 'float32'
        ? [
            { domain: '', version: OPSET },
            { domain: 'ai.onnx.ml', version: ML_OPSET },
          ]
        : [{ domain: '', version: OPSET }],
    producerName: 'softmax-regression',
    producerVersion: options.producerVersion ?? '',
    docString: `${f.kind} logistic regression, ${K} classes, ${f.nFeatures} features (${dtype})`,
    graph: {
      name: 'softmax_regression',
      nodes,
      initializers,
      inputs: [{ name: ONNX_INPUT, type: { kind: 'tensor', elemType: elem, shape: ['N', f.nFeatures] } }],
      outputs: [
        { name: 'label', type: { kind: 'tensor', elemType: labels.dataType, shape: ['N'] } },
        { name: 'probabilities', type: { kind: 'tensor', elemType: elem, shape: ['N', K] } },
      ],
    },
    metadata,
  };
}

/** A fitted model as ONNX bytes (an .onnx file's content). */
export function toOnnx(model: SoftmaxRegression, options: ToOnnxOptions = {}): Uint8Array<ArrayBuffer> {
  return encodeModel(toOnnxModel(model, options));
}
