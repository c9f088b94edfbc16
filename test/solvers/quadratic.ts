/**
 * A strictly convex quadratic f(w) = w.A w / 2 - b.w with A symmetric positive definite: the minimizer
 * solves A w = b, computed here by Gaussian elimination, independently of every solver under test.
 */
import type { HessianOperator, Objective } from '../../src/objective/objective.js';

export class Quadratic implements Objective {
  readonly dimension: number;
  constructor(
    readonly A: number[][],
    readonly b: number[],
  ) {
    this.dimension = b.length;
  }
  private Aw(w: ArrayLike<number>, out: Float64Array): void {
    for (let i = 0; i < this.dimension; i++) {
      let s = 0;
      for (let j = 0; j < this.dimension; j++) s += this.A[i]![j]! * w[j]!;
      out[i] = s;
    }
  }
  value(w: Float64Array): number {
    const Aw = new Float64Array(this.dimension);
    this.Aw(w, Aw);
    let f = 0;
    for (let i = 0; i < this.dimension; i++) f += 0.5 * w[i]! * Aw[i]! - this.b[i]! * w[i]!;
    return f;
  }
  valueAndGradient(w: Float64Array, g: Float64Array): number {
    this.Aw(w, g);
    let f = 0;
    for (let i = 0; i < this.dimension; i++) {
      f += 0.5 * w[i]! * g[i]! - this.b[i]! * w[i]!;
      g[i]! -= this.b[i]!;
    }
    return f;
  }
  hessianAt(): HessianOperator {
    return { apply: (v, out) => this.Aw(v, out) };
  }
  /** The minimizer, by Gaussian elimination with partial pivoting. */
  solution(): number[] {
    const n = this.dimension;
    const M = this.A.map((row, i) => [...row, this.b[i]!]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
      [M[c], M[p]] = [M[p]!, M[c]!];
      for (let r = c + 1; r < n; r++) {
        const f = M[r]![c]! / M[c]![c]!;
        for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
      }
    }
    const x = new Array<number>(n).fill(0);
    for (let r = n - 1; r >= 0; r--) {
      let s = M[r]![n]!;
      for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
      x[r] = s / M[r]![r]!;
    }
    return x;
  }
}

/** An ill-conditioned 4 x 4 example (eigenvalues spread over three decades). */
export function exampleQuadratic(): Quadratic {
  return new Quadratic(
    [
      [1000, 20, 0, 1],
      [20, 50, 3, 0],
      [0, 3, 10, 0.5],
      [1, 0, 0.5, 1],
    ],
    [5, -3, 2, 1],
  );
}
