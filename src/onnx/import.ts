/**
 * fromOnnx: read an ONNX logistic-regression graph back as a SoftmaxRegression, so a model trained in
 * Python (scikit-learn + skl2onnx) can be inspected, reported and served here.
 *
 * Read: the graphs skl2onnx writes for LogisticRegression and the graphs toOnnx writes, i.e.
 *   - LinearClassifier (ai.onnx.ml) with post_transform SOFTMAX (multinomial) or LOGISTIC (binary
 *     [-w, w] rows, or one-vs-rest followed by Normalizer L1), optionally followed by Normalizer and
 *     ZipMap;
 *   - MatMul + Add then Softmax (multinomial) or Sigmoid [+ Normalizer L1, or ReduceSum + Div]
 *     (binary / one-vs-rest), with ArgMax and a label lookup (ArrayFeatureExtractor or Gather on a
 *     label tensor, then Cast/Reshape), optionally ZipMap.
 * Anything else (another operator, a pipeline with a preprocessing node, raw scores) is refused with an
 * OnnxError naming the node, rather than read as something it is not.
 */
import { OnnxError } from '../errors.js';
import type { Label } from '../core/labels.js';
import { SoftmaxRegression } from '../model/softmax-regression.js';
import type { LinearForm, LinkKind } from './linear.js';
import { DataType, dataTypeName, decodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './proto.js';

const ML = 'ai.onnx.ml';
/** Operators we understand, by domain ('' is the default ONNX domain). */
const SUPPORTED: Record<string, readonly string[]> = {
  [ML]: ['LinearClassifier', 'Normalizer', 'ZipMap', 'ArrayFeatureExtractor'],
  '': ['MatMul', 'Gemm', 'Add', 'Softmax', 'Sigmoid', 'ArgMax', 'Gather', 'Cast', 'Reshape', 'Identity', 'ReduceSum', 'Div', 'Abs', 'Flatten'],
};

function describeNode(n: OnnxNode, i: number): string {
  return `node ${i} ${n.domain ? `${n.domain}.` : ''}${n.opType}${n.name ? ` '${n.name}'` : ''}`;
}

function getAttr(n: OnnxNode, name: string): OnnxAttribute | undefined {
  return n.attributes.find((a) => a.name === name);
}

function attrNumbers(n: OnnxNode, name: string): number[] | undefined {
  const a = getAttr(n, name);
  return a && (a.type === 'FLOATS' || a.type === 'INTS') ? a.value : undefined;
}

function attrInt(n: OnnxNode, name: string, dflt: number): number {
  const a = getAttr(n, name);
  return a && a.type === 'INT' ? a.value : dflt;
}

function attrString(n: OnnxNode, name: string, dflt: string): string {
  const a = getAttr(n, name);
  return a && a.type === 'STRING' ? a.value : dflt;
}

interface Parsed {
  classes: Label[];
  rows: number;
  W: Float64Array;
  b: Float64Array;
  link: 'softmax' | 'logistic';
  /** Whether sigmoid outputs are renormalized to sum to 1 (Normalizer L1, or ReduceSum + Div). */
  normalized: boolean;
  where: string;
}

function fromLinearClassifier(g: OnnxModel['graph'], lc: OnnxNode, at: string): Parsed {
  const coef = attrNumbers(lc, 'coefficients');
  if (!coef?.length) throw new OnnxError(`${at}: no 'coefficients' attribute`, { node: at });
  const intercepts = attrNumbers(lc, 'intercepts');
  const ints = attrNumbers(lc, 'classlabels_ints');
  const strs = getAttr(lc, 'classlabels_strings');
  const classes: Label[] | undefined = ints?.length ? ints : strs && strs.type === 'STRINGS' && strs.value.length ? strs.value : undefined;
  if (!classes) throw new OnnxError(`${at}: no class labels (classlabels_ints or classlabels_strings)`, { node: at });
  const rows = intercepts?.length ? intercepts.length : classes.length === 2 ? 1 : classes.length;
  if (coef.length % rows !== 0) throw new OnnxError(`${at}: ${coef.length} coefficients do not split into ${rows} rows`, { node: at });
  const post = attrString(lc, 'post_transform', 'NONE');
  if (post !== 'SOFTMAX' && post !== 'LOGISTIC') {
    throw new OnnxError(
      `${at}: post_transform '${post}' gives ${post === 'NONE' ? 'raw scores' : 'scores'}, not logistic-regression probabilities (SOFTMAX or LOGISTIC expected)`,
      { node: at },
    );
  }
  const probs = lc.outputs[1];
  const norm = g.nodes.find((n) => n.opType === 'Normalizer' && probs !== undefined && n.inputs[0] === probs);
  if (norm && attrString(norm, 'norm', 'MAX') !== 'L1')
    throw new OnnxError(`Normalizer '${norm.name}': norm '${attrString(norm, 'norm', 'MAX')}' is not the L1 normalization of probabilities`, {
      node: `Normalizer '${norm.name}'`,
    });
  return {
    classes,
    rows,
    W: Float64Array.from(coef),
    b: intercepts?.length ? Float64Array.from(intercepts) : new Float64Array(rows),
    link: post === 'SOFTMAX' ? 'softmax' : 'logistic',
    normalized: norm !== undefined,
    where: at,
  };
}

function fromMatMul(g: OnnxModel['graph'], inits: Map<string, OnnxTensor>): Parsed {
  const mm = g.nodes.filter((n) => n.opType === 'MatMul' || n.opType === 'Gemm');
  if (mm.length !== 1) throw new OnnxError(`expected one LinearClassifier, or one MatMul with the coefficients, found ${mm.length} MatMul/Gemm nodes`);
  const m = mm[0]!;
  const at = `${m.opType}${m.name ? ` '${m.name}'` : ''}`;
  const coefT = inits.get(m.inputs[1] ?? '');
  if (!coefT || coefT.dims.length !== 2 || coefT.dataType === DataType.STRING)
    throw new OnnxError(`${at}: its second input must be a 2-D numeric initializer (the coefficients)`, { node: at });
  const transB = m.opType === 'Gemm' && attrInt(m, 'transB', 0) === 1;
  if (m.opType === 'Gemm' && (attrInt(m, 'transA', 0) !== 0 || (getAttr(m, 'alpha') && (getAttr(m, 'alpha') as { value: number }).value !== 1))) {
    throw new OnnxError(`${at}: Gemm with transA or alpha != 1 is not supported`, { node: at });
  }
  const [r0, r1] = coefT.dims as [number, number];
  const d = transB ? r1 : r0;
  const rows = transB ? r0 : r1;
  const cv = coefT.values as number[];
  const W = new Float64Array(rows * d);
  for (let j = 0; j < d; j++) for (let k = 0; k < rows; k++) W[k * d + j] = transB ? cv[k * d + j]! : cv[j * rows + k]!;
  // The intercept: Gemm's C, or an Add of the MatMul's output with an initializer.
  let b = new Float64Array(rows);
  let scores = m.outputs[0]!;
  const interceptT =
    m.opType === 'Gemm' && m.inputs[2]
      ? inits.get(m.inputs[2])
      : (() => {
          const add = g.nodes.find((n) => n.opType === 'Add' && n.inputs.includes(scores));
          if (!add) return undefined;
          scores = add.outputs[0]!;
          return inits.get(add.inputs.find((x) => x !== m.outputs[0]) ?? '');
        })();
  if (interceptT) {
    if ((interceptT.values as number[]).length !== rows)
      throw new OnnxError(`intercept '${interceptT.name}' has ${interceptT.values.length} values for ${rows} score columns`);
    b = Float64Array.from(interceptT.values as number[]);
  }
  const soft = g.nodes.find((n) => n.opType === 'Softmax' && n.inputs[0] === scores);
  const sig = g.nodes.find((n) => n.opType === 'Sigmoid' && n.inputs[0] === scores);
  if (!soft && !sig) throw new OnnxError(`the scores '${scores}' go through neither Softmax nor Sigmoid: not a logistic-regression probability graph`);
  if (soft && ![1, -1].includes(attrInt(soft, 'axis', -1)))
    throw new OnnxError(`Softmax '${soft.name}': axis ${attrInt(soft, 'axis', -1)}, expected the class axis 1`, { node: `Softmax '${soft.name}'` });
  let normalized = false;
  if (sig) {
    const s = sig.outputs[0]!;
    const norm =
      g.nodes.find((n) => n.opType === 'Normalizer' && n.inputs[0] === s) ??
      g.nodes.find((n) => n.opType === 'Cast' && n.inputs[0] === s && g.nodes.some((x) => x.opType === 'Normalizer' && x.inputs[0] === n.outputs[0]));
    const div = g.nodes.find((n) => n.opType === 'Div' && n.inputs[0] === s);
    normalized = norm !== undefined || div !== undefined;
  }
  // Labels: the tensor an ArrayFeatureExtractor or Gather looks the ArgMax index up in; else 0..K-1.
  const lookup = g.nodes.find((n) => (n.opType === 'ArrayFeatureExtractor' || n.opType === 'Gather') && inits.has(n.inputs[0] ?? ''));
  let classes: Label[];
  if (lookup) {
    const t = inits.get(lookup.inputs[0]!)!;
    classes = t.dataType === DataType.STRING ? (t.values as string[]) : (t.values as number[]);
  } else classes = Array.from({ length: rows === 1 ? 2 : rows }, (_, k) => k);
  return { classes, rows, W, b, link: soft ? 'softmax' : 'logistic', normalized, where: at };
}

/** The affine map and link of a parsed graph, in the library's terms (see linear.ts). */
function toLinearForm(p: Parsed, d: number): Omit<LinearForm, 'featureNames'> {
  const K = p.classes.length;
  if (K < 2) throw new OnnxError(`${p.where}: ${K} class label(s); a classifier needs at least 2`);
  if (new Set(p.classes.map((c) => `${typeof c}:${c}`)).size !== K) throw new OnnxError(`${p.where}: duplicate class labels`);
  let kind: LinkKind;
  let W = p.W;
  let b = p.b;
  if (p.link === 'softmax') {
    if (p.rows !== K) throw new OnnxError(`${p.where}: softmax over ${p.rows} score columns for ${K} classes`);
    kind = 'multinomial';
  } else if (K === 2 && p.rows === 1) {
    kind = 'binomial';
  } else if (K === 2 && p.rows === 2 && isNegation(p.W, p.b, d)) {
    // skl2onnx's binary form: rows [-w, w], scores [-z, z], sigmoids [1 - p, p].
    kind = 'binomial';
    W = p.W.slice(d);
    b = p.b.slice(1);
  } else {
    if (p.rows !== K) throw new OnnxError(`${p.where}: ${p.rows} score columns for ${K} classes`);
    if (!p.normalized) {
      throw new OnnxError(
        `${p.where}: sigmoid outputs that are not renormalized (no Normalizer L1) do not sum to 1: not a logistic-regression probability graph`,
      );
    }
    kind = 'ovr';
  }
  return { classes: p.classes, kind, W, b, nFeatures: d };
}

function isNegation(W: Float64Array, b: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) if (W[j] !== -W[d + j]!) return false;
  return b[0] === -b[1]!;
}

/** Parse and check an ONNX model's graph (see the file comment) into the library's linear form. */
export function onnxLinearForm(model: OnnxModel): LinearForm {
  const g = model.graph;
  g.nodes.forEach((n, i) => {
    const dom = n.domain === 'ai.onnx' ? '' : n.domain;
    if (!(SUPPORTED[dom] ?? []).includes(n.opType)) {
      const what = describeNode(n, i);
      throw new OnnxError(
        `unsupported ${what}: fromOnnx reads logistic-regression graphs only (LinearClassifier [+ Normalizer] [+ ZipMap], or MatMul + Add + Softmax/Sigmoid with ArgMax and a label lookup)`,
        { node: what },
      );
    }
  });
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const inputs = g.inputs.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) throw new OnnxError(`the graph has ${inputs.length} inputs; a linear classifier has one (the [N, d] feature tensor)`);
  const input = inputs[0]!;
  if (input.type && (input.type.kind !== 'tensor' || ![DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.INT32].includes(input.type.elemType as 1))) {
    throw new OnnxError(
      `graph input '${input.name}' is ${input.type.kind === 'tensor' ? `a tensor of ${dataTypeName(input.type.elemType)}` : `a ${input.type.kind}`}; expected a float or double tensor [N, d]`,
    );
  }
  const lcs = g.nodes.map((n, i) => [n, i] as const).filter(([n]) => n.opType === 'LinearClassifier');
  if (lcs.length > 1) throw new OnnxError(`the graph has ${lcs.length} LinearClassifier nodes; one expected`);
  const parsed = lcs.length ? fromLinearClassifier(g, lcs[0]![0], describeNode(lcs[0]![0], lcs[0]![1])) : fromMatMul(g, inits);
  const d = parsed.W.length / parsed.rows;
  if (!Number.isInteger(d) || d < 1) throw new OnnxError(`${parsed.where}: ${parsed.W.length} coefficients for ${parsed.rows} rows`);
  const shape = input.type?.kind === 'tensor' ? input.type.shape : null;
  const declared = shape && shape.length === 2 ? shape[1] : null;
  if (typeof declared === 'number' && declared > 0 && declared !== d)
    throw new OnnxError(`graph input '${input.name}' declares ${declared} features but the coefficients have ${d}`);
  for (const v of [...parsed.W, ...parsed.b])
    if (!Number.isFinite(v)) throw new OnnxError(`${parsed.where}: non-finite coefficient or intercept`, { code: 'MODEL_FORMAT' });
  const meta = model.metadata.find((m) => m.key === 'feature_names');
  let featureNames: string[] | null = null;
  if (meta) {
    try {
      const names = JSON.parse(meta.value) as unknown;
      if (Array.isArray(names) && names.length === d && names.every((x) => typeof x === 'string')) featureNames = names as string[];
    } catch {
      // Not ours: ignore it rather than refuse a usable model.
    }
  }
  return { ...toLinearForm(parsed, d), featureNames };
}

/**
 * A SoftmaxRegression predicting what the linear form predicts. Classes are sorted (the library keeps them
 * sorted), permuting the rows to match; a binomial model whose labels come in descending order flips sign.
 */
export function modelFromLinearForm(f: LinearForm): SoftmaxRegression {
  const d = f.nFeatures;
  const K = f.classes.length;
  const order = f.classes.map((_, k) => k).sort((a, c) => cmp(f.classes[a]!, f.classes[c]!));
  const classes = order.map((k) => f.classes[k]!);
  let W: Float64Array;
  let b: Float64Array;
  const model = new SoftmaxRegression({ multiClass: f.kind === 'ovr' ? 'ovr' : 'multinomial' });
  if (f.kind === 'binomial') {
    const sign = order[0] === 0 ? 1 : -1;
    const w = f.W.map((v) => sign * v);
    const b0 = sign * f.b[0]!;
    // A binomial model is a two-class softmax with rows [-w/2, w/2]: softmax([-z/2, z/2]) = [1 - s(z), s(z)].
    W = new Float64Array(2 * d);
    for (let j = 0; j < d; j++) {
      W[j] = -w[j]! / 2;
      W[d + j] = w[j]! / 2;
    }
    b = Float64Array.of(-b0 / 2, b0 / 2);
  } else {
    W = new Float64Array(K * d);
    b = new Float64Array(K);
    order.forEach((k, to) => {
      W.set(f.W.subarray(k * d, (k + 1) * d), to * d);
      b[to] = f.b[k]!;
    });
  }
  model.classes = classes;
  model.featureNames = f.featureNames ? [...f.featureNames] : null;
  model.setParams(W, b);
  return model;
}

function cmp(a: Label, b: Label): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Read ONNX bytes (an .onnx file) as a SoftmaxRegression; see the file comment for what is read. */
export function fromOnnx(bytes: Uint8Array): SoftmaxRegression {
  return modelFromLinearForm(onnxLinearForm(decodeModel(bytes)));
}
