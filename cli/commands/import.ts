/**
 * `softmax import`: an ONNX logistic-regression model (from scikit-learn's converter skl2onnx, or from
 * `softmax export`) as a model file this package reads, so it can be inspected, evaluated and served.
 * Other graphs are refused with an error naming the unsupported node.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { saveModel } from '../../node/model-file.js';
import { OnnxError, SoftmaxError, fromOnnx } from '../../src/index.js';
import { addGlobalFlags, emit, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';

interface ImportFlags extends GlobalFlags {
  output: string;
}

async function run(ctx: CommandContext, file: string, f: ImportFlags): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SoftmaxError('IO_ERROR', `could not read ${file}: ${(e as Error).message}`);
  }
  let model;
  try {
    model = fromOnnx(bytes);
  } catch (e) {
    if (e instanceof SoftmaxError) throw new OnnxError(`${file}: ${e.message}`, { node: (e as OnnxError).node, code: e.code });
    throw e;
  }
  saveModel(model, f.output);
  const kind = model.options.multiClass === 'ovr' ? 'one-vs-rest' : 'multinomial';
  const result = { input: file, output: f.output, classes: model.classes, nFeatures: model.nFeatures, multiClass: model.options.multiClass };
  emit(ctx, f, result, () => `wrote ${f.output}: ${kind} model, ${model.nClasses} classes, ${model.nFeatures} features (from ${file})\n`);
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('import')
      .description('import an ONNX logistic-regression model (skl2onnx or softmax export) as a model file')
      .argument('<MODEL.onnx>', 'the ONNX file')
      .requiredOption('-o, --output <file>', 'the model file to write (atomically)');
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExample:\n  softmax import logreg.onnx -o logreg.json && softmax inspect logreg.json');
    cmd.action((file: string, flags: ImportFlags) => run(ctx, file, flags));
  },
};
export default command;
