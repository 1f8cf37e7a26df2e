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
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058,
  2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
  3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346725, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;

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
