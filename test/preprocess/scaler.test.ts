// applyScaler's output is a new feature matrix, allocated as DenseMatrix allocates one: wasm-resident when
// large, so a fit on scaled data reads it in place (no copy into WebAssembly memory; docs/performance.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScaler, fitScaler } from '../../src/preprocess/scaler.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { arenaOf, residentAvailable, RESIDENT_MIN_BYTES } from '../../src/kernels/resident.js';

test('a large scaled matrix is wasm-resident, a small one is not, and the values are the same either way', () => {
  for (const rows of [10, Math.ceil(RESIDENT_MIN_BYTES / 8 / 20) + 1]) {
    const d = 20;
    const data = new Float64Array(rows * d).map((_, i) => ((i * 7919) % 101) - 50);
    const X = new DenseMatrix(rows, d, data);
    const out = applyScaler(fitScaler('standard', X), X) as DenseMatrix;
    const large = rows * d * 8 >= RESIDENT_MIN_BYTES;
    assert.equal(arenaOf(out.data) !== null, large && residentAvailable());
    const s = fitScaler('standard', X);
    for (const i of [0, 5, rows * d - 1]) {
      const j = i % d;
      assert.equal(out.data[i], (data[i]! - s.offset[j]!) * (1 / s.scale[j]!));
    }
  }
});
