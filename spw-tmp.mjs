import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects, parquetMetadata } from 'hyparquet';
const listOf = (name, type, rep='OPTIONAL') => [
  { name, repetition_type: rep, num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', type },
];
const schema = [
  { name: 'spark_schema', num_children: 5 },
  { name: 'numClasses', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'numFeatures', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'interceptVector', repetition_type: 'OPTIONAL', num_children: 4 },
  { name: 'type', type: 'INT32', converted_type: 'INT_8', repetition_type: 'REQUIRED' },
  { name: 'size', type: 'INT32', repetition_type: 'OPTIONAL' },
  ...listOf('indices', 'INT32'),
  ...listOf('values', 'DOUBLE'),
  { name: 'coefficientMatrix', repetition_type: 'OPTIONAL', num_children: 7 },
  { name: 'type', type: 'INT32', converted_type: 'INT_8', repetition_type: 'REQUIRED' },
  { name: 'numRows', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'numCols', type: 'INT32', repetition_type: 'REQUIRED' },
  ...listOf('colPtrs', 'INT32'),
  ...listOf('rowIndices', 'INT32'),
  ...listOf('values', 'DOUBLE'),
  { name: 'isTransposed', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
  { name: 'isMultinomial', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
];
const writer = new ByteWriter();
parquetWrite({ writer, schema, columnData: [
  { name: 'numClasses', data: [3] },
  { name: 'numFeatures', data: [2] },
  { name: 'interceptVector', data: [{ type: 1, size: null, indices: null, values: [0.5, -0.25, -0.25] }] },
  { name: 'coefficientMatrix', data: [{ type: 1, numRows: 3, numCols: 2, colPtrs: null, rowIndices: null, values: [1,2,3,4,5,6], isTransposed: true }] },
  { name: 'isMultinomial', data: [true] },
], kvMetadata: [{ key: 'org.apache.spark.sql.parquet.row.metadata', value: '{}' }] });
const buf = writer.getBuffer();
writeFileSync('/tmp/spark-data/w.parquet', new Uint8Array(buf));
console.log(JSON.stringify(await parquetReadObjects({ file: buf })));
const db = await DuckDBInstance.create(':memory:'); const c = await db.connect();
const r = await c.runAndReadAll(`SELECT * FROM '/tmp/spark-data/w.parquet'`); console.log(JSON.stringify(r.getRowObjectsJson()));
const s = await c.runAndReadAll(`DESCRIBE SELECT * FROM '/tmp/spark-data/w.parquet'`); console.log(JSON.stringify(s.getRowObjectsJson()));
const s2 = await c.runAndReadAll(`SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('/tmp/spark-data/w.parquet')`); console.log(JSON.stringify(s2.getRowObjectsJson()));
