/**
 * Parquet read speed, rows/s of the block reader on a generated 1M x 20 file (numeric features, an integer
 * label), both engines alternating round by round, plus the CSV reader on the same rows for scale.
 *
 *   node --import tsx bench/parquet.ts [--rows 1000000] [--rounds 3] [--dir /tmp/softmax-bench-parquet] [--csv]
 *
 * The data are generated once with DuckDB (a devDependency) into --dir and kept there (never committed).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openParquetFile, type ParquetEngine } from '../node/parquet.js';
import { readDataset } from '../node/io.js';

const args = process.argv.slice(2);
const opt = (k: string, d: string) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : d;
};
const rows = Number(opt('rows', '1000000'));
const rounds = Number(opt('rounds', '3'));
const dir = opt('dir', '/tmp/softmax-bench-parquet');
const d = 20;
const parquet = join(dir, `synth-${rows}x${d}.parquet`);
const csv = join(dir, `synth-${rows}x${d}.csv`);

async function generate(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (existsSync(parquet) && existsSync(csv)) return;
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const cols = Array.from({ length: d }, (_, j) => `round(random() * 10 - 5, 6)::DOUBLE AS x${j}`).join(', ');
  await c.run(`CREATE TABLE t AS SELECT ${cols}, (i % 5)::INTEGER AS label FROM range(${rows}) r(i)`);
  await c.run(`COPY t TO '${parquet}' (FORMAT parquet)`);
  await c.run(`COPY t TO '${csv}' (HEADER true)`);
  c.closeSync();
  db.closeSync();
}

async function timeEngine(engine: ParquetEngine): Promise<number> {
  const t0 = performance.now();
  const r = await openParquetFile(parquet, { engine });
  let n = 0;
  for await (const b of r.blocks()) n += b.rows;
  await r.close();
  if (n !== rows) throw new Error(`${engine} read ${n} rows, expected ${rows}`);
  return (performance.now() - t0) / 1000;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

await generate();
console.log(`${parquet}: ${(statSync(parquet).size / 1e6).toFixed(0)} MB; ${rows.toLocaleString('en-US')} rows x ${d} features; ${rounds} rounds`);
const times: Record<string, number[]> = { duckdb: [], hyparquet: [], csv: [] };
for (let r = 0; r < rounds; r++) {
  // Alternate the engines, so a change in the machine's load hits both.
  const order: ParquetEngine[] = r % 2 === 0 ? ['duckdb', 'hyparquet'] : ['hyparquet', 'duckdb'];
  for (const e of order) times[e]!.push(await timeEngine(e));
  if (args.includes('--csv')) {
    const t0 = performance.now();
    readDataset(csv);
    times.csv!.push((performance.now() - t0) / 1000);
  }
}
for (const [k, t] of Object.entries(times)) {
  if (t.length === 0) continue;
  const m = median(t);
  console.log(`${k.padEnd(10)} median ${m.toFixed(2)} s  ${(rows / m / 1e6).toFixed(2)}M rows/s  (runs: ${t.map((x) => x.toFixed(2)).join(', ')})`);
}
const ratio = median(times.hyparquet!) / median(times.duckdb!);
console.log(`hyparquet / duckdb time: ${ratio.toFixed(1)}x`);
