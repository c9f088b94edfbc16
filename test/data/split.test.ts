/** Seeded RNG, stratified train/test split, stratified k-fold, subsetDataset. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRng, makeRngUint32, shuffleInPlace, xoshiro128StarStar } from '../../src/core/random.js';
import { stratifiedKFold, stratifiedSplit, subsetDataset } from '../../src/data/split.js';
import { parseLibSvm } from '../../src/data/libsvm.js';
import { parseCsv } from '../../src/data/csv.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { DataError, OptionError } from '../../src/errors.js';

test('xoshiro128** matches the reference implementation', () => {
  // Outputs of Vigna's xoshiro128starstar.c: state {1,2,3,4}, and a state from the xoshiro-6502 test data.
  const a = xoshiro128StarStar([1, 2, 3, 4]);
  assert.deepEqual([a(), a(), a(), a()], [11520, 0, 5927040, 70819200]);
  const b = xoshiro128StarStar([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
  assert.deepEqual([b(), b(), b(), b()], [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
});

test('makeRng: reproducible, in [0, 1), distinct streams for distinct seeds (incl. >= 2^32, negative)', () => {
  const draw = (seed: number) => {
    const r = makeRng(seed);
    return Array.from({ length: 5 }, () => r());
  };
  assert.deepEqual(draw(42), draw(42));
  const seen = new Set([0, 1, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 40].map((s) => draw(s).join()));
  assert.equal(seen.size, 6);
  const r = makeRng(7);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const v = r();
    assert.ok(v >= 0 && v < 1);
    sum += v;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  const u = makeRngUint32(3)();
  assert.ok(Number.isInteger(u) && u >= 0 && u < 2 ** 32);
  assert.throws(() => makeRng(1.5), OptionError);
  assert.throws(() => makeRng(NaN), OptionError);
  const a = shuffleInPlace([1, 2, 3, 4, 5, 6], makeRng(1));
  assert.deepEqual([...a].sort(), [1, 2, 3, 4, 5, 6]);
});

function counts(y: ArrayLike<string | number>, idx: ArrayLike<number>): Map<string | number, number> {
  const m = new Map<string | number, number>();
  for (let t = 0; t < idx.length; t++) m.set(y[idx[t]!]!, (m.get(y[idx[t]!]!) ?? 0) + 1);
  return m;
}

test('stratifiedSplit: a partition, per-class proportions, sorted, seed-reproducible', () => {
  const y = [...Array(59).fill(0), ...Array(71).fill(1), ...Array(48).fill(2)];
  const { train, test } = stratifiedSplit(y, 0.2, 0);
  assert.equal(test.length, Math.ceil(0.2 * 178));
  assert.deepEqual(
    [...train, ...test].sort((a, b) => a - b),
    y.map((_, i) => i),
  );
  const c = counts(y, test);
  // Proportional allocation: 59*36/178 = 11.93, 71*36/178 = 14.36, 48*36/178 = 9.71 -> 12, 14, 10.
  assert.deepEqual([c.get(0), c.get(1), c.get(2)], [12, 14, 10]);
  for (let i = 1; i < test.length; i++) assert.ok(test[i - 1]! < test[i]!);
  assert.deepEqual(stratifiedSplit(y, 0.2, 0), { train, test });
  assert.notDeepEqual(stratifiedSplit(y, 0.2, 1).test, test);
  // An integer test size is a row count.
  assert.equal(stratifiedSplit(y, 10, 0).test.length, 10);
});

test('stratifiedSplit with string labels and a rare class', () => {
  const y = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'c', 'a'];
  const { train, test } = stratifiedSplit(y, 0.3, 5);
  assert.equal(test.length, 3);
  assert.equal(train.length + test.length, 10);
  // Quotas 5*3/10 = 1.5, 4*3/10 = 1.2, 1*3/10 = 0.3: floors 1, 1, 0 and the one left over goes to the
  // largest remainder (a), so the single 'c' stays in training.
  const c = counts(y, test);
  assert.deepEqual([c.get('a'), c.get('b'), c.get('c')], [2, 1, undefined]);
  assert.equal(counts(y, train).get('c'), 1);
});

test('stratifiedSplit rejects bad sizes', () => {
  assert.throws(() => stratifiedSplit([0, 1, 0, 1], 0, 0), OptionError);
  assert.equal(stratifiedSplit([0, 1, 0, 1], 1, 0).test.length, 1);
  assert.throws(() => stratifiedSplit([0, 1, 0, 1], 4, 0), OptionError);
  assert.throws(() => stratifiedSplit([0, 1, 0, 1], 1.5, 0), OptionError);
  assert.throws(() => stratifiedSplit([0, 1, 0, 1], NaN, 0), OptionError);
  assert.throws(() => stratifiedSplit([0], 0.5, 0), DataError);
});

test('stratifiedKFold: folds partition the rows, keep class proportions, are reproducible', () => {
  const y = [...Array(50).fill('x'), ...Array(30).fill('y'), ...Array(17).fill('z')];
  const folds = stratifiedKFold(y, 5, 3);
  assert.equal(folds.length, 5);
  const seen = new Int32Array(y.length);
  for (const f of folds) {
    assert.equal(f.train.length + f.test.length, y.length);
    const inTest = new Set(f.test);
    for (const i of f.train) assert.ok(!inTest.has(i));
    for (const i of f.test) seen[i]!++;
    const c = counts(y, f.test);
    assert.equal(c.get('x'), 10);
    assert.equal(c.get('y'), 6);
    assert.ok(c.get('z') === 3 || c.get('z') === 4);
    assert.ok(f.test.length === 19 || f.test.length === 20);
  }
  assert.ok(seen.every((v) => v === 1));
  assert.deepEqual(stratifiedKFold(y, 5, 3), folds);
  assert.notDeepEqual(stratifiedKFold(y, 5, 4)[0]!.test, folds[0]!.test);
  assert.throws(() => stratifiedKFold(y, 1, 0), OptionError);
  assert.throws(() => stratifiedKFold([0, 1], 3, 0), OptionError);
});

test('subsetDataset: dense and CSR rows, labels and names carried', () => {
  const dense = parseCsv('a,b,label\n1,2,x\n3,4,y\n5,6,z\n');
  const s = subsetDataset(dense, [2, 0]);
  assert.deepEqual((s.X as DenseMatrix).toArrays(), [
    [5, 6],
    [1, 2],
  ]);
  assert.deepEqual(s.y, ['z', 'x']);
  assert.deepEqual(s.featureNames, ['a', 'b']);
  const sparse = parseLibSvm('1 1:1\n2\n3 2:5 3:1\n');
  const t = subsetDataset(sparse, Int32Array.from([2, 1]));
  assert.ok(t.X instanceof CSRMatrix);
  assert.deepEqual((t.X as CSRMatrix).toArrays(), [
    [0, 5, 1],
    [0, 0, 0],
  ]);
  assert.deepEqual(t.y, [3, 2]);
  assert.throws(() => subsetDataset(dense, [3]), DataError);
});
