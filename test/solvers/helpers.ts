/** Shared fixtures for the solver suites: reference optima (from ../shared/reference, copied into test/fixtures) and data. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Reference {
  name?: string;
  dataset: string;
  C: number;
  penalty?: string;
  l1_ratio?: number | null;
  scaling: string;
  scaler: { mean: number[]; scale: number[] };
  W: number[][];
  b: number[];
  objective: number;
  sample_weight?: string;
  class_weight?: string;
  predict_proba_first10: number[][];
}

export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(`${FIX}reference/${name}.json`, 'utf8')) as Reference;
}

const cache = new Map<string, { X: number[][]; y: number[] }>();

/** The CSV in test/fixtures/data (header; last column the integer label). */
export function loadData(dataset: string): { X: number[][]; y: number[] } {
  const hit = cache.get(dataset);
  if (hit) return hit;
  const lines = readFileSync(`${FIX}data/${dataset}.csv`, 'utf8').trim().split('\n').slice(1);
  const X: number[][] = [];
  const y: number[] = [];
  for (const line of lines) {
    const v = line.split(',').map(Number);
    y.push(v.pop()!);
    X.push(v);
  }
  const out = { X, y };
  cache.set(dataset, out);
  return out;
}

/** The data as the reference saw it (its own scaler applied, or raw). */
export function referenceData(ref: Reference): { X: number[][]; y: number[] } {
  const { X, y } = loadData(ref.dataset);
  if (ref.scaling !== 'standard') return { X, y };
  const { mean, scale } = ref.scaler;
  return { X: X.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!)), y };
}

/** The reference's weights: sample weight 1 + (row mod 3) (its stated rule); class weights via the option. */
export function referenceSampleWeight(ref: Reference, n: number): number[] | undefined {
  if (!ref.sample_weight) return undefined;
  return Array.from({ length: n }, (_, i) => 1 + (i % 3));
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
