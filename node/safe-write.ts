/**
 * Writing output files so that a failed save never costs the previous file.
 *
 * Regular files (and paths that do not exist yet) are written to a temporary file in the same directory,
 * `.NAME.<pid>.<8 hex>.tmp`, then renamed over the target. Before the rename every write's byte count is
 * checked (a short write is retried until it fails: a full disk or a file-size limit gives a short write
 * first and ENOSPC/EFBIG on the next one), the data are fsynced and the temporary file's size is compared
 * with the bytes meant; any failure removes the temporary file and throws, leaving the target as it was.
 * rename() within one file system is atomic, so a reader (or a crash) sees the old file or the new one.
 *
 * Special targets (character devices like /dev/null, FIFOs, sockets, /dev/stdout and other links to file
 * descriptors) cannot be replaced by a rename without breaking them: they are opened and written directly.
 *
 * A save killed with SIGKILL leaves its temporary file behind; the next save to the same target removes
 * temporary files of this naming whose process no longer exists.
 */
import { createRequire } from 'node:module';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  accessSync,
  writeSync,
  constants,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SoftmaxError } from '../src/errors.js';

// node:crypto is loaded on the first write, not at start-up: most commands write nothing, and loading it
// costs the command line's start-up several milliseconds (docs/performance.md, "Cold start").
const lazyRequire = createRequire(import.meta.url);
const randomHex = (bytes: number): string => (lazyRequire('node:crypto') as typeof import('node:crypto')).randomBytes(bytes).toString('hex');

/** What a save writes: text, bytes, or a sequence of chunks (so large outputs need no single giant string). */
export type WriteData = string | Uint8Array | Iterable<string | Uint8Array>;

/** Bytes per encoded block when chunks are strings: bounds the extra memory of a streamed write. */
const BLOCK = 1 << 20;

/** Why a write failed, in words, from the errno code. */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large (a file-size limit, ulimit -f, was reached)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'EIO':
      return 'input/output error';
    default:
      return err?.message ?? String(e);
  }
}

function ioError(path: string, message: string): SoftmaxError {
  return new SoftmaxError('IO_ERROR', `could not write ${JSON.stringify(path)}: ${message}`);
}

const FD_PATH = /^\/(dev|proc)\//;

/** stat() that returns null for a path that does not exist (a dangling link counts as absent). */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Check, before any work is done, that `path` can be written: not empty, not a directory, and its directory
 * exists and is writable. Throws a one-line IO_ERROR (or a usage-style error for an empty path); returns
 * the target's kind.
 */
export function checkWritable(path: string, what = 'output'): 'regular' | 'special' | 'new' {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new SoftmaxError('IO_ERROR', `the ${what} path is empty: give a file name`);
  }
  let st: Stats | null;
  try {
    st = statOrNull(path);
  } catch (e) {
    throw ioError(path, reason(e));
  }
  if (st?.isDirectory()) throw ioError(path, 'it is a directory; give a file name');
  if (st && !st.isFile()) return 'special';
  // /dev/stdout, /dev/fd/N, /proc/self/fd/N (and links to them) name a descriptor even when it is
  // redirected to a regular file: replacing that file by a rename would bypass the descriptor.
  if (st && (FD_PATH.test(resolve(path)) || FD_PATH.test(realpathOr(path)))) return 'special';
  const dir = dirname(st ? realpathOr(path) : path);
  let dst: Stats | null;
  try {
    dst = statOrNull(dir);
  } catch (e) {
    throw ioError(path, `directory ${JSON.stringify(dir)}: ${reason(e)}`);
  }
  if (!dst) throw ioError(path, `directory ${JSON.stringify(dir)} does not exist`);
  if (!dst.isDirectory()) throw ioError(path, `${JSON.stringify(dir)} is not a directory`);
  try {
    // The temporary file is created in the directory, so the directory must be writable even when the
    // target itself is (access() also reports a read-only file system, for root too).
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw ioError(path, `directory ${JSON.stringify(dir)} is not writable (${reason(e)})`);
  }
  return st ? 'regular' : 'new';
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `buf` to `fd`, looping over short writes; a write of 0 bytes is an error (no progress). */
function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    let n: number;
    try {
      n = writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      // A non-blocking descriptor (Node makes stdout pipes non-blocking) whose reader is behind: wait.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(SLEEP, 0, 0, 5);
      continue;
    }
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    off += n;
  }
}

/** Write the chunks of `data` to `fd`; returns the number of bytes written. Strings are encoded in blocks. */
function writeData(fd: number, data: WriteData): number {
  if (typeof data === 'string') data = [data];
  if (data instanceof Uint8Array) {
    writeAll(fd, data);
    return data.length;
  }
  let total = 0;
  let pending: string[] = [];
  let pendingLen = 0;
  const flush = () => {
    if (pendingLen === 0) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingLen = 0;
    writeAll(fd, buf);
    total += buf.length;
  };
  for (const chunk of data) {
    if (typeof chunk === 'string') {
      if (chunk.length >= BLOCK) {
        flush();
        // One big string: encode it in slices (never split a surrogate pair across two slices).
        for (let i = 0; i < chunk.length;) {
          let j = Math.min(chunk.length, i + BLOCK);
          if (j < chunk.length && /[\uD800-\uDBFF]/.test(chunk[j - 1]!)) j--;
          const buf = Buffer.from(chunk.slice(i, j), 'utf8');
          writeAll(fd, buf);
          total += buf.length;
          i = j;
        }
      } else {
        pending.push(chunk);
        pendingLen += chunk.length;
        if (pendingLen >= BLOCK) flush();
      }
    } else {
      flush();
      writeAll(fd, chunk);
      total += chunk.length;
    }
  }
  flush();
  return total;
}

/** The naming of our temporary files for `target`: `.NAME.<pid>.<8 hex>.tmp`. */
function tempPattern(target: string): RegExp {
  const esc = basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${esc}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Remove temporary files a killed save of `target` left behind: our naming, a process id that no longer
 * exists (never our own). Best effort: a file that cannot be removed is left alone. Returns the names removed.
 */
export function removeStaleTemps(target: string): string[] {
  const dir = dirname(target);
  const re = tempPattern(target);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const p = join(dir, name);
    try {
      if (!lstatSync(p).isFile()) continue;
      rmSync(p, { force: true });
      removed.push(name);
    } catch {
      // someone else's, or already gone
    }
  }
  return removed;
}

/**
 * The descriptor a path names, when it is (or links to) /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N: such a path is written through the descriptor itself, because opening it again fails
 * for sockets (ENXIO) and would truncate or bypass a redirection.
 */
function descriptorOf(path: string): number | null {
  let p = resolve(path);
  for (let hops = 0; hops < 16; hops++) {
    const std = /^\/dev\/(stdin|stdout|stderr)$/.exec(p);
    if (std) return ['stdin', 'stdout', 'stderr'].indexOf(std[1]!);
    const fd = /^\/(?:dev\/fd|proc\/(?:self|thread-self|(\d+))\/fd)\/(\d+)$/.exec(p);
    if (fd && (fd[1] === undefined || Number(fd[1]) === process.pid)) return Number(fd[2]);
    let next: string;
    try {
      next = readlinkSync(p);
    } catch {
      return null;
    }
    p = resolve(dirname(p), next);
  }
  return null;
}

/** Write directly to a non-regular target (device, FIFO, socket, /dev/stdout): no temporary file, no rename. */
function writeSpecial(path: string, data: WriteData): number {
  const own = descriptorOf(path);
  let fd: number;
  try {
    // Append: devices and FIFOs ignore O_APPEND, and a file reached through a link is not truncated.
    fd = own ?? openSync(path, 'a');
  } catch (e) {
    throw ioError(path, reason(e));
  }
  try {
    return writeData(fd, data);
  } catch (e) {
    throw ioError(path, reason(e));
  } finally {
    if (own === null) closeSync(fd);
  }
}

/**
 * Write `data` to `path` so that a failure leaves the previous file intact (see the module comment).
 * Returns the number of bytes written. Throws SoftmaxError IO_ERROR with a one-line message.
 */
export function writeFileSafe(path: string, data: WriteData): number {
  const kind = checkWritable(path);
  if (kind === 'special') return writeSpecial(path, data);
  // A link to a regular file: replace the file it points to, and keep the link.
  const target = kind === 'regular' ? realpathOr(path) : resolve(path);
  const prev = kind === 'regular' ? statOrNull(target) : null;
  removeStaleTemps(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomHex(4)}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    if (prev) {
      // Replacing a file keeps its permissions (a 0600 model stays 0600) and, where allowed, its owner.
      fchmodSync(fd, prev.mode & 0o7777);
      if (process.getuid?.() === 0 && (prev.uid !== 0 || prev.gid !== 0)) {
        try {
          fchownSync(fd, prev.uid, prev.gid);
        } catch {
          // not permitted here (e.g. a rootless container): the mode still holds
        }
      }
    }
    const bytes = writeData(fd, data);
    fsyncSync(fd);
    const size = fstatSync(fd).size;
    if (size !== bytes) throw Object.assign(new Error(`wrote ${bytes} bytes but the file holds ${size}`), { code: 'EIO' });
    closeSync(fd);
    fd = null;
    renameSync(tmp, target);
    syncDir(dirname(target));
    return bytes;
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the close error adds nothing
      }
    }
    rmSync(tmp, { force: true });
    throw ioError(path, `${reason(e)}; ${prev ? 'the previous file is unchanged' : 'nothing was written'}`);
  }
}

/** fsync the directory so the rename itself survives a power loss (best effort: not every FS allows it). */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // e.g. EISDIR/EINVAL on some file systems: the data are synced, only the rename's durability is weaker
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
