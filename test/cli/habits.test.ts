// The command line meets the habits users bring: other delimiters, LIBLINEAR's forms, typos, wrong paths,
// ids to carry through predictions. Each message is checked for what it must say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLineError, IRIS, parsePredictCsv, run, tempDir } from './helpers.js';
import { COMMAND_NAMES } from '../../cli/commands/index.js';

const irisText = readFileSync(IRIS, 'utf8');
const irisLines = irisText.trim().split('\n');

test('--delimiter, and ; and tab detected from the header when it is not given', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const semi = join(dir, 'semi.csv');
    const tab = join(dir, 'tab.txt.csv');
    writeFileSync(semi, irisText.replace(/,/g, ';'));
    writeFileSync(tab, irisText.replace(/,/g, '\t'));
    const ref = JSON.parse((await run(['train', IRIS, '--json'])).stdout);
    for (const args of [
      [semi],
      [semi, '--delimiter', ';'],
      [semi, '--delimiter', 'semicolon'],
      [tab],
      [tab, '--delimiter', 'tab'],
      ['-', '--delimiter', ';'],
    ]) {
      const r = await run(['train', ...args, '--json'], args[0] === '-' ? irisText.replace(/,/g, ';') : undefined);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      const j = JSON.parse(r.stdout);
      assert.equal(j.nFeatures, 4, args.join(' '));
      assert.equal(j.train.accuracy, ref.train.accuracy, args.join(' '));
    }
    // A wrong explicit delimiter is obeyed (one column), and a bad one is bad usage.
    const bad = await run(['train', semi, '--delimiter', '::']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'::' is not a delimiter/);
    // Predictions read the same file the same way.
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    assert.equal((await run(['predict', '-m', model, semi])).stdout, (await run(['predict', '-m', model, IRIS])).stdout);
  } finally {
    cleanup();
  }
});

test('labels of another type than the model classes are named as a mismatch, not as mixed labels', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    const names = ['setosa', 'versicolor', 'virginica'];
    const named = join(dir, 'named.csv');
    writeFileSync(named, [irisLines[0], ...irisLines.slice(1).map((l) => l.replace(/,(\d)$/, (_, k: string) => `,${names[+k]}`))].join('\n') + '\n');
    for (const argv of [
      ['eval', '-m', model, named],
      ['report', '-m', model, named, '-o', join(dir, 'r.html')],
      ['plot', 'confusion', '-m', model, named],
    ]) {
      const r = await run(argv);
      assert.equal(r.code, 1, r.stderr);
      assertOneLineError(r.stderr);
      assert.doesNotMatch(r.stderr, /mixes/);
      assert.match(
        r.stderr,
        /do not match the model's classes: the model's classes are numbers \(0, 1, 2\) but 150 of 150 rows have text labels \("setosa", "versicolor", "virginica"\)/,
      );
    }
    // Text classes against numeric labels: the same message, the other way round.
    const m2 = join(dir, 'm2.json');
    assert.equal((await run(['train', named, '-o', m2])).code, 0);
    const r = await run(['eval', '-m', m2, IRIS]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /the model's classes are text \("setosa", "versicolor", "virginica"\) but 150 of 150 rows have numbers labels|the model's classes are text .* rows have numbers/,
    );
  } finally {
    cleanup();
  }
});

test("LIBLINEAR's forms: train DATA MODEL, predict TEST MODEL OUT, -c; other flags answered with the command to type", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'model');
    const t = await run(['train', '-c', '10', IRIS, model]);
    assert.equal(t.code, 0, t.stderr);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.options.C, 10);
    const out = join(dir, 'out');
    const p = await run(['predict', IRIS, model, out]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(readFileSync(out, 'utf8'), (await run(['predict', '--model', model, IRIS])).stdout);
    // -c is --C everywhere the model flags are (and a list in cv).
    assert.equal(JSON.parse((await run(['train', '--dataset', 'iris', '-c', '0.5', '--json'])).stdout).options.C, 0.5);
    assert.deepEqual(
      JSON.parse((await run(['cv', '--dataset', 'iris', '-c', '0.1,1', '--folds', '3', '--json'])).stdout).results.map((r: { C: number }) => r.C),
      [0.1, 1],
    );

    const cases: Array<[string[], RegExp]> = [
      [['train', '-e', '0.01', '-c', '10', IRIS, model], /type: softmax train --tol 0\.01 -c 10 \S+iris\.csv \S+model\)/],
      [['train', '-v', '5', '-c', '10', IRIS], /cross-validation.*type: softmax cv --folds 5 -c 10 \S+iris\.csv\)/],
      [['train', '-B', '-1', IRIS], /type: softmax train --no-intercept \S+iris\.csv\)/],
      [['train', '-s', '6', IRIS], /type: softmax train --penalty l1 --solver saga \S+iris\.csv\)/],
      [['train', '-w1', '2', IRIS], /type: softmax train \S+iris\.csv --class-weight '\{"1":2\}'\)/],
      [['train', '-q', IRIS], /type: softmax train --no-progress \S+iris\.csv\)/],
      [['predict', '-b', '1', IRIS, model], /type: softmax predict \S+iris\.csv \S+model\)/],
      [['train', '-s', '4', IRIS], /support vector machine.*logistic regression only/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assertOneLineError(r.stderr);
      assert.match(r.stderr, re, argv.join(' '));
    }
    // The suggested command works as typed.
    const typed = /type: (softmax .*?)\)/
      .exec((await run(['train', '-e', '0.01', IRIS]))!.stderr)![1]!
      .split(' ')
      .slice(1);
    assert.equal((await run(typed)).code, 0);
    // A second argument that is a data file: both meanings answered.
    const two = await run(['train', IRIS, IRIS]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /looks like a data file.*softmax train \S+ --test \S+iris\.csv; to save the model: softmax train \S+ -o model\.json/);
    const both = await run(['train', IRIS, model, '-o', join(dir, 'x.json')]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the model file once/);
  } finally {
    cleanup();
  }
});

test('did you mean: unknown commands, options (on every command), values, kinds, data sets, help topics', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['trian', '--dataset', 'iris'], /unknown command 'trian' \(Did you mean train\?\)/],
    [['help', 'trian'], /unknown command 'trian' \(Did you mean train\?\)/],
    [['train', '--dataet', 'iris'], /unknown option '--dataet' \(Did you mean --dataset\?\)/],
    [['train', '--c', '10', '--dataset', 'iris'], /unknown option '--c' \(Did you mean --C\?\)/],
    [['train', '-dataset', 'iris'], /unknown option '-dataset' \(Did you mean --dataset\?\)/],
    [['eval', '-M', 'm.json'], /unknown option '-M' \(Did you mean -m\?\)/],
    [['train', '--solver', 'lbgfs', '--dataset', 'iris'], /got 'lbgfs' \(Did you mean lbfgs\?\)/],
    [['train', '--penalty', 'l3', '--dataset', 'iris'], /got 'l3' \(Did you mean one of l2, l1\?\)|got 'l3' \(Did you mean/],
    [['train', '--dataset', 'irs'], /unknown data set 'irs'.*\(Did you mean iris\?\)/],
    [['plot', 'weigths', '--dataset', 'iris'], /unknown plot kind 'weigths'.*\(Did you mean weights\?\)/],
  ];
  // Every command, including ones added later: each takes --json.
  for (const cmd of COMMAND_NAMES) cases.push([[cmd, '--jsno'], /unknown option '--jsno' \(Did you mean --json\?\)/]);
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, re, argv.join(' '));
  }
});

test('output paths are checked before any data is read or fitted; missing input files get plain messages', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    const missingDir = join(dir, 'no', 'such', 'dir');
    const writers: string[][] = [
      ['train', '--dataset', 'iris', '--verbose', '-o', join(missingDir, 'm.json')],
      ['cv', '--dataset', 'iris', '-o', join(missingDir, 'm.json')],
      ['report', '--dataset', 'iris', '-o', join(missingDir, 'r.html')],
      ['plot', 'confusion', '--dataset', 'iris', '-o', join(missingDir, 'p.svg')],
      ['predict', '-m', model, IRIS, '-o', join(missingDir, 'p.csv')],
    ];
    for (const argv of writers) {
      const r = await run(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assertOneLineError(r.stderr);
      assert.match(r.stderr, /cannot write -o \S+: directory \S+ does not exist \(create it first: mkdir -p /, argv.join(' '));
      assert.doesNotMatch(r.stderr, /\.tmp|ENOENT/);
      assert.equal(r.stdout, '', `${argv[0]}: nothing fitted or printed`);
    }
    const empty = await run(['train', '--dataset', 'iris', '-o', '']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /-o: the output path is empty/);
    const isDir = await run(['train', '--dataset', 'iris', '-o', dir]);
    assert.equal(isDir.code, 1);
    assert.match(isDir.stderr, /it is a directory; give a file name/);

    const missing = join(dir, 'missing.json');
    for (const argv of [
      ['eval', '-m', missing, IRIS],
      ['predict', '-m', missing, IRIS],
      ['inspect', missing],
      ['report', '-m', missing, IRIS, '-o', join(dir, 'r.html')],
    ]) {
      const r = await run(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assertOneLineError(r.stderr);
      assert.match(r.stderr, /could not read model file \S+missing\.json: no such file \(save one with: softmax train DATA -o FILE\)/);
      assert.doesNotMatch(r.stderr, /ENOENT/);
    }
    for (const argv of [
      ['train', join(dir, 'nope.csv')],
      ['train', IRIS, '--test', join(dir, 'nope.csv')],
      ['predict', '-m', model, join(dir, 'nope.csv')],
    ]) {
      const r = await run(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assertOneLineError(r.stderr);
      assert.match(r.stderr, /cannot read \S+nope\.csv: no such file/);
      assert.doesNotMatch(r.stderr, /ENOENT/);
    }
    assert.ok(!existsSync(join(dir, 'no')));
  } finally {
    cleanup();
  }
});

test('predict --keep carries columns through; the predicted column is `predicted`', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    // An id column (with leading zeros, which must survive) and a quoted text column holding a comma.
    const rows = irisLines.slice(1, 6).map((l, i) => `00${i},${l.split(',').slice(0, 4).join(',')},"note, ${i}"`);
    const f = join(dir, 'ids.csv');
    writeFileSync(f, ['id,' + irisLines[0]!.split(',').slice(0, 4).join(',') + ',note', ...rows].join('\n') + '\n');
    const plain = parsePredictCsv((await run(['predict', '-m', model, f])).stdout);
    assert.deepEqual(plain.header, ['predicted', 'p_0', 'p_1', 'p_2']);
    const r = await run(['predict', '-m', model, f, '--keep', 'id,note']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'id,note,predicted,p_0,p_1,p_2');
    lines.slice(1).forEach((l, i) => {
      assert.ok(l.startsWith(`00${i},"note, ${i}",`), l);
      assert.ok(l.endsWith(plain.rows[i]!.join(',')), 'the predictions are unchanged');
    });
    const jl = (await run(['predict', '-m', model, '-', '--keep', 'id', '--format', 'jsonl'], readFileSync(f, 'utf8'))).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      jl.map((o) => o.id),
      ['000', '001', '002', '003', '004'],
    );
    assert.deepEqual(Object.keys(jl[0]), ['id', 'predicted', 'proba']);
    const clash = await run(['predict', '-m', model, f, '--keep', 'p_1']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /--keep: column 'p_1' would clash/);
    const none = await run(['predict', '-m', model, f, '--keep', 'nope']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no column named 'nope'/);
    // Built-in sets: their label and features can be kept.
    const ds = parsePredictCsv((await run(['predict', '-m', model, '--dataset', 'iris', '--keep', 'label'])).stdout);
    assert.deepEqual(ds.header.slice(0, 2), ['label', 'predicted']);
    assert.equal(ds.rows.length, 30);
  } finally {
    cleanup();
  }
});
