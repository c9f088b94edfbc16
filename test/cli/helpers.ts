/** Run the CLI in-process (main(argv, io)) or as a real process, capturing stdout, stderr and the exit code. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const IRIS = join(ROOT, 'test', 'fixtures', 'data', 'iris.csv');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], stdin?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
  });
  return { code, stdout, stderr };
}

/** The package's `bin`: the launcher of the bundled command line that `npm run build` (and so `npm test`) writes. */
export const BIN = join(ROOT, 'dist', 'bin', 'softmax.cjs');

/**
 * The CLI as a separate process: the bundled bin, as users run it (`npx softmax`). It is built from these
 * sources by `npm run build`, which `npm test` runs first; run it yourself before a single test file.
 */
export function runProcess(argv: string[], input?: string): RunResult {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does)`);
  const r = spawnSync(process.execPath, [BIN, ...argv], { input, encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Exactly one non-empty line on stderr, naming the command, with no stack trace. */
export function assertOneLineError(stderr: string): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one error line on stderr, got ${lines.length}:\n${stderr}`);
  if (!/^softmax( \w+)?: error: /.test(lines[0]!)) throw new Error(`error line does not start with 'softmax[ cmd]: error: ': ${lines[0]}`);
  if (/\n\s+at /.test(stderr)) throw new Error(`stack trace on stderr:\n${stderr}`);
}

/** Parse CSV output of `softmax predict` (no quoting needed for numeric labels). */
export function parsePredictCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}
