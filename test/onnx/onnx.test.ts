/**
 * ONNX export/import, checked by a real runtime: onnxruntime-web (WebAssembly, runs in Node) executes the
 * graphs toOnnx writes, and its outputs are compared with predictProba / predict.
 *
 * Graphs from scikit-learn's converter: skl2onnx cannot be installed here (no PyPI), so no .onnx file it
 * wrote is available. Instead the test builds the graphs skl2onnx writes for a LogisticRegression (its
 * converter, skl2onnx/operator_converters/linear_classifier.py: LinearClassifier [+ Normalizer L1] + ZipMap
 * for float inputs; MatMul/Add/ArgMax/ArrayFeatureExtractor/Softmax or Sigmoid+Abs/ReduceSum/Div for
 * double inputs) with our encoder, from coefficients scikit-learn fitted (fixtures/onnx/sklearn_logreg.json,
 * made by fixtures/onnx/make_sklearn_logreg.py), and checks that fromOnnx reads them into models that
 * predict what scikit-learn predicted, and that ONNX Runtime runs them to the same probabilities.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import { NotFittedError, OnnxError, SoftmaxError, SoftmaxRegression } from '../../src/index.js';
import {
  decodeModel,
  encodeModel,
  fromOnnx,
  toOnnx,
  toOnnxModel,
  DataType,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from '../../src/onnx/index.js';
import type { DenseMatrix } from '../../src/matrix/dense.js';
import { loadBuiltinDataset } from '../../node/datasets.js';
import { FIXTURES } from '../helpers.js';

before(() => {
  ort.env.wasm.numThreads = 1;
});

async function runOrt(bytes: Uint8Array, X: ArrayLike<number>, n: number, d: number, dtype: 'float32' | 'float64', input = 'float_input', fetches?: string[]) {
  const s = await ort.InferenceSession.create(bytes);
  const data = dtype === 'float32' ? Float32Array.from(X) : Float64Array.from(X);
  const feeds = { [input]: new ort.Tensor(dtype, data, [n, d]) };
  const out = await (fetches ? s.run(feeds, fetches) : s.run(feeds));
  await s.release();
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const labelsOf = (t: ort.Tensor) => Array.from(t.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));

// Every built-in data set; mnist with a capped fit (the model need not be converged to be exported).
const DATASETS: { name: string; opts: Record<string, unknown> }[] = [
  { name: 'iris', opts: {} },
  { name: 'wine', opts: { scale: 'standard' } },
  { name: 'breast_cancer', opts: { scale: 'standard' } },
  { name: 'digits', opts: { scale: 'minmax', C: 0.1 } },
  { name: 'mnist', opts: { maxIter: 25, C: 0.1 } },
];

describe('toOnnx: ONNX Runtime agrees with predictProba on every built-in data set', () => {
  for (const { name, opts } of DATASETS) {
    for (const multiClass of name === 'mnist' ? (['multinomial'] as const) : (['multinomial', 'ovr'] as const)) {
      it(`${name} (${multiClass}): float32 to 1e-5 and float64 to 1e-12, identical labels; fromOnnx round trip`, async () => {
        const ds = loadBuiltinDataset(name);
        const m = new SoftmaxRegression({ ...opts, multiClass }).fit(ds.train.X, ds.train.y);
        const X = ds.test.X as DenseMatrix;
        const P = m.predictProbaFlat(X);
        const labels = m.predict(X);
        for (const dtype of ['float32', 'float64'] as const) {
          const bytes = toOnnx(m, { dtype });
          const out = await runOrt(bytes, X.data, X.rows, X.cols, dtype);
          const tol = dtype === 'float32' ? 1e-5 : 1e-12;
          assert.deepEqual(out.probabilities!.dims, [X.rows, m.nClasses]);
          const diff = maxAbsDiff(out.probabilities!.data as Float32Array, P);
          assert.ok(diff <= tol, `${dtype}: max |p_onnx - p| = ${diff}`);
          assert.deepEqual(labelsOf(out.label!), labels);
          // Round trip: the model read back predicts the same.
          const back = fromOnnx(bytes);
          assert.deepEqual(back.classes, m.classes);
          // (A two-class one-vs-rest fit has mirrored rows, w_1 = -w_0: it reads back as the equivalent binary model.)
          if (multiClass === 'multinomial' || m.nClasses > 2) assert.equal(back.options.multiClass, multiClass);
          const diffBack = maxAbsDiff(back.predictProbaFlat(X), P);
          assert.ok(diffBack <= tol, `${dtype} round trip: max |p_back - p| = ${diffBack}`);
          assert.deepEqual(back.predict(X), labels);
        }
      });
    }
  }

  it('string labels: a string label tensor in both dtypes', async () => {
    const ds = loadBuiltinDataset('iris');
    const names = ['setosa', 'versicolor', 'virginica'];
    const y = Array.from(ds.train.y as ArrayLike<number>, (v) => names[Number(v)]!);
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(ds.train.X, y, { featureNames: ['sl', 'sw', 'pl', 'pw'] });
    const X = ds.test.X as DenseMatrix;
    for (const dtype of ['float32', 'float64'] as const) {
      const bytes = toOnnx(m, { dtype });
      const out = await runOrt(bytes, X.data, X.rows, X.cols, dtype);
      assert.equal(out.label!.type, 'string');
      assert.deepEqual(labelsOf(out.label!), m.predict(X));
      const back = fromOnnx(bytes);
      assert.deepEqual(back.classes, names);
      assert.deepEqual(back.featureNames, ['sl', 'sw', 'pl', 'pw']);
    }
  });

  it('the float32 graph is one LinearClassifier (multi_class=1, SOFTMAX); float64 uses core operators only', () => {
    const ds = loadBuiltinDataset('iris');
    const m = new SoftmaxRegression().fit(ds.train.X, ds.train.y);
    const g32 = decodeModel(toOnnx(m)).graph;
    assert.deepEqual(
      g32.nodes.map((n) => `${n.domain}:${n.opType}`),
      ['ai.onnx.ml:LinearClassifier'],
    );
    const attrs = Object.fromEntries(g32.nodes[0]!.attributes.map((a) => [a.name, a.value]));
    assert.equal(attrs.multi_class, 1);
    assert.equal(attrs.post_transform, 'SOFTMAX');
    assert.deepEqual(attrs.classlabels_ints, [0, 1, 2]);
    assert.deepEqual(
      g32.inputs.map((v) => v.name),
      ['float_input'],
    );
    assert.deepEqual(
      g32.outputs.map((v) => v.name),
      ['label', 'probabilities'],
    );
    const g64 = decodeModel(toOnnx(m, { dtype: 'float64' })).graph;
    assert.ok(g64.nodes.every((n) => n.domain === ''));
    assert.deepEqual(
      g64.nodes.map((n) => n.opType),
      ['MatMul', 'Add', 'Softmax', 'ArgMax', 'Gather'],
    );
  });

  it('refuses what ONNX cannot hold or what is not fitted, with typed errors', () => {
    assert.throws(() => toOnnx(new SoftmaxRegression()), NotFittedError);
    const m = new SoftmaxRegression().fit([[0], [1], [2], [3]], [0.5, 0.5, 1.5, 1.5]);
    assert.throws(
      () => toOnnx(m),
      (e: unknown) => e instanceof OnnxError && /0\.5.*not an integer/.test(e.message),
    );
    const ok = new SoftmaxRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
    assert.throws(
      () => toOnnx(ok, { dtype: 'float16' as 'float32' }),
      (e: unknown) => e instanceof SoftmaxError && /dtype/.test(e.message),
    );
  });
});

// ---- graphs shaped as skl2onnx writes them ---------------------------------------------------------

interface SkCase {
  dataset: string;
  multi_class: 'multinomial' | 'ovr' | 'auto';
  classes: (number | string)[];
  coef: number[][];
  intercept: number[];
  X: number[][];
  proba: number[][];
  predict: (number | string)[];
}
const SK = JSON.parse(readFileSync(join(FIXTURES, 'onnx', 'sklearn_logreg.json'), 'utf8')) as { cases: SkCase[] };

const n = (opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = [], domain = ''): OnnxNode => ({
  name: `${opType}${outputs[0]}`,
  opType,
  domain,
  inputs,
  outputs,
  attributes,
});

/**
 * The graph skl2onnx's convert_sklearn_linear_classifier (+ its ZipMap post-processing) writes, rebuilt
 * from its source: attributes, node order and names as it emits them.
 */
function skl2onnxGraph(c: SkCase, dtype: 'float32' | 'float64', zipmap: boolean): OnnxModel {
  const K = c.classes.length;
  const d = c.coef[0]!.length;
  let coefficients = c.coef.flat();
  let intercepts = [...c.intercept];
  if (K === 2) {
    coefficients = [...coefficients.map((x) => -x), ...coefficients];
    intercepts = [...intercepts.map((x) => -x), ...intercepts];
  }
  const rows = intercepts.length;
  const multiClass = c.multi_class === 'ovr' ? 1 : K > 2 ? 2 : 0;
  const useOvr = c.multi_class === 'ovr' || (c.multi_class === 'auto' && K <= 2);
  const post = useOvr || (multiClass === 0 && c.intercept.length <= 1) ? 'LOGISTIC' : 'SOFTMAX';
  const strings = c.classes.every((x) => typeof x === 'string');
  // With ZipMap, the classifier writes label/probabilities and skl2onnx's ZipMap converter adds a Cast (int
  // labels) or Identity (string labels) to output_label and the ZipMap to output_probability.
  const probName = zipmap ? 'probabilities' : 'output_probability';
  const labelName = zipmap ? 'label' : 'output_label';
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  if (dtype === 'float32') {
    const attrs: OnnxNode['attributes'] = [
      strings
        ? { name: 'classlabels_strings', type: 'STRINGS', value: c.classes as string[] }
        : { name: 'classlabels_ints', type: 'INTS', value: c.classes as number[] },
      { name: 'coefficients', type: 'FLOATS', value: coefficients },
      { name: 'intercepts', type: 'FLOATS', value: intercepts },
      { name: 'multi_class', type: 'INT', value: multiClass === 2 ? 1 : 0 },
      { name: 'post_transform', type: 'STRING', value: post },
    ];
    if (multiClass > 0) {
      nodes.push(n('LinearClassifier', ['float_input'], [labelName, 'probability_tensor'], attrs, 'ai.onnx.ml'));
      nodes.push(n('Normalizer', ['probability_tensor'], [probName], [{ name: 'norm', type: 'STRING', value: 'L1' }], 'ai.onnx.ml'));
    } else nodes.push(n('LinearClassifier', ['float_input'], [labelName, probName], attrs, 'ai.onnx.ml'));
  } else {
    // coef (rows x d) transposed to (d x rows); intercept reshaped to (1 x rows).
    const coefT: number[] = [];
    for (let j = 0; j < d; j++) for (let k = 0; k < rows; k++) coefT.push(coefficients[k * d + j]!);
    initializers.push(
      { name: 'coef', dataType: DataType.DOUBLE, dims: [d, rows], values: coefT },
      { name: 'intercept', dataType: DataType.DOUBLE, dims: [1, rows], values: intercepts },
      strings
        ? { name: 'classes', dataType: DataType.STRING, dims: [K], values: c.classes as string[] }
        : { name: 'classes', dataType: DataType.INT32, dims: [K], values: c.classes as number[] },
      { name: 'shape_tensor', dataType: DataType.INT64, dims: [1], values: [-1] },
    );
    nodes.push(
      n('MatMul', ['float_input', 'coef'], ['multiplied']),
      n('Add', ['multiplied', 'intercept'], ['raw_scores']),
      n('ArgMax', ['raw_scores'], ['argmax_label'], [{ name: 'axis', type: 'INT', value: 1 }]),
      n('ArrayFeatureExtractor', ['classes', 'argmax_label'], ['array_feature_extractor_result'], [], 'ai.onnx.ml'),
    );
    if (strings) nodes.push(n('Reshape', ['array_feature_extractor_result', 'shape_tensor'], ['output_label']));
    else {
      nodes.push(
        n('Cast', ['array_feature_extractor_result'], ['cast2_result'], [{ name: 'to', type: 'INT', value: DataType.DOUBLE }]),
        n('Reshape', ['cast2_result', 'shape_tensor'], ['reshaped_result']),
        n('Cast', ['reshaped_result'], ['output_label'], [{ name: 'to', type: 'INT', value: DataType.INT64 }]),
      );
    }
    if (post === 'LOGISTIC') {
      initializers.push({ name: 'axis', dataType: DataType.INT64, dims: [1], values: [1] });
      nodes.push(
        n('Sigmoid', ['raw_scores'], ['raw_scoressig']),
        n('Abs', ['raw_scoressig'], ['norm_abs']),
        n('ReduceSum', ['norm_abs', 'axis'], ['norm'], [{ name: 'keepdims', type: 'INT', value: 1 }]),
        n('Div', ['raw_scoressig', 'norm'], [probName]),
      );
    } else nodes.push(n('Softmax', ['raw_scores'], [probName], [{ name: 'axis', type: 'INT', value: 1 }]));
  }
  const elem = dtype === 'float32' ? DataType.FLOAT : DataType.DOUBLE;
  const outputs: OnnxModel['graph']['outputs'] = [
    { name: 'output_label', type: { kind: 'tensor', elemType: strings ? DataType.STRING : DataType.INT64, shape: ['N'] } },
  ];
  if (zipmap) {
    nodes.push(
      strings ? n('Identity', ['label'], ['output_label']) : n('Cast', ['label'], ['output_label'], [{ name: 'to', type: 'INT', value: DataType.INT64 }]),
      n(
        'ZipMap',
        ['probabilities'],
        ['output_probability'],
        [
          strings
            ? { name: 'classlabels_strings', type: 'STRINGS', value: c.classes as string[] }
            : { name: 'classlabels_int64s', type: 'INTS', value: c.classes as number[] },
        ],
        'ai.onnx.ml',
      ),
    );
    outputs.push({
      name: 'output_probability',
      type: {
        kind: 'sequence',
        elem: { kind: 'map', keyType: strings ? DataType.STRING : DataType.INT64, value: { kind: 'tensor', elemType: DataType.FLOAT, shape: null } },
      },
    });
  } else outputs.push({ name: 'output_probability', type: { kind: 'tensor', elemType: elem, shape: ['N', K] } });
  return {
    irVersion: 8,
    opsets: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    producerName: 'skl2onnx',
    producerVersion: '1.16.0',
    docString: '',
    graph: {
      name: 'LogisticRegression',
      nodes,
      initializers,
      inputs: [{ name: 'float_input', type: { kind: 'tensor', elemType: elem, shape: [null, d] } }],
      outputs,
    },
    metadata: [],
  };
}

describe('fromOnnx reads the graphs skl2onnx writes for LogisticRegression (rebuilt from its converter, see the file comment)', () => {
  for (const c of SK.cases) {
    const kind = `${c.dataset}, ${c.multi_class}, ${c.classes.length} classes${typeof c.classes[0] === 'string' ? ', string labels' : ''}`;
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${kind}, ${dtype}: predicts scikit-learn's predict_proba and predict; ONNX Runtime agrees`, async () => {
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        const ref = c.proba.flat();
        const flatX = c.X.flat();
        // ZipMap takes float tensors only, so skl2onnx's double graphs are converted with zipmap=False.
        for (const zipmap of dtype === 'float32' ? [true, false] : [false]) {
          const bytes = encodeModel(skl2onnxGraph(c, dtype, zipmap));
          const m = fromOnnx(bytes);
          assert.deepEqual(m.classes, c.classes);
          assert.equal(m.options.multiClass, c.multi_class === 'ovr' ? 'ovr' : 'multinomial');
          const diff = maxAbsDiff(m.predictProbaFlat(c.X), ref);
          assert.ok(diff <= tol, `fromOnnx (zipmap ${zipmap}): max |p - sklearn| = ${diff}`);
          assert.deepEqual(m.predict(c.X), c.predict);
          // ONNX Runtime runs the same graph (ZipMap's map output is not readable from JavaScript: fetch the label only).
          const out = await runOrt(bytes, flatX, c.X.length, c.X[0]!.length, dtype, 'float_input', zipmap ? ['output_label'] : undefined);
          assert.deepEqual(labelsOf(out.output_label!), c.predict);
          if (!zipmap) {
            const d2 = maxAbsDiff(out.output_probability!.data as Float32Array, ref);
            assert.ok(d2 <= tol, `ONNX Runtime: max |p - sklearn| = ${d2}`);
          }
        }
      });
    }
  }

  it('refuses other graphs with an OnnxError naming the node', () => {
    const c = SK.cases[0]!;
    const g = skl2onnxGraph(c, 'float32', true);
    // A pipeline with a scaler in front, and a tree model: not logistic regression graphs.
    const withScaler: OnnxModel = { ...g, graph: { ...g.graph, nodes: [n('Scaler', ['x0'], ['float_input'], [], 'ai.onnx.ml'), ...g.graph.nodes] } };
    assert.throws(
      () => fromOnnx(encodeModel(withScaler)),
      (e: unknown) =>
        e instanceof OnnxError &&
        e.code === 'ONNX_UNSUPPORTED' &&
        /ai\.onnx\.ml\.Scaler 'Scalerfloat_input'/.test(e.message) &&
        e.node === "node 0 ai.onnx.ml.Scaler 'Scalerfloat_input'",
    );
    const tree: OnnxModel = { ...g, graph: { ...g.graph, nodes: [n('TreeEnsembleClassifier', ['float_input'], ['output_label', 'p'], [], 'ai.onnx.ml')] } };
    assert.throws(
      () => fromOnnx(encodeModel(tree)),
      (e: unknown) => e instanceof OnnxError && /TreeEnsembleClassifier/.test(e.message),
    );
    // Raw scores (post_transform NONE) are not probabilities.
    const raw = skl2onnxGraph(c, 'float32', false);
    const lc = raw.graph.nodes[0]!;
    lc.attributes = lc.attributes.map((a) => (a.name === 'post_transform' ? ({ ...a, value: 'NONE' } as OnnxAttribute) : a));
    assert.throws(
      () => fromOnnx(encodeModel(raw)),
      (e: unknown) => e instanceof OnnxError && /post_transform 'NONE'/.test(e.message),
    );
  });

  it('refuses bytes that are not an ONNX model, with a typed error (never a crash)', () => {
    const good = toOnnx(new SoftmaxRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]));
    for (const bad of [
      new Uint8Array(0),
      new TextEncoder().encode('{"format":"softmax-regression"}'),
      good.subarray(0, good.length - 7),
      Uint8Array.of(0xff, 0xff, 0xff),
    ]) {
      assert.throws(
        () => fromOnnx(bad),
        (e: unknown) => e instanceof SoftmaxError,
      );
    }
  });
});

describe('protobuf encoder/decoder', () => {
  it('decodeModel(encodeModel(m)) gives m back (float attributes rounded to float32)', () => {
    const ds = loadBuiltinDataset('wine');
    const m = new SoftmaxRegression({ scale: 'standard', multiClass: 'ovr' }).fit(ds.train.X, ds.train.y);
    for (const dtype of ['float32', 'float64'] as const) {
      const model = toOnnxModel(m, { dtype, producerVersion: '1.2.3' });
      const back = decodeModel(encodeModel(model));
      const f32 = (a: OnnxNode['attributes']) => a.map((x) => (x.type === 'FLOATS' ? { ...x, value: x.value.map(Math.fround) } : x));
      assert.deepEqual(back, { ...model, graph: { ...model.graph, nodes: model.graph.nodes.map((nd) => ({ ...nd, attributes: f32(nd.attributes) })) } });
      // And the bytes are stable: encoding the decoded model again gives the same file.
      assert.deepEqual(encodeModel(back), encodeModel(model));
    }
  });

  it('negative int64 values survive (10-byte varints)', () => {
    const model = toOnnxModel(new SoftmaxRegression().fit([[0], [1], [2], [3]], [-5, -5, 7, 7]), { dtype: 'float64' });
    const back = decodeModel(encodeModel(model));
    assert.deepEqual(back.graph.initializers.find((t) => t.name === 'classes')!.values, [-5, 7]);
    assert.deepEqual(fromOnnx(encodeModel(model)).classes, [-5, 7]);
  });
});

describe('softmax export / softmax import', () => {
  it('export --format onnx (both dtypes) runs in ONNX Runtime; import reads it back; bad input exits 1 or 2', async () => {
    const { run, tempDir } = await import('../cli/helpers.js');
    const { dir, cleanup } = tempDir();
    try {
      const modelPath = join(dir, 'm.json');
      assert.equal((await run(['train', '--dataset', 'wine', '--scale', 'standard', '-o', modelPath])).code, 0);
      const model = (await import('../../node/model-file.js')).loadModel(modelPath);
      const ds = loadBuiltinDataset('wine');
      const X = ds.test.X as DenseMatrix;
      for (const dtype of ['float32', 'float64'] as const) {
        const onnxPath = join(dir, `m-${dtype}.onnx`);
        const r = await run(['export', '--model', modelPath, '--format', 'onnx', '--dtype', dtype, '-o', onnxPath]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /wrote .*ONNX, float(32|64)/);
        const out = await runOrt(readFileSync(onnxPath), X.data, X.rows, X.cols, dtype);
        assert.deepEqual(labelsOf(out.label!), model.predict(X));
        const back = join(dir, `back-${dtype}.json`);
        const ri = await run(['import', onnxPath, '-o', back, '--json']);
        assert.equal(ri.code, 0, ri.stderr);
        assert.equal(JSON.parse(ri.stdout).nFeatures, 13);
        const m2 = (await import('../../node/model-file.js')).loadModel(back);
        assert.deepEqual(m2.predict(X), model.predict(X));
      }
      const bad = await run(['import', modelPath, '-o', join(dir, 'x.json')]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not an ONNX model/);
      assert.equal((await run(['export', '--model', modelPath, '--dtype', 'float16', '-o', join(dir, 'x.onnx')])).code, 2);
      assert.equal((await run(['export', '--model', modelPath, '--format', 'pmml', '-o', join(dir, 'x.onnx')])).code, 2);
    } finally {
      cleanup();
    }
  });
});
