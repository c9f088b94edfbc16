/**
 * The library core runs in the browser: bundle src/index.ts for the browser (esbuild fails on any node:*
 * import) and run the bundle in a bare V8 context with no Node globals (no Buffer, process or require),
 * where it must fit, predict, and round-trip a model and parse a CSV.
 */
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import vm from 'node:vm';
import { build } from 'esbuild';

it('src/index.ts bundles for the browser and runs without Node globals', async () => {
  const out = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'SR',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const sandbox: Record<string, unknown> = { console, performance, TextDecoder, TextEncoder, WebAssembly, atob, btoa };
  vm.createContext(sandbox);
  vm.runInContext(
    `${code}
     const m = new SR.SoftmaxRegression({ C: 1 });
     m.fit([[0, 0], [0, 1], [3, 3], [3, 4], [6, 0], [6, 1]], ['a', 'a', 'b', 'b', 'c', 'c']);
     const back = SR.SoftmaxRegression.fromJSON(JSON.stringify(m.toJSON()));
     const ds = SR.parseCsv('x,"y",label\\n1,2,a\\n3,"4",b\\n');
     globalThis.result = { pred: back.predict([[0, 0.5], [6, 0.5]]), rows: ds.X.rows, typeofBuffer: typeof Buffer, typeofProcess: typeof process };`,
    sandbox,
  );
  const r = sandbox.result as { pred: string[]; rows: number; typeofBuffer: string; typeofProcess: string };
  assert.equal(r.typeofBuffer, 'undefined');
  assert.equal(r.typeofProcess, 'undefined');
  assert.deepEqual(Array.from(r.pred), ['a', 'c']);
  assert.equal(r.rows, 2);
});
