/** `softmax inspect`: what a saved model is: classes, features, options, fit summary, largest coefficients. */
import type { Command } from 'commander';
import { loadModelAsync } from '../../node/spark.js';
import { addGlobalFlags, emit, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { fitSummaryRows, labelList, num, optionSummary, table } from '../format.js';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import { parsePositiveInteger } from '../options.js';

interface InspectFlags extends GlobalFlags {
  top: number;
}

export const DEFAULT_TOP = 5;

async function run(ctx: CommandContext, file: string, f: InspectFlags): Promise<void> {
  const model = await loadModelAsync(file);
  const classes = model.classes!;
  const names = model.featureNames ?? Array.from({ length: model.nFeatures }, (_, j) => `x${j}`);
  // A binomial model (two classes) has one row: the weights of classes[1] (p = sigmoid(w.x + b)).
  const binomial = model.fittedMultiClass === 'binomial';
  const rowClasses = binomial ? [classes[1]!] : classes;
  const top = rowClasses.map((c, k) => {
    const row = model.coef![k]!;
    const order = row.map((_, j) => j).sort((a, b) => Math.abs(row[b]!) - Math.abs(row[a]!) || a - b);
    return {
      class: c,
      intercept: model.intercept![k]!,
      largest: order.slice(0, f.top).map((j) => ({ feature: names[j]!, index: j, coef: row[j]! })),
    };
  });
  let nonzero = 0;
  for (const row of model.coef!) for (const v of row) if (v !== 0) nonzero++;
  const json = model.toJSON() as unknown as Record<string, unknown>;
  const result = {
    file,
    format: { name: json.format, version: json.version },
    classes,
    nFeatures: model.nFeatures,
    featureNames: model.featureNames,
    options: model.options,
    scaler: model.scaler ? { kind: model.scaler.kind } : null,
    fit: model.fitResult,
    nonzeroCoefficients: nonzero,
    largestCoefficients: top,
  };
  emit(ctx, f, { ...result, fit: model.fitResult ? { ...model.fitResult, history: undefined } : null }, () => {
    const o = model.options;
    const rows: Array<[string, string]> = [
      ['model', `${file} (${String(json.format)} v${String(json.version)})`],
      ['classes', `${classes.length}: ${labelList(classes, 20)}`],
      ['features', `${model.nFeatures}${model.featureNames ? `: ${labelList(model.featureNames, 10)}` : ' (unnamed)'}`],
      ['options', `solver ${o.solver}, ${optionSummary(o, DEFAULT_OPTIONS)}`],
      ['nonzero coef', `${nonzero} of ${model.coef!.length * model.nFeatures}${binomial ? ' (binomial model: one row, for the second class)' : ''}`],
    ];
    if (model.fitResult) rows.push(...fitSummaryRows(model.fitResult));
    let out = table(rows);
    out += `\nlargest coefficients ${binomial ? `of the one row (class ${String(classes[1])} vs ${String(classes[0])})` : 'per class'} (by |coef|${model.scaler ? `, on ${model.scaler.kind}-scaled features` : ''}):\n`;
    for (const t of top) {
      out += `  ${String(t.class)} (intercept ${num(t.intercept)}): ${t.largest.map((e) => `${e.feature} ${num(e.coef)}`).join(', ')}\n`;
    }
    return out;
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('inspect')
      .description('describe a saved model: classes, features, options, fit summary, largest coefficients per class')
      .argument('<MODEL>', 'model file saved by softmax train -o')
      .option('--top <n>', `coefficients to list per class (default ${DEFAULT_TOP})`, parsePositiveInteger, DEFAULT_TOP);
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExample:\n  softmax inspect model.json --top 3');
    cmd.action((file: string, flags: InspectFlags) => run(ctx, file, flags));
  },
};
export default command;
