/**
 * The binomial model's probabilities from its one score per row, z = w.x + b (scikit-learn's binary
 * LogisticRegression): p(classes[1] | x) = sigmoid(z), p(classes[0] | x) = sigmoid(-z). Each is computed
 * from its own stable form (never 1 - p, which loses every digit of a small p(classes[0])), and the logs as
 * -softplus(-z) and -softplus(z), finite where the probabilities underflow.
 */

/** sigmoid(z) without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + exp(z)) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** n scores -> n x 2 probabilities [p(classes[0]), p(classes[1])] (a new array). */
export function binomialProbaInto(z: Float64Array): Float64Array {
  const out = new Float64Array(2 * z.length);
  for (let i = 0; i < z.length; i++) {
    out[2 * i] = sigmoid(-z[i]!);
    out[2 * i + 1] = sigmoid(z[i]!);
  }
  return out;
}

/** n scores -> n x 2 log-probabilities (a new array). */
export function binomialLogProbaInto(z: Float64Array): Float64Array {
  const out = new Float64Array(2 * z.length);
  for (let i = 0; i < z.length; i++) {
    out[2 * i] = -softplus(z[i]!);
    out[2 * i + 1] = -softplus(-z[i]!);
  }
  return out;
}
