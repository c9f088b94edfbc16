/**
 * `softmax export`: a saved model in another format. ONNX (the only one so far): `--dtype float32` writes
 * the LinearClassifier graph scikit-learn's converter writes, `float64` core operators on doubles; see
 * docs/serving.md. The file is written atomically.
 */
import type { Command } from 'commander';
import { loadModel, writeFileAtomic } from '../../node/model-file.js';
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
  if (f.format !== 'onnx') throw new UsageError(`--format must be 'onnx', got '${f.format}'`);
  if (f.dtype !== 'float32' && f.dtype !== 'float64') throw new UsageError(`--dtype must be 'float32' or 'float64', got '${f.dtype}'`);
  checkOutput(f.output);
  const model = loadModel(f.model);
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

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('export')
      .description('export a saved model to ONNX (runs in ONNX Runtime, Triton, ...)')
      .requiredOption('-m, --model <file>', 'model file saved by softmax train -o')
      .option('--format <format>', 'output format: onnx', 'onnx')
      .option(
        '--dtype <dtype>',
        "float32 (one ai.onnx.ml LinearClassifier node, as scikit-learn's converter) or float64 (MatMul/Add/Softmax on doubles)",
        'float32',
      )
      .requiredOption('-o, --output <file>', 'the .onnx file to write (atomically)');
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax export --model iris.json --format onnx -o iris.onnx\n  softmax export --model iris.json --format onnx --dtype float64 -o iris64.onnx',
    );
    cmd.action((flags: ExportFlags) => run(ctx, flags));
  },
};
export default command;
