/**
 * Runs the CLI bundle (dist/bin/cli.cjs) with V8's code cache kept on disk between runs, as Node 22.1+ does
 * for every module with `module.enableCompileCache()`. Node 20 has no such switch for modules, but a
 * `vm.Script` takes `cachedData` and gives it back with `createCachedData()`: this file is that, for the one
 * file the CLI is.
 *
 * Why: a cold `softmax train --dataset iris` spent about a fifth of its time parsing and compiling the bundle
 * and the functions its first fit calls (docs/performance.md, "Cold start"). With the cache a run
 * deserializes that code instead.
 *
 * Safety, the same rules as Node's own cache:
 * - The cache is an optimisation only: any failure (unwritable folder, stale or corrupt file, V8 rejecting the
 *   data) falls back to compiling, silently.
 * - The cache key is the bundle's size and modification time, Node's and V8's versions and the CPU
 *   architecture. V8 checks its own version and flags, but of the source only its length, so the file name
 *   must change whenever the bundle does.
 * - The folder is the user's own: created with mode 0700; one owned by another user, or writable by others,
 *   or a symbolic link, is not used, since code read from it runs as this process.
 * - A cache file is written to a temporary name and renamed into place: a reader never sees half a file.
 * - NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=DIR puts it in DIR (Node's variables).
 */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * CommonJS's module wrapper (require's own, as `Module.wrap`) with one more parameter: an `import()` that runs
 * outside the vm script. On Node 20 a vm script's own import() needs --experimental-vm-modules, and one
 * restored from the code cache has no import callback at all; the bundle calls `__softmaxImport` for its
 * optional packages instead (scripts/build-cli.mjs rewrites them).
 */
export const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, __softmaxImport) { ';
const WRAPPER_TAIL = '\n});';

/** Resolved from this file, which sits beside the bundle: the same node_modules above both. */
function importOptionalPackage(specifier: string): Promise<unknown> {
  return import(specifier);
}

/** What a run of the cache did (for tests and `SOFTMAX_DEBUG_COMPILE_CACHE`). */
export type CacheOutcome = 'disabled' | 'unusable-folder' | 'miss' | 'hit' | 'rejected';

/** The folder the cache lives in, or null when it is turned off. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '' && env.NODE_DISABLE_COMPILE_CACHE !== '0') return null;
  return env.NODE_COMPILE_CACHE || join(tmpdir(), 'softmax-regression-compile-cache');
}

/** Creates the folder if needed; true when it may be trusted (a real folder, this user's, not writable by others). */
export function usableFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
    return st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The cache file for `bundle`: a new name whenever the bundle, Node or the CPU architecture changes. */
export function cacheFileFor(dir: string, bundle: string): string {
  const st = statSync(bundle);
  const key = [basename(bundle, '.cjs'), st.size, Math.floor(st.mtimeMs), process.versions.node, process.versions.v8, process.arch].join('-');
  return join(dir, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    const fd = openSync(file, 'r');
    try {
      // Read only a regular file owned by this user (the folder check covers the rest).
      const st = fstatSync(fd);
      if (!st.isFile() || (typeof process.getuid === 'function' && process.platform !== 'win32' && st.uid !== process.getuid())) return undefined;
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/**
 * Loads the CommonJS file `bundle` as `require` would, through the code cache, and returns its exports. When
 * the cache had nothing usable, the code V8 compiled during this run (the bundle's top level and every
 * function called by then) is written at exit for the next run.
 */
export function requireCached(bundle: string, env: NodeJS.ProcessEnv = process.env): { exports: unknown; outcome: CacheOutcome } {
  const dir = compileCacheDir(env);
  const trusted = dir !== null && usableFolder(dir);
  let file: string | null = null;
  let cached: Buffer | undefined;
  if (trusted) {
    try {
      file = cacheFileFor(dir, bundle);
      cached = readCache(file);
    } catch {
      file = null;
    }
  }
  // A #! line is valid only at the very start of a script, not inside the module wrapper: made a comment of the
  // same length, so offsets (stack traces, coverage) stay those of the file.
  const source = readFileSync(bundle, 'utf8').replace(/^#!/, '//');
  const script = new Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: bundle, cachedData: cached });
  const outcome: CacheOutcome =
    dir === null ? 'disabled' : !trusted ? 'unusable-folder' : cached === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (file !== null && outcome !== 'hit') {
    const target = file;
    process.once('exit', () => writeCache(target, script.createCachedData()));
  }
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
    importer: (specifier: string) => Promise<unknown>,
  ) => void;
  const mod = { exports: {} as unknown };
  wrapper.call(mod.exports, mod.exports, nodeModule.createRequire(bundle), mod, bundle, dirname(bundle), importOptionalPackage);
  if (env.SOFTMAX_DEBUG_COMPILE_CACHE) process.stderr.write(`softmax: compile cache ${outcome}${file ? ` (${file})` : ''}\n`);
  return { exports: mod.exports, outcome };
}
