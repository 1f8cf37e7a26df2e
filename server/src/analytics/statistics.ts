/**
 * Small, well-known statistics, written out so each formula can be checked against its
 * source: the standard normal distribution, Benjamini–Hochberg false discovery rate as
 * ArcGIS applies it to Gi*, and the exact conditional test for two Poisson rates.
 */

/**
 * erfc(x) by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969), with
 * the coefficients of netlib's SPECFUN CALERF: relative error below 1e-15, so p-values
 * stay exact far into the tails.
 */
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716,
  1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247, 3439.3676741437216,
  1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097,
];
const Q = [2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const ONE_OVER_SQRT_PI = 0.5641895835477563;

export function erfc(x: number): number {
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let num = A[4]! * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * ysq;
      den = (den + B[i]!) * ysq;
    }
    return 1 - (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    result = (num + C[7]!) / (den + D[7]!);
  } else {
    const ysq = 1 / (y * y);
    let num = P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * ysq;
      den = (den + Q[i]!) * ysq;
    }
    result = (ysq * (num + P[4]!)) / (den + Q[4]!);
    result = (ONE_OVER_SQRT_PI - result) / y;
  }
  // exp(-y²) split as in CALERF, so the rounding of y² does not cost digits.
  const ysqHigh = Math.trunc(y * 16) / 16;
  const del = (y - ysqHigh) * (y + ysqHigh);
  result *= Math.exp(-ysqHigh * ysqHigh) * Math.exp(-del);
  return x < 0 ? 2 - result : result;
}

/** Two-sided p-value of a standard normal z-score: P(|Z| ≥ |z|). */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Standard normal cumulative distribution Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export type Confidence = 'HOT_99' | 'HOT_95' | 'HOT_90' | 'NOT_SIGNIFICANT' | 'COLD_90' | 'COLD_95' | 'COLD_99';

/** Brief: |z| > 2.58 → 99 %, > 1.96 → 95 %, > 1.65 → 90 %; the sign says hot or cold. */
export function confidenceOf(z: number): Confidence {
  const a = Math.abs(z);
  const level = a > 2.58 ? '99' : a > 1.96 ? '95' : a > 1.65 ? '90' : null;
  if (!level || !Number.isFinite(z)) return 'NOT_SIGNIFICANT';
  return `${z > 0 ? 'HOT' : 'COLD'}_${level}` as Confidence;
}

/**
 * False discovery rate correction as ArcGIS's Hot Spot Analysis applies it: for each
 * confidence level (α = 0.10, 0.05, 0.01) the Benjamini–Hochberg step-up rule finds the
 * largest rank k with p₍ₖ₎ ≤ k·α/n; features with p ≤ p₍ₖ₎ keep that level. The result is
 * the bin of each z-score given its p-value.
 */
export function fdrConfidence(zs: number[], ps: number[]): Confidence[] {
  const n = ps.length;
  const sorted = [...ps].filter(Number.isFinite).sort((a, b) => a - b);
  const cutoff = (alpha: number): number => {
    let threshold = -1;
    sorted.forEach((p, i) => {
      if (p <= ((i + 1) * alpha) / n) threshold = p;
    });
    return threshold;
  };
  const c99 = cutoff(0.01);
  const c95 = cutoff(0.05);
  const c90 = cutoff(0.1);
  return zs.map((z, i) => {
    const p = ps[i]!;
    const level = p <= c99 ? '99' : p <= c95 ? '95' : p <= c90 ? '90' : null;
    if (!level || z === 0) return 'NOT_SIGNIFICANT';
    return `${z > 0 ? 'HOT' : 'COLD'}_${level}` as Confidence;
  });
}

/**
 * Exact two-sided test that two Poisson counts over equal exposure have the same rate:
 * conditional on the total n = a + b, a ~ Binomial(n, ½) under the null hypothesis
 * (Przyborowski & Wilenski 1940; the "C-test" of Krishnamoorthy & Thomson 2004).
 * The two-sided p-value doubles the smaller tail, capped at 1.
 */
export function poissonRateTest(before: number, after: number): { rateRatio: number; lower: number; upper: number; pValue: number } {
  const n = before + after;
  const rateRatio = before === 0 ? (after === 0 ? 1 : Number.POSITIVE_INFINITY) : after / before;
  // 95 % interval of the ratio on the log scale (Wald): exp(ln RR ± 1.96·√(1/a + 1/b)).
  const se = before > 0 && after > 0 ? Math.sqrt(1 / before + 1 / after) : Number.POSITIVE_INFINITY;
  const lower = Number.isFinite(se) ? Math.exp(Math.log(rateRatio) - 1.959964 * se) : 0;
  const upper = Number.isFinite(se) ? Math.exp(Math.log(rateRatio) + 1.959964 * se) : Number.POSITIVE_INFINITY;
  if (n === 0) return { rateRatio, lower, upper, pValue: 1 };
  // log k! for k ≤ n, summed exactly (counts here are thousands, not billions).
  const lf: number[] = [0];
  for (let k = 1; k <= n; k++) lf[k] = lf[k - 1]! + Math.log(k);
  const logN = lf[n]!;
  const logHalfN = n * Math.log(0.5);
  const pmf = (k: number) => Math.exp(logN - lf[k]! - lf[n - k]! + logHalfN);
  let lowerTail = 0;
  for (let k = 0; k <= after; k++) lowerTail += pmf(k);
  let upperTail = 0;
  for (let k = after; k <= n; k++) upperTail += pmf(k);
  return { rateRatio, lower, upper, pValue: Math.min(1, 2 * Math.min(lowerTail, upperTail)) };
}
