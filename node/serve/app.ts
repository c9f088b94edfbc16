/**
 * The HTTP API of `softmax serve` (hono): the Open Inference Protocol v2 (KServe, Triton, Seldon), TF
 * Serving's REST predict, text/csv bodies, and Prometheus metrics.
 *
 * Every bad request gets a 4xx with a JSON body {"error": "..."} saying what was wrong (the protocol's
 * error form): a malformed body, a wrong shape or column count, a non-number, NaN/Infinity, an unknown
 * model or output, a body over the size limit (413), too many rows (413). Bodies are JSON unless Content-Type is text/csv
 * (curl -d sends form encoding by default; it is read as JSON all the same). A 500 would be a bug here, never a property of the input.
 */
import { Hono, type Context } from 'hono';
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listForMessage, SoftmaxError } from '../../src/errors.js';
import { parseCsv } from '../../src/data/csv.js';
import { csvText } from '../../src/data/csv-safe.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import type { Label } from '../../src/core/labels.js';
import type { Metrics } from './metrics.js';
import type { ModelRegistry, ServedModel } from './registry.js';

export interface AppOptions {
  /** Largest request body in bytes (default 16 MiB). */
  maxBodyBytes?: number;
  /** Most rows in one request (default 100,000). */
  maxRows?: number;
  /** Server version reported by GET /v2. */
  version?: string;
  /** Called once per finished request (access log). */
  onRequest?: (line: AccessEntry) => void;
}

export interface AccessEntry {
  time: Date;
  method: string;
  path: string;
  status: number;
  ms: number;
  model: string;
  rows: number;
  remote?: string;
}

/** A bad request: status and message for the JSON error body. */
class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** Per-request values the routes set for the metrics and the access log. */
export type ServeVars = { Variables: { endpoint: string; model: string; rows: number } };
type Vars = ServeVars;
const OUTPUTS = ['label', 'probabilities'] as const;
type OutputName = (typeof OUTPUTS)[number];

function fail(status: HttpError['status'], message: string): never {
  throw new HttpError(status, message);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : String(v);
}

function checkRows(n: number, maxRows: number): void {
  if (n === 0) fail(400, 'no rows to predict');
  if (n > maxRows) fail(413, `${n} rows in one request; the limit is ${maxRows} (--max-rows): split the request`);
}

/** A finite number, or a 400 naming where the bad value is. */
function num(v: unknown, where: () => string): number {
  if (typeof v !== 'number') fail(400, `${where()}: expected a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) fail(400, `${where()}: ${v} is not a finite number (NaN and Infinity cannot be predicted)`);
  return v;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') fail(400, 'empty request body: send a JSON document (or text/csv with a header)');
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text around the error, line breaks included: keep the message one line.
    fail(400, `malformed JSON: ${(e as Error).message.replace(/\r\n|\r|\n/g, '\\n')}`);
  }
}

/** CSV with a header: the model's feature names pick the columns by name (others are ignored), as in the CLI. */
function csvMatrix(text: string, sm: ServedModel, maxRows: number): DenseMatrix {
  if (text.trim() === '') fail(400, 'empty request body: text/csv needs a header line and at least one row');
  const m = sm.model;
  let ds;
  try {
    ds = parseCsv(text, { label: null, features: m.featureNames ?? undefined, file: 'request body' });
  } catch (e) {
    if (e instanceof SoftmaxError) fail(400, e.message.replace(/^option 'features': /, 'CSV header: '));
    throw e;
  }
  if (ds.X.cols !== m.nFeatures)
    fail(
      400,
      `the CSV has ${ds.X.cols} feature columns; model '${sm.name}' expects ${m.nFeatures}${m.featureNames ? ` (${listForMessage(m.featureNames, { quote: '' })})` : ''}`,
    );
  checkRows(ds.X.rows, maxRows);
  return ds.X as DenseMatrix;
}

/** OIP v2 input tensor -> [N, d] matrix. `data` may be flat (row-major) or nested rows. */
function tensorMatrix(input: unknown, sm: ServedModel, maxRows: number): DenseMatrix {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    fail(400, `inputs[0]: expected a tensor object {name, shape, datatype, data}, got ${describe(input)}`);
  const t = input as Record<string, unknown>;
  const d = sm.model.nFeatures;
  if (t.datatype !== 'FP32' && t.datatype !== 'FP64') fail(400, `inputs[0].datatype: ${describe(t.datatype)} is not supported; send FP32 or FP64`);
  const shape = t.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((x) => Number.isInteger(x) && x >= 0)) {
    fail(400, `inputs[0].shape: expected [N, ${d}] (N rows of ${d} features), got ${JSON.stringify(shape) ?? 'nothing'}`);
  }
  const [n, cols] = shape as [number, number];
  if (cols !== d) fail(400, `inputs[0].shape: [${n}, ${cols}] has ${cols} columns; model '${sm.name}' expects ${d}`);
  checkRows(n, maxRows);
  const data = t.data;
  if (!Array.isArray(data)) fail(400, `inputs[0].data: expected an array of ${n * d} numbers, got ${describe(data)}`);
  const X = new Float64Array(n * d);
  if (data.length > 0 && Array.isArray(data[0])) {
    if (data.length !== n) fail(400, `inputs[0].data: ${data.length} rows, but shape says ${n}`);
    for (let i = 0; i < n; i++) {
      const row = data[i];
      if (!Array.isArray(row) || row.length !== d)
        fail(400, `inputs[0].data[${i}]: expected ${d} numbers, got ${Array.isArray(row) ? `${row.length}` : describe(row)}`);
      for (let j = 0; j < d; j++) X[i * d + j] = num(row[j], () => `inputs[0].data[${i}][${j}]`);
    }
  } else {
    if (data.length !== n * d) fail(400, `inputs[0].data: ${data.length} values, but shape [${n}, ${d}] needs ${n * d}`);
    for (let i = 0; i < data.length; i++) X[i] = num(data[i], () => `inputs[0].data[${i}] (row ${Math.floor(i / d)}, column ${i % d})`);
  }
  return new DenseMatrix(n, d, X);
}

/** TF Serving instances: rows of numbers, or objects keyed by feature name (when the model has names). */
function instancesMatrix(instances: unknown, sm: ServedModel, maxRows: number): DenseMatrix {
  if (!Array.isArray(instances)) fail(400, `'instances': expected an array of rows, got ${describe(instances)}`);
  const m = sm.model;
  const d = m.nFeatures;
  const n = instances.length;
  checkRows(n, maxRows);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = instances[i];
    if (Array.isArray(row)) {
      if (row.length !== d) fail(400, `instances[${i}]: ${row.length} values; model '${sm.name}' expects ${d}`);
      for (let j = 0; j < d; j++) X[i * d + j] = num(row[j], () => `instances[${i}][${j}]`);
    } else if (typeof row === 'object' && row !== null) {
      if (!m.featureNames) fail(400, `instances[${i}]: an object needs feature names, and model '${sm.name}' has none: send arrays of ${d} numbers`);
      const r = row as Record<string, unknown>;
      m.featureNames.forEach((f, j) => {
        if (!Object.prototype.hasOwnProperty.call(r, f))
          fail(400, `instances[${i}]: no feature '${f}' (model '${sm.name}' needs ${m.featureNames!.join(', ')})`);
        X[i * d + j] = num(r[f], () => `instances[${i}].${f}`);
      });
    } else fail(400, `instances[${i}]: expected an array of ${d} numbers, got ${describe(row)}`);
  }
  return new DenseMatrix(n, d, X);
}

interface Prediction {
  labels: Label[];
  P: Float64Array;
  K: number;
}

function predict(sm: ServedModel, X: DenseMatrix): Prediction {
  const m = sm.model;
  let P: Float64Array;
  try {
    P = m.predictProbaFlat(X);
  } catch (e) {
    // Finite input whose scores overflow (DataError NON_FINITE) and the like: the input's fault.
    if (e instanceof SoftmaxError) fail(400, e.message);
    throw e;
  }
  const K = m.nClasses;
  const classes = m.classes!;
  const n = X.rows;
  const labels = new Array<Label>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + best]!) best = k;
    labels[i] = classes[best]!;
  }
  return { labels, P, K };
}

/** A CSV field, formula-escaped for spreadsheets when it is text (labels, names; see csvText), quoted per RFC 4180. */
function csvField(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : csvText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A response ready to send: the same for the hono routes and the node:http fast path. */
interface Reply {
  status: number;
  type: string;
  body: string;
  rows: number;
}

const JSON_TYPE = 'application/json';

function jsonReply(obj: unknown, status = 200, rows = 0): Reply {
  return { status, type: JSON_TYPE, body: JSON.stringify(obj), rows };
}

function errorReply(e: unknown, where: string): Reply {
  if (e instanceof HttpError) return jsonReply({ error: e.message }, e.status);
  // Not the input's fault: say so without the stack (it goes to the server's stderr).
  console.error(`softmax serve: internal error on ${where}: ${(e as Error)?.stack ?? e}`);
  return jsonReply({ error: `internal error: ${(e as Error)?.message ?? e}` }, 500);
}

function csvReply(sm: ServedModel, p: Prediction, rows: number): Reply {
  const lines = [['label', ...sm.model.classes!.map((k) => `p_${k}`)].map((s) => csvField(s)).join(',')];
  for (let i = 0; i < p.labels.length; i++) {
    const row = [csvField(p.labels[i]!)];
    for (let k = 0; k < p.K; k++) row.push(String(p.P[i * p.K + k]));
    lines.push(row.join(','));
  }
  return { status: 200, type: 'text/csv; charset=utf-8', body: lines.join('\n') + '\n', rows };
}

interface BodyInfo {
  text: string;
  /** Content-Type is text/csv. */
  csvIn: boolean;
  /** Accept asks for text/csv. */
  csvOut: boolean;
}

const isCsvType = (t: string | undefined) => t !== undefined && /^\s*text\/csv\b/i.test(t);
const acceptsCsv = (a: string | undefined) => a !== undefined && a.includes('text/csv');

/** POST /v2/models/NAME/infer (Open Inference Protocol v2). */
function inferReply(sm: ServedModel, b: BodyInfo, maxRows: number): Reply {
  let X: DenseMatrix;
  let id: unknown;
  let outputs: readonly OutputName[] = OUTPUTS;
  if (b.csvIn) X = csvMatrix(b.text, sm, maxRows);
  else {
    const body = parseJson(b.text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(400, `expected a JSON object {"inputs": [...]}, got ${describe(body)}`);
    const r = body as Record<string, unknown>;
    id = r.id;
    if (!Array.isArray(r.inputs) || r.inputs.length === 0)
      fail(400, `'inputs': expected an array with one tensor [N, ${sm.model.nFeatures}], got ${describe(r.inputs)}`);
    if (r.inputs.length !== 1) fail(400, `'inputs': ${r.inputs.length} tensors; this model takes one, [N, ${sm.model.nFeatures}]`);
    if (r.outputs !== undefined) {
      if (!Array.isArray(r.outputs)) fail(400, `'outputs': expected an array of {"name": ...}, got ${describe(r.outputs)}`);
      outputs = r.outputs.map((o, i) => {
        const name = (o as { name?: unknown } | null)?.name;
        if (!OUTPUTS.includes(name as OutputName)) fail(400, `outputs[${i}].name: ${describe(name)} is not an output of this model (label, probabilities)`);
        return name as OutputName;
      });
    }
    X = tensorMatrix(r.inputs[0], sm, maxRows);
  }
  const p = predict(sm, X);
  if (b.csvOut) return csvReply(sm, p, X.rows);
  const out: unknown[] = [];
  for (const o of outputs) {
    if (o === 'label') out.push({ name: 'label', datatype: sm.labelDatatype, shape: [X.rows], data: p.labels });
    else out.push({ name: 'probabilities', datatype: 'FP64', shape: [X.rows, p.K], data: Array.from(p.P) });
  }
  const res: Record<string, unknown> = { model_name: sm.name, model_version: '1' };
  if (typeof id === 'string') res.id = id;
  res.outputs = out;
  return jsonReply(res, 200, X.rows);
}

/** POST /v1/models/NAME:predict (TF Serving REST). */
function predictReply(sm: ServedModel, b: BodyInfo, maxRows: number): Reply {
  let X: DenseMatrix;
  if (b.csvIn) X = csvMatrix(b.text, sm, maxRows);
  else {
    const body = parseJson(b.text);
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('instances' in body)) {
      fail(
        400,
        `expected a JSON object {"instances": [[...], ...]}, got ${describe(body)}${typeof body === 'object' && body !== null && !Array.isArray(body) ? ' without "instances"' : ''}`,
      );
    }
    X = instancesMatrix((body as { instances: unknown }).instances, sm, maxRows);
  }
  const p = predict(sm, X);
  if (b.csvOut) return csvReply(sm, p, X.rows);
  const predictions = new Array<unknown>(X.rows);
  for (let i = 0; i < X.rows; i++) predictions[i] = { label: p.labels[i], probabilities: Array.from(p.P.subarray(i * p.K, (i + 1) * p.K)) };
  return jsonReply({ predictions }, 200, X.rows);
}

/** The body of a Node request as text, at most maxBody bytes (else a 413, the rest drained). */
function readIncoming(incoming: IncomingMessage, maxBody: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `request body over ${maxBody} bytes (--max-body-bytes): split the request`);
  if (Number(incoming.headers['content-length']) > maxBody) {
    incoming.resume(); // drain what the client still sends, so the connection can carry the 413
    return Promise.reject(tooLarge());
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer) => {
      size += b.length;
      if (size > maxBody) {
        incoming.off('data', onData);
        incoming.resume();
        reject(tooLarge());
      } else chunks.push(b);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

const V2_INFER = /^\/v2\/models\/([^/]+)\/infer$/;
const V1_PREDICT = /^\/v1\/models\/([^/]+):predict$/;

export interface Handlers {
  app: Hono<Vars>;
  /**
   * The node:http request listener: the two prediction endpoints (POST /v2/models/NAME/infer, POST
   * /v1/models/NAME:predict) are answered directly from the IncomingMessage, everything else goes through
   * hono. Same code, same replies, same metrics; measured on this machine the hono path (web Request and
   * Response objects around each request) cost about twice the whole work of a 1-row prediction, and the
   * prediction endpoints are the ones under load (bench/serve.ts).
   */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

export function createHandlers(registry: ModelRegistry, metrics: Metrics, options: AppOptions = {}): Handlers {
  const maxRows = options.maxRows ?? 100_000;
  const maxBody = options.maxBodyBytes ?? 16 * 2 ** 20;
  const app = new Hono<Vars>();
  const record = (endpoint: string, model: string, method: string, path: string, status: number, t0: number, rows: number, remote: string | undefined) => {
    const ms = performance.now() - t0;
    metrics.observe(endpoint, model, status, ms / 1000, status < 400 ? rows : 0);
    options.onRequest?.({ time: new Date(), method, path, status, ms, model, rows, remote });
  };

  // Timing, metrics and the access log for every request that goes through hono (errors and unknown paths too).
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    c.set('endpoint', 'other');
    c.set('model', '');
    c.set('rows', 0);
    await next();
    const remote = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
    record(c.get('endpoint'), c.get('model'), c.req.method, c.req.path, c.res.status, t0, c.get('rows'), remote);
  });

  const lookup = (name: string): ServedModel => {
    const sm = registry.get(name);
    if (!sm)
      fail(
        404,
        `unknown model '${name}'; this server has ${registry
          .list()
          .map((m) => `'${m.name}'`)
          .join(', ')}`,
      );
    return sm;
  };
  const model = (c: Context<Vars>, name: string): ServedModel => {
    const sm = lookup(name);
    c.set('model', name);
    return sm;
  };
  const send = (c: Context<Vars>, r: Reply) => {
    c.set('rows', r.rows);
    return c.body(r.body, r.status as 200, { 'content-type': r.type });
  };
  const bodyOf = async (c: Context<Vars>): Promise<BodyInfo> => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    let text: string;
    if (incoming) text = await readIncoming(incoming, maxBody);
    else {
      const b = await c.req.arrayBuffer();
      if (b.byteLength > maxBody) fail(413, `request body over ${maxBody} bytes (--max-body-bytes): split the request`);
      text = new TextDecoder().decode(b);
    }
    return { text, csvIn: isCsvType(c.req.header('content-type')), csvOut: acceptsCsv(c.req.header('accept')) };
  };

  // ---- Open Inference Protocol v2 ----------------------------------------------------------------
  app.get('/v2/health/live', (c) => (c.set('endpoint', 'v2.health'), c.json({ live: true })));
  app.get('/v2/health/ready', (c) => (c.set('endpoint', 'v2.health'), c.json({ ready: registry.list().length > 0 })));
  app.get('/v2', (c) => (c.set('endpoint', 'v2.server'), c.json({ name: 'softmax-regression', version: options.version ?? '', extensions: [] })));

  const metadata = (c: Context<Vars>) => {
    c.set('endpoint', 'v2.metadata');
    const sm = model(c, c.req.param('model')!);
    const m = sm.model;
    return c.json({
      name: sm.name,
      versions: ['1'],
      platform: 'softmax-regression',
      inputs: [{ name: 'float_input', datatype: 'FP64', shape: [-1, m.nFeatures] }],
      outputs: [
        { name: 'label', datatype: sm.labelDatatype, shape: [-1] },
        { name: 'probabilities', datatype: 'FP64', shape: [-1, m.nClasses] },
      ],
      parameters: { classes: m.classes, feature_names: m.featureNames, multi_class: m.options.multiClass, file: sm.file },
    });
  };
  app.get('/v2/models/:model', metadata);
  app.get('/v2/models/:model/versions/:version', metadata);

  const ready = (c: Context<Vars>) => {
    c.set('endpoint', 'v2.ready');
    const sm = model(c, c.req.param('model')!);
    return c.json({ name: sm.name, ready: true });
  };
  app.get('/v2/models/:model/ready', ready);
  app.get('/v2/models/:model/versions/:version/ready', ready);

  const infer = async (c: Context<Vars>) => {
    c.set('endpoint', 'v2.infer');
    const sm = model(c, c.req.param('model')!);
    return send(c, inferReply(sm, await bodyOf(c), maxRows));
  };
  app.post('/v2/models/:model/infer', infer);
  app.post('/v2/models/:model/versions/:version/infer', infer);

  // ---- TF Serving REST: POST /v1/models/NAME:predict, GET /v1/models/NAME -------------------------
  app.post('/v1/models/:spec', async (c) => {
    c.set('endpoint', 'v1.predict');
    const spec = c.req.param('spec');
    const m = /^(.+):predict$/.exec(spec);
    if (!m) fail(404, `unknown endpoint: POST /v1/models/${spec} (use /v1/models/NAME:predict)`);
    const sm = model(c, m[1]!);
    return send(c, predictReply(sm, await bodyOf(c), maxRows));
  });
  app.get('/v1/models/:model', (c) => {
    c.set('endpoint', 'v1.status');
    model(c, c.req.param('model'));
    return c.json({ model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
  });

  // ---- Prometheus ---------------------------------------------------------------------------------
  app.get('/metrics', (c) => {
    c.set('endpoint', 'metrics');
    return c.body(metrics.render(registry.list()), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.notFound((c) => c.json({ error: `not found: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((e, c) => {
    const r = errorReply(e, `${c.req.method} ${c.req.path}`);
    return c.body(r.body, r.status as 400, { 'content-type': r.type });
  });

  // ---- the node:http listener with the fast path for the two prediction endpoints ---------------------
  const viaHono = getRequestListener(app.fetch);
  const fast = async (endpoint: string, rawName: string, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const t0 = performance.now();
    let name = '';
    let reply: Reply;
    try {
      try {
        name = decodeURIComponent(rawName);
      } catch {
        fail(400, `bad model name in the path: ${rawName}`);
      }
      const sm = registry.get(name);
      if (!sm) {
        req.resume();
        const unknown = name;
        name = '';
        lookup(unknown);
      }
      const b: BodyInfo = { text: await readIncoming(req, maxBody), csvIn: isCsvType(req.headers['content-type']), csvOut: acceptsCsv(req.headers.accept) };
      reply = endpoint === 'v2.infer' ? inferReply(sm!, b, maxRows) : predictReply(sm!, b, maxRows);
    } catch (e) {
      reply = errorReply(e, `${req.method} ${path}`);
    }
    res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
    record(endpoint, name, 'POST', path, reply.status, t0, reply.rows, req.socket.remoteAddress);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'POST' && req.url) {
      const q = req.url.indexOf('?');
      const path = q < 0 ? req.url : req.url.slice(0, q);
      let m = V2_INFER.exec(path);
      if (m) return void fast('v2.infer', m[1]!, req, res, path);
      m = V1_PREDICT.exec(path);
      if (m) return void fast('v1.predict', m[1]!, req, res, path);
    }
    void viaHono(req, res);
  };
  return { app, listener };
}

/** The hono app alone (every endpoint; for tests and for mounting in another hono app). */
export function createApp(registry: ModelRegistry, metrics: Metrics, options: AppOptions = {}): Hono<Vars> {
  return createHandlers(registry, metrics, options).app;
}
