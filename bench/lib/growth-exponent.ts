/**
 * How a measurement's time grows with its input: the exponent k of time ∝ size^k (1 = linear, 2 = quadratic).
 */

/** time ∝ size^k: the least-squares slope of ln(ms) against ln(bytes); undefined below two sizes. */
export function growthExponent(points: ReadonlyArray<{ bytes: number; ms: number }>): number | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map((p) => Math.log(p.bytes));
  const ys = points.map((p) => Math.log(Math.max(p.ms, 1e-3)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : undefined;
}
