/**
 * Spark MLlib's LogisticRegressionModel, both ways, as the two files of its saved directory (browser-safe:
 * bytes and text in, bytes and text out; node/spark.ts reads and writes the directory).
 *
 * What `LogisticRegressionModel.save(DIR)` writes in Spark 2.1 and later (LogisticRegressionModelWriter,
 * DefaultParamsWriter.saveMetadata, ParquetWriteSupport), and what `load` reads back:
 *
 *   DIR/metadata/part-00000   one JSON line: class, timestamp, sparkVersion, uid, paramMap, defaultParamMap
 *   DIR/data/part-00000-*.parquet   one row: numClasses int, numFeatures int, interceptVector VectorUDT,
 *                                   coefficientMatrix MatrixUDT, isMultinomial boolean
 *
 * The UDTs are stored as their sqlType structs (VectorUDT: type byte 0 sparse / 1 dense, size int,
 * indices array<int>, values array<double>; MatrixUDT: type byte, numRows int, numCols int, colPtrs
 * array<int>, rowIndices array<int>, values array<double>, isTransposed boolean). Spark rebuilds the UDTs
 * from the Catalyst schema JSON in the footer key `org.apache.spark.sql.parquet.row.metadata`; without it a
 * load fails to match `Vector` and `Matrix`.
 *
 * Matrix layouts (MatrixUDT): dense column-major values[i + j*numRows], or with isTransposed row-major
 * values[i*numCols + j]; sparse CSC (colPtrs over columns, rowIndices the rows), or with isTransposed CSR
 * (colPtrs over rows, rowIndices the columns). Spark stores `coefficientMatrix.compressed`, whichever of
 * these is smallest, and the binomial model requires isTransposed (a 1 x d row-major matrix).
 *
 * Spark's model and ours are the same function: multinomial p = softmax(W x + b) with K rows; binomial
 * (isMultinomial false) p(1) = sigmoid(w.x + b) with one row, our binomial model. Spark has no class names:
 * its labels are the class indices 0..K-1, ours the sorted classes, so class k here is Spark's label k.
 * The export adds our class names and feature names under a key Spark ignores (`softmaxRegression`), so a
 * model that goes to Spark and back keeps them.
 */
import { ModelFormatError, SoftmaxError, NotFittedError, SparkModelError } from '../errors.js';
import type { Label } from '../core/labels.js';
import { SoftmaxRegression } from '../model/softmax-regression.js';
import { linearForm } from '../onnx/linear.js';
import { importOptional } from '../optional.js';
import { toArrayBuffer } from '../data/parquet.js';

export const SPARK_LR_CLASS = 'org.apache.spark.ml.classification.LogisticRegressionModel';
/** Footer key holding Spark's Catalyst schema (ParquetReadSupport.SPARK_METADATA_KEY). */
export const SPARK_ROW_METADATA_KEY = 'org.apache.spark.sql.parquet.row.metadata';
/** Footer key naming the Spark version that wrote the file (used by Spark for date rebasing). */
export const SPARK_VERSION_METADATA_KEY = 'org.apache.spark.version';
/** The Spark version the export declares: the 3.x layout, with the defaultParamMap section (2.4+). */
export const SPARK_VERSION_WRITTEN = '3.5.1';
/** Our extra metadata key (Spark reads only the keys it knows). */
export const SPARK_EXTRA_KEY = 'softmaxRegression';

/** VectorUDT's struct (pyspark.ml.linalg.VectorUDT.serialize). */
export interface SparkVectorRow {
  type: number;
  size: number | null;
  indices: number[] | null;
  values: number[] | null;
}

/** MatrixUDT's struct (pyspark.ml.linalg.MatrixUDT.serialize). */
export interface SparkMatrixRow {
  type: number;
  numRows: number;
  numCols: number;
  colPtrs: number[] | null;
  rowIndices: number[] | null;
  values: number[] | null;
  isTransposed: boolean;
}

/** The data row of a saved LogisticRegressionModel (Spark 2.1+). */
export interface SparkLogisticRow {
  numClasses: number;
  numFeatures: number;
  interceptVector: SparkVectorRow;
  coefficientMatrix: SparkMatrixRow;
  isMultinomial: boolean;
}

/** The two files of a model directory, as written by `toSparkFiles`. */
export interface SparkModelFiles {
  /** `metadata/part-00000`: one JSON line and a newline. */
  metadata: string;
  /** `data/part-00000-….parquet`: the Parquet file with the one data row. */
  data: Uint8Array;
}

// ---- Spark's Catalyst schema of the data row, as JSON (DataType.json) -----------------------------------

const field = (name: string, type: unknown, nullable: boolean) => ({ name, type, nullable, metadata: {} });
const arrayOf = (elementType: string) => ({ type: 'array', elementType, containsNull: false });

const VECTOR_SQL_TYPE = {
  type: 'struct',
  fields: [field('type', 'byte', false), field('size', 'integer', true), field('indices', arrayOf('integer'), true), field('values', arrayOf('double'), true)],
};
const MATRIX_SQL_TYPE = {
  type: 'struct',
  fields: [
    field('type', 'byte', false),
    field('numRows', 'integer', false),
    field('numCols', 'integer', false),
    field('colPtrs', arrayOf('integer'), true),
    field('rowIndices', arrayOf('integer'), true),
    field('values', arrayOf('double'), true),
    field('isTransposed', 'boolean', false),
  ],
};

/** The schema JSON Spark writes in the footer for LogisticRegressionModelWriter's Data case class. */
export function sparkLogisticSchemaJson(): string {
  return JSON.stringify({
    type: 'struct',
    fields: [
      field('numClasses', 'integer', false),
      field('numFeatures', 'integer', false),
      field(
        'interceptVector',
        { type: 'udt', class: 'org.apache.spark.ml.linalg.VectorUDT', pyClass: 'pyspark.ml.linalg.VectorUDT', sqlType: VECTOR_SQL_TYPE },
        true,
      ),
      field(
        'coefficientMatrix',
        { type: 'udt', class: 'org.apache.spark.ml.linalg.MatrixUDT', pyClass: 'pyspark.ml.linalg.MatrixUDT', sqlType: MATRIX_SQL_TYPE },
        true,
      ),
      field('isMultinomial', 'boolean', false),
    ],
  });
}

// ---- The Parquet schema Spark's writer produces for it (3-level lists, ByteType as INT32 INT_8) ----------

interface SchemaElement {
  name: string;
  type?: 'INT32' | 'DOUBLE' | 'BOOLEAN';
  repetition_type?: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  num_children?: number;
  converted_type?: 'INT_8' | 'LIST';
}

const listOf = (name: string, type: 'INT32' | 'DOUBLE'): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', type },
];

/**
 * The byte field is INT32 annotated with the converted type INT_8 only: hyparquet-writer 0.17 writes the
 * logical-type form of an 8-bit integer in a way other readers reject (found when this was built), and the
 * converted type alone is what every reader (Spark's parquet-mr included) understands.
 */
const byteField = (): SchemaElement => ({ name: 'type', type: 'INT32', repetition_type: 'REQUIRED', converted_type: 'INT_8' });

export function sparkLogisticParquetSchema(): SchemaElement[] {
  return [
    { name: 'spark_schema', num_children: 5 },
    { name: 'numClasses', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'numFeatures', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'interceptVector', repetition_type: 'OPTIONAL', num_children: 4 },
    byteField(),
    { name: 'size', type: 'INT32', repetition_type: 'OPTIONAL' },
    ...listOf('indices', 'INT32'),
    ...listOf('values', 'DOUBLE'),
    { name: 'coefficientMatrix', repetition_type: 'OPTIONAL', num_children: 7 },
    byteField(),
    { name: 'numRows', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'numCols', type: 'INT32', repetition_type: 'REQUIRED' },
    ...listOf('colPtrs', 'INT32'),
    ...listOf('rowIndices', 'INT32'),
    ...listOf('values', 'DOUBLE'),
    { name: 'isTransposed', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
    { name: 'isMultinomial', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
  ];
}

// ---- Export ---------------------------------------------------------------------------------------------

export interface ToSparkOptions {
  /** Spark's uid of the model (default `logreg_` + 12 random hex digits, as Identifiable.randomUID). */
  uid?: string;
  /** Milliseconds since 1970 (default now). */
  timestamp?: number;
  /** Version written as `sparkVersion` (default 3.5.1; must be 2.4 or later for the defaultParamMap). */
  sparkVersion?: string;
}

function randomUid(): string {
  let hex = '';
  for (let i = 0; i < 12; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `logreg_${hex}`;
}

/**
 * Spark's parameters for the model, by the names Spark's LogisticRegression knows (unknown names make
 * `load` fail). The penalty maps as docs/scaling.md derives: our objective divided by the weight sum n is
 * Spark's, so regParam = 1/(C n) and elasticNetParam = the L1 share (0 for L2, 1 for L1, l1Ratio).
 */
export function sparkParamMap(model: SoftmaxRegression, multinomial: boolean): Record<string, string | number | boolean> {
  const o = model.options;
  const out: Record<string, string | number | boolean> = {
    featuresCol: 'features',
    labelCol: 'label',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
    rawPredictionCol: 'rawPrediction',
    family: multinomial ? 'multinomial' : 'binomial',
    fitIntercept: o.fitIntercept,
    standardization: o.scale === 'standard',
    elasticNetParam: o.penalty === 'l1' ? 1 : o.penalty === 'elasticnet' ? (o.l1Ratio ?? 0) : 0,
  };
  const n = model.fitResult?.sumWeights;
  if (o.penalty === 'none' || o.C === Infinity) out.regParam = 0;
  else if (n !== undefined && n > 0) out.regParam = 1 / (o.C * n);
  return out;
}

type HyparquetWriter = typeof import('hyparquet-writer');

/**
 * The model as Spark's two files. Scaling stored in the model is folded into the coefficients (Spark's
 * model takes raw features). One-vs-rest models and models with a feature map have no Spark form.
 */
export async function toSparkFiles(model: SoftmaxRegression, opts: ToSparkOptions = {}): Promise<SparkModelFiles> {
  if (!model.coef || !model.intercept || !model.classes) throw new NotFittedError('toSparkFiles');
  if (model.featureMap) {
    throw new SparkModelError(
      `the model computes ${model.featureMap.terms.length} features from its ${model.featureMap.inputs} input columns (option featureMap); a Spark LogisticRegressionModel is linear in its input vector: export the mapped features' model is not possible, refit without featureMap or build the same features in Spark first`,
      { code: 'SPARK_UNSUPPORTED' },
    );
  }
  if (model.fittedMultiClass === 'ovr') {
    throw new SparkModelError(
      "one-vs-rest models have no LogisticRegressionModel form (Spark keeps them as a OneVsRestModel of K binary models with other probabilities); refit with multiClass 'multinomial' (or 'auto')",
      { code: 'SPARK_UNSUPPORTED' },
    );
  }
  const f = linearForm(model);
  const multinomial = f.kind === 'multinomial';
  const R = multinomial ? f.classes.length : 1;
  const d = f.nFeatures;
  const writer = await importOptional(() => import('hyparquet-writer'), 'hyparquet-writer', 'Spark export', ['hyparquet-writer']);
  const sparkVersion = opts.sparkVersion ?? SPARK_VERSION_WRITTEN;
  const data = writeDataRow(
    writer,
    {
      numClasses: f.classes.length,
      numFeatures: d,
      // Dense vectors and matrices: size, indices, colPtrs and rowIndices are null (MatrixUDT.serialize).
      interceptVector: { type: 1, size: null, indices: null, values: Array.from(f.b) },
      coefficientMatrix: { type: 1, numRows: R, numCols: d, colPtrs: null, rowIndices: null, values: Array.from(f.W), isTransposed: true },
      isMultinomial: multinomial,
    },
    sparkVersion,
  );
  const metadata = {
    class: SPARK_LR_CLASS,
    timestamp: opts.timestamp ?? Date.now(),
    sparkVersion,
    uid: opts.uid ?? randomUid(),
    paramMap: sparkParamMap(model, multinomial),
    defaultParamMap: {},
    [SPARK_EXTRA_KEY]: { classes: f.classes, featureNames: f.featureNames },
  };
  return { metadata: `${JSON.stringify(metadata)}\n`, data };
}

function writeDataRow(writer: HyparquetWriter, row: SparkLogisticRow, sparkVersion: string): Uint8Array {
  const out = new writer.ByteWriter();
  writer.parquetWrite({
    writer: out,
    schema: sparkLogisticParquetSchema() as never,
    columnData: [
      { name: 'numClasses', data: [row.numClasses] },
      { name: 'numFeatures', data: [row.numFeatures] },
      { name: 'interceptVector', data: [row.interceptVector] as never },
      { name: 'coefficientMatrix', data: [row.coefficientMatrix] as never },
      { name: 'isMultinomial', data: [row.isMultinomial] },
    ],
    statistics: false,
    kvMetadata: [
      { key: SPARK_VERSION_METADATA_KEY, value: sparkVersion },
      { key: SPARK_ROW_METADATA_KEY, value: sparkLogisticSchemaJson() },
    ],
    createdBy: 'softmax-regression (hyparquet-writer)',
  });
  return new Uint8Array(out.getBuffer());
}

// ---- Import ---------------------------------------------------------------------------------------------

/** The parsed metadata line of a saved Spark ML object. */
export interface SparkMetadata {
  class: string;
  uid: string;
  sparkVersion: string;
  timestamp?: number;
  paramMap: Record<string, unknown>;
  defaultParamMap?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Parse `metadata/part-00000` (the first non-empty line). */
export function parseSparkMetadata(text: string, file = 'metadata/part-00000'): SparkMetadata {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) throw new SparkModelError(`${file} is empty: not a saved Spark ML model`, { file });
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch (e) {
    throw new SparkModelError(`${file} is not JSON (${(e as Error).message}): not a saved Spark ML model`, { file });
  }
  const o = m as Partial<SparkMetadata> | null;
  if (!o || typeof o !== 'object' || typeof o.class !== 'string' || typeof o.sparkVersion !== 'string') {
    throw new SparkModelError(`${file} has no "class" and "sparkVersion": not the metadata of a saved Spark ML model`, { file });
  }
  return { uid: '', paramMap: {}, ...o } as SparkMetadata;
}

/** [major, minor] of a version string like '3.5.1'. */
export function sparkMajorMinor(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

type Hyparquet = typeof import('hyparquet');

/** Read the first row of Spark's data Parquet file (hyparquet). */
export async function readSparkDataRow(bytes: Uint8Array, file = 'data/part-00000.parquet'): Promise<Record<string, unknown>> {
  const hp: Hyparquet = await importOptional(() => import('hyparquet'), 'hyparquet', 'Spark import', ['hyparquet']);
  const buf = toArrayBuffer(bytes);
  let rows: Record<string, unknown>[];
  try {
    let compressors: Parameters<Hyparquet['parquetReadObjects']>[0]['compressors'];
    try {
      compressors = (await import('hyparquet-compressors')).compressors as typeof compressors;
    } catch {
      compressors = undefined;
    }
    rows = await hp.parquetReadObjects({ file: buf, compressors });
  } catch (e) {
    throw new SparkModelError(`${file}: not a readable Parquet file (${(e as Error).message})`, { file });
  }
  if (rows.length !== 1) throw new SparkModelError(`${file} holds ${rows.length} rows; a saved model's data has one`, { file });
  return rows[0]!;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intArray(v: unknown, what: string, file: string): number[] {
  if (!Array.isArray(v)) throw new SparkModelError(`${file}: ${what} is ${v === null ? 'null' : typeof v}, expected an array of integers`, { file });
  return v.map((x, i) => {
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (!isInt(n)) throw new SparkModelError(`${file}: ${what}[${i}] is not an integer`, { file });
    return n;
  });
}

function numArray(v: unknown, what: string, file: string): number[] {
  if (!Array.isArray(v)) throw new SparkModelError(`${file}: ${what} is ${v === null ? 'null' : typeof v}, expected an array of doubles`, { file });
  return v.map((x, i) => {
    if (typeof x !== 'number') throw new SparkModelError(`${file}: ${what}[${i}] is not a number`, { file });
    return x;
  });
}

/** A VectorUDT struct as a dense array (type 0 sparse: size, indices, values; type 1 dense: values). */
export function sparkVectorToDense(v: unknown, what: string, file: string): Float64Array {
  const r = v as SparkVectorRow | null;
  if (!r || typeof r !== 'object') throw new SparkModelError(`${file}: ${what} is missing`, { file });
  const type = Number(r.type);
  if (type === 1) return Float64Array.from(numArray(r.values, `${what}.values`, file));
  if (type !== 0) throw new SparkModelError(`${file}: ${what}.type is ${String(r.type)}; VectorUDT's types are 0 (sparse) and 1 (dense)`, { file });
  const size = Number(r.size);
  if (!isInt(size) || size < 0) throw new SparkModelError(`${file}: ${what}.size is ${String(r.size)}, expected a size`, { file });
  const idx = intArray(r.indices, `${what}.indices`, file);
  const val = numArray(r.values, `${what}.values`, file);
  if (idx.length !== val.length) throw new SparkModelError(`${file}: ${what} has ${idx.length} indices for ${val.length} values`, { file });
  const out = new Float64Array(size);
  idx.forEach((j, t) => {
    if (j < 0 || j >= size) throw new SparkModelError(`${file}: ${what}.indices[${t}] = ${j} is outside 0..${size - 1}`, { file });
    out[j] = val[t]!;
  });
  return out;
}

/** A MatrixUDT struct as a dense row-major numRows x numCols array (all four layouts, see the file comment). */
export function sparkMatrixToDense(m: unknown, what: string, file: string): { rows: number; cols: number; values: Float64Array } {
  const r = m as SparkMatrixRow | null;
  if (!r || typeof r !== 'object') throw new SparkModelError(`${file}: ${what} is missing`, { file });
  const rows = Number(r.numRows);
  const cols = Number(r.numCols);
  if (!isInt(rows) || !isInt(cols) || rows < 0 || cols < 0) throw new SparkModelError(`${file}: ${what} has no valid numRows/numCols`, { file });
  const t = r.isTransposed === true;
  const type = Number(r.type);
  const values = numArray(r.values, `${what}.values`, file);
  const out = new Float64Array(rows * cols);
  if (type === 1) {
    if (values.length !== rows * cols) throw new SparkModelError(`${file}: ${what} is ${rows} x ${cols} but has ${values.length} values`, { file });
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = t ? values[i * cols + j]! : values[i + j * rows]!;
    return { rows, cols, values: out };
  }
  if (type !== 0) throw new SparkModelError(`${file}: ${what}.type is ${String(r.type)}; MatrixUDT's types are 0 (sparse) and 1 (dense)`, { file });
  // CSC: pointers over columns, indices are rows. Transposed (CSR): pointers over rows, indices are columns.
  const outer = t ? rows : cols;
  const inner = t ? cols : rows;
  const ptr = intArray(r.colPtrs, `${what}.colPtrs`, file);
  const idx = intArray(r.rowIndices, `${what}.rowIndices`, file);
  if (ptr.length !== outer + 1) throw new SparkModelError(`${file}: ${what}.colPtrs has ${ptr.length} entries, expected ${outer + 1}`, { file });
  if (idx.length !== values.length || ptr[0] !== 0 || ptr[outer] !== values.length) {
    throw new SparkModelError(`${file}: ${what} has ${idx.length} indices, ${values.length} values and pointers ending at ${ptr[outer]}`, { file });
  }
  for (let o = 0; o < outer; o++) {
    if (ptr[o + 1]! < ptr[o]!) throw new SparkModelError(`${file}: ${what}.colPtrs decreases at ${o + 1}`, { file });
    for (let k = ptr[o]!; k < ptr[o + 1]!; k++) {
      const i = idx[k]!;
      if (i < 0 || i >= inner) throw new SparkModelError(`${file}: ${what}.rowIndices[${k}] = ${i} is outside 0..${inner - 1}`, { file });
      if (t) out[o * cols + i] = values[k]!;
      else out[i * cols + o] = values[k]!;
    }
  }
  return { rows, cols, values: out };
}

export interface FromSparkOptions {
  /** Directory or file name for messages. */
  file?: string;
  /** Feature names for the model (Spark models have none; the export's names are used when present). */
  featureNames?: string[];
}

/**
 * A SoftmaxRegression from a saved LogisticRegressionModel's metadata text and data Parquet bytes. Spark
 * 2.1+ layout (interceptVector, coefficientMatrix, isMultinomial), and Spark 2.0's binomial layout
 * (intercept, coefficients). Classes are 0..K-1 (Spark's label indices) unless the directory was written
 * by `toSparkFiles`, whose class and feature names are restored.
 */
export async function fromSparkFiles(metadataText: string, data: Uint8Array, opts: FromSparkOptions = {}): Promise<SoftmaxRegression> {
  const dir = opts.file ?? 'the model directory';
  const metaFile = `${dir}/metadata/part-00000`;
  const meta = parseSparkMetadata(metadataText, metaFile);
  if (meta.class !== SPARK_LR_CLASS)
    throw new SparkModelError(`${metaFile}: the class is ${meta.class}; only ${SPARK_LR_CLASS} is read`, { file: metaFile, code: 'SPARK_UNSUPPORTED' });
  const dataFile = `${dir}/data`;
  const row = await readSparkDataRow(data, dataFile);
  return modelFromSparkRow(meta, row, { ...opts, file: dataFile });
}

/** The model a Spark data row (as read by readSparkDataRow) and its metadata describe. */
export function modelFromSparkRow(meta: SparkMetadata, row: Record<string, unknown>, opts: FromSparkOptions = {}): SoftmaxRegression {
  const file = opts.file ?? 'data';
  let K = Number(row.numClasses);
  let W: Float64Array;
  let b: Float64Array;
  let R: number;
  let d: number;
  let multinomial: boolean;
  if ('coefficientMatrix' in row) {
    d = Number(row.numFeatures);
    multinomial = row.isMultinomial === true;
    const m = sparkMatrixToDense(row.coefficientMatrix, 'coefficientMatrix', file);
    b = sparkVectorToDense(row.interceptVector, 'interceptVector', file);
    W = m.values;
    R = m.rows;
    if (m.cols !== d) throw new SparkModelError(`${file}: coefficientMatrix has ${m.cols} columns for numFeatures ${d}`, { file });
  } else if ('coefficients' in row && 'intercept' in row) {
    // Spark 2.0 and before: binomial only, a coefficient vector and a double intercept.
    W = sparkVectorToDense(row.coefficients, 'coefficients', file);
    d = W.length;
    b = Float64Array.of(Number(row.intercept));
    R = 1;
    multinomial = false;
    if (!isInt(K)) K = 2;
  } else {
    throw new SparkModelError(`${file}: no coefficientMatrix/interceptVector (nor Spark 2.0's coefficients/intercept): not a LogisticRegressionModel's data`, {
      file,
    });
  }
  if (!isInt(K) || K < 2) {
    throw new SparkModelError(
      `${file}: numClasses is ${String(row.numClasses)}; a classifier needs at least 2 classes (a Spark model fitted on one label value cannot predict)`,
      { file },
    );
  }
  if (!isInt(d) || d < 1) throw new SparkModelError(`${file}: numFeatures is ${String(row.numFeatures)}`, { file });
  if (multinomial ? R !== K : R !== 1 || K !== 2) {
    throw new SparkModelError(
      `${file}: ${multinomial ? 'a multinomial' : 'a binomial'} model with numClasses ${K} has ${R} coefficient rows (expected ${multinomial ? K : '1 and 2 classes'})`,
      { file },
    );
  }
  if (b.length !== R) throw new SparkModelError(`${file}: interceptVector has ${b.length} entries for ${R} coefficient rows`, { file });
  for (const v of W) if (!Number.isFinite(v)) throw new SparkModelError(`${file}: a coefficient is ${v}`, { file });
  for (const v of b) {
    if (!Number.isFinite(v)) {
      throw new SparkModelError(`${file}: an intercept is ${v} (Spark's answer when the training labels held one class): the model cannot be used here`, {
        file,
      });
    }
  }
  // Class and feature names: ours when the directory came from toSparkFiles, else Spark's label indices.
  const extra = meta[SPARK_EXTRA_KEY] as { classes?: unknown; featureNames?: unknown } | undefined;
  let classes: Label[] = Array.from({ length: K }, (_, k) => k);
  const named = extra?.classes;
  if (Array.isArray(named) && named.length === K && named.every((c) => typeof c === 'string' || typeof c === 'number') && isSorted(named as Label[])) {
    classes = named as Label[];
  }
  let featureNames: string[] | null = null;
  const fn = opts.featureNames ?? extra?.featureNames;
  if (Array.isArray(fn) && fn.length === d && fn.every((x) => typeof x === 'string')) featureNames = fn as string[];
  else if (opts.featureNames) throw new SparkModelError(`${opts.featureNames.length} feature names given for a model of ${d} features`, { file });
  const rows = (A: Float64Array) => Array.from({ length: R }, (_, k) => Array.from(A.subarray(k * d, (k + 1) * d)));
  const fitIntercept = meta.paramMap?.fitIntercept;
  try {
    return SoftmaxRegression.fromState(
      {
        classes,
        multiClass: multinomial ? 'multinomial' : 'binomial',
        coef: rows(W),
        intercept: Array.from(b),
        featureNames,
        scaler: null,
        featureMap: null,
        fitResult: null,
      },
      { multiClass: multinomial ? 'multinomial' : 'auto', ...(fitIntercept === false ? { fitIntercept: false } : {}) },
    );
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof SoftmaxError) throw new SparkModelError(`${file}: ${e.message}`, { file });
    throw e;
  }
}

function isSorted(c: Label[]): boolean {
  const t = typeof c[0];
  for (let i = 0; i < c.length; i++) if (typeof c[i] !== t || (i > 0 && !(c[i - 1]! < c[i]!))) return false;
  return true;
}
