/**
 * Worker side of the parallel first pass (parallel-csv.ts): parses whole-record chunks of a numeric CSV
 * with the fast parser and sends the rows back (their buffers transferred, not copied). A chunk it cannot
 * read to the end (the fast path gave up) comes back with the offset of that record, for the general
 * reader on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvOptions } from '../../src/data/csv.js';
import { FastCsvParser } from './fast-csv.js';

const { header, opts } = workerData as { header: Uint8Array; opts: CsvOptions };

parentPort!.on('message', (m: { seq: number; bytes: Uint8Array }) => {
  try {
    const p = FastCsvParser.create(header, opts)!;
    p.skipHeader();
    p.push(m.bytes);
    p.end();
    // One block per chunk, sized by its line count: the arrays go back to the main thread as they are.
    let lines = 1;
    for (let at = m.bytes.indexOf(10); at >= 0; at = m.bytes.indexOf(10, at + 1)) lines++;
    const blocks: Array<{ rows: number; X: Float64Array; codes: Int32Array | null }> = [];
    for (const b of p.drain(lines, true)) {
      if (b.kind !== 'dense') continue;
      const whole = b.X.length === b.X.buffer.byteLength / 8;
      blocks.push({
        rows: b.rows,
        X: whole ? b.X : b.X.slice(),
        codes:
          b.labels && 'codes' in b.labels ? (b.labels.codes.length === b.labels.codes.buffer.byteLength / 4 ? b.labels.codes : b.labels.codes.slice()) : null,
      });
    }
    const failedAt = p.failed ? m.bytes.length - p.remaining().length : -1;
    const transfer = blocks.flatMap((b) => (b.codes ? [b.X.buffer, b.codes.buffer] : [b.X.buffer]));
    parentPort!.postMessage({ seq: m.seq, blocks, texts: p.labelTextList(), failedAt, linesBefore: p.nextLine() - 1 }, transfer as ArrayBuffer[]);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, error: (e as Error).message });
  }
});
