#!/usr/bin/env node
/**
 * `softmax`: the command line. `main(argv, io)` runs one invocation and returns its exit code, so tests run
 * the CLI in-process; the bin (this file run directly) wires it to the real process.
 *
 * Exit codes: 0 success; 1 runtime error (bad or unreadable file, failed fit, I/O); 2 bad usage (unknown
 * command or option, bad or conflicting option values, missing arguments). Errors are one line on stderr;
 * --debug adds the stack trace.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { OptionError, SoftmaxError } from '../src/index.js';
import { COMMAND_NAMES } from './commands/index.js';
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, type CliIO, type CommandModule } from './context.js';

/** The package version, from the package.json above this file (cli/ in source, dist/cli/ when built). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'softmax-regression' && pkg.version) return pkg.version;
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

async function loadCommands(): Promise<CommandModule[]> {
  return Promise.all(COMMAND_NAMES.map(async (name) => ((await import(`./commands/${name}.js`)) as { default: CommandModule }).default));
}

function buildProgram(io: CliIO, commands: CommandModule[]): Command {
  const program = new Command('softmax');
  program
    .description('Softmax (multinomial logistic) regression: train, evaluate, predict, cross-validate and inspect models.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // Usage errors are printed once, by main(), as one line.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `\nExit codes: 0 success, 1 runtime error (bad file, failed fit), 2 bad usage.\nExample: softmax train --dataset iris -o iris.json && softmax eval --model iris.json --dataset iris`,
    );
  const ctx = { io };
  for (const c of commands) c.register(program, ctx);
  return program;
}

/** First-word command name in argv (for "see 'softmax X --help'" hints). */
function commandIn(argv: string[], program: Command): string | null {
  const first = argv.find((a) => !a.startsWith('-'));
  return first && program.commands.some((c) => c.name() === first) ? first : null;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const debug = argv.includes('--debug');
  let program: Command | null = null;
  try {
    program = buildProgram(io, await loadCommands());
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    const cmd = program ? commandIn(argv, program) : null;
    const where = cmd ? `softmax ${cmd}` : 'softmax';
    const hint = ` (see '${where} --help')`;
    if (e instanceof CommanderError) {
      // help and version end with exit code 0; everything else commander rejects is bad usage.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') return EXIT_USAGE;
      io.stderr.write(`${where}: ${oneLine(e.message.replace(/^error: /, 'error: '))}${hint}\n`);
      return EXIT_USAGE;
    }
    const err = e as Error;
    // An unknown built-in data set name is a bad argument, like an unknown option value.
    const usage = e instanceof UsageError || e instanceof OptionError || (e instanceof SoftmaxError && e.code === 'UNKNOWN_DATASET');
    const msg = oneLine(err?.message ?? String(e));
    // Not one of ours (a bug or an unexpected system error): name it and say how to get details.
    const unexpected = !(e instanceof SoftmaxError) && !usage && !debug ? ` (unexpected ${err?.name ?? 'error'}; run with --debug for the stack trace)` : '';
    io.stderr.write(`${where}: error: ${msg}${usage ? hint : unexpected}\n`);
    if (debug && err?.stack) io.stderr.write(err.stack + '\n');
    return usage ? EXIT_USAGE : EXIT_RUNTIME;
  }
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // `softmax predict ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`softmax: error: ${(e as Error).message}\n`);
      process.exitCode = EXIT_RUNTIME;
    },
  );
}
