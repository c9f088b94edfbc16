// The 'auto' thread policy (src/backends/provider.ts): a running pool serves passes from
// AUTO_THREADS_MIN_WORK; starting one takes a pass of POOL_START_MIN_WORK, or the third fit between the two
// thresholds (a process that does repeated work); predictions never start one. Its own process (node --test
// runs each file in one), so the count of small fits starts at zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_THREADS_MIN_WORK, POOL_START_MIN_WORK, resolveThreads, setThreadHost, threadHost, type ThreadHost } from '../../src/backends/provider.js';

function fakeHost(running: boolean): ThreadHost {
  return { autoThreads: 2, running, denseKernel: () => null, csrKernel: () => null, scores: () => false };
}

test("'auto': small passes stay on one thread, a running pool serves mid-size ones, only large fits or repeated mid-size fits start one", () => {
  const saved = threadHost();
  try {
    const mid = (AUTO_THREADS_MIN_WORK + POOL_START_MIN_WORK) / 2;
    setThreadHost(fakeHost(false));
    assert.equal(resolveThreads('auto', AUTO_THREADS_MIN_WORK - 1, 10_000), 1);
    assert.equal(resolveThreads('auto', POOL_START_MIN_WORK, 10_000), 2);
    // Predictions never count toward starting a pool.
    for (let i = 0; i < 5; i++) assert.equal(resolveThreads('auto', mid, 10_000, false), 1);
    assert.equal(resolveThreads('auto', mid, 10_000), 1);
    assert.equal(resolveThreads('auto', mid, 10_000), 1);
    assert.equal(resolveThreads('auto', mid, 10_000), 2, 'the third mid-size fit starts the pool');
    setThreadHost(fakeHost(true));
    assert.equal(resolveThreads('auto', mid, 10_000, false), 2, 'a running pool serves predictions too');
    assert.equal(resolveThreads('auto', AUTO_THREADS_MIN_WORK - 1, 10_000), 1);
    // A count is taken as asked, at most one thread per 8 rows.
    assert.equal(resolveThreads(2, 10, 10_000), 2);
    assert.equal(resolveThreads(4, POOL_START_MIN_WORK, 16), 2);
    setThreadHost(null);
    assert.equal(resolveThreads(2, POOL_START_MIN_WORK, 10_000), 1, 'no host: one thread');
  } finally {
    setThreadHost(saved);
  }
});
