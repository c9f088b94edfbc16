import { openParquetFile } from '/work/wt/spark/node/parquet.ts';
const engine = process.argv[3] as 'duckdb';
const t0 = performance.now();
const r = await openParquetFile(process.argv[2]!, { engine });
let n = 0;
for await (const b of r.blocks()) { n += b.rows; }
await r.close();
console.log(engine, n, ((performance.now()-t0)/1000).toFixed(2));
