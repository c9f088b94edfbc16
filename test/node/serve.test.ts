/**
 * `softmax serve`: every endpoint on an ephemeral loopback port, the predictions against the library, each
 * kind of bad input (4xx with a JSON error, never a 500, and the server still answers), reload by atomic
 * swap under traffic with zero failed requests, and, as a real process: SIGHUP reload, graceful SIGTERM with
 * a request in flight, fail-fast startup on a bad model file or a port in use.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveModel, writeFileAtomic } from '../../node/model-file.js';
import { startServer, type RunningServer } from '../../node/serve/server.js';
import { SoftmaxRegression, toOnnx } from '../../src/index.js';
import { loadBuiltinDataset } from '../../node/datasets.js';
import type { DenseMatrix } from '../../src/matrix/dense.js';
import { ROOT } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'softmax-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const iris = loadBuiltinDataset('iris');
const names = iris.train.featureNames!;
const irisModel = new SoftmaxRegression({ scale: 'standard' }).fit(iris.train.X, iris.train.y, { featureNames: names });
const irisFile = join(dir, 'iris.json');
saveModel(irisModel, irisFile);
const onnxFile = join(dir, 'iris.onnx');
writeFileSync(onnxFile, toOnnx(irisModel, { dtype: 'float64' }));
const species = ['setosa', 'versicolor', 'virginica'];
const strModel = new SoftmaxRegression().fit(
  iris.train.X,
  Array.from(iris.train.y as ArrayLike<number>, (v) => species[Number(v)]!),
);
const strFile = join(dir, 'species.json');
saveModel(strModel, strFile);
const Xtest = iris.test.X as DenseMatrix;
const rows = Array.from({ length: Xtest.rows }, (_, i) => Array.from(Xtest.data.subarray(i * 4, i * 4 + 4)));

let server: RunningServer;
const access: string[] = [];
before(async () => {
  server = await startServer({
    models: [
      { name: 'iris', file: irisFile },
      { name: 'iris-onnx', file: onnxFile },
      { name: 'species', file: strFile },
    ],
    port: 0,
    maxRows: 50,
    maxBodyBytes: 8000,
    accessLog: (l) => access.push(l),
    log: () => {},
  });
});
after(() => server.close());

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any; text: string; type: string }> {
  const r = await fetch(server.url + path, init);
  const text = await r.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // text/csv or Prometheus text
  }
  return { status: r.status, body, text, type: r.headers.get('content-type') ?? '' };
}
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const tensor = (data: unknown, shape: unknown = [1, 4], datatype: unknown = 'FP64') => ({ inputs: [{ name: 'float_input', shape, datatype, data }] });

describe('softmax serve: endpoints', () => {
  it('health, server and model metadata (Open Inference Protocol v2)', async () => {
    assert.deepEqual((await call('/v2/health/live')).body, { live: true });
    assert.deepEqual((await call('/v2/health/ready')).body, { ready: true });
    const meta = await call('/v2');
    assert.equal(meta.body.name, 'softmax-regression');
    assert.deepEqual(meta.body.extensions, []);
    const m = await call('/v2/models/iris');
    assert.equal(m.status, 200);
    assert.deepEqual(m.body.inputs, [{ name: 'float_input', datatype: 'FP64', shape: [-1, 4] }]);
    assert.deepEqual(m.body.outputs, [
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP64', shape: [-1, 3] },
    ]);
    assert.deepEqual(m.body.parameters.feature_names, names);
    assert.equal((await call('/v2/models/species')).body.outputs[0].datatype, 'BYTES');
    assert.deepEqual((await call('/v2/models/iris/ready')).body, { name: 'iris', ready: true });
    assert.equal((await call('/v2/models/iris/versions/1/ready')).status, 200);
    assert.equal((await call('/v1/models/iris')).body.model_version_status[0].state, 'AVAILABLE');
  });

  it("infer: labels and probabilities equal the library's (flat or nested data, FP32 or FP64, id echoed, outputs selected)", async () => {
    const r = await post('/v2/models/iris/infer', { id: 'req-7', ...tensor(rows.flat(), [rows.length, 4]) });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 'req-7');
    assert.equal(r.body.model_name, 'iris');
    const [label, proba] = r.body.outputs;
    assert.deepEqual(label, { name: 'label', datatype: 'INT64', shape: [rows.length], data: irisModel.predict(rows) });
    assert.deepEqual(proba.shape, [rows.length, 3]);
    // JSON carries doubles exactly: the same bits as predictProba.
    assert.deepEqual(proba.data, Array.from(irisModel.predictProbaFlat(rows)));
    const nested = await post('/v2/models/iris/versions/1/infer', tensor(rows.slice(0, 3), [3, 4], 'FP32'));
    assert.deepEqual(nested.body.outputs[1].data, Array.from(irisModel.predictProbaFlat(rows.slice(0, 3))));
    const only = await post('/v2/models/iris/infer', { ...tensor(rows[0]), outputs: [{ name: 'probabilities' }] });
    assert.deepEqual(
      only.body.outputs.map((o: { name: string }) => o.name),
      ['probabilities'],
    );
    // The ONNX file served (float64 graph read back) predicts the same labels; string labels come back as BYTES.
    assert.deepEqual((await post('/v2/models/iris-onnx/infer', tensor(rows.flat(), [rows.length, 4]))).body.outputs[0].data, irisModel.predict(rows));
    const s = await post('/v2/models/species/infer', tensor(rows.flat(), [rows.length, 4]));
    assert.deepEqual(s.body.outputs[0], { name: 'label', datatype: 'BYTES', shape: [rows.length], data: strModel.predict(rows) });
  });

  it('TF Serving predict: instances as arrays or as objects by feature name', async () => {
    const r = await post('/v1/models/iris:predict', { instances: rows.slice(0, 5) });
    assert.equal(r.status, 200);
    const P = irisModel.predictProba(rows.slice(0, 5));
    assert.deepEqual(
      r.body.predictions,
      irisModel.predict(rows.slice(0, 5)).map((label, i) => ({ label, probabilities: P[i] })),
    );
    const byName = await post('/v1/models/iris:predict', {
      instances: rows.slice(0, 2).map((row) => Object.fromEntries(names.map((n, j) => [n, row[j]]).reverse())),
    });
    assert.deepEqual(byName.body.predictions, r.body.predictions.slice(0, 2));
  });

  it('text/csv bodies: columns matched by header name (any order, extra columns ignored); CSV answers with Accept: text/csv', async () => {
    const order = [2, 0, 3, 1];
    const csv = ['id,' + order.map((j) => names[j]).join(','), ...rows.slice(0, 4).map((r, i) => `${i},` + order.map((j) => r[j]).join(','))].join('\n') + '\n';
    const r = await post('/v1/models/iris:predict', csv, { 'content-type': 'text/csv' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.body.predictions.map((p: { label: number }) => p.label),
      irisModel.predict(rows.slice(0, 4)),
    );
    const v2 = await post('/v2/models/iris/infer', csv, { 'content-type': 'text/csv', accept: 'text/csv' });
    assert.match(v2.type, /^text\/csv/);
    const lines = v2.text.trim().split('\n');
    assert.equal(lines[0], 'label,p_0,p_1,p_2');
    assert.deepEqual(
      lines.slice(1).map((l) => Number(l.split(',')[0])),
      irisModel.predict(rows.slice(0, 4)),
    );
    const bad = await post('/v1/models/iris:predict', 'a,b\n1,2\n', { 'content-type': 'text/csv' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /sepal_length_cm/);
  });

  it('GET /metrics: Prometheus text with requests, errors, latency histogram and rows predicted', async () => {
    const before = await call('/metrics');
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    const rowsRe = /^softmax_rows_predicted_total\{model="iris"\} (\d+)$/m;
    await post('/v2/models/iris/infer', tensor(rows.slice(0, 7).flat(), [7, 4]));
    await post('/v2/models/iris/infer', '{bad');
    const m = await call('/metrics');
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    assert.equal(count(m.text, rowsRe) - count(before.text, rowsRe), 7);
    assert.match(m.text, /^# TYPE softmax_requests_total counter$/m);
    assert.match(m.text, /^softmax_requests_total\{endpoint="v2\.infer",model="iris",code="200"\} \d+$/m);
    assert.match(m.text, /^softmax_request_errors_total\{endpoint="v2\.infer",model="iris",code="400"\} [1-9]\d*$/m);
    assert.match(m.text, /^# TYPE softmax_request_duration_seconds histogram$/m);
    const inf = count(m.text, /^softmax_request_duration_seconds_bucket\{endpoint="v2\.infer",le="\+Inf"\} (\d+)$/m);
    assert.equal(inf, count(m.text, /^softmax_request_duration_seconds_count\{endpoint="v2\.infer"\} (\d+)$/m));
    assert.ok(inf >= 2);
    assert.ok(
      access.some((l) => /"POST \/v2\/models\/iris\/infer" 200 [\d.]+ms model=iris rows=7/.test(l)),
      access.join('\n'),
    );
  });
});

describe('softmax serve: bad input gets a 4xx with a JSON error, never a 500, and the server keeps answering', () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
    ['wrong shape (rank 1)', () => post('/v2/models/iris/infer', tensor([1, 2, 3, 4], [4])), 400, /shape: expected \[N, 4\]/],
    ['shape and data disagree', () => post('/v2/models/iris/infer', tensor([1, 2, 3], [1, 4])), 400, /3 values, but shape \[1, 4\] needs 4/],
    ['wrong column count (v2)', () => post('/v2/models/iris/infer', tensor([1, 2, 3], [1, 3])), 400, /3 columns; model 'iris' expects 4/],
    ['wrong column count (v1)', () => post('/v1/models/iris:predict', { instances: [[1, 2, 3, 4, 5]] }), 400, /5 values; model 'iris' expects 4/],
    [
      'ragged nested rows',
      () =>
        post(
          '/v2/models/iris/infer',
          tensor(
            [
              [1, 2, 3, 4],
              [1, 2],
            ],
            [2, 4],
          ),
        ),
      400,
      /data\[1\]: expected 4 numbers/,
    ],
    ['NaN (as a string)', () => post('/v2/models/iris/infer', tensor([1, 2, 'NaN', 4])), 400, /data\[2\].*expected a number, got the string "NaN"/],
    ['NaN (null)', () => post('/v1/models/iris:predict', { instances: [[1, null, 3, 4]] }), 400, /instances\[0\]\[1\]: expected a number, got null/],
    [
      'Infinity (1e999)',
      () => post('/v2/models/iris/infer', '{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[1,2,3,1e999]}]}'),
      400,
      /Infinity is not a finite number/,
    ],
    ['strings', () => post('/v1/models/iris:predict', { instances: [['a', 'b', 'c', 'd']] }), 400, /expected a number, got the string "a"/],
    ['wrong datatype', () => post('/v2/models/iris/infer', tensor([1, 2, 3, 4], [1, 4], 'BYTES')), 400, /datatype: the string "BYTES" is not supported/],
    [
      'unknown output',
      () => post('/v2/models/iris/infer', { ...tensor([1, 2, 3, 4]), outputs: [{ name: 'logits' }] }),
      400,
      /outputs\[0\]\.name: the string "logits" is not an output/,
    ],
    ['no inputs', () => post('/v2/models/iris/infer', { inputs: [] }), 400, /'inputs': expected an array with one tensor/],
    ['not an object', () => post('/v2/models/iris/infer', [1, 2]), 400, /expected a JSON object/],
    ['no instances', () => post('/v1/models/iris:predict', { rows: [] }), 400, /without "instances"/],
    ['empty body', () => post('/v2/models/iris/infer', ''), 400, /empty request body/],
    ['empty CSV', () => post('/v1/models/iris:predict', '', { 'content-type': 'text/csv' }), 400, /empty request body/],
    ['malformed JSON', () => post('/v1/models/iris:predict', '{"instances": [[1,2,3,4]'), 400, /malformed JSON/],
    ['unknown model (v2)', () => post('/v2/models/nope/infer', tensor([1, 2, 3, 4])), 404, /unknown model 'nope'.*'iris'/],
    ['unknown model (v1)', () => post('/v1/models/nope:predict', { instances: [[1, 2, 3, 4]] }), 404, /unknown model 'nope'/],
    ['unknown model metadata', () => call('/v2/models/nope'), 404, /unknown model/],
    ['unknown path', () => call('/v3/anything'), 404, /not found: GET \/v3\/anything/],
    [
      'body over the size limit',
      () => post('/v1/models/iris:predict', { instances: Array.from({ length: 40 }, () => [1.23456789, 2.3456789, 3.456789, 4.56789]), pad: 'x'.repeat(8000) }),
      413,
      /over 8000 bytes/,
    ],
    ['too many rows (v1)', () => post('/v1/models/iris:predict', { instances: Array.from({ length: 51 }, () => [1, 2, 3, 4]) }), 413, /51 rows.*limit is 50/],
    ['too many rows (v2)', () => post('/v2/models/iris/infer', tensor([], [51, 4])), 413, /51 rows.*limit is 50/],
    ['no rows', () => post('/v1/models/iris:predict', { instances: [] }), 400, /no rows/],
    ['scores overflow float64', () => post('/v1/models/iris:predict', { instances: [[1e308, 1e308, -1e308, 1e308]] }), 400, /overflow/],
  ];
  for (const [what, send, status, re] of cases) {
    it(`${what}: ${status}`, async () => {
      const r = await send();
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(typeof r.body?.error, 'string');
      assert.match(r.body.error, re);
      assert.equal((await call('/v2/health/live')).status, 200);
    });
  }

  it('a chunked body over the limit (no Content-Length) is cut at the limit: 413', async () => {
    const r = await new Promise<number>((res, rej) => {
      const req = httpRequest(
        server.url + '/v1/models/iris:predict',
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (resp) => {
          resp.resume();
          res(resp.statusCode!);
        },
      );
      req.on('error', rej);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1000));
      req.end();
    });
    assert.equal(r, 413);
  });

  it('after all of that, the server still predicts', async () => {
    const r = await post('/v2/models/iris/infer', tensor(rows[0]));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.outputs[0].data, irisModel.predict([rows[0]!]));
    const m = await call('/metrics');
    assert.doesNotMatch(m.text, /code="5\d\d"/);
  });
});

describe('softmax serve: reload by atomic swap', () => {
  it('--watch: the model file replaced 5 times under steady traffic, zero failed requests, the new model served', async () => {
    const file = join(dir, 'live.json');
    saveModel(irisModel, file);
    const s = await startServer({ models: [{ name: 'live', file }], port: 0, watch: true, log: () => {} });
    try {
      // Two alternating models: the labels tell which one answered.
      const flipped = SoftmaxRegression.fromJSON(irisModel.toJSON());
      flipped.setParams(Float64Array.from(irisModel.coef!.flat().map((v) => -v)), Float64Array.from(irisModel.intercept!.map((v) => -v)));
      const x = rows[0]!;
      const a = irisModel.predict([x])[0];
      const b = flipped.predict([x])[0];
      assert.notEqual(a, b);
      let stop = false;
      let ok = 0;
      const failures: string[] = [];
      const seen = new Set<unknown>();
      const client = async () => {
        while (!stop) {
          try {
            const r = await fetch(`${s.url}/v1/models/live:predict`, { method: 'POST', body: JSON.stringify({ instances: [x] }) });
            const body = (await r.json()) as { predictions: { label: unknown }[] };
            if (r.status !== 200) failures.push(`${r.status} ${JSON.stringify(body)}`);
            else {
              ok++;
              seen.add(body.predictions[0]!.label);
            }
          } catch (e) {
            failures.push(String(e));
          }
        }
      };
      const clients = [client(), client(), client(), client()];
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 150));
        saveModel(i % 2 === 0 ? flipped : irisModel, file); // temp file + rename
      }
      // The last write put `flipped` in place (i = 4): wait until it is the one answering.
      const t0 = Date.now();
      for (;;) {
        const r = (await (await fetch(`${s.url}/v1/models/live:predict`, { method: 'POST', body: JSON.stringify({ instances: [x] }) })).json()) as {
          predictions: { label: unknown }[];
        };
        if (r.predictions[0]!.label === b) break;
        assert.ok(Date.now() - t0 < 5000, 'the watched file change was not picked up within 5 s');
        await new Promise((res) => setTimeout(res, 50));
      }
      stop = true;
      await Promise.all(clients);
      assert.deepEqual(failures, []);
      assert.ok(ok > 20, `${ok} requests`);
      assert.deepEqual([...seen].sort(), [a, b].sort());
      assert.match(s.metrics.render(s.registry.list()), /softmax_model_reloads_total\{result="ok"\} [1-9]/);
    } finally {
      await s.close();
    }
  });

  it('a broken file on reload keeps the old model (reload() is false) and requests still succeed', async () => {
    const file = join(dir, 'keep.json');
    saveModel(irisModel, file);
    const s = await startServer({ models: [{ name: 'keep', file }], port: 0, log: () => {} });
    try {
      writeFileAtomic(file, '{"format": "softmax-regression", "version": 1, "classes": [0, 1');
      assert.equal(s.reload(), false);
      const r = await fetch(`${s.url}/v1/models/keep:predict`, { method: 'POST', body: JSON.stringify({ instances: [rows[0]] }) });
      assert.equal(r.status, 200);
      assert.match(s.metrics.render(s.registry.list()), /softmax_model_reloads_total\{result="failed"\} 1/);
    } finally {
      await s.close();
    }
  });
});

describe('softmax serve as a process', () => {
  function startCli(args: string[]): { child: ChildProcess; ready: Promise<{ url: string }>; stderr: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'serve', '--json', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const ready = new Promise<{ url: string }>((res, rej) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) res(JSON.parse(out.slice(0, nl)) as { url: string });
      });
      void exited.then((code) => rej(new Error(`exited with ${code}: ${err}`)));
    });
    ready.catch(() => {}); // a test that expects the exit awaits `exited` instead
    return { child, ready, stderr: () => err, exited };
  }

  it('SIGHUP reloads; SIGTERM lets a request in flight finish, then exits 0', async () => {
    const file = join(dir, 'proc.json');
    saveModel(irisModel, file);
    const p = startCli(['--model', `proc=${file}`, '--port', '0']);
    const { url } = await p.ready;
    p.child.kill('SIGHUP');
    for (let i = 0; i < 100 && !/reloaded proc/.test(p.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(p.stderr(), /reloaded proc/);
    // A request in flight: headers and half the body sent, then SIGTERM, then the rest of the body.
    const body = JSON.stringify({ instances: [rows[0]] });
    const inFlight = new Promise<{ status: number; text: string }>((res, rej) => {
      const req = httpRequest(
        `${url}/v1/models/proc:predict`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (resp) => {
          let t = '';
          resp.on('data', (d) => (t += d));
          resp.on('end', () => res({ status: resp.statusCode!, text: t }));
        },
      );
      req.on('error', rej);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        p.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const r = await inFlight;
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text).predictions[0].label, irisModel.predict([rows[0]!])[0]);
    assert.equal(await p.exited, 0, p.stderr());
    assert.match(p.stderr(), /SIGTERM: finishing requests in flight/);
  });

  it('fails fast with a clear message: bad model file, port in use', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "nope"}');
    const a = startCli(['--model', `m=${bad}`, '--port', '0']);
    assert.equal(await a.exited, 1);
    assert.match(a.stderr(), /bad\.json: at version: missing/);
    const b = startCli(['--model', `m=${irisFile}`, '--port', String(server.port)]);
    assert.equal(await b.exited, 1);
    assert.match(b.stderr(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${server.port}: is in use`));
  });
});
