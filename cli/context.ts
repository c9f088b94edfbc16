/**
 * What every command gets: where to write (so tests can run the CLI in-process and capture output), the
 * global switches, and the error type for bad usage (exit code 2).
 */
import type { Command } from 'commander';
import { visible } from './safe-output.js';

/** A writable text sink: process.stdout / process.stderr, or a test's capture. */
export interface TextOut {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (progress bars only then). */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: TextOut;
  stderr: TextOut;
  /** Read when a data argument is '-'. Anything async-iterable over string/Buffer chunks (process.stdin). */
  stdin?: AsyncIterable<string | Uint8Array>;
}

export interface CommandContext {
  io: CliIO;
}

/** One `softmax` subcommand: adds itself (options, help text, action) to the program. */
export interface CommandModule {
  register(program: Command, ctx: CommandContext): void;
}

/** Exit codes. */
export const EXIT_OK = 0;
/** A runtime error: unreadable or malformed file, failed fit, I/O error. */
export const EXIT_RUNTIME = 1;
/** Bad usage: unknown command or option, bad option value, missing argument, conflicting options. */
export const EXIT_USAGE = 2;

/** Bad command-line usage detected by a command (beyond what commander checks): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Flags every command accepts. */
export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
}

export function addGlobalFlags(cmd: Command): Command {
  return cmd.option('--json', 'machine-readable JSON output on stdout').option('--debug', 'print stack traces on errors');
}

/** Print a result: JSON (one document) with --json, else the text rendering. */
export function emit(ctx: CommandContext, flags: GlobalFlags, result: unknown, text: () => string): void {
  if (flags.json) ctx.io.stdout.write(JSON.stringify(result, jsonReplacer) + '\n');
  // Labels and feature names come from data files: their control characters and terminal escape
  // sequences are shown as \x1b etc., never sent to the terminal.
  else ctx.io.stdout.write(visible(text()));
}

/** JSON has no typed arrays or non-finite numbers: arrays become lists, non-finite numbers null. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
