/**
 * Runs one course example: `npm run example -- NAME [--out DIR] [--quick] [example flags]`, or lists them
 * with `npm run example -- --list`. Each examples/NAME.ts exports `run(options)`, a one-line `description`
 * and optionally `flags` (its own options); the module is imported by name, so adding an example never
 * edits a list here.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ExampleFlag, ExampleOptions, ExampleResult } from '../examples/types.js';

interface ExampleModule {
  run: (options: ExampleOptions & Record<string, unknown>) => Promise<ExampleResult>;
  description?: string;
  flags?: Record<string, ExampleFlag>;
}

const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));
const NOT_EXAMPLES = new Set(['types']);

export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .filter((n) => !NOT_EXAMPLES.has(n))
    .sort();
}

async function load(name: string): Promise<ExampleModule> {
  const mod = (await import(pathToFileURL(join(EXAMPLES_DIR, `${name}.ts`)).href)) as Partial<ExampleModule>;
  if (typeof mod.run !== 'function') throw new Error(`examples/${name}.ts does not export run(options)`);
  return mod as ExampleModule;
}

const USAGE = 'usage: npm run example -- NAME [--out DIR] [--quick] [example flags]   |   npm run example -- --list';

async function main(argv: string[]): Promise<number> {
  const names = exampleNames();
  const first = argv.find((a) => !a.startsWith('-'));
  if (argv.includes('--list') || argv.includes('--help') || argv.includes('-h') || first === undefined) {
    console.log(USAGE);
    console.log('');
    for (const n of names) {
      const m = await load(n);
      console.log(`  ${n.padEnd(20)} ${m.description ?? ''}`);
      for (const [flag, f] of Object.entries(m.flags ?? {}))
        console.log(`  ${''.padEnd(20)}   --${flag}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}  ${f.description}`);
    }
    return first === undefined && !argv.includes('--list') && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
  }
  if (!names.includes(first)) {
    console.error(`unknown example '${first}'; the examples are ${names.join(', ')}`);
    return 2;
  }
  const mod = await load(first);
  const own = mod.flags ?? {};
  const { values: parsed, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      quick: { type: 'boolean' },
      ...Object.fromEntries(Object.entries(own).map(([k, f]) => [k, { type: f.type }])),
    },
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  if (positionals.length !== 1) {
    console.error(`one example name expected, got ${positionals.join(' ')}\n${USAGE}`);
    return 2;
  }
  const outDir = resolve(typeof values.out === 'string' ? values.out : join('examples-out', first));
  const extra = Object.fromEntries(Object.keys(own).flatMap((k) => (values[k] === undefined ? [] : [[k, values[k]]])));
  await mod.run({ ...extra, outDir, quick: values.quick === true });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    // Library errors carry a message that says what to do (e.g. the install command for a missing data set).
    console.error(e instanceof Error ? `error: ${e.message}` : e);
    process.exitCode = 1;
  },
);
