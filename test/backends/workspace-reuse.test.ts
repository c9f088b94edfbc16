/**
 * Issue 11, goal 4: a finished fit hands its small WebAssembly workspace to the next one instead of the
 * collector. Reuse must change nothing: the same fit repeated, with other shapes fitted in between, gives
 * bit-identical coefficients; a disposed kernel refuses to be used (its memory may belong to another fit).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { WasmDenseKernel } from '../../src/backends/dense-wasm.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { wasmAvailable } from '../../src/kernels/wasm.js';
import { blobs } from '../helpers.js';

const skip = !wasmAvailable() && 'WebAssembly SIMD is not available here';

describe('wasm workspace reuse between fits', { skip }, () => {
  it('repeated fits are bit-identical with other problems fitted in between', () => {
    const a = blobs(600, 20, 4, 1);
    const b = blobs(900, 30, 6, 2);
    const c = blobs(200, 8, 3, 3);
    const fit = (p: { X: number[][]; y: number[] }) => new SoftmaxRegression({ C: 1 }).fit(p.X, p.y);
    const first = fit(a);
    fit(b);
    fit(c);
    const again = fit(a);
    assert.deepEqual(again.coef, first.coef);
    assert.deepEqual(again.intercept, first.intercept);
    assert.equal(again.fitResult!.value, first.fitResult!.value);
    assert.equal(again.fitResult!.iterations, first.fitResult!.iterations);
  });

  it('a disposed kernel throws instead of reading memory another fit may own', () => {
    const X = new DenseMatrix(
      50,
      4,
      Float64Array.from({ length: 200 }, (_, i) => Math.sin(i)),
    );
    const y = Int32Array.from({ length: 50 }, (_, i) => i % 3);
    const k = new WasmDenseKernel(X, y, 3, null, 'float64');
    const W = new Float64Array(12);
    const G = new Float64Array(12);
    assert.ok(Number.isFinite(k.lossGrad(W, new Float64Array(3), G, new Float64Array(3))));
    k.dispose();
    assert.throws(() => k.lossGrad(W, new Float64Array(3), G, new Float64Array(3)), /after dispose/);
  });
});
