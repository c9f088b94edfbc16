/**
 * `softmax import`: an ONNX logistic-regression model (from scikit-learn's converter skl2onnx, or from
 * `softmax export`), or a Spark MLlib LogisticRegressionModel directory, as a model file this package
 * reads, so it can be inspected, evaluated and served. Other graphs are refused with an error naming the
 * unsupported node; other Spark directories (a PipelineModel, ...) with the path to point at instead.
 */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { saveModel } from '../../node/model-file.js';
import { readWholeFile } from '../../node/read-file.js';
import { loadSparkModel } from '../../node/spark.js';
import { OnnxError, SoftmaxError, fromOnnx, type SoftmaxRegression } from '../../src/index.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { checkOutput } from '../outputs.js';

interface ImportFlags extends GlobalFlags {
  output: string;
  featureNames?: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function run(ctx: CommandContext, file: string, f: ImportFlags): Promise<void> {
  checkOutput(f.output);
  const spark = isDirectory(file);
  if (f.featureNames !== undefined && !spark) throw new UsageError('--feature-names applies to Spark model directories (ONNX files carry their own)');
  let model: SoftmaxRegression;
  if (spark) {
    const featureNames = f.featureNames?.split(',').map((s) => s.trim());
    model = await loadSparkModel(file, { featureNames });
  } else {
    // Typed errors for a missing file and files of 2 GiB and more.
    const bytes: Uint8Array = readWholeFile(file, 'the ONNX file');
    try {
      model = fromOnnx(bytes);
    } catch (e) {
      if (e instanceof SoftmaxError) throw new OnnxError(`${file}: ${e.message}`, { node: (e as OnnxError).node, code: e.code });
      throw e;
    }
  }
  saveModel(model, f.output);
  const fitted = model.fittedMultiClass;
  const kind = fitted === 'ovr' ? 'one-vs-rest' : fitted === 'binomial' ? 'binomial' : 'multinomial';
  const result = {
    input: file,
    output: f.output,
    from: spark ? 'spark' : 'onnx',
    classes: model.classes,
    nFeatures: model.nFeatures,
    multiClass: model.options.multiClass,
    fittedMultiClass: fitted,
  };
  emit(
    ctx,
    f,
    result,
    () => `wrote ${f.output}: ${kind} model, ${model.nClasses} classes, ${model.nFeatures} features (from ${spark ? 'Spark model ' : ''}${file})\n`,
  );
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('import')
      .description('import an ONNX logistic-regression model (skl2onnx or softmax export) or a Spark LogisticRegressionModel directory as a model file')
      .argument('<MODEL>', 'the ONNX file, or the Spark model directory (the one holding metadata/ and data/)')
      .requiredOption('-o, --output <file>', 'the model file to write (atomically)')
      .option('--feature-names <a,b,...>', "Spark only: names of the features vector's columns, in order (Spark models have none)");
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax import logreg.onnx -o logreg.json && softmax inspect logreg.json\n  softmax import spark-model-dir -o model.json --feature-names x1,x2,x3',
    );
    cmd.action((file: string, flags: ImportFlags) => run(ctx, file, flags));
  },
};
export default command;
