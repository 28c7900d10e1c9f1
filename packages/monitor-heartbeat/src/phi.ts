/**
 * Phi of the accrual failure detector (Hayashibara et al. 2004) in the form Akka computes it:
 * phi = -log10(1 - F(t)), F the normal CDF by the logistic approximation
 * F(y) = 1 / (1 + exp(-y (1.5976 + 0.070566 y^2))), y = (t - mean) / stdDev, error 0.00014 at
 * |y| = 3.16. The two branches are the same quantity, each written so that it does not cancel.
 */
export function phi(timeDiffNs: number, meanNs: number, stdDevNs: number): number {
  const y = (timeDiffNs - meanNs) / stdDevNs;
  const e = Math.exp(-y * (A + B * y * y));
  return timeDiffNs > meanNs ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

const A = 1.5976;
const B = 0.070566;

/**
 * The y at which phi reaches `threshold`: phi = log10(1 + exp(A y + B y^3)) is increasing in y,
 * so A y + B y^3 = ln(10^threshold - 1), a depressed cubic with one real root (Cardano).
 * The detector suspects once the silence exceeds mean + y * stdDev.
 */
export function phiCrossingY(threshold: number): number {
  const p = A / B;
  const q = -Math.log(10 ** threshold - 1) / B;
  const root = Math.sqrt((q * q) / 4 + (p * p * p) / 27);
  return Math.cbrt(-q / 2 + root) + Math.cbrt(-q / 2 - root);
}
