/**
 * Model files on disk. Saving writes a temporary file next to the target and renames it over the target,
 * so an interrupted save (crash, full disk, Ctrl-C) never leaves a half-written model: the old file or the
 * new one, nothing in between (rename is atomic within a file system).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelFormatError, SoftmaxError } from '../src/errors.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';

/** Write text to `path` atomically (temp file + fsync + rename). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new SoftmaxError('IO_ERROR', `could not write ${path}: ${(e as Error).message}`);
  }
}

export function saveModel(model: SoftmaxRegression, path: string): void {
  writeFileAtomic(path, JSON.stringify(model.toJSON(), null, 1) + '\n');
}

export function loadModel(path: string): SoftmaxRegression {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new SoftmaxError('IO_ERROR', `could not read model file ${path}: ${why}${code === 'ENOENT' ? ' (save one with: softmax train DATA -o FILE)' : ''}`);
  }
  try {
    return SoftmaxRegression.fromJSON(text);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelFormatError(e.path, e.detail, path);
    throw e;
  }
}
