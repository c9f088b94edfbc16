/**
 * The flat parameter vector, defined once. Solvers see a Float64Array w of length K*d (+ K with an
 * intercept):
 *   W[k, j] = w[k*d + j]      (K x d, row-major: one row of coefficients per class, all K classes)
 *   b[k]    = w[K*d + k]      (intercepts last; never penalized)
 */
export class ParamLayout {
  readonly K: number;
  readonly d: number;
  readonly fitIntercept: boolean;
  constructor(K: number, d: number, fitIntercept: boolean) {
    this.K = K;
    this.d = d;
    this.fitIntercept = fitIntercept;
  }
  /** Number of coefficients in W (the penalized block). */
  get nCoef(): number {
    return this.K * this.d;
  }
  get dimension(): number {
    return this.K * this.d + (this.fitIntercept ? this.K : 0);
  }
  /** View of W inside w (no copy). */
  coef(w: Float64Array): Float64Array {
    return w.subarray(0, this.K * this.d);
  }
  /** View of b inside w, or null without an intercept. */
  intercept(w: Float64Array): Float64Array | null {
    return this.fitIntercept ? w.subarray(this.K * this.d, this.K * this.d + this.K) : null;
  }
  /** Pack W (K x d arrays) and b into a flat vector. */
  pack(W: ArrayLike<ArrayLike<number>>, b?: ArrayLike<number> | null): Float64Array {
    const w = new Float64Array(this.dimension);
    for (let k = 0; k < this.K; k++) for (let j = 0; j < this.d; j++) w[k * this.d + j] = W[k]![j]!;
    if (this.fitIntercept && b) for (let k = 0; k < this.K; k++) w[this.K * this.d + k] = b[k]!;
    return w;
  }
  unpackCoef(w: Float64Array): number[][] {
    const out: number[][] = [];
    for (let k = 0; k < this.K; k++) out.push(Array.from(w.subarray(k * this.d, (k + 1) * this.d)));
    return out;
  }
}
