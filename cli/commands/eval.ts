/** `softmax eval`: classification report, confusion matrix and probability metrics of a saved model on labelled DATA. */
import type { Command } from 'commander';
import { listForMessage } from '../../src/errors.js';
import { loadModelAsync } from '../../node/spark.js';
import { brierScore, expectedCalibrationError, topKAccuracy } from '../../src/metrics/probabilistic.js';
import { confusionMatrix } from '../../src/metrics/classification.js';
import { classificationReport, formatClassificationReport, formatConfusionMatrix } from '../../src/metrics/report.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { builtin, modelColumns, readData, checkOneSource } from '../data.js';
import { metricsOf, score } from '../evaluate.js';
import { num, table } from '../format.js';
import { addDataFlags, parsePositiveInteger, type DataFlags } from '../options.js';

interface EvalFlags extends GlobalFlags, DataFlags {
  model: string;
  dataset?: string;
  digits?: number;
  topK?: number;
}

async function run(ctx: CommandContext, data: string | undefined, f: EvalFlags): Promise<void> {
  checkOneSource(data, f.dataset, "missing DATA: give a labelled data file, '-' for stdin, or --dataset NAME");
  const model = await loadModelAsync(f.model);
  const classes = model.classes!;
  const ds = f.dataset ? builtin(f.dataset).test : await readData(data!, f, ctx.io, modelColumns(model));
  if (ds.y.length === 0) throw new UsageError('eval needs labelled data: the data has no label column (see --label)');
  const s = score(model, ds);
  const m = metricsOf(model, s);
  // Report every model class (even if absent from the data) plus any label the model has never seen.
  const unseen = [...new Set(s.yTrue.filter((v) => !classes.includes(v)))];
  const labels = [...classes, ...unseen];
  const report = classificationReport(s.yTrue, s.yPred, { labels });
  const cm = confusionMatrix(s.yTrue, s.yPred, { labels });
  const proba = s.allKnown ? { rows: s.logProba.rows, cols: s.logProba.cols, data: s.logProba.data.map(Math.exp) } : null;
  const k = f.topK ?? Math.min(2, classes.length);
  const prob = proba
    ? {
        logLoss: m.logLoss,
        brier: brierScore(s.yTrue, proba, classes),
        ece: expectedCalibrationError(s.yTrue, proba, classes),
        topK: { k, accuracy: topKAccuracy(s.yTrue, proba, classes, k) },
      }
    : null;
  const result = {
    data: f.dataset ? `built-in '${f.dataset}' test split` : data === '-' ? 'stdin' : data,
    model: f.model,
    rows: ds.y.length,
    accuracy: m.accuracy,
    report,
    confusionMatrix: cm,
    probabilistic: prob,
    unseenLabels: unseen,
  };
  emit(ctx, f, result, () => {
    const rows: Array<[string, string]> = [
      ['data', `${result.data} (${ds.y.length} rows)`],
      ['accuracy', num(m.accuracy)],
    ];
    if (prob) {
      rows.push(
        ['log loss', num(prob.logLoss)],
        ['Brier score', num(prob.brier)],
        ['ECE (10 bins)', num(prob.ece)],
        [`top-${k} accuracy`, num(prob.topK.accuracy)],
      );
    } else rows.push(['note', `labels not in the model's classes (${listForMessage(unseen, { quote: '' })}): probability metrics skipped`]);
    return (
      table(rows) +
      '\nclassification report\n' +
      formatClassificationReport(report, f.digits ?? 2) +
      '\nconfusion matrix (rows: true label, columns: predicted)\n' +
      formatConfusionMatrix(cm)
    );
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('eval')
      .description('evaluate a saved model on labelled DATA: classification report, confusion matrix, log loss, Brier, calibration')
      .argument('[DATA]', "labelled data file, or '-' to read CSV from stdin")
      .requiredOption('-m, --model <file>', 'model file saved by softmax train -o')
      .option('--dataset <name>', "evaluate on a built-in data set's test split")
      .option('--digits <n>', 'decimals in the classification report (default 2)', parsePositiveInteger)
      .option('--top-k <k>', 'k for top-k accuracy (default 2)', parsePositiveInteger);
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExample:\n  softmax eval --model model.json test.csv');
    cmd.action((data: string | undefined, flags: EvalFlags) => run(ctx, data, flags));
  },
};
export default command;
