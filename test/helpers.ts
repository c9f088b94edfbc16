/** Test helpers: fixtures (copied from ../shared, see test/fixtures/README.md) and tiny generators. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A numeric CSV fixture with a header and the label in the last column (plain split: fixtures have no quoting). */
export function loadFixtureCsv(name: string): { X: number[][]; y: string[]; header: string[] } {
  const lines = readFileSync(join(FIXTURES, 'data', `${name}.csv`), 'utf8')
    .trim()
    .split(/\r?\n/);
  const header = lines[0]!.split(',');
  const X: number[][] = [];
  const y: string[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    X.push(f.slice(0, -1).map(Number));
    y.push(f[f.length - 1]!);
  }
  return { X, y, header };
}

export interface Reference {
  name?: string;
  dataset: string;
  scaling: 'standard' | 'unscaled';
  scaler?: { mean: number[]; scale: number[] };
  C: number;
  penalty?: string;
  classes: string[];
  W: number[][];
  b: number[];
  objective: number;
  predict_proba_first10: number[][];
  sample_weight?: string;
  class_weight?: string;
  l1_ratio?: number | null;
}

export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES, 'reference', `${name}.json`), 'utf8')) as Reference;
}

/** The reference's data set with its preprocessing applied (x_std = (x - mean) / scale). */
export function referenceData(ref: Reference): { X: number[][]; y: string[]; sampleWeight?: number[] } {
  const { X, y } = loadFixtureCsv(ref.dataset);
  const Xs = ref.scaling === 'standard' ? X.map((r) => r.map((v, j) => (v - ref.scaler!.mean[j]!) / ref.scaler!.scale[j]!)) : X;
  // The weighted references state: sample_weight = 1 + (row index mod 3), class_weight 'balanced'.
  const sampleWeight = ref.sample_weight ? X.map((_, i) => 1 + (i % 3)) : undefined;
  return { X: Xs, y, sampleWeight };
}

/** Deterministic pseudo-random numbers for generated test problems (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian blobs: K classes around random centers in d dimensions. */
export function blobs(n: number, d: number, K: number, seed: number, spread = 1): { X: number[][]; y: number[] } {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * gauss()));
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % K;
    X.push(centers[k]!.map((c) => c + spread * gauss()));
    y.push(k);
  }
  return { X, y };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
