/**
 * Output paths are checked before any work: a fit of minutes must not end in "no such directory". Every
 * command that writes a file calls checkOutput on it first, so the rule lives in one place.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SoftmaxError } from '../src/errors.js';
import { checkWritable } from '../node/safe-write.js';
import { UsageError } from './context.js';

/**
 * Throw unless `path` (given with `flag`, e.g. '-o') can be written: not empty, not a directory, in a
 * directory that exists and is writable (see checkWritable in node/safe-write.ts). An empty path is bad usage (exit 2); a missing directory is a runtime error.
 */
export function checkOutput(path: string | undefined, flag = '-o'): void {
  if (path === undefined) return;
  if (path.trim() === '') throw new UsageError(`${flag}: the output path is empty; give a file name`);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // does not exist yet: its directory must
  }
  if (isDir) throw new SoftmaxError('IO_ERROR', `cannot write ${flag} ${path}: it is a directory; give a file name`);
  const dir = dirname(resolve(path));
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new SoftmaxError('IO_ERROR', `cannot write ${flag} ${path}: directory ${dirname(path)} does not exist (create it first: mkdir -p ${dirname(path)})`);
  }
  if (!st.isDirectory()) throw new SoftmaxError('IO_ERROR', `cannot write ${flag} ${path}: ${dirname(path)} is not a directory`);
  // The rest of what the save itself needs: a writable directory (not read-only, permissions) for its
  // temporary file; special files (/dev/null, /dev/stdout, FIFOs) pass, they are written directly.
  try {
    checkWritable(path);
  } catch (e) {
    if (e instanceof SoftmaxError)
      throw new SoftmaxError('IO_ERROR', `cannot write ${flag} ${path}: ${e.message.replace(/^could not write "(?:[^"\\]|\\.)*": /, '')}`);
    throw e;
  }
}
