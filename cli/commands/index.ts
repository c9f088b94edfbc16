/**
 * The `softmax` subcommands, registered in this order (and listed in `--help` in this order). Each is a
 * module ./NAME.js whose default export is a CommandModule, imported only when it is registered (so `softmax
 * train` never loads plot's or serve's code): adding a command is adding its line here. The imports are
 * spelled out, not computed from the name, so the bundler (scripts/build-cli.mjs) sees each one.
 */
import type { CommandModule } from '../context.js';

type Loader = () => Promise<{ default: CommandModule }>;

export const COMMAND_LOADERS: Readonly<Record<string, Loader>> = {
  train: () => import('./train.js'),
  predict: () => import('./predict.js'),
  eval: () => import('./eval.js'),
  cv: () => import('./cv.js'),
  inspect: () => import('./inspect.js'),
  plot: () => import('./plot.js'),
  report: () => import('./report.js'),
  export: () => import('./export.js'),
  import: () => import('./import.js'),
  serve: () => import('./serve.js'),
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMAND_LOADERS);
