/**
 * Typed errors. Every error the library throws is a `SoftmaxError` with a stable `code`, so callers can
 * branch on `err.code` instead of parsing messages, and a message that says what was wrong and where.
 */

export type ErrorCode =
  | 'INVALID_OPTION'
  | 'INCOMPATIBLE_OPTIONS'
  | 'EMPTY_DATA'
  | 'SHAPE_MISMATCH'
  | 'RAGGED_ROWS'
  | 'NON_FINITE'
  | 'TOO_FEW_CLASSES'
  | 'INVALID_SAMPLE_WEIGHT'
  | 'INVALID_LABEL'
  | 'NOT_FITTED'
  | 'FEATURE_MISMATCH'
  | 'MODEL_FORMAT'
  | 'PARSE_ERROR'
  | 'TOO_LARGE'
  | 'DIVERGED'
  | 'UNKNOWN_DATASET'
  | 'IO_ERROR'
  | 'ONNX_UNSUPPORTED'
  | 'SPARK_UNSUPPORTED'
  | 'MISSING_DEPENDENCY'
  | 'DATASET_NOT_INSTALLED';

export class SoftmaxError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A bad, unknown or incompatible option; `option` names it. */
export class OptionError extends SoftmaxError {
  readonly option: string;
  constructor(option: string, message: string, code: ErrorCode = 'INVALID_OPTION') {
    super(code, `option '${option}': ${message}`);
    this.option = option;
  }
}

/** Something wrong with the data handed to fit/predict (shapes, values, labels, weights). */
export class DataError extends SoftmaxError {
  /** Row (0-based) and column (0-based) where the problem is, when there is one. */
  readonly row?: number;
  readonly column?: number;
  constructor(code: ErrorCode, message: string, where: { row?: number; column?: number } = {}) {
    super(code, message);
    this.row = where.row;
    this.column = where.column;
  }
}

export class NotFittedError extends SoftmaxError {
  constructor(method: string) {
    super('NOT_FITTED', `${method}() called before fit(): fit the model first (or load a fitted one)`);
  }
}

/** A model file (or JSON object) that is malformed, truncated, tampered with or of an unknown version. */
export class ModelFormatError extends SoftmaxError {
  /** JSON path of the offending value, e.g. `coef[2][7]`. */
  readonly path: string;
  readonly file?: string;
  constructor(path: string, message: string, file?: string) {
    super('MODEL_FORMAT', `${file ?? 'model file'}: ${path ? `at ${path}: ` : ''}${message}`);
    this.path = path;
    this.file = file;
    this.detail = message;
  }
  /** The message without the location prefix. */
  readonly detail: string;
}

/** Text or bytes a reader could not parse; says where (file, 1-based line and column, or byte offset). */
export class ParseError extends SoftmaxError {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;
  constructor(message: string, where: { file?: string; line?: number; column?: number; offset?: number } = {}) {
    const loc = [
      where.file ?? '<input>',
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.column !== undefined ? `column ${where.column}` : undefined,
      where.offset !== undefined ? `byte ${where.offset}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super('PARSE_ERROR', `${loc}: ${message}`);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.offset = where.offset;
  }
}

/** Longest item shown in a message list; longer names are cut with an ellipsis. */
const MAX_ITEM_CHARS = 60;

/**
 * A list of names (columns, features, classes, options) for an error message: the first `max` (default
 * 10), each cut to 60 characters, then how many there are in all, so one message stays one readable line
 * even for data with thousands of columns. `quote` wraps each item: "'" (default), '"' or ''.
 */
export function listForMessage(items: readonly unknown[], opts: { max?: number; quote?: string } = {}): string {
  const max = opts.max ?? 10;
  const q = opts.quote ?? "'";
  const shown = items.slice(0, max).map((v) => {
    const s = String(v);
    return q + (s.length > MAX_ITEM_CHARS ? `${s.slice(0, MAX_ITEM_CHARS)}…` : s) + q;
  });
  return items.length > max ? `${shown.join(', ')}, … (${items.length.toLocaleString('en-US')} in all)` : shown.join(', ');
}

/**
 * A resource limit (memory budget, columns, classes, line length, ...) that input would exceed, raised
 * before the allocation it protects. `limit` names the option that raises it (e.g. `maxMemory`, which the
 * CLI spells --max-memory); `needed` and `allowed` are in the limit's unit (bytes for memory).
 */
export class LimitError extends SoftmaxError {
  readonly limit: string;
  readonly needed: number;
  readonly allowed: number;
  constructor(limit: string, needed: number, allowed: number, message: string) {
    super('TOO_LARGE', message);
    this.limit = limit;
    this.needed = needed;
    this.allowed = allowed;
  }
}

/**
 * A fit that ended with non-finite parameters or objective (it diverged or overflowed). Thrown instead of
 * returning a model that cannot predict or be saved; the model keeps its previous state.
 */
export class FitError extends SoftmaxError {
  readonly stopReason: string;
  readonly iterations: number;
  constructor(message: string, stopReason: string, iterations: number) {
    super('DIVERGED', message);
    this.stopReason = stopReason;
    this.iterations = iterations;
  }
}

/**
 * An ONNX graph this library cannot read as one of its models, or a model it cannot write as ONNX.
 * `node` names the unsupported node (op type and name) when one is to blame.
 */
export class OnnxError extends SoftmaxError {
  readonly node?: string;
  constructor(message: string, opts: { node?: string; code?: ErrorCode } = {}) {
    super(opts.code ?? 'ONNX_UNSUPPORTED', message);
    this.node = opts.node;
  }
}

/**
 * A Spark MLlib model directory this library cannot read (another class, a pipeline, a malformed file:
 * code MODEL_FORMAT or SPARK_UNSUPPORTED), or a model with no Spark LogisticRegressionModel form.
 */
export class SparkModelError extends SoftmaxError {
  /** The file or directory at fault, when there is one. */
  readonly file?: string;
  constructor(message: string, opts: { file?: string; code?: 'MODEL_FORMAT' | 'SPARK_UNSUPPORTED' } = {}) {
    super(opts.code ?? 'MODEL_FORMAT', message);
    this.file = opts.file;
  }
}

/**
 * An optional package (plotting, PNG rendering) that a feature needs is not installed. The core (fit,
 * predict, metrics, data) never needs one; `install` is the command that adds what is missing.
 */
export class MissingDependencyError extends SoftmaxError {
  /** The npm packages the feature needs. */
  readonly packages: string[];
  /** e.g. `npm install vega vega-lite`. */
  readonly install: string;
  constructor(feature: string, packages: string[]) {
    const install = `npm install ${packages.join(' ')}`;
    super(
      'MISSING_DEPENDENCY',
      `${feature} need${/s$/.test(feature) ? '' : 's'} the optional package${packages.length > 1 ? 's' : ''} ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed; install ${packages.length > 1 ? 'them' : 'it'} with: ${install}`,
    );
    this.packages = packages;
    this.install = install;
  }
}

/**
 * A built-in data set that is not shipped with the package (it comes from a system package, e.g. Debian's
 * `dataset-fashion-mnist`) is not installed where it is looked for. `install` is the command that installs it.
 */
export class DatasetNotInstalledError extends SoftmaxError {
  /** The data set's name, e.g. 'fashion-mnist'. */
  readonly dataset: string;
  /** The file that was looked for and not found. */
  readonly path: string;
  /** e.g. `apt-get install -y dataset-fashion-mnist`. */
  readonly install: string;
  constructor(dataset: string, path: string, install: string, alternative: string) {
    super('DATASET_NOT_INSTALLED', `the data set '${dataset}' is not installed: ${path} not found; install it with: ${install} (${alternative})`);
    this.dataset = dataset;
    this.path = path;
    this.install = install;
  }
}
