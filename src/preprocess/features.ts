/**
 * Feature maps: fixed nonlinear transforms of the input columns (x1^2, x1*x2, sin(pi*x1), radial basis
 * functions, ...) computed before scaling and the linear model. Softmax regression stays linear in its
 * parameters, so the fit is the same convex problem; it is linear in the *transformed* features, which is
 * what lets it separate circles (x1^2 + x2^2 < r^2 is linear in x1^2, x2^2) or spirals (a grid of radial
 * basis functions). The map is fitted in fit() (presets expand to a term list; 'rbf' places its centres on
 * the training data's range), stored in the model file as its term list, and applied by every predict.
 *
 * A spec is a preset name or a list of terms (an array, or one comma-separated string):
 *   presets  'poly2'  every x_j, x_j^2 and x_i*x_j (i < j)      (d + d(d+1)/2 features)
 *            'poly3'  all monomials of degree 1..3               (small d only)
 *            'rbfN'   N^d Gaussian bumps on a grid over the training range, plus the raw x_j (d <= 3)
 *   terms    x3              input column 3 (1-based, as the playground's x1, x2)
 *            x1^2, x1*x2, x1^2*x2   monomials (powers 1..9)
 *            sin(x1), cos(2*x2), sin(pi*x1)   sine / cosine of a scaled column
 *            r               distance from the origin, sqrt(sum_j x_j^2)
 *            rbf(0.5 -0.5; 4)   exp(-4 ||x - (0.5, -0.5)||^2)  (centre coordinates separated by spaces)
 * Input columns may also be named by their feature names (e.g. petal_width^2) when the data has names.
 */
import { DataError, OptionError } from '../errors.js';
import { CSRMatrix } from '../matrix/csr.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Matrix } from '../matrix/matrix.js';

export type FeatureMapSpec = string | readonly string[];

/** A fitted feature map, as stored in the model file. */
export interface FeatureMapState {
  /** Number of input columns the map reads. */
  inputs: number;
  /** Input column names (the data's), or null. */
  inputNames: string[] | null;
  /** Canonical terms, one per output feature, with inputs as x1..xd. */
  terms: string[];
}

export const FEATURE_MAP_PRESETS = ['poly2', 'poly3', 'rbfN (e.g. rbf5)'] as const;

/** One compiled term: value for one row (read from `a` at `off`, `d` columns). */
type TermFn = (a: ArrayLike<number>, off: number) => number;

interface Parsed {
  /** Canonical text (x-index form). */
  text: string;
  fn: TermFn;
  /** Text with input names substituted (for featureNames). */
  name(names: readonly string[] | null): string;
}

const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;

function specError(msg: string): never {
  throw new OptionError('featureMap', msg);
}

/** Split "a, b(c d; e), f" at top-level commas. */
export function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function termList(spec: FeatureMapSpec): string[] {
  const list = typeof spec === 'string' ? splitTerms(spec) : [...spec];
  if (list.length === 0 || list.some((t) => typeof t !== 'string' || t.trim() === '')) specError(`has an empty term (got ${JSON.stringify(spec)})`);
  return list.map((t) => t.trim());
}

/** Check a spec's form without data (option validation); the column indices are checked at fit time. */
export function checkFeatureMapSpec(spec: unknown): void {
  if (spec === null) return;
  if (typeof spec !== 'string' && !(Array.isArray(spec) && spec.every((t) => typeof t === 'string'))) {
    specError(
      `must be null, a preset ('poly2', 'poly3', 'rbf5', ...) or a list of terms like ['x1', 'x2', 'x1^2', 'x1*x2', 'sin(pi*x1)', 'r', 'rbf(0 0; 4)'], got ${JSON.stringify(spec)}`,
    );
  }
  const list = termList(spec);
  if (list.length === 1 && isPreset(list[0]!)) return;
  // Parse with placeholder names: only the grammar is checked here.
  for (const t of list) parseTerm(t, Infinity, null);
}

const isPreset = (t: string) => t === 'poly2' || t === 'poly3' || /^rbf\d+$/.test(t);

/** Column index (0-based) of `x3` or of a named column. */
function columnOf(tok: string, d: number, names: readonly string[] | null, term: string): number {
  const m = /^x(\d+)$/.exec(tok);
  // Grammar check without data (d = Infinity): any plain token may be a column name.
  if (!Number.isFinite(d) && !m) {
    if (/^[^\s()*^;,]+$/.test(tok)) return 0;
  }
  if (names) {
    const byName = names.indexOf(tok);
    if (byName >= 0) return byName;
  }
  if (m) {
    const j = Number(m[1]) - 1;
    if (j < 0 || j >= d) specError(`term '${term}': column ${tok} does not exist (the data has ${d} column${d === 1 ? '' : 's'}: x1..x${d})`);
    return j;
  }
  specError(`term '${term}': '${tok}' is not a column (use x1..x${Number.isFinite(d) ? d : 'd'}${names ? ' or a feature name' : ''})`);
}

function num(tok: string, term: string): number {
  if (tok === 'pi') return Math.PI;
  if (!new RegExp(`^${NUM}$`, 'i').test(tok)) specError(`term '${term}': '${tok}' is not a number`);
  return Number(tok);
}

const fmtNum = (v: number) => (v === Math.PI ? 'pi' : String(v));

/** Parse one term for data with d columns (names: the data's column names, or null). */
function parseTerm(raw: string, d: number, names: readonly string[] | null): Parsed {
  const t = raw.replace(/\s+/g, ' ').trim();
  const nm = (j: number, ns: readonly string[] | null) => (ns ? ns[j]! : `x${j + 1}`);
  if (t === 'r') {
    return {
      text: 'r',
      fn: (a, off) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += a[off + j]! * a[off + j]!;
        return Math.sqrt(s);
      },
      name: () => 'r',
    };
  }
  let m = /^(sin|cos)\((?:(\S+?)\s?\*\s?)?([^()*]+)\)$/.exec(t);
  if (m) {
    const f = m[1] === 'sin' ? Math.sin : Math.cos;
    const a = m[2] === undefined ? 1 : num(m[2], raw);
    const j = columnOf(m[3]!.trim(), d, names, raw);
    const inner = (ns: readonly string[] | null) => (a === 1 ? nm(j, ns) : `${fmtNum(a)}*${nm(j, ns)}`);
    return { text: `${m[1]}(${inner(null)})`, fn: (row, off) => f(a * row[off + j]!), name: (ns) => `${m![1]}(${inner(ns)})` };
  }
  m = /^rbf\(([^;]*);([^;]*)\)$/.exec(t);
  if (m) {
    const centre = m[1]!
      .trim()
      .split(' ')
      .filter((s) => s !== '')
      .map((s) => num(s, raw));
    const gamma = num(m[2]!.trim(), raw);
    if (!(gamma > 0)) specError(`term '${raw}': the width gamma must be > 0`);
    if (Number.isFinite(d) && centre.length !== d) specError(`term '${raw}': the centre has ${centre.length} coordinates but the data has ${d} columns`);
    const text = `rbf(${centre.join(' ')}; ${gamma})`;
    return {
      text,
      fn: (a, off) => {
        let s = 0;
        for (let j = 0; j < centre.length; j++) {
          const u = a[off + j]! - centre[j]!;
          s += u * u;
        }
        return Math.exp(-gamma * s);
      },
      name: () => text,
    };
  }
  // A monomial: factors x_j or x_j^p joined by '*'.
  const factors = t.split('*').map((s) => s.trim());
  const powers = new Map<number, number>();
  for (const f of factors) {
    const fm = /^(.+?)(?:\^(\d+))?$/.exec(f);
    if (!fm || f === '') specError(`term '${raw}' is not understood: use x1, x1^2, x1*x2, sin(x1), cos(pi*x2), r or rbf(c1 c2; gamma)`);
    const j = columnOf(fm[1]!, d, names, raw);
    const p = fm[2] === undefined ? 1 : Number(fm[2]);
    if (p < 1 || p > 9) specError(`term '${raw}': powers go from 1 to 9`);
    powers.set(j, (powers.get(j) ?? 0) + p);
  }
  const parts = [...powers.entries()].sort((a, b) => a[0] - b[0]);
  const show = (ns: readonly string[] | null) => parts.map(([j, p]) => (p === 1 ? nm(j, ns) : `${nm(j, ns)}^${p}`)).join('*');
  return {
    text: show(null),
    fn: (a, off) => {
      let v = 1;
      for (const [j, p] of parts) v *= a[off + j]! ** p;
      return v;
    },
    name: show,
  };
}

/** Monomials of total degree 1..deg over d columns, in graded order (x1, x2, x1^2, x1*x2, x2^2, ...). */
function monomials(d: number, deg: number): string[] {
  const out: string[] = [];
  const rec = (start: number, left: number, acc: number[]) => {
    if (left === 0) {
      const counts = new Map<number, number>();
      for (const j of acc) counts.set(j, (counts.get(j) ?? 0) + 1);
      out.push([...counts.entries()].map(([j, p]) => (p === 1 ? `x${j + 1}` : `x${j + 1}^${p}`)).join('*'));
      return;
    }
    for (let j = start; j < d; j++) rec(j, left - 1, [...acc, j]);
  };
  for (let k = 1; k <= deg; k++) rec(0, k, []);
  return out;
}

/** Expanding a preset would give more than this many features: refuse (the fit would not fit in memory). */
const MAX_OUTPUTS = 100_000;

/**
 * Fit a feature map on training data X (dense): expand presets into terms (rbf grids on X's range) and check
 * every term against X's columns. `names`: X's column names, if any (terms may use them).
 */
export function fitFeatureMap(spec: FeatureMapSpec, X: Matrix, names: readonly string[] | null = null): FeatureMapState {
  checkFeatureMapSpec(spec);
  if (X instanceof CSRMatrix) specError('applies to dense data only (a sparse matrix would become dense); expand the features yourself or drop featureMap');
  const d = X.cols;
  const list = termList(spec);
  let terms: string[];
  const preset = list.length === 1 && isPreset(list[0]!) ? list[0]! : null;
  if (preset === 'poly2' || preset === 'poly3') {
    const deg = preset === 'poly2' ? 2 : 3;
    let count = 0;
    for (let k = 1, c = 1; k <= deg; k++) count += c = (c * (d + k - 1)) / k;
    if (count > MAX_OUTPUTS) specError(`'${preset}' on ${d} columns gives ${count} features (more than ${MAX_OUTPUTS}); list the terms you want instead`);
    terms = monomials(d, deg);
  } else if (preset) {
    const N = Number(preset.slice(3));
    if (N < 2 || N > 50) specError(`'${preset}': the grid needs 2 to 50 centres per column`);
    if (d > 3) specError(`'${preset}' puts ${N}^d centres on a grid, so it takes at most 3 columns (the data has ${d}); list rbf(...) terms instead`);
    const a = (X as DenseMatrix).data;
    const lo = new Array<number>(d).fill(Infinity);
    const hi = new Array<number>(d).fill(-Infinity);
    for (let i = 0; i < X.rows; i++)
      for (let j = 0; j < d; j++) {
        lo[j] = Math.min(lo[j]!, a[i * d + j]!);
        hi[j] = Math.max(hi[j]!, a[i * d + j]!);
      }
    const axes = lo.map((l, j) => Array.from({ length: N }, (_, t) => (hi[j]! > l ? l + ((hi[j]! - l) * t) / (N - 1) : l)));
    // One bump per grid cell: width = the grid spacing of the widest column, so neighbouring bumps overlap.
    const spacing = Math.max(...lo.map((l, j) => (hi[j]! - l) / (N - 1))) || 1;
    const gamma = Number((1 / (2 * spacing * spacing)).toPrecision(6));
    const centres: number[][] = [[]];
    for (let j = 0; j < d; j++) centres.splice(0, centres.length, ...centres.flatMap((c) => axes[j]!.map((v) => [...c, Number(v.toPrecision(6))])));
    terms = [...monomials(d, 1), ...centres.map((c) => `rbf(${c.join(' ')}; ${gamma})`)];
  } else terms = list;
  const parsed = terms.map((t) => parseTerm(t, d, names));
  const canonical = parsed.map((p) => p.text);
  const seen = new Set<string>();
  for (const c of canonical) {
    if (seen.has(c)) specError(`lists the term '${c}' twice`);
    seen.add(c);
  }
  return { inputs: d, inputNames: names ? [...names] : null, terms: canonical };
}

const compiled = new WeakMap<FeatureMapState, Parsed[]>();

function compile(s: FeatureMapState): Parsed[] {
  let p = compiled.get(s);
  if (!p) {
    p = s.terms.map((t) => parseTerm(t, s.inputs, null));
    compiled.set(s, p);
  }
  return p;
}

/** Check a stored map (model file): every term parses against its input count. Throws OptionError. */
export function validateFeatureMapState(s: FeatureMapState): void {
  if (s.terms.length === 0) specError('has no terms');
  compile(s);
}

/** Output feature names: the terms with the input columns' names substituted (when known). */
export function featureMapNames(s: FeatureMapState): string[] {
  return compile(s).map((p) => p.name(s.inputNames));
}

/** Apply a fitted map to X (n x inputs) -> a new dense n x terms matrix. */
export function applyFeatureMap(s: FeatureMapState, X: Matrix, what = 'X'): DenseMatrix {
  if (X.cols !== s.inputs) {
    throw new DataError(
      'FEATURE_MISMATCH',
      `${what} has ${X.cols} features but the model's feature map reads ${s.inputs} (it expands them into ${s.terms.length})`,
    );
  }
  if (X instanceof CSRMatrix) specError('applies to dense data only; pass X as a dense matrix');
  const dense = X as DenseMatrix;
  const a = dense.data;
  const d = s.inputs;
  const terms = compile(s).map((p) => p.fn);
  const m = terms.length;
  const out = new Float64Array(X.rows * m);
  for (let i = 0; i < X.rows; i++) {
    const off = i * d;
    for (let t = 0; t < m; t++) out[i * m + t] = terms[t]!(a, off);
  }
  return new DenseMatrix(X.rows, m, out);
}
