/**
 * Spark MLlib model directories on disk (the layout is in src/spark/model.ts): `saveSparkModel` writes one
 * that Spark's `LogisticRegressionModel.load(DIR)` reads, `loadSparkModel` reads one Spark wrote. A save is
 * built in a temporary sibling directory and renamed into place, so DIR is either complete or absent.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SoftmaxError, SparkModelError } from '../src/errors.js';
import type { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { fromSparkFiles, parseSparkMetadata, SPARK_LR_CLASS, toSparkFiles, type FromSparkOptions, type ToSparkOptions } from '../src/spark/model.js';
import { loadModel } from './model-file.js';

const METADATA = join('metadata', 'part-00000');

/** Whether `path` is a directory holding a saved Spark ML object (`metadata/part-00000`). */
export function isSparkModelDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, METADATA));
  } catch {
    return false;
  }
}

/** Write `model` as a Spark LogisticRegressionModel directory. DIR must not exist (or be empty), as for Spark's save. */
export async function saveSparkModel(model: SoftmaxRegression, dir: string, opts: ToSparkOptions = {}): Promise<{ dataFile: string; metadataFile: string }> {
  checkSparkOutput(dir);
  const files = await toSparkFiles(model, opts);
  const target = resolve(dir);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`);
  const dataName = `part-00000-${randomUUID()}-c000.snappy.parquet`;
  try {
    mkdirSync(join(tmp, 'metadata'), { recursive: true });
    mkdirSync(join(tmp, 'data'), { recursive: true });
    writeFileSync(join(tmp, METADATA), files.metadata);
    writeFileSync(join(tmp, 'metadata', '_SUCCESS'), '');
    writeFileSync(join(tmp, 'data', dataName), files.data);
    writeFileSync(join(tmp, 'data', '_SUCCESS'), '');
    // An empty DIR (allowed) is replaced; rename does not replace a non-empty directory.
    if (existsSync(target)) rmdirSync(target);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new SoftmaxError('IO_ERROR', `could not write the Spark model directory ${dir}: ${(e as Error).message}`);
  }
  return { dataFile: join(dir, 'data', dataName), metadataFile: join(dir, METADATA) };
}

/** Refuse an output DIR that exists and is not an empty directory, or whose parent is missing. */
export function checkSparkOutput(dir: string): void {
  if (dir.trim() === '') throw new SoftmaxError('IO_ERROR', 'the output directory name is empty');
  let st;
  try {
    st = statSync(dir);
  } catch {
    st = null;
  }
  if (st) {
    if (!st.isDirectory()) throw new SoftmaxError('IO_ERROR', `cannot write the Spark model directory ${dir}: a file of that name exists`);
    if (readdirSync(dir).length > 0) {
      throw new SoftmaxError(
        'IO_ERROR',
        `cannot write the Spark model directory ${dir}: it exists and is not empty (remove it first, as Spark's save would ask)`,
      );
    }
  }
  const parent = dirname(resolve(dir));
  if (!existsSync(parent))
    throw new SoftmaxError('IO_ERROR', `cannot write ${dir}: directory ${dirname(dir)} does not exist (create it first: mkdir -p ${dirname(dir)})`);
}

/**
 * Read a LogisticRegressionModel directory saved by Spark (2.1 to 3.x; 2.0's binomial layout too). A
 * PipelineModel, CrossValidatorModel or TrainValidationSplitModel directory is refused with the path of the
 * logistic-regression stage (or best model) to point at instead.
 */
export async function loadSparkModel(dir: string, opts: Omit<FromSparkOptions, 'file'> = {}): Promise<SoftmaxRegression> {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new SoftmaxError('IO_ERROR', `cannot read the Spark model directory ${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new SparkModelError(`${dir} is a file, not a Spark model directory (one with metadata/ and data/)`, { file: dir });
  const metaPath = join(dir, METADATA);
  if (!existsSync(metaPath)) {
    throw new SparkModelError(`${dir} has no metadata/part-00000: not a directory written by Spark's model.save(DIR) (point at the model's own directory)`, {
      file: metaPath,
    });
  }
  const metaText = readFileSync(metaPath, 'utf8');
  const meta = parseSparkMetadata(metaText, metaPath);
  if (meta.class !== SPARK_LR_CLASS) throw new SparkModelError(redirect(dir, meta.class), { file: metaPath, code: 'SPARK_UNSUPPORTED' });
  const dataDir = join(dir, 'data');
  let parts: string[];
  try {
    parts = readdirSync(dataDir)
      .filter((f) => !f.startsWith('_') && !f.startsWith('.') && f.endsWith('.parquet'))
      .sort();
  } catch {
    throw new SparkModelError(`${dir} has no data/ directory: the model's coefficients are missing`, { file: dataDir });
  }
  if (parts.length === 0) throw new SparkModelError(`${dataDir} holds no .parquet file: the model's coefficients are missing`, { file: dataDir });
  // Spark writes the one row into one file (repartition(1)); other part files, if any, are empty.
  let lastError: unknown = null;
  for (const p of parts) {
    try {
      return await fromSparkFiles(metaText, readFileSync(join(dataDir, p)), { ...opts, file: dir });
    } catch (e) {
      if (!(e instanceof SparkModelError) || !/holds 0 rows/.test(e.message)) throw e;
      lastError = e;
    }
  }
  throw lastError;
}

/** What to point at instead of a directory holding another Spark class. */
function redirect(dir: string, cls: string): string {
  const short = cls.replace(/^org\.apache\.spark\.ml\./, '');
  if (cls === 'org.apache.spark.ml.PipelineModel') {
    const stages = join(dir, 'stages');
    let lr: string[] = [];
    let all: string[] = [];
    try {
      all = readdirSync(stages).sort();
      lr = all.filter((s) => {
        try {
          return parseSparkMetadata(readFileSync(join(stages, s, METADATA), 'utf8')).class === SPARK_LR_CLASS;
        } catch {
          return false;
        }
      });
    } catch {
      // no stages folder: say so below
    }
    if (lr.length > 0) {
      return `${dir} is a Spark PipelineModel (${all.length} stages); point at its LogisticRegressionModel stage: ${lr.map((s) => join(stages, s)).join(' or ')} (the stages before it, e.g. VectorAssembler or StandardScaler, are not part of the model: apply the same feature steps to the data)`;
    }
    return `${dir} is a Spark PipelineModel with no LogisticRegressionModel stage${all.length ? ` (stages: ${all.join(', ')})` : ''}`;
  }
  if (cls.endsWith('.CrossValidatorModel') || cls.endsWith('.TrainValidationSplitModel')) {
    return `${dir} is a Spark ${short}; point at its best model: ${join(dir, 'bestModel')}`;
  }
  if (cls.endsWith('.OneVsRestModel')) {
    return `${dir} is a Spark OneVsRestModel (K separate binary models); only ${SPARK_LR_CLASS} directories are read: fit LogisticRegression with family 'multinomial' instead`;
  }
  return `${dir} holds a Spark ${short}; only ${SPARK_LR_CLASS} directories are read`;
}

/**
 * Any model this package reads: a model file (JSON, see loadModel) or a Spark LogisticRegressionModel
 * directory.
 */
export async function loadModelAsync(path: string): Promise<SoftmaxRegression> {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    // loadModel names a missing file
  }
  return dir ? loadSparkModel(path) : loadModel(path);
}
