/**
 * Command-line flags shared by commands: value parsers (bad values are usage errors, exit 2), the model
 * option flags and their mapping onto the library's options, and the data-reading flags.
 *
 * Model options pass through to the library, which validates them (OptionError names the option). Flags
 * for options this build of the library does not have are refused with a clear message, so the CLI never
 * drifts from the library: the option table (DEFAULT_OPTIONS) is read at run time.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { DEFAULT_OPTIONS } from '../src/model/options.js';
import { defaultLimits, formatBytes, parseByteSize } from '../src/core/limits.js';
import { CSRMatrix } from '../src/matrix/csr.js';
import type { Matrix } from '../src/matrix/matrix.js';
import { AUTO_THREADS_MIN_WORK } from '../src/backends/provider.js';
import { DATA_FORMATS } from '../node/io.js';
import { PENALTIES, SOLVERS, SOLVER_NAMES, solversFor, solversReading, type SolverOptionName } from '../src/solvers/registry.js';
import '../node/limits.js';
import { UsageError } from './context.js';

export function parseNumber(value: string): number {
  const v = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`'${value}' is not a finite number.`);
  return v;
}

export function parsePositiveNumber(value: string): number {
  const v = parseNumber(value);
  if (!(v > 0)) throw new InvalidArgumentError(`'${value}' must be > 0.`);
  return v;
}

export function parseInteger(value: string): number {
  const v = parseNumber(value);
  if (!Number.isInteger(v)) throw new InvalidArgumentError(`'${value}' is not an integer.`);
  return v;
}

export function parsePositiveInteger(value: string): number {
  const v = parseInteger(value);
  if (v < 1) throw new InvalidArgumentError(`'${value}' must be an integer >= 1.`);
  return v;
}

/** "0.01,0.1,1" -> [0.01, 0.1, 1] (each > 0). */
export function parseNonNegativeInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 0) throw new InvalidArgumentError(`'${value}' must be an integer >= 0.`);
  return n;
}

/** `--threads`: 'auto' or an integer >= 0 (0: one per core). */
export function parseThreads(value: string): number | 'auto' {
  return value.trim() === 'auto' ? 'auto' : parseNonNegativeInteger(value);
}

/**
 * Load the worker-thread host when this run may want more than one thread: --threads n > 1 (or 0, one
 * per core), or the default 'auto' when one pass over X is at least AUTO_THREADS_MIN_WORK multiply-adds
 * (called after the data are read; without X, 'auto' stays on one thread). --threads 1 never loads it. The library's
 * `threads` option (modelOptionsFrom) then decides per fit. Returns the threads a large pass would use.
 */
export async function useThreads(flags: ModelFlags, X?: Matrix, K = 2): Promise<number> {
  const t = flags.threads ?? 'auto';
  if (t === 1) return 1;
  if (t === 'auto' && (X === undefined || (X instanceof CSRMatrix ? X.nnz : X.rows * X.cols) * K < AUTO_THREADS_MIN_WORK)) return 1;
  // The worker pool's code loads only when threads may be used; importing it registers the thread host.
  const { threadsAvailable } = await import('../node/threads.js');
  if (!threadsAvailable()) return 1;
  return t === 'auto' || t === 0 ? availableParallelism() : t;
}

export function parseNumberList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError(`'${value}' is not a comma-separated list of numbers.`);
  return parts.map(parsePositiveNumber);
}

/** "a,b,c" -> ['a','b','c']. */
export function parseNameList(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError(`'${value}' has an empty name.`);
  return parts;
}

/** Repeatable `--option key=value`. */
function collectKeyValue(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`'${value}' is not key=value.`);
  return [...previous, [value.slice(0, eq).trim(), value.slice(eq + 1).trim()]];
}

export interface ModelFlags {
  /** Worker threads for fits and predictions: 'auto' (default: all cores for large passes), 0 (one per core), n (1: off). */
  threads?: number | 'auto';
  solver?: string;
  penalty?: string;
  C?: number;
  l1Ratio?: number;
  tol?: number;
  maxIter?: number;
  intercept?: boolean;
  classWeight?: string;
  scale?: string;
  multiClass?: string;
  seed?: number;
  option?: Array<[string, string]>;
  learningRate?: number;
  batchSize?: number;
  epochs?: number;
  momentum?: number;
  nesterov?: boolean;
  schedule?: string;
  earlyStopping?: boolean;
  validationFraction?: number;
  dtype?: string;
  featureMap?: string;
  /** false with --no-precondition (commander defaults it to true). */
  precondition?: boolean;
}

// Help texts name the solvers that read each flag, from the solver table, so they cannot go stale.
const readers = (k: SolverOptionName) => solversReading(k).join(', ');
const defaultRates = SOLVER_NAMES.filter((n) => SOLVERS[n].defaults.learningRate !== undefined)
  .map((n) => `${n} ${SOLVERS[n].defaults.learningRate}`)
  .join(', ');
/** "'l2' (default), 'none', 'l1', ... ('l1', 'elasticnet': fista, saga, sgd)": penalties grouped by the solvers that take them. */
function penaltyHelp(): string {
  const groups = new Map<string, string[]>();
  for (const p of PENALTIES) {
    const by = solversFor(p);
    if (by.length === SOLVER_NAMES.length) continue;
    const key = by.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), `'${p}'`]);
  }
  const support = [...groups].map(([solvers, ps]) => `${ps.join(', ')}: ${solvers}`).join('; ');
  return `regularization: ${PENALTIES.map((p) => `'${p}'`).join(', ')} (default 'l2'; ${support})`;
}

/**
 * Flags that map one-to-one onto a library option (camelCase of the flag). The CLI only parses the value's
 * type; ranges and which solver reads the option are the library's checks (OptionError names the option).
 */
const PASSTHROUGH_FLAGS: Array<{ flag: string; key: keyof ModelFlags & string; help: string; parse?: (v: string) => unknown }> = [
  {
    flag: '--learning-rate <x>',
    key: 'learningRate',
    help: `step size on the mean objective (${readers('learningRate')}; defaults ${defaultRates}; gd without it: line search)`,
    parse: parsePositiveNumber,
  },
  { flag: '--batch-size <n>', key: 'batchSize', help: `rows per mini-batch (${readers('batchSize')}; default 32)`, parse: parsePositiveInteger },
  { flag: '--epochs <n>', key: 'epochs', help: `epoch cap (${readers('epochs')}; default: --max-iter)`, parse: parsePositiveInteger },
  { flag: '--momentum <beta>', key: 'momentum', help: `heavy-ball momentum in [0, 1) (${readers('momentum')})`, parse: parseNumber },
  { flag: '--nesterov', key: 'nesterov', help: `Nesterov momentum (${readers('nesterov')}, with --momentum > 0)` },
  { flag: '--schedule <name>', key: 'schedule', help: `learning-rate schedule (${readers('schedule')}): constant (default), invscaling, step` },
  {
    flag: '--early-stopping',
    key: 'earlyStopping',
    help: `hold out --validation-fraction of the rows and stop when their loss stalls (${readers('earlyStopping')})`,
  },
  { flag: '--validation-fraction <f>', key: 'validationFraction', help: 'held-out fraction for --early-stopping, in (0, 1) (default 0.1)', parse: parseNumber },
  { flag: '--dtype <type>', key: 'dtype', help: 'element type X is held in during the fit: float64 (default) or float32' },
  {
    flag: '--feature-map <spec>',
    key: 'featureMap',
    help: "nonlinear features stored in the model: poly2, poly3, rbf5, or terms like 'x1,x2,x1^2,x1*x2,sin(pi*x1),r'",
  },
];

/** Default scaling on the command line: standardize, since raw features of very different scales slow every solver. */
export const CLI_DEFAULT_SCALE = 'standard';

/**
 * Add the model flags. `withC` false for commands that take their own --C (cv takes a list).
 */
export function addModelFlags(cmd: Command, { withC = true, withL1Ratio = true } = {}): Command {
  cmd.option('--solver <name>', `optimizer: ${SOLVER_NAMES.join(', ')} (default lbfgs)`).option('--penalty <name>', penaltyHelp());
  if (withC) cmd.option('-c, --C <number>', 'inverse regularization strength, penalty (1/(2C))||W||^2 (default 1)', parsePositiveNumber);
  if (withL1Ratio) cmd.option('--l1-ratio <r>', 'elastic-net mixing in [0, 1] (penalty elasticnet)', parseNumber);
  cmd
    .option('--tol <number>', 'stop when max|gradient| of the mean objective <= tol (default 1e-4)', parsePositiveNumber)
    .option('--max-iter <n>', 'iteration cap (default 1000)', parsePositiveInteger)
    .option('--no-intercept', 'fit no intercept')
    .option('--class-weight <spec>', "'balanced', or JSON mapping label -> weight, e.g. '{\"a\":2}'")
    .option('--scale <kind>', `feature scaling stored in the model: standard | minmax | none (default ${CLI_DEFAULT_SCALE})`)
    .option('--multi-class <kind>', "'auto' (default: binomial for two classes, multinomial otherwise), 'multinomial' or 'ovr'");
  for (const p of PASSTHROUGH_FLAGS) {
    if (p.parse) cmd.option(p.flag, p.help, p.parse as (v: string, prev: unknown) => unknown);
    else cmd.option(p.flag, p.help);
  }
  return cmd
    .option(
      '--no-precondition',
      `run ${SOLVER_NAMES.filter((n) => SOLVERS[n].preconditioned).join('/')} in the raw coordinates (library option precondition: false)`,
    )
    .option(
      '--threads <n>',
      `threads for fits and predictions: auto (default: all cores when one pass is at least ${AUTO_THREADS_MIN_WORK.toLocaleString('en-US')} multiply-adds, else 1), 0 (one per core), or a count (1: off)`,
      parseThreads,
    )
    .option('--option <key=value>', 'any other library option (repeatable; value parsed as JSON when it parses)', collectKeyValue);
}

const FLAG_FOR: Record<string, string> = {
  l1Ratio: '--l1-ratio',
  multiClass: '--multi-class',
  randomState: '--seed',
};

function requireOption(name: string, flag: string): void {
  if (!Object.prototype.hasOwnProperty.call(DEFAULT_OPTIONS, name)) {
    throw new UsageError(`${flag}: this version of the library has no option '${name}' (options: ${Object.keys(DEFAULT_OPTIONS).join(', ')})`);
  }
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The library options the flags ask for (only those given; the library fills in its defaults). */
export function modelOptionsFrom(flags: ModelFlags): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (flags.solver !== undefined) o.solver = flags.solver;
  if (flags.penalty !== undefined) o.penalty = flags.penalty;
  if (flags.C !== undefined) o.C = flags.C;
  if (flags.tol !== undefined) o.tol = flags.tol;
  if (flags.maxIter !== undefined) o.maxIter = flags.maxIter;
  if (flags.threads !== undefined) o.threads = flags.threads === 0 ? availableParallelism() : flags.threads;
  if (flags.intercept === false) o.fitIntercept = false;
  o.scale = flags.scale ?? CLI_DEFAULT_SCALE;
  if (flags.classWeight !== undefined) {
    const cw = flags.classWeight.trim();
    if (cw === 'balanced' || cw === 'none') o.classWeight = cw === 'none' ? null : 'balanced';
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cw);
      } catch {
        throw new UsageError(`--class-weight: expected 'balanced' or a JSON object like '{"a":2,"b":1}', got '${cw}'`);
      }
      o.classWeight = parsed;
    }
  }
  if (flags.l1Ratio !== undefined) {
    requireOption('l1Ratio', FLAG_FOR.l1Ratio!);
    o.l1Ratio = flags.l1Ratio;
  }
  if (flags.multiClass !== undefined) {
    requireOption('multiClass', FLAG_FOR.multiClass!);
    o.multiClass = flags.multiClass;
  }
  for (const p of PASSTHROUGH_FLAGS) {
    if (flags[p.key] === undefined) continue;
    requireOption(p.key, p.flag.split(' ')[0]!);
    o[p.key] = flags[p.key];
  }
  if (flags.precondition === false) {
    requireOption('precondition', '--no-precondition');
    o.precondition = false;
  }
  // --seed also seeds the CLI's own splits, so it is passed on only where the library has a use for it.
  if (flags.seed !== undefined && Object.prototype.hasOwnProperty.call(DEFAULT_OPTIONS, 'randomState')) o.randomState = flags.seed;
  for (const [key, value] of flags.option ?? []) {
    requireOption(key, `--option ${key}`);
    o[key] = parseValue(value);
  }
  return o;
}

/** Names a shell makes easy to type for delimiters that are awkward to quote. */
const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ' };

/** `--delimiter`: one character, or tab / semicolon / comma / pipe / space, or a backslash-t. */
export function parseDelimiter(value: string): string {
  // Own names only: 'constructor' or 'toString' must not find Object.prototype's members.
  const d = Object.prototype.hasOwnProperty.call(DELIMITER_NAMES, value.toLowerCase()) ? DELIMITER_NAMES[value.toLowerCase()]! : value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new InvalidArgumentError(`'${value}' is not a delimiter: give one character (e.g. ';') or tab, semicolon, comma, pipe, space.`);
  }
  return d;
}

export interface DataFlags {
  label?: string;
  delimiter?: string;
  features?: string[];
  missing?: string;
  dataFormat?: string;
  labels?: string;
  nFeatures?: number;
  /** Memory budget in bytes (--max-memory): readers and fits refuse work beyond it. */
  maxMemory?: number;
  /** Widest CSV header / IDX image (--max-columns) and longest CSV record or LibSVM line (--max-line-length). */
  maxColumns?: number;
  maxLineLength?: number;
}

/** '8G' -> bytes, for --max-memory (a bad size is a usage error). */
export function parseMaxMemory(value: string): number {
  try {
    return parseByteSize(value);
  } catch {
    throw new InvalidArgumentError(`'${value}' is not a size (examples: 512M, 8G, 1.5GiB, or bytes).`);
  }
}

/** Flags that say how to read a data file. */
export function addDataFlags(cmd: Command, { label = true } = {}): Command {
  if (label) cmd.option('--label <column>', 'label column name (CSV; default: the last column)');
  return cmd
    .option('--features <names>', 'comma-separated feature columns to use (CSV; default: all but the label)', parseNameList)
    .option('--missing <policy>', "empty cells: 'error' (default) or 'mean' (impute the column mean)")
    .option(
      '--delimiter <char>',
      "CSV field delimiter: one character, or tab, semicolon, comma, pipe, space (default: detected from the header among ',', ';' and tab; tab for .tsv)",
      parseDelimiter,
    )
    .option('--data-format <format>', `${DATA_FORMATS.join(' | ')} (default: from the file extension)`)
    .option('--labels <file>', 'labels file for IDX images (…-labels-idx1-ubyte)')
    .option('--n-features <n>', 'number of features for LibSVM data (default: the largest index seen)', parsePositiveInteger)
    .option(
      '--max-memory <size>',
      `memory budget for reading and fitting, e.g. 512M, 8G (default: half the machine's memory, ${formatBytes(defaultLimits().maxMemory)} here); larger work is refused with an error`,
      parseMaxMemory,
    )
    .option('--max-columns <n>', 'widest CSV header or IDX image accepted (default 1000000)', parsePositiveInteger)
    .option('--max-line-length <n>', 'longest CSV record or LibSVM line accepted, in characters (default 67108864)', parsePositiveInteger);
}
