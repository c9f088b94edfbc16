/**
 * Habits users bring from LIBLINEAR (`train -c 10 -e 0.01 data model`, `predict test model out`): the
 * positional forms and `-c` are accepted by the commands themselves; every other LIBLINEAR flag is answered
 * with the exact command to type here, rebuilt from what the user typed, so nothing has to be looked up.
 */

/** What one LIBLINEAR flag becomes: the replacement arguments (null: no equivalent) and a short why. */
interface Translation {
  args: string[] | null;
  why: string;
  /** Run a different command (LIBLINEAR's `train -v 5` is cross-validation: `softmax cv`). */
  command?: string;
}

/** LIBLINEAR's flags that take a value (the next argument), and what each means here. */
const WITH_VALUE: Record<string, (v: string) => Translation> = {
  '-e': (v) => ({ args: ['--tol', v], why: "LIBLINEAR's -e (stopping tolerance) is --tol" }),
  '-B': (v) =>
    Number(v) > 0
      ? { args: [], why: 'the intercept is fitted by default (and never penalized): drop -B' }
      : { args: ['--no-intercept'], why: "LIBLINEAR's -B -1 (no bias) is --no-intercept" },
  '-v': (v) => ({ args: ['--folds', v], why: "LIBLINEAR's -v (cross-validation) is the cv command", command: 'cv' }),
  '-s': (v) =>
    v === '0' || v === '7'
      ? { args: [], why: `LIBLINEAR's -s ${v} (L2-regularized logistic regression) is what this fits by default: drop -s` }
      : v === '6'
        ? { args: ['--penalty', 'l1', '--solver', 'saga'], why: "LIBLINEAR's -s 6 (L1-regularized logistic regression) is --penalty l1" }
        : { args: null, why: `LIBLINEAR's -s ${v} is a support vector machine or regression; this fits (multinomial) logistic regression only (-s 0, 6 or 7)` },
  '-n': (v) => ({ args: ['--threads', v], why: "LIBLINEAR's -n (threads) is --threads" }),
  '-b': () => ({ args: [], why: 'predict always writes the probability of every class: drop -b' }),
  '-p': () => ({ args: null, why: "LIBLINEAR's -p is the epsilon of support vector regression; this fits classification only" }),
};

/** LIBLINEAR's flags without a value. */
const NO_VALUE: Record<string, () => Translation> = {
  '-q': () => ({ args: ['--no-progress'], why: "LIBLINEAR's -q (quiet) is --no-progress" }),
  '-C': () => ({ args: ['--C', '0.01,0.1,1,10,100'], why: "LIBLINEAR's -C (search for the best C) is the cv command with a list of C", command: 'cv' }),
  '-R': () => ({ args: [], why: 'the intercept is never penalized here: drop -R' }),
};

/** `-w1 2` (class weight of label 1). */
const CLASS_WEIGHT = /^-w(.+)$/;

/** An argument as a POSIX shell would need it typed. */
export function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export interface LiblinearAnswer {
  /** The command line to type (starting with `softmax`), or null when a flag has no equivalent. */
  command: string | null;
  /** One reason per translated flag. */
  why: string[];
}

/**
 * If argv (after the program name) uses LIBLINEAR flags that `known` (the command's own flags) lacks,
 * the same command line in this tool's terms; null when there are none.
 */
export function liblinearAnswer(argv: string[], known: ReadonlySet<string>): LiblinearAnswer | null {
  const out: string[] = [];
  const why: string[] = [];
  // Keyed by class labels: no prototype, so a class named __proto__ or constructor is an ordinary key.
  const weights: Record<string, number> = Object.create(null) as Record<string, number>;
  let command: string | null = null;
  let impossible = false;
  let hit = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const w = CLASS_WEIGHT.exec(a);
    let t: Translation;
    if (known.has(a)) {
      out.push(a);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(WITH_VALUE, a) && i + 1 < argv.length) t = WITH_VALUE[a]!(argv[++i]!);
    else if (Object.prototype.hasOwnProperty.call(NO_VALUE, a)) t = NO_VALUE[a]!();
    else if (w && i + 1 < argv.length && Number.isFinite(Number(argv[i + 1]))) {
      weights[w[1]!] = Number(argv[++i]);
      hit = true;
      continue;
    } else {
      out.push(a);
      continue;
    }
    hit = true;
    why.push(t.why);
    if (t.args === null) impossible = true;
    else out.push(...t.args);
    if (t.command) command = t.command;
  }
  if (!hit) return null;
  if (Object.keys(weights).length > 0) {
    out.push('--class-weight', JSON.stringify(weights));
    why.push("LIBLINEAR's -wi (weight of class i) is --class-weight");
  }
  if (impossible) return { command: null, why };
  if (command && out[0] !== command) out[0] = command;
  return { command: ['softmax', ...out].map(shellQuote).join(' '), why };
}
