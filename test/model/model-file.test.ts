/** Model files: exact round trip, strict validation of everything loaded, atomic saves. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ModelFormatError, SoftmaxRegression, MODEL_FORMAT, MODEL_VERSION } from '../../src/index.js';
import { loadModel, saveModel } from '../../node/index.js';
import { blobs, loadFixtureCsv } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'softmax-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const wine = loadFixtureCsv('wine');
const names = wine.header.slice(0, -1);
const fitted = new SoftmaxRegression({ C: 0.5, scale: 'standard', tol: 1e-6 }).fit(wine.X, wine.y, { featureNames: names });

function rejects(mutate: (j: any) => void, re: RegExp) {
  const j = JSON.parse(JSON.stringify(fitted.toJSON()));
  mutate(j);
  assert.throws(
    () => SoftmaxRegression.fromJSON(JSON.stringify(j)),
    (e: unknown) => {
      assert.ok(e instanceof ModelFormatError, String(e));
      assert.match(e.message, re);
      return true;
    },
  );
}

describe('model JSON', () => {
  it('is versioned and carries classes, features, coefficients, options, scaler and fit summary', () => {
    const j = fitted.toJSON();
    assert.equal(j.format, MODEL_FORMAT);
    assert.equal(j.version, MODEL_VERSION);
    assert.deepEqual(j.classes, ['0', '1', '2']);
    assert.deepEqual(j.featureNames, names);
    assert.equal(j.coef.length, 3);
    assert.equal(j.options.C, 0.5);
    assert.equal(j.scaler!.kind, 'standard');
    assert.equal(j.fit!.solver, 'lbfgs');
    assert.equal(j.fit!.history.value.length, j.fit!.iterations);
  });

  it('round-trips to bit-identical predictions', () => {
    const back = SoftmaxRegression.fromJSON(JSON.stringify(fitted.toJSON()));
    const a = fitted.predictProbaFlat(wine.X);
    const b = back.predictProbaFlat(wine.X);
    assert.equal(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)), 0);
    assert.deepEqual(back.predict(wine.X), fitted.predict(wine.X));
    assert.deepEqual(back.toJSON(), fitted.toJSON());
  });

  it('numeric labels stay numbers', () => {
    const { X, y } = blobs(60, 2, 3, 1);
    const m = new SoftmaxRegression().fit(
      X,
      y.map((k) => k * 10),
    );
    const back = SoftmaxRegression.fromJSON(m.toJSON());
    assert.deepEqual(back.classes, [0, 10, 20]);
    assert.deepEqual(back.predict(X), m.predict(X));
  });

  it('rejects malformed, truncated and tampered files with a clear error', () => {
    const text = JSON.stringify(fitted.toJSON());
    assert.throws(() => SoftmaxRegression.fromJSON(text.slice(0, text.length / 2)), /not valid JSON/);
    assert.throws(() => SoftmaxRegression.fromJSON('null'), ModelFormatError);
    rejects((j) => (j.format = 'something-else'), /format/);
    rejects((j) => (j.version = 3), /unsupported model file version 3/);
    rejects((j) => j.coef[1].pop(), /coef\[1\]: expected 13 entries/);
    rejects((j) => j.coef.pop(), /coef: expected 3 entries/);
    rejects((j) => (j.coef[2][7] = 'NaN'), /coef\[2\]\[7\]: expected a finite number/);
    rejects((j) => (j.intercept[0] = null), /intercept\[0\]/);
    rejects((j) => (j.classes = ['1', '0', '2']), /sorted/);
    rejects((j) => (j.classes = ['0', '0', '2']), /sorted and distinct/);
    rejects((j) => (j.nFeatures = 12), /expected 12 entries/);
    rejects((j) => (j.featureNames = ['a']), /featureNames/);
    rejects((j) => (j.options.C = -1), /options/);
    rejects((j) => (j.options.evil = true), /unknown option/);
    rejects((j) => (j.extra = 1), /unexpected key 'extra'/);
    rejects((j) => (j.scaler.scale[0] = 0), /scaler.scale\[0\]/);
    rejects((j) => delete j.intercept, /intercept: missing/);
    rejects((j) => (j.fit.iterations = -3), /fit.iterations/);
    // Overflowing literals parse to Infinity: rejected as non-finite.
    assert.throws(() => SoftmaxRegression.fromJSON(text.replace(/"intercept":\[[^,]+/, '"intercept":[1e999')), /intercept\[0\]: expected a finite number/);
    // __proto__ keys are data in JSON.parse output; they must be rejected, not merged.
    assert.throws(() => SoftmaxRegression.fromJSON(text.replace('{"format"', '{"__proto__":{"polluted":1},"format"')), /unexpected key '__proto__'/);
    assert.throws(() => SoftmaxRegression.fromJSON(text.replace('"options":{', '"options":{"__proto__":{"C":5},')), ModelFormatError);
    assert.equal(({} as any).polluted, undefined);
  });
});

describe('model files on disk', () => {
  it('save then load gives the same predictions', () => {
    const p = join(dir, 'm.json');
    saveModel(fitted, p);
    const back = loadModel(p);
    assert.deepEqual(back.predictProba(wine.X), fitted.predictProba(wine.X));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('a failed save leaves the previous file intact and no temporary file behind', () => {
    const p = join(dir, 'keep.json');
    saveModel(fitted, p);
    const before = readFileSync(p, 'utf8');
    assert.throws(() => saveModel(new SoftmaxRegression(), p));
    assert.equal(readFileSync(p, 'utf8'), before);
    assert.throws(() => saveModel(fitted, join(dir, 'no-such-dir', 'm.json')), /could not write/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
    );
  });

  it('loading a tampered file names the file and the place', () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify({ ...fitted.toJSON(), intercept: [0, 1] }));
    assert.throws(
      () => loadModel(p),
      (e: unknown) => e instanceof ModelFormatError && e.message.includes(p) && e.message.includes('intercept'),
    );
    assert.throws(() => loadModel(join(dir, 'missing.json')), /could not read model file/);
  });
});
