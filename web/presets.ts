/**
 * Preset data sets for the playground, in the plane's coordinates ([-1, 1] on both axes), generated with the
 * library's seeded generator (makeRng) so a preset is the same every time. Iris and digits are the package's own CSVs.
 */
import irisCsv from '../data/iris.csv?raw';
import digitsTrainCsv from '../data/digits_train.csv?raw';
import digitsTestCsv from '../data/digits_test.csv?raw';
import { makeRng as rng } from '../src/core/random.js';

export interface Point {
  x: number;
  y: number;
  c: number;
}

export interface DigitsData {
  X: number[][];
  y: number[];
  Xtest: number[][];
  ytest: number[];
}

function gauss(r: () => number): number {
  // Box-Muller; 1 - r() keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export function blobs(seed = 1): Point[] {
  const r = rng(seed);
  const centres = [
    [-0.5, -0.4],
    [0.5, -0.35],
    [0, 0.55],
  ];
  return centres.flatMap(([cx, cy], c) => Array.from({ length: 40 }, () => ({ x: cx! + 0.17 * gauss(r), y: cy! + 0.17 * gauss(r), c })));
}

export function moons(seed = 2): Point[] {
  const r = rng(seed);
  const out: Point[] = [];
  for (let i = 0; i < 60; i++) {
    const t = Math.PI * r();
    out.push({ x: 0.5 * Math.cos(t) - 0.25 + 0.05 * gauss(r), y: 0.5 * Math.sin(t) - 0.1 + 0.05 * gauss(r), c: 0 });
    out.push({ x: 0.5 - 0.5 * Math.cos(t) - 0.25 + 0.05 * gauss(r), y: -0.5 * Math.sin(t) + 0.15 + 0.05 * gauss(r), c: 1 });
  }
  return out;
}

/** Two rings around the origin: no straight line separates them, x1^2 + x2^2 does. */
export function circles(seed = 4): Point[] {
  const r = rng(seed);
  const out: Point[] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 2;
    const a = 2 * Math.PI * r();
    const rad = (c === 0 ? 0.3 : 0.75) + 0.07 * gauss(r);
    out.push({ x: rad * Math.cos(a), y: rad * Math.sin(a), c });
  }
  return out;
}

export function spirals(seed = 3): Point[] {
  const r = rng(seed);
  const out: Point[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 50; i++) {
      const t = i / 50;
      const a = (c * 2 * Math.PI) / 3 + 3.2 * t + 0.15 * gauss(r);
      out.push({ x: 0.9 * t * Math.cos(a), y: 0.9 * t * Math.sin(a), c });
    }
  }
  return out;
}

function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const lines = text.trim().split(/\r?\n/);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

/** Iris projected to petal length and width (the two most telling features), rescaled into the plane. */
export function iris(): Point[] {
  return irisAll().filter((_, i) => i % 4 !== 3);
}

/** Every 4th iris row (38 of 150), held out for testing. */
export function irisTest(): Point[] {
  return irisAll().filter((_, i) => i % 4 === 3);
}

function irisAll(): Point[] {
  const { rows } = parseCsv(irisCsv);
  const xs = rows.map((r) => r[2]!);
  const ys = rows.map((r) => r[3]!);
  const fit = (v: number[]) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return (t: number) => -0.85 + (1.7 * (t - lo)) / (hi - lo);
  };
  const fx = fit(xs);
  const fy = fit(ys);
  return rows.map((r) => ({ x: fx(r[2]!), y: fy(r[3]!), c: r[4]! }));
}

/** Rows of the digits split, pixels scaled from 0..16 to 0..1; a subset keeps each iteration quick. */
export function digits(nTrain = 600, nTest = 200): DigitsData {
  const tr = parseCsv(digitsTrainCsv).rows.slice(0, nTrain);
  const te = parseCsv(digitsTestCsv).rows.slice(0, nTest);
  const split = (rows: number[][]) => ({ X: rows.map((r) => r.slice(0, 64).map((v) => v / 16)), y: rows.map((r) => r[64]!) });
  const a = split(tr);
  const b = split(te);
  return { X: a.X, y: a.y, Xtest: b.X, ytest: b.y };
}

export const PRESETS = { blobs, moons, circles, spirals, iris } as const;

/**
 * Held-out points for a preset: a fresh sample from the same generator (another seed), or iris's held-out rows.
 * They are drawn hollow, never trained on, and give the held-out loss and accuracy.
 */
export const PRESET_TESTS: Record<keyof typeof PRESETS, () => Point[]> = {
  blobs: () => blobs(101).filter((_, i) => i % 2 === 0),
  moons: () => moons(102).filter((_, i) => i % 2 === 0),
  circles: () => circles(104).filter((_, i) => i % 2 === 0),
  spirals: () => spirals(103).filter((_, i) => i % 2 === 0),
  iris: irisTest,
};
