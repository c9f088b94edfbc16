/**
 * `softmax export`: a saved model in another format. ONNX: `--dtype float32` writes the LinearClassifier
 * graph scikit-learn's converter writes, `float64` core operators on doubles; see docs/serving.md. The file
 * is written atomically. Spark: a LogisticRegressionModel directory that Spark MLlib's
 * `LogisticRegressionModel.load(DIR)` reads (docs/scaling.md), built aside and renamed into place.
 */
import type { Command } from 'commander';
import { writeFileAtomic } from '../../node/model-file.js';
import { checkSparkOutput, loadModelAsync, saveSparkModel } from '../../node/spark.js';
import { toOnnx } from '../../src/index.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { packageVersion } from '../version.js';
import { checkOutput } from '../outputs.js';

interface ExportFlags extends GlobalFlags {
  model: string;
  format: string;
  dtype: string;
  output: string;
}

async function run(ctx: CommandContext, f: ExportFlags): Promise<void> {
  if (f.format !== 'onnx' && f.format !== 'spark') throw new UsageError(`--format must be 'onnx' or 'spark', got '${f.format}'`);
  if (f.format === 'spark') return runSpark(ctx, f);
  if (f.dtype !== 'float32' && f.dtype !== 'float64') throw new UsageError(`--dtype must be 'float32' or 'float64', got '${f.dtype}'`);
  checkOutput(f.output);
  const model = await loadModelAsync(f.model);
  const bytes = toOnnx(model, { dtype: f.dtype, producerVersion: packageVersion() });
  writeFileAtomic(f.output, bytes);
  const result = {
    model: f.model,
    output: f.output,
    format: f.format,
    dtype: f.dtype,
    bytes: bytes.length,
    classes: model.classes,
    nFeatures: model.nFeatures,
  };
  emit(
    ctx,
    f,
    result,
    () =>
      `wrote ${f.output} (ONNX, ${f.dtype}, ${bytes.length} bytes): input float_input [N, ${model.nFeatures}], outputs label [N] and probabilities [N, ${model.nClasses}]\n`,
  );
}

async function runSpark(ctx: CommandContext, f: ExportFlags): Promise<void> {
  if (f.dtype !== 'float32') throw new UsageError('--dtype applies to --format onnx (Spark models hold doubles)');
  checkSparkOutput(f.output);
  const model = await loadModelAsync(f.model);
  const { dataFile, metadataFile } = await saveSparkModel(model, f.output);
  const classes = model.classes ?? [];
  const identity = classes.every((c, k) => c === k);
  const binomial = model.fittedMultiClass === 'binomial';
  const result = {
    model: f.model,
    output: f.output,
    format: f.format,
    family: binomial ? 'binomial' : 'multinomial',
    classes,
    sparkLabels: classes.map((_, k) => k),
    nFeatures: model.nFeatures,
    featureNames: model.featureNames,
    files: [metadataFile, dataFile],
  };
  emit(ctx, f, result, () => {
    const mapping = identity ? '' : `; Spark's labels are class indices: ${classes.map((c, k) => `${k} = ${JSON.stringify(c)}`).join(', ')}`;
    const cols = model.featureNames ? `; the features vector's columns, in order: ${model.featureNames.join(', ')}` : '';
    return `wrote ${f.output} (Spark LogisticRegressionModel, ${binomial ? 'binomial' : 'multinomial'}, ${classes.length} classes, ${model.nFeatures} features${mapping}${cols}): LogisticRegressionModel.load("${f.output}")\n`;
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('export')
      .description('export a saved model to ONNX (ONNX Runtime, Triton, ...) or to a Spark MLlib model directory')
      .requiredOption('-m, --model <file>', 'model file saved by softmax train -o (or a Spark model directory)')
      .option('--format <format>', 'output format: onnx (a file) or spark (a LogisticRegressionModel directory)', 'onnx')
      .option(
        '--dtype <dtype>',
        "onnx only: float32 (one ai.onnx.ml LinearClassifier node, as scikit-learn's converter) or float64 (MatMul/Add/Softmax on doubles)",
        'float32',
      )
      .requiredOption('-o, --output <path>', 'the .onnx file to write (atomically), or the Spark model directory to create (must not exist or be empty)');
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax export --model iris.json --format onnx -o iris.onnx\n  softmax export --model iris.json --format onnx --dtype float64 -o iris64.onnx\n  softmax export --model iris.json --format spark -o iris-spark   # LogisticRegressionModel.load("iris-spark")',
    );
    cmd.action((flags: ExportFlags) => run(ctx, flags));
  },
};
export default command;
