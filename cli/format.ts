/** Text rendering helpers shared by the commands. */
import { basename, isAbsolute, relative } from 'node:path';
import type { FitResult } from '../src/index.js';

/** A number for humans: 4 significant digits for metrics, more for objectives. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}

/** Two-column "key  value" lines with aligned values. */
export function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

/** A header and rows as left-aligned columns two spaces apart (trailing blanks trimmed). */
export function columns(header: string[], rows: string[][]): string {
  const widths = header.map((c, j) => Math.max(c.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((v, j) => v.padEnd(widths[j]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The fit summary lines (solver, how it stopped, objective, time, advice). */
export function fitSummaryRows(
  fr: Pick<
    FitResult,
    | 'solver'
    | 'converged'
    | 'stopReason'
    | 'message'
    | 'iterations'
    | 'value'
    | 'gradientNorm'
    | 'elapsedMs'
    | 'functionEvaluations'
    | 'gradientEvaluations'
    | 'advice'
  >,
): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['solver', fr.solver],
    [
      'stopped',
      `${fr.converged ? 'converged' : 'NOT converged'} (${fr.stopReason}) after ${fr.iterations} iterations, ${fr.gradientEvaluations} gradient evaluations`,
    ],
    ['message', fr.message],
    ['objective', `${fr.value.toPrecision(10)}  (max|gradient| ${fr.gradientNorm.toExponential(2)})`],
    ['fit time', ms(fr.elapsedMs)],
  ];
  for (const a of fr.advice ?? []) rows.push(['advice', a]);
  return rows;
}

export function labelList(labels: readonly unknown[], max = 12): string {
  const s = labels.slice(0, max).map(String).join(', ');
  return labels.length > max ? `${s}, … (${labels.length} in all)` : s;
}

/** Options shown on every summary, then any other option that differs from the library default. */
const ALWAYS_SHOWN = ['penalty', 'C', 'scale', 'tol', 'maxIter'];
const NEVER_SHOWN = new Set(['solver', 'verbose', 'warmStart']);

export function optionSummary(options: object, defaults: object): string {
  const o = options as Record<string, unknown>;
  const d = defaults as Record<string, unknown>;
  const parts = ALWAYS_SHOWN.filter((k) => k in o).map((k) => `${k} ${fmtValue(o[k])}`);
  for (const [k, v] of Object.entries(o)) {
    if (ALWAYS_SHOWN.includes(k) || NEVER_SHOWN.has(k) || v === undefined) continue;
    if (JSON.stringify(v) !== JSON.stringify(d[k])) parts.push(`${k} ${fmtValue(v)}`);
  }
  return parts.join(', ');
}

function fmtValue(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * A file name for headings and reports: relative to the working directory when the file is inside it,
 * else its base name (an absolute path says where the author's files live and nothing about the data).
 * '-' and names that are not paths (a built-in data set) are kept.
 */
export function displayName(path: string): string {
  if (path === '-' || path === 'stdin' || !isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(path);
}
