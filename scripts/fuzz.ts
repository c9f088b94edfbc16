/**
 * `npm run fuzz -- [--cases N] [--seed S] [--target csv,libsvm,...] [--from I] [--in-process] [--json FILE]`
 *
 * Runs N cases per target (default 10,000) of the fuzzing suite (test/fuzz/harness.ts) and prints the
 * outcome counts; exits 1 if any case crashed, hung, gave a non-finite result or went over its memory
 * budget, listing those cases (replay one with --target T --seed S --from I --cases 1).
 *
 * Cases run in child processes (one per target, restarted after a case that kills the runtime), so a V8
 * abort or an out-of-memory death counts as a crash of that case and a case that stops answering for
 * --hang-ms (default 30 s) is killed and counted as a hang. --in-process runs everything here (faster to
 * debug, but then an abort ends the run).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BAD, emptyCounts, OUTCOMES, runCase, TARGETS, type CaseResult, type Counts, type Outcome, type Target } from '../test/fuzz/harness.js';

interface Args {
  cases: number;
  seed: number;
  from: number;
  targets: Target[];
  inProcess: boolean;
  worker: boolean;
  hangMs: number;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cases: 10_000, seed: 1, from: 0, targets: [...TARGETS], inProcess: false, worker: false, hangMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--cases') a.cases = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--from') a.from = Number(v());
    else if (k === '--target' || k === '--targets') a.targets = v().split(',') as Target[];
    else if (k === '--in-process') a.inProcess = true;
    else if (k === '--worker') a.worker = true;
    else if (k === '--hang-ms') a.hangMs = Number(v());
    else if (k === '--json') a.json = v();
    else throw new Error(`unknown argument ${k} (see the comment at the top of scripts/fuzz.ts)`);
  }
  for (const t of a.targets) if (!(TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target ${t}; targets: ${TARGETS.join(', ')}`);
  if (!(Number.isInteger(a.cases) && a.cases >= 0) || !Number.isInteger(a.seed) || !(Number.isInteger(a.from) && a.from >= 0))
    throw new Error('--cases, --seed and --from take integers');
  return a;
}

/** Worker: run cases [from, from + cases) of one target, one JSON line per case on stdout. */
async function worker(a: Args): Promise<void> {
  const t = a.targets[0]!;
  for (let i = a.from; i < a.from + a.cases; i++) {
    const r = await runCase(t, a.seed, i);
    process.stdout.write(JSON.stringify({ i, o: r.outcome, d: BAD.includes(r.outcome) ? r.detail : undefined }) + '\n');
  }
}

interface TargetReport {
  counts: Counts;
  bad: Array<{ index: number; outcome: Outcome; detail: string }>;
  ms: number;
}

/** Run one target's cases in child processes, restarting after a death or a hang. */
function runTarget(a: Args, t: Target): Promise<TargetReport> {
  const counts = emptyCounts();
  const bad: TargetReport['bad'] = [];
  const end = a.from + a.cases;
  const t0 = Date.now();
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const start = (from: number): void => {
      if (from >= end) return resolve({ counts, bad, ms: Date.now() - t0 });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', script, '--worker', '--target', t, '--seed', String(a.seed), '--from', String(from), '--cases', String(end - from)],
        {
          cwd: join(dirname(script), '..'),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let next = from;
      let buf = '';
      let stderr = '';
      let timer = setTimeout(onHang, a.hangMs * 3); // startup (tsx) gets longer
      let hung = false;
      function onHang(): void {
        hung = true;
        child.kill('SIGKILL');
      }
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const m = JSON.parse(line) as { i: number; o: Outcome; d?: string };
          counts[m.o]++;
          if (BAD.includes(m.o)) bad.push({ index: m.i, outcome: m.o, detail: m.d ?? '' });
          next = m.i + 1;
          clearTimeout(timer);
          timer = setTimeout(onHang, a.hangMs);
        }
      });
      child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-2000)));
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (next >= end) return start(next);
        // The case in flight killed the runtime or stopped answering.
        const outcome: Outcome = hung ? 'hang' : 'crash';
        counts[outcome]++;
        bad.push({
          index: next,
          outcome,
          detail: hung ? `no answer for ${a.hangMs} ms` : `worker died (exit ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        });
        start(next + 1);
      });
    };
    start(a.from);
  });
}

async function runInProcess(a: Args, t: Target): Promise<TargetReport> {
  const counts = emptyCounts();
  const bad: TargetReport['bad'] = [];
  const t0 = Date.now();
  for (let i = a.from; i < a.from + a.cases; i++) {
    const r: CaseResult = await runCase(t, a.seed, i);
    counts[r.outcome]++;
    if (BAD.includes(r.outcome)) bad.push({ index: i, outcome: r.outcome, detail: r.detail });
  }
  return { counts, bad, ms: Date.now() - t0 };
}

async function mainFuzz(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  if (a.worker) {
    await worker(a);
    return 0;
  }
  const report: Record<string, TargetReport> = {};
  process.stdout.write(`fuzz: seed ${a.seed}, cases ${a.from}..${a.from + a.cases - 1} per target, ${a.inProcess ? 'in-process' : 'child processes'}\n`);
  process.stdout.write(`${'target'.padEnd(8)} ${OUTCOMES.map((o) => o.padStart(11)).join(' ')}  seconds\n`);
  let badTotal = 0;
  for (const t of a.targets) {
    const r = a.inProcess ? await runInProcess(a, t) : await runTarget(a, t);
    report[t] = r;
    badTotal += r.bad.length;
    process.stdout.write(`${t.padEnd(8)} ${OUTCOMES.map((o) => String(r.counts[o]).padStart(11)).join(' ')}  ${(r.ms / 1000).toFixed(1)}\n`);
    for (const b of r.bad.slice(0, 20))
      process.stdout.write(`  ${b.outcome} case ${b.index} (--target ${t} --seed ${a.seed} --from ${b.index} --cases 1): ${b.detail}\n`);
  }
  if (a.json) writeFileSync(a.json, JSON.stringify({ seed: a.seed, from: a.from, cases: a.cases, report }, null, 1) + '\n');
  process.stdout.write(badTotal === 0 ? 'no crash, hang, non-finite output or budget overrun\n' : `${badTotal} bad case(s)\n`);
  return badTotal === 0 ? 0 : 1;
}

mainFuzz().then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
