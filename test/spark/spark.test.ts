/**
 * Spark MLlib LogisticRegressionModel directories, both ways. No Spark here, so the layout is checked
 * against Spark's source as transcribed below (LogisticRegressionModelWriter's Data, VectorUDT/MatrixUDT
 * sqlType, DefaultParamsWriter's metadata), and every Parquet file is checked with a reader other than the
 * writer that made it: exports (hyparquet-writer) are read back with DuckDB; import fixtures are written
 * with DuckDB (COPY with the struct types and the footer metadata) and read by the importer (hyparquet).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SoftmaxRegression } from '../../src/index.js';
import { loadSparkModel, saveSparkModel, loadModelAsync } from '../../node/spark.js';
import { SPARK_LR_CLASS, SPARK_ROW_METADATA_KEY } from '../../src/spark/model.js';
import { SparkModelError } from '../../src/errors.js';
import { loadFixtureCsv } from '../helpers.js';
import { run } from '../cli/helpers.js';

let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'softmax-spark-'));
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
after(() => {
  conn?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Spark's Catalyst schema for the data row, transcribed from Spark's source (not from the exporter). */
const f = (name: string, type: unknown, nullable: boolean) => ({ name, type, nullable, metadata: {} });
const arr = (t: string) => ({ type: 'array', elementType: t, containsNull: false });
const SPARK_SCHEMA = {
  type: 'struct',
  fields: [
    f('numClasses', 'integer', false),
    f('numFeatures', 'integer', false),
    f(
      'interceptVector',
      {
        type: 'udt',
        class: 'org.apache.spark.ml.linalg.VectorUDT',
        pyClass: 'pyspark.ml.linalg.VectorUDT',
        sqlType: {
          type: 'struct',
          fields: [f('type', 'byte', false), f('size', 'integer', true), f('indices', arr('integer'), true), f('values', arr('double'), true)],
        },
      },
      true,
    ),
    f(
      'coefficientMatrix',
      {
        type: 'udt',
        class: 'org.apache.spark.ml.linalg.MatrixUDT',
        pyClass: 'pyspark.ml.linalg.MatrixUDT',
        sqlType: {
          type: 'struct',
          fields: [
            f('type', 'byte', false),
            f('numRows', 'integer', false),
            f('numCols', 'integer', false),
            f('colPtrs', arr('integer'), true),
            f('rowIndices', arr('integer'), true),
            f('values', arr('double'), true),
            f('isTransposed', 'boolean', false),
          ],
        },
      },
      true,
    ),
    f('isMultinomial', 'boolean', false),
  ],
};

/** Every parameter of Spark 3.5's LogisticRegression (LogisticRegressionParams and the shared params). */
const SPARK_PARAMS = new Set([
  'aggregationDepth',
  'elasticNetParam',
  'family',
  'featuresCol',
  'fitIntercept',
  'labelCol',
  'lowerBoundsOnCoefficients',
  'lowerBoundsOnIntercepts',
  'maxBlockSizeInMB',
  'maxIter',
  'predictionCol',
  'probabilityCol',
  'rawPredictionCol',
  'regParam',
  'standardization',
  'threshold',
  'thresholds',
  'tol',
  'upperBoundsOnCoefficients',
  'upperBoundsOnIntercepts',
  'weightCol',
]);

/** softmax(XW'+b) (or the sigmoid pair for one row), computed here, not by the library. */
function probs(X: number[][], W: number[][], b: number[]): number[][] {
  return X.map((x) => {
    const z = W.map((w, k) => w.reduce((s, v, j) => s + v * x[j]!, b[k]!));
    if (W.length === 1) {
      const p = 1 / (1 + Math.exp(-z[0]!));
      return [1 - p, p];
    }
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, c) => a + c, 0);
    return e.map((v) => v / s);
  });
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

async function readExport(out: string) {
  const meta = JSON.parse(readFileSync(join(out, 'metadata', 'part-00000'), 'utf8').trim()) as Record<string, unknown>;
  const parts = readdirSync(join(out, 'data')).filter((p) => p.endsWith('.parquet'));
  assert.equal(parts.length, 1);
  assert.match(parts[0]!, /^part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/);
  const file = join(out, 'data', parts[0]!);
  const data = await rows(`SELECT * FROM read_parquet('${file}')`);
  const describe = await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  const kv = await rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`);
  const schema = await rows(`SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('${file}')`);
  return { meta, file, data, describe, kv, schema };
}

describe('Spark export (softmax export --format spark)', () => {
  it('multinomial iris with standard scaling: the layout Spark reads, scaling folded in, read back by DuckDB', async () => {
    const { X, y, header } = loadFixtureCsv('iris');
    const model = new SoftmaxRegression({ C: 1, scale: 'standard' });
    model.featureNames = null;
    model.fit(X, y);
    const out = join(dir, 'iris-spark');
    await saveSparkModel(model, out);
    const { meta, data, describe, kv, schema } = await readExport(out);
    // metadata/part-00000: DefaultParamsWriter's keys, Spark's class, only parameter names Spark knows.
    assert.equal(meta.class, SPARK_LR_CLASS);
    assert.equal(typeof meta.timestamp, 'number');
    assert.match(String(meta.sparkVersion), /^3\.\d+\.\d+$/);
    assert.match(String(meta.uid), /^logreg_[0-9a-f]{12}$/);
    assert.deepEqual(meta.defaultParamMap, {});
    const params = meta.paramMap as Record<string, unknown>;
    for (const k of Object.keys(params)) assert.ok(SPARK_PARAMS.has(k), `paramMap has '${k}', which Spark does not know`);
    assert.equal(params.family, 'multinomial');
    assert.equal(params.elasticNetParam, 0);
    assert.ok(Math.abs((params.regParam as number) - 1 / 150) < 1e-15, `regParam ${params.regParam} = 1/(C n)`);
    // The data row, as DuckDB reads it.
    assert.equal(data.length, 1);
    const types = Object.fromEntries(describe.map((r) => [r.column_name, r.column_type]));
    assert.deepEqual(types, {
      numClasses: 'INTEGER',
      numFeatures: 'INTEGER',
      interceptVector: 'STRUCT("type" TINYINT, size INTEGER, indices INTEGER[], "values" DOUBLE[])',
      coefficientMatrix:
        'STRUCT("type" TINYINT, numRows INTEGER, numCols INTEGER, colPtrs INTEGER[], rowIndices INTEGER[], "values" DOUBLE[], isTransposed BOOLEAN)',
      isMultinomial: 'BOOLEAN',
    });
    const r = data[0]!;
    assert.equal(r.numClasses, 3);
    assert.equal(r.numFeatures, 4);
    assert.equal(r.isMultinomial, true);
    const iv = r.interceptVector as { type: number; size: null; indices: null; values: number[] };
    const cm = r.coefficientMatrix as {
      type: number;
      numRows: number;
      numCols: number;
      colPtrs: null;
      rowIndices: null;
      values: number[];
      isTransposed: boolean;
    };
    assert.deepEqual([iv.type, iv.size, iv.indices, iv.values.length], [1, null, null, 3]);
    assert.deepEqual([cm.type, cm.numRows, cm.numCols, cm.colPtrs, cm.rowIndices, cm.values.length, cm.isTransposed], [1, 3, 4, null, null, 12, true]);
    // Spark's model on raw features gives our probabilities (the scaler is folded into W and b).
    const W = [0, 1, 2].map((k) => cm.values.slice(k * 4, k * 4 + 4));
    assert.ok(maxDiff(probs(X, W, iv.values), model.predictProba(X)) < 1e-12);
    // Footer: Spark's schema JSON (the UDTs), and the byte field as INT32 + converted type INT_8 only.
    const rowMeta = kv.find((e) => e.key === SPARK_ROW_METADATA_KEY);
    assert.ok(rowMeta, 'footer key org.apache.spark.sql.parquet.row.metadata');
    assert.deepEqual(JSON.parse(String(rowMeta.value)), SPARK_SCHEMA);
    const byteCols = schema.filter((s) => s.name === 'type');
    assert.equal(byteCols.length, 2);
    for (const c of byteCols) assert.deepEqual([c.type, c.converted_type, c.logical_type, c.repetition_type], ['INT32', 'INT_8', null, 'REQUIRED']);
    // Lists in the standard 3-level form (optional group (LIST) { repeated group list { required element } }).
    const lists = schema.filter((s) => s.converted_type === 'LIST');
    assert.equal(lists.length, 5);
    assert.equal(schema.filter((s) => s.name === 'list' && s.repetition_type === 'REPEATED').length, 5);
    assert.equal(schema.filter((s) => s.name === 'element' && s.repetition_type === 'REQUIRED').length, 5);
    for (const k of ['numClasses', 'numFeatures', 'isMultinomial']) assert.equal(schema.find((s) => s.name === k)!.repetition_type, 'REQUIRED');
    void header;
  });

  it('binomial breast_cancer (our two-class default): isMultinomial false, a 1 x d row-major matrix, one intercept', async () => {
    const { X, y } = loadFixtureCsv('breast_cancer');
    const model = new SoftmaxRegression({ C: 0.5, scale: 'standard' });
    model.fit(X, y);
    assert.equal(model.fittedMultiClass, 'binomial');
    const out = join(dir, 'bc-spark');
    await saveSparkModel(model, out);
    const { meta, data } = await readExport(out);
    assert.equal((meta.paramMap as Record<string, unknown>).family, 'binomial');
    const r = data[0]!;
    assert.equal(r.numClasses, 2);
    assert.equal(r.isMultinomial, false);
    const cm = r.coefficientMatrix as { numRows: number; numCols: number; values: number[]; isTransposed: boolean };
    const iv = r.interceptVector as { values: number[] };
    assert.deepEqual([cm.numRows, cm.numCols, cm.isTransposed, iv.values.length], [1, 30, true, 1]);
    assert.ok(maxDiff(probs(X, [cm.values], iv.values), model.predictProba(X)) < 1e-12);
  });

  it('round trip: export, import gives the same predictions, classes and feature names', async () => {
    const { X, y, header } = loadFixtureCsv('wine');
    const model = new SoftmaxRegression({ C: 0.3, scale: 'standard' });
    model.fit(X, y);
    model.featureNames = header.slice(0, -1);
    const out = join(dir, 'wine-spark');
    await saveSparkModel(model, out);
    const back = await loadSparkModel(out);
    assert.deepEqual(back.classes, model.classes);
    assert.deepEqual(back.featureNames, model.featureNames);
    assert.ok(maxDiff(back.predictProba(X), model.predictProba(X)) < 1e-12);
    const viaAny = await loadModelAsync(out);
    assert.deepEqual(viaAny.predict(X.slice(0, 5)), model.predict(X.slice(0, 5)));
  });

  it('refuses one-vs-rest models and an existing non-empty output directory', async () => {
    const { X, y } = loadFixtureCsv('iris');
    const ovr = new SoftmaxRegression({ multiClass: 'ovr' }).fit(X, y);
    await assert.rejects(saveSparkModel(ovr, join(dir, 'ovr')), (e: unknown) => e instanceof SparkModelError && /one-vs-rest/.test(e.message));
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'x'), '1');
    const m = new SoftmaxRegression().fit(X, y);
    await assert.rejects(saveSparkModel(m, busy), /not empty/);
    assert.deepEqual(readdirSync(busy), ['x']);
    // No temporary directory is left behind.
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('.tmp-')),
      [],
    );
  });
});

/** A Spark-style model directory whose data file DuckDB writes (an independent Parquet writer). */
async function sparkDir(name: string, meta: Record<string, unknown>, row: { numClasses: number; numFeatures: number; iv: string; cm: string; multi: boolean }) {
  const out = join(dir, name);
  mkdirSync(join(out, 'metadata'), { recursive: true });
  mkdirSync(join(out, 'data'), { recursive: true });
  writeFileSync(join(out, 'metadata', 'part-00000'), `${JSON.stringify(meta)}\n`);
  writeFileSync(join(out, 'metadata', '_SUCCESS'), '');
  writeFileSync(join(out, 'data', '_SUCCESS'), '');
  const schema = JSON.stringify(SPARK_SCHEMA).replace(/'/g, "''");
  await conn.run(
    `COPY (SELECT ${row.numClasses}::INTEGER AS numClasses, ${row.numFeatures}::INTEGER AS numFeatures, ${row.iv} AS interceptVector, ${row.cm} AS coefficientMatrix, ${row.multi} AS isMultinomial)
     TO '${join(out, 'data', 'part-00000-3f1c9a52-7d8e-4b6a-9c1d-2e5f8a7b6c4d-c000.snappy.parquet')}' (FORMAT parquet, KV_METADATA {'${SPARK_ROW_METADATA_KEY}': '${schema}', 'org.apache.spark.version': '3.5.0'})`,
  );
  return out;
}

const vec = (values: number[]) => `{'type': 1::TINYINT, 'size': NULL::INTEGER, 'indices': NULL::INTEGER[], 'values': [${values.join(', ')}]::DOUBLE[]}`;
const sparseVec = (size: number, idx: number[], values: number[]) =>
  `{'type': 0::TINYINT, 'size': ${size}::INTEGER, 'indices': [${idx.join(', ')}]::INTEGER[], 'values': [${values.join(', ')}]::DOUBLE[]}`;
const dense = (r: number, c: number, values: number[], t: boolean) =>
  `{'type': 1::TINYINT, 'numRows': ${r}::INTEGER, 'numCols': ${c}::INTEGER, 'colPtrs': NULL::INTEGER[], 'rowIndices': NULL::INTEGER[], 'values': [${values.join(', ')}]::DOUBLE[], 'isTransposed': ${t}}`;
const sparse = (r: number, c: number, ptr: number[], idx: number[], values: number[], t: boolean) =>
  `{'type': 0::TINYINT, 'numRows': ${r}::INTEGER, 'numCols': ${c}::INTEGER, 'colPtrs': [${ptr.join(', ')}]::INTEGER[], 'rowIndices': [${idx.join(', ')}]::INTEGER[], 'values': [${values.join(', ')}]::DOUBLE[], 'isTransposed': ${t}}`;

/** Metadata as Spark 3.5 writes it for a trained model (DefaultParamsWriter: set params, then defaults). */
const sparkMeta = (family: string) => ({
  class: SPARK_LR_CLASS,
  timestamp: 1701388800000,
  sparkVersion: '3.5.0',
  uid: 'LogisticRegression_7c2b9e4f1a3d',
  paramMap: { regParam: 0.01, family, maxIter: 100, featuresCol: 'features', labelCol: 'label' },
  defaultParamMap: {
    aggregationDepth: 2,
    elasticNetParam: 0.0,
    family: 'auto',
    featuresCol: 'features',
    fitIntercept: true,
    labelCol: 'label',
    maxBlockSizeInMB: 0.0,
    maxIter: 100,
    predictionCol: 'prediction',
    probabilityCol: 'probability',
    rawPredictionCol: 'rawPrediction',
    regParam: 0.0,
    standardization: true,
    threshold: 0.5,
    tol: 1e-6,
  },
});

describe('Spark import (loadSparkModel, softmax import DIR)', () => {
  // A 3-class, 4-feature model with zeros (so the sparse forms differ from the dense ones).
  const W = [
    [0.5, 0, -1.25, 0],
    [0, 2, 0, -0.75],
    [-0.5, -2, 1.25, 0.75],
  ];
  const b = [0.25, 0, -0.25];
  const X = [
    [1, 2, 3, 4],
    [-1, 0.5, 0, 2],
    [0.3, -0.7, 1.1, -2],
  ];
  const rowMajor = W.flat();
  const colMajor = [0, 1, 2, 3].flatMap((j) => W.map((r) => r[j]!));
  // CSC (pointers over the 4 columns, row indices) and CSR (pointers over the 3 rows, column indices).
  const csc = { ptr: [0, 2, 4, 6, 8], idx: [0, 2, 1, 2, 0, 2, 1, 2], val: [0.5, -0.5, 2, -2, -1.25, 1.25, -0.75, 0.75] };
  const csr = { ptr: [0, 2, 4, 8], idx: [0, 2, 1, 3, 0, 1, 2, 3], val: [0.5, -1.25, 2, -0.75, -0.5, -2, 1.25, 0.75] };
  const expected = probs(X, W, b);

  for (const [name, cm, iv] of [
    ['dense column-major', dense(3, 4, colMajor, false), vec(b)],
    ['dense row-major (isTransposed)', dense(3, 4, rowMajor, true), vec(b)],
    ['sparse CSC, sparse intercepts', sparse(3, 4, csc.ptr, csc.idx, csc.val, false), sparseVec(3, [0, 2], [0.25, -0.25])],
    ['sparse CSR (isTransposed)', sparse(3, 4, csr.ptr, csr.idx, csr.val, true), vec(b)],
  ] as const) {
    it(`multinomial, ${name}`, async () => {
      const out = await sparkDir(`multi-${name.replace(/\W+/g, '-')}`, sparkMeta('multinomial'), { numClasses: 3, numFeatures: 4, iv, cm, multi: true });
      const m = await loadSparkModel(out);
      assert.deepEqual(m.classes, [0, 1, 2]);
      assert.equal(m.fittedMultiClass, 'multinomial');
      assert.equal(m.featureNames, null);
      assert.ok(maxDiff(m.predictProba(X), expected) < 1e-14);
    });
  }

  it('binomial, dense and sparse CSR (Spark compresses the 1 x d row either way)', async () => {
    const w = [0.8, 0, -1.5, 0];
    const exp = probs(X, [w], [0.3]);
    for (const [name, cm] of [
      ['dense', dense(1, 4, w, true)],
      ['sparse', sparse(1, 4, [0, 2], [0, 2], [0.8, -1.5], true)],
    ] as const) {
      const out = await sparkDir(`bin-${name}`, sparkMeta('binomial'), { numClasses: 2, numFeatures: 4, iv: vec([0.3]), cm, multi: false });
      const m = await loadSparkModel(out, { featureNames: ['a', 'b', 'c', 'd'] });
      assert.equal(m.fittedMultiClass, 'binomial');
      assert.deepEqual(m.classes, [0, 1]);
      assert.deepEqual(m.featureNames, ['a', 'b', 'c', 'd']);
      assert.ok(maxDiff(m.predictProba(X), exp) < 1e-14);
    }
  });

  it('clear typed errors: a PipelineModel (names the stage), another class, missing data, inconsistent shapes, infinite intercepts', async () => {
    // A pipeline: VectorAssembler then LogisticRegressionModel, as PipelineModel.save writes it.
    const pipe = join(dir, 'pipeline');
    const stage = join(pipe, 'stages', '1_LogisticRegression_7c2b9e4f1a3d');
    mkdirSync(join(pipe, 'metadata'), { recursive: true });
    mkdirSync(join(pipe, 'stages', '0_VectorAssembler_1a2b3c4d5e6f', 'metadata'), { recursive: true });
    mkdirSync(join(stage, 'metadata'), { recursive: true });
    writeFileSync(
      join(pipe, 'metadata', 'part-00000'),
      JSON.stringify({
        class: 'org.apache.spark.ml.PipelineModel',
        timestamp: 1,
        sparkVersion: '3.5.0',
        uid: 'PipelineModel_1',
        paramMap: { stageUids: [] },
        defaultParamMap: {},
      }),
    );
    writeFileSync(
      join(pipe, 'stages', '0_VectorAssembler_1a2b3c4d5e6f', 'metadata', 'part-00000'),
      JSON.stringify({ class: 'org.apache.spark.ml.feature.VectorAssembler', sparkVersion: '3.5.0' }),
    );
    writeFileSync(join(stage, 'metadata', 'part-00000'), JSON.stringify(sparkMeta('multinomial')));
    await assert.rejects(loadSparkModel(pipe), (e: unknown) => {
      assert.ok(e instanceof SparkModelError);
      assert.equal(e.code, 'SPARK_UNSUPPORTED');
      assert.match(e.message, /PipelineModel/);
      assert.ok(e.message.includes(stage), e.message);
      return true;
    });
    const cv = join(dir, 'cv');
    mkdirSync(join(cv, 'metadata'), { recursive: true });
    writeFileSync(join(cv, 'metadata', 'part-00000'), JSON.stringify({ class: 'org.apache.spark.ml.tuning.CrossValidatorModel', sparkVersion: '3.5.0' }));
    await assert.rejects(loadSparkModel(cv), (e: unknown) => e instanceof SparkModelError && e.message.includes(join(cv, 'bestModel')));
    // The stage itself has no data/: said so.
    await assert.rejects(loadSparkModel(stage), (e: unknown) => e instanceof SparkModelError && /no data\/ directory/.test(e.message));
    await assert.rejects(loadSparkModel(join(dir, 'nope')), /no such directory/);
    await assert.rejects(loadSparkModel(join(dir)), /no metadata\/part-00000/);
    const bad = await sparkDir('bad-shape', sparkMeta('multinomial'), {
      numClasses: 3,
      numFeatures: 4,
      iv: vec([0, 0]),
      cm: dense(3, 4, rowMajor, true),
      multi: true,
    });
    await assert.rejects(loadSparkModel(bad), (e: unknown) => e instanceof SparkModelError && /interceptVector has 2 entries/.test(e.message));
    const inf = await sparkDir('inf', sparkMeta('binomial'), {
      numClasses: 2,
      numFeatures: 2,
      iv: vec(["'Infinity'::DOUBLE" as unknown as number]),
      cm: dense(1, 2, [0, 0], true),
      multi: false,
    });
    await assert.rejects(loadSparkModel(inf), (e: unknown) => e instanceof SparkModelError && /intercept is Infinity/.test(e.message));
  });
});

describe('the command line', () => {
  it('softmax export --format spark, then softmax import DIR -o model.json, predicts as the original', async () => {
    const model = join(dir, 'cli-iris.json');
    assert.equal((await run(['train', '--dataset', 'iris', '-o', model, '--no-progress'])).code, 0);
    const out = join(dir, 'cli-iris-spark');
    const e = await run(['export', '--model', model, '--format', 'spark', '-o', out]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /Spark LogisticRegressionModel, multinomial, 3 classes/);
    const back = join(dir, 'cli-back.json');
    const i = await run(['import', out, '-o', back]);
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stdout, /multinomial model, 3 classes, 4 features \(from Spark model/);
    const a = SoftmaxRegression.fromJSON(readFileSync(model, 'utf8'));
    const b = SoftmaxRegression.fromJSON(readFileSync(back, 'utf8'));
    const { X } = loadFixtureCsv('iris');
    assert.ok(maxDiff(a.predictProba(X), b.predictProba(X)) < 1e-12);
    // inspect reads the directory directly too.
    const ins = await run(['inspect', out]);
    assert.equal(ins.code, 0, ins.stderr);
    const again = await run(['export', '--model', model, '--format', 'spark', '-o', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not empty/);
  });
});
