/** The standard normal distribution's tails and inverse, to the accuracy TPE needs (~1e-7). */

/**
 * erfc by a Chebyshev fit (Numerical Recipes' erfcc), relative error under 1.2e-7
 * everywhere: the tails stay accurate, which a bin's mass far from a kernel's centre needs.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z). */
export function upperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z < z). */
export function cdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** P(a < Z < b), computed from the nearer tail so that neither end cancels the other away. */
export function massBetween(a: number, b: number): number {
  if (a >= 0) return upperTail(a) - upperTail(b);
  if (b <= 0) return upperTail(-b) - upperTail(-a);
  return 1 - upperTail(-a) - upperTail(b);
}

// Acklam's rational approximation of the inverse CDF (relative error ~1e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

const poly = (c: number[], x: number) => c.reduce((acc, k) => acc * x + k, 0);

/** z such that P(Z < z) = p; ±Infinity at 0 and 1. */
export function inverseCdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(C, q) / (poly(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}
