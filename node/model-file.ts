/**
 * Model files on disk. Saving goes through writeFileSafe: a temporary file next to the target, every write
 * checked, fsynced, its size verified, then renamed over the target, so an interrupted or failed save
 * (crash, full disk, file-size limit) never leaves a half-written model: the old file or the new one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError, SoftmaxError, SparkModelError } from '../src/errors.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { readWholeText } from './read-file.js';
import { writeFileSafe, type WriteData } from './safe-write.js';

export { checkWritable, writeFileSafe, type WriteData } from './safe-write.js';

/** Write text (or chunks) to `path` atomically; see writeFileSafe. Returns the bytes written. */
export function writeFileAtomic(path: string, data: WriteData): number {
  return writeFileSafe(path, data);
}

/**
 * The model file's text, JSON.stringify(model.toJSON(), null, 1) + newline, as chunks: the coefficient
 * rows (K x d numbers, the bulk of a large model) one at a time, so saving never builds one giant string.
 */
export function* modelFileChunks(model: SoftmaxRegression): Generator<string> {
  const json = model.toJSON() as unknown as Record<string, unknown>;
  const coef = json.coef as number[][];
  json.coef = [];
  const text = JSON.stringify(json, null, 1);
  // Only the top-level key sits at an indent of one space (keys inside strings are escaped, and nested
  // keys are indented deeper), so this marks the one place the rows go.
  const mark = '\n "coef": []';
  const at = text.indexOf(mark);
  if (at < 0 || coef.length === 0) {
    json.coef = coef;
    yield JSON.stringify(json, null, 1) + '\n';
    return;
  }
  yield text.slice(0, at) + '\n "coef": [';
  for (let k = 0; k < coef.length; k++) {
    yield '\n  ' + JSON.stringify(coef[k], null, 1).replace(/\n/g, '\n  ') + (k < coef.length - 1 ? ',' : '');
  }
  yield '\n ]' + text.slice(at + mark.length) + '\n';
}

export function saveModel(model: SoftmaxRegression, path: string): number {
  return writeFileSafe(path, modelFileChunks(model));
}

export function loadModel(path: string): SoftmaxRegression {
  // A Spark model directory is read asynchronously (its coefficients are in a Parquet file).
  if (existsSync(join(path, 'metadata', 'part-00000'))) {
    throw new SparkModelError(
      `${path} is a Spark model directory: read it with loadModelAsync or loadSparkModel (softmax-regression/node), which are asynchronous`,
      {
        file: path,
      },
    );
  }
  let text: string;
  try {
    text = readWholeText(path, 'model file');
  } catch (e) {
    if (e instanceof SoftmaxError && e.code === 'IO_ERROR') {
      const prefix = `cannot read ${path}: `;
      const why = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      throw new SoftmaxError(
        'IO_ERROR',
        `could not read model file ${path}: ${why}${why === 'no such file' ? ' (save one with: softmax train DATA -o FILE)' : ''}`,
      );
    }
    throw e;
  }
  try {
    return SoftmaxRegression.fromJSON(text);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelFormatError(e.path, e.detail, path);
    throw e;
  }
}
