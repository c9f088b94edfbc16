/**
 * The shape every course example shares (examples/NAME.ts exports `run(options): Promise<ExampleResult>`),
 * so the runner (scripts/example.ts) and the tests can treat them alike, and the helper that prints a
 * result's figures beside the figures the course reports.
 */

/** Options every example takes; an example adds its own (e.g. `data` for CIFAR-10's directory). */
export interface ExampleOptions {
  /** Where plots go (created if missing). The runner's default is ./examples-out/NAME. */
  outDir: string;
  /** Reduced data and iterations: what the tests run (seconds, not minutes). */
  quick?: boolean;
  /** Progress and figure lines (default console.log); tests pass a no-op. */
  log?: (line: string) => void;
}

/** One measured figure and, when the course (or a peer) reports one, the figure to compare it with. */
export interface ExampleFigure {
  /** What was measured, e.g. 'test accuracy'. */
  name: string;
  value: number;
  /** The reported figure (a number, or a range such as '0.83-0.85'); null when there is none. */
  reference: number | string | null;
  /** Where the reference comes from, e.g. 'UFLDL exercise, full MNIST'. */
  referenceSource?: string;
  /** Anything that qualifies the comparison (different data, fewer epochs, ...). */
  note?: string;
}

export interface ExampleResult {
  example: string;
  figures: ExampleFigure[];
  /** Paths of the plot files written. */
  plots: string[];
  /** Free-form lines: what data were used, what differs from the course. */
  notes: string[];
}

/** Flags an example accepts on the runner's command line beyond --out and --quick (for `--list` and parsing). */
export interface ExampleFlag {
  type: 'string' | 'boolean';
  description: string;
  /** The value's name in `--list` (default VALUE), e.g. DIR. */
  value?: string;
}

function show(v: number | string | null): string {
  if (v === null) return '-';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v) && Math.abs(v) >= 2) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

/** The figures as aligned lines: name, ours, reference (source), note. */
export function formatFigures(result: ExampleResult): string[] {
  const rows = result.figures.map((f) => [f.name, show(f.value), show(f.reference), [f.referenceSource, f.note].filter(Boolean).join('; ')]);
  const head = ['figure', 'ours', 'reference', 'reference source / note'];
  const widths = [0, 1, 2].map((c) => Math.max(head[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => [r[0]!.padEnd(widths[0]!), r[1]!.padStart(widths[1]!), r[2]!.padStart(widths[2]!), r[3]!].join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

/** Print the figures, the notes and the plots written (what each example does at the end of run()). */
export function printResult(result: ExampleResult, log: (line: string) => void = console.log): void {
  log('');
  log(`${result.example}: figures`);
  for (const l of formatFigures(result)) log(`  ${l}`);
  for (const n of result.notes) log(`  note: ${n}`);
  for (const p of result.plots) log(`  plot: ${p}`);
}
