#!/usr/bin/env node
/**
 * `softmax`: the command line. `main(argv, io)` runs one invocation and returns its exit code, so tests run
 * the CLI in-process; the bin (this file run directly) wires it to the real process.
 *
 * Exit codes: 0 success; 1 runtime error (bad or unreadable file, failed fit, I/O); 2 bad usage (unknown
 * command or option, bad or conflicting option values, missing arguments). Errors are one line on stderr;
 * --debug adds the stack trace.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { OptionError, SoftmaxError } from '../src/errors.js';
import { COMMAND_LOADERS, COMMAND_NAMES } from './commands/index.js';
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, type CliIO, type CommandModule } from './context.js';
import { liblinearAnswer } from './habits.js';
import { didYouMean } from './suggest.js';
import { visible } from './safe-output.js';
import { packageVersion } from './version.js';

/**
 * The command modules to register: only the one being run when argv starts with a command name (so
 * `softmax train` never loads the code of plot, report or the others, which keeps start-up short), none for
 * `--version`, every one otherwise (program help, `help CMD`, suggestions for a mistyped command, the CLI
 * reference).
 */
export async function loadCommands(argv: readonly string[] = []): Promise<CommandModule[]> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return [];
  const names = argv[0] !== undefined && COMMAND_NAMES.includes(argv[0]) ? [argv[0]] : COMMAND_NAMES;
  return Promise.all(names.map(async (name) => (await COMMAND_LOADERS[name]!()).default));
}

/** The whole command tree, ready to parse (also read by scripts/cli-reference.ts to write the CLI reference). */
export function buildProgram(io: CliIO, commands: CommandModule[]): Command {
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

/** Every flag (long and short) a command accepts, with the program's own. */
function flagsOf(cmd: Command | undefined, program: Command): Set<string> {
  const flags = new Set<string>();
  for (const c of [cmd, program]) for (const o of c?.options ?? []) for (const f of [o.long, o.short]) if (f) flags.add(f);
  flags.add('-h').add('--help');
  return flags;
}

/**
 * The message for an option commander does not know: LIBLINEAR's flags get the exact command to type;
 * any other gets a suggestion where commander has none (it suggests only for --long flags, by edit
 * distance): `--c` -> `--C`, `-dataset` -> `--dataset`, `-M` -> `-m`.
 */
function unknownOptionMessage(message: string, argv: string[], program: Command, name: string | null): string {
  const cmd = program.commands.find((c) => c.name() === name);
  const flags = flagsOf(cmd, program);
  const answer = liblinearAnswer(argv, flags);
  if (answer) {
    const why = answer.why.join('; ');
    return answer.command ? `${message} (${why}; type: ${answer.command})` : `${message} (${why})`;
  }
  if (/Did you mean/.test(message)) return message;
  const flag = /unknown option '([^']*)'/.exec(message)?.[1];
  if (!flag) return message;
  const all = [...flags];
  const asLong =
    !flag.startsWith('--') && flag.length > 2
      ? didYouMean(
          `-${flag}`,
          all.filter((f) => f.startsWith('--')),
        )
      : '';
  return (
    message +
    (asLong ||
      didYouMean(
        flag,
        all.filter((f) => f.startsWith('--') === flag.startsWith('--')),
      ))
  );
}

/** One line, with control characters and terminal escapes from file names, labels or columns made visible. */
function oneLine(s: string): string {
  return visible(s.replace(/\s*\n\s*/g, ' ').trim());
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const debug = argv.includes('--debug');
  let program: Command | null = null;
  try {
    program = buildProgram(io, await loadCommands(argv));
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return EXIT_USAGE;
    }
    // `softmax help trian`: commander would print the general help and succeed; say what was meant.
    if (argv[0] === 'help' && argv[1] !== undefined && !argv[1].startsWith('-') && !program.commands.some((c) => c.name() === argv[1])) {
      throw new UsageError(
        `unknown command '${argv[1]}'${didYouMean(
          argv[1],
          program.commands.map((c) => c.name()),
        )}`,
      );
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
      let msg = e.code === 'commander.unknownOption' ? unknownOptionMessage(e.message, argv, program!, cmd) : e.message;
      // commander reports a missing required option before an unknown one (`eval -M m.json`): the unknown
      // one, with its suggestion, is the more useful message.
      if (e.code === 'commander.missingMandatoryOptionValue') {
        const flags = flagsOf(
          program!.commands.find((c) => c.name() === cmd),
          program!,
        );
        const unknown = argv.find((a) => /^-[^\d-]|^--./.test(a) && !flags.has(a.split('=')[0]!));
        if (unknown) msg = unknownOptionMessage(`error: unknown option '${unknown.split('=')[0]}'`, argv, program!, cmd);
      }
      io.stderr.write(`${where}: ${oneLine(msg)}${hint}\n`);
      return EXIT_USAGE;
    }
    const err = e as Error;
    // An unknown built-in data set name is a bad argument, like an unknown option value.
    const usage = e instanceof UsageError || e instanceof OptionError || (e instanceof SoftmaxError && e.code === 'UNKNOWN_DATASET');
    let msg = oneLine(err?.message ?? String(e));
    // An option value the library does not know ("must be one of 'a', 'b', got 'x'"): suggest the closest.
    const choice = e instanceof OptionError ? /must be one of (.*), got '([^']*)'$/.exec(msg) : null;
    if (choice)
      msg += didYouMean(
        choice[2]!,
        [...choice[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!),
      );
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

/** Runs `main` on this process's arguments and sets its exit code (the bin, cli/bin.ts, and `node cli/main.js`). */
export function runBin(): void {
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

// Run directly (`node dist/cli/main.js`, `tsx cli/main.ts`). Inside the bundle this module's URL is the
// bundle's, which cli/bin.ts already runs: the name test keeps it from running twice.
if (/\/main\.[jt]s$/.test(import.meta.url) && isMainModule()) runBin();
