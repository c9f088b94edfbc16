/**
 * `softmax predict`: labels and per-class probabilities for every row of DATA, as CSV (label, then one
 * p_<class> column per class) or JSON lines. Output goes to stdout, or to -o FILE written atomically (the
 * whole output is built first, so an error midway never leaves a partial file).
 */
import type { Command } from 'commander';
import { loadModel, writeFileAtomic } from '../../node/model-file.js';
import type { Label } from '../../src/core/labels.js';
import { addGlobalFlags, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { builtin, modelColumns, readData, checkOneSource } from '../data.js';
import { addDataFlags, type DataFlags } from '../options.js';

interface PredictFlags extends GlobalFlags, DataFlags {
  model: string;
  dataset?: string;
  output?: string;
  format?: string;
  digits?: number;
}

/** A CSV field: quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

async function run(ctx: CommandContext, data: string | undefined, f: PredictFlags): Promise<void> {
  checkOneSource(data, f.dataset, "missing DATA: give a data file, '-' for stdin, or --dataset NAME");
  const format = f.format ?? (f.json && !f.output ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be 'csv' or 'jsonl', got '${format}'`);
  const model = loadModel(f.model);
  const classes = model.classes!;
  const ds = f.dataset
    ? builtin(f.dataset).test
    : // The model's feature names pick the columns (so a label or id column in the file is ignored); without
      // them, the file must hold exactly the model's features unless --label names a column to drop.
      await readData(data!, f, ctx.io, { label: f.label ?? null, ...modelColumns(model) });
  const P = model.predictProbaFlat(ds.X);
  const K = classes.length;
  const n = P.length / K;
  const labelOf = (i: number): Label => {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + best]!) best = k;
    return classes[best]!;
  };
  const parts: string[] = [];
  if (format === 'csv') {
    parts.push(['label', ...classes.map((c) => `p_${c}`)].map(csvField).join(',') + '\n');
    for (let i = 0; i < n; i++) {
      const row = [csvField(String(labelOf(i)))];
      for (let k = 0; k < K; k++) row.push(String(P[i * K + k]));
      parts.push(row.join(',') + '\n');
    }
  } else {
    for (let i = 0; i < n; i++) {
      const proba: Record<string, number> = {};
      classes.forEach((c, k) => (proba[String(c)] = P[i * K + k]!));
      parts.push(JSON.stringify({ label: labelOf(i), proba }) + '\n');
    }
  }
  const text = parts.join('');
  if (f.output) {
    writeFileAtomic(f.output, text);
    const summary = { rows: n, classes, output: f.output, format };
    ctx.io.stdout.write(f.json ? JSON.stringify(summary) + '\n' : `wrote ${n} predictions (${format}) to ${f.output}\n`);
  } else ctx.io.stdout.write(text);
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('predict')
      .description('predict labels and class probabilities for DATA with a saved model')
      .argument('[DATA]', "data file, or '-' to read CSV from stdin")
      .requiredOption('-m, --model <file>', 'model file saved by softmax train -o')
      .option('--dataset <name>', "predict a built-in data set's test split")
      .option('-o, --output <file>', 'write predictions here (atomically) instead of stdout')
      .option('--format <format>', 'csv (label, p_<class>...) or jsonl ({"label":..,"proba":{..}} per line); default csv, or jsonl with --json');
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExamples:\n  softmax predict --model model.json new.csv -o predictions.csv\n  cat new.csv | softmax predict --model model.json - --format jsonl');
    cmd.action((data: string | undefined, flags: PredictFlags) => run(ctx, data, flags));
  },
};
export default command;
