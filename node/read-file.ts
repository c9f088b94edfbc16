/**
 * Reading a whole file into memory, with the runtime's limits turned into typed, one-line errors.
 *
 * Node reads at most 2 GiB - 1 bytes into one Buffer (readFileSync fails beyond, with "File size ... is
 * greater than 2 GiB") and V8 strings stop at about 2^29 characters. The readers here hold a file whole,
 * so a file at or above the limit is refused with an error that names the limit and says what to do.
 */
import { readFileSync, statSync } from 'node:fs';
import { SoftmaxError } from '../src/errors.js';

/** The largest file readFileSync returns whole: 2 GiB - 1 bytes. */
export const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;

function tooLarge(path: string, what: string): SoftmaxError {
  let size = '';
  try {
    size = ` (${statSync(path).size} bytes)`;
  } catch {
    // size unknown: the message still names the limit
  }
  return new SoftmaxError(
    'TOO_LARGE',
    `${path}: ${what}${size} is too large to read whole: the limit is 2 GiB (${MAX_WHOLE_FILE_BYTES} bytes); use a smaller file or split it`,
  );
}

/** Read `path` whole as bytes; `what` names it in messages ('the file', 'model file'). */
export function readWholeFile(path: string, what = 'the file'): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_FS_FILE_TOO_LARGE' || e instanceof RangeError) throw tooLarge(path, what);
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${why}`);
  }
}

/** Read `path` whole as UTF-8 text (at most about 2^29 characters: a V8 string's limit). */
export function readWholeText(path: string, what = 'the file'): string {
  const bytes = readWholeFile(path, what);
  try {
    return bytes.toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG' || e instanceof RangeError) {
      throw new SoftmaxError(
        'TOO_LARGE',
        `${path}: ${what} (${bytes.length} bytes) is too large to hold as one string (about 2^29 characters, 512 MiB of text); use a smaller file or split it`,
      );
    }
    throw e;
  }
}
