/**
 * Cold start: the whole `softmax` process, from exec to exit, as a user's shell runs it. Each round runs every
 * command once, in turn (so a drift in the machine's load hits all of them alike), and the table gives the min
 * and median wall time over the rounds, the CPU time where Linux reports it (children's user+sys from
 * /proc/self/stat, 10 ms ticks), and each command's median ratio to the bundled bin, pair by pair.
 *
 *   npm run bench -- --only coldstart [--coldstart-runs 15]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './kernels.js';

interface ColdCase {
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
}

/** User+system CPU seconds of this process's reaped children so far (Linux only; null elsewhere). */
function childrenCpuSeconds(): number | null {
  try {
    // Fields after the command name (which may hold spaces) start at the state field (3rd); cutime, cstime are
    // the 16th and 17th fields, in clock ticks (100 per second on Linux).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[13]) + Number(rest[14])) / 100;
  } catch {
    return null;
  }
}

function timeOnce(argv: string[], cwd: string, env?: NodeJS.ProcessEnv): { wall: number; cpu: number | null; ok: boolean } {
  const cpu0 = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpuSeconds();
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, ok: r.status === 0 };
}

export function coldStartBench(root: string, runs: number, say: (s?: string) => void, fmt: (x: number | null | undefined, digits?: number) => string): void {
  const bin = join(root, 'dist', 'bin', 'softmax.cjs');
  const unbundled = join(root, 'dist', 'cli', 'main.js');
  say('## Cold start: `softmax train --dataset iris`, whole process, seconds');
  say();
  if (!existsSync(bin) || !existsSync(unbundled)) {
    say(`(skipped: ${bin} or ${unbundled} is missing; run npm run build)`);
    say();
    return;
  }
  const cases: ColdCase[] = [
    { name: 'bundled bin (dist/bin/softmax.cjs): what `npx softmax` runs, code cache warm', argv: [bin, 'train', '--dataset', 'iris'] },
    {
      name: 'the same without the code cache (NODE_DISABLE_COMPILE_CACHE=1: a first run)',
      argv: [bin, 'train', '--dataset', 'iris'],
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
    },
    { name: 'unbundled (dist/cli/main.js, one file per module)', argv: [unbundled, 'train', '--dataset', 'iris'] },
    { name: '`softmax --version` (bundled; start-up without data or fit)', argv: [bin, '--version'] },
    { name: '`node -e 0` (Node itself, for scale)', argv: ['-e', '0'] },
  ];
  // One warm-up round: the first run pays for the OS file cache (and fills the code cache).
  for (const c of cases) timeOnce(c.argv, root, c.env);
  const wall: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  let failed = '';
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < cases.length; i++) {
      const t = timeOnce(cases[i]!.argv, root, cases[i]!.env);
      if (!t.ok) failed ||= cases[i]!.name;
      wall[i]!.push(t.wall);
      if (t.cpu !== null) cpu[i]!.push(t.cpu);
    }
  }
  say(`${runs} runs of each, in turn; ratios are to the bundled bin, run by run (median of the pairs).`);
  say();
  say('| command | wall min | wall median | cpu median | wall / bundled |');
  say('|---|---|---|---|---|');
  for (let i = 0; i < cases.length; i++) {
    const ratio = median(wall[i]!.map((w, r) => w / wall[0]![r]!));
    say(
      `| ${cases[i]!.name} | ${fmt(Math.min(...wall[i]!))} | ${fmt(median(wall[i]!))} | ${cpu[i]!.length ? fmt(median(cpu[i]!), 2) : '—'} | ${i === 0 ? '1' : `${fmt(ratio, 2)}x`} |`,
    );
  }
  if (failed) say(`\n(a run of '${failed}' exited with an error: the figures above are not valid)`);
  say();
}
