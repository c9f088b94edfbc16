/**
 * The `softmax` subcommands, registered in this order (and listed in `--help` in this order). Each name is
 * a module ./NAME.js whose default export is a CommandModule: adding a command is adding its name here.
 */
export const COMMAND_NAMES: readonly string[] = ['train', 'predict', 'eval', 'cv', 'inspect', 'plot', 'report', 'export', 'import', 'serve'];
