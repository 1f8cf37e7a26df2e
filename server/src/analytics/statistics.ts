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

/** ln k! : summed exactly up to 1,024, then Stirling's series (error below 1e-20 there). */
const LOG_FACTORIAL: number[] = [0];
for (let k = 1; k <= 1024; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1]! + Math.log(k);
function logFactorial(k: number): number {
  if (k <= 1024) return LOG_FACTORIAL[k]!;
  const n = k + 1;
  const n2 = n * n;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * n2)) / n2) / n2) / n;
}

/**
 * P(X ≥ x) (upper) or P(X ≤ x) (lower) for X ~ Binomial(n, p), p = R ÷ (1 + R), given
 * t = ln R: the share of the counts falling "after" when the after/before rate ratio is R.
 * Summed outward from the largest term until the terms no longer change the sum, so a
 * million counts cost a few thousand terms.
 */
function binomialTail(x: number, n: number, t: number, side: 'upper' | 'lower'): number {
  // ln p and ln(1 − p) without cancellation, for any t.
  const lp = t > 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
  const lq = t > 0 ? -t - Math.log1p(Math.exp(-t)) : -Math.log1p(Math.exp(t));
  const [first, last] = side === 'upper' ? [x, n] : [0, x];
  if (first > last) return 0;
  const mode = Math.min(last, Math.max(first, Math.floor((n + 1) * Math.exp(lp))));
  const logTerm = (k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * lp + (n - k) * lq;
  const top = logTerm(mode);
  // Terms relative to the largest: term(k+1)/term(k) = (n−k)/(k+1) · p/(1−p).
  const ratio = Math.exp(lp - lq);
  let sum = 1;
  let term = 1;
  for (let k = mode; k < last; k++) {
    term *= ((n - k) / (k + 1)) * ratio;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  term = 1;
  for (let k = mode; k > first; k--) {
    term *= k / (n - k + 1) / ratio;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.exp(top) * sum;
}

/** The t = ln R in [lo, hi] where the increasing function f crosses 0, by bisection to the last bit. */
function solve(f: (t: number) => number, lo: number, hi: number): number {
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Beyond e^±60 no rate ratio of real counts lies (the bound for 1 against 10⁹ is near e^−21). */
const T_MAX = 60;

/**
 * Exact test that two Poisson counts over equal exposure (the two windows of a trend) have
 * the same rate, and the exact interval of their rate ratio, as R's
 * `poisson.test(c(after, before))` computes them:
 *
 * - Conditional on the total n = a + b, the count after is Binomial(n, p) with
 *   p = R ÷ (1 + R), R the rate ratio after ÷ before (Przyborowski & Wilenski 1940).
 * - The 95 % interval is Clopper–Pearson's on p, mapped to R = p ÷ (1 − p): its lower end
 *   is the R where P(X ≥ a) = 2.5 %, its upper end the R where P(X ≤ a) = 2.5 % (R's
 *   binom.test, then `pp / (1 − pp)` in poisson.test). Solved for ln R directly, so neither
 *   end loses digits near p = 1. With a = 0 the lower end is 0; with b = 0 the upper end is
 *   infinite (returned as Infinity; the API gives null).
 * - The two-sided p-value: R's binom.test sums the outcomes no more likely than the one
 *   seen; under the null p = ½ the binomial is symmetric, so that is exactly twice the
 *   smaller tail, capped at 1 (what this computes).
 *
 * The two agree by construction: the interval excludes 1 exactly when a tail at R = 1 is
 * below 2.5 %, i.e. when p < 0.05. Each end is searched on the side of 1 that the same
 * tail, computed once, decides — so a rounding in the search cannot put an end on the
 * wrong side of 1 and contradict the p-value.
 */
export function poissonRateTest(before: number, after: number): { rateRatio: number; lower: number; upper: number; pValue: number } {
  const n = before + after;
  // 0/0 has no ratio: NaN (the API gives null, like a/0).
  const rateRatio = before === 0 ? (after === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : after / before;
  if (n === 0) return { rateRatio, lower: 0, upper: Number.POSITIVE_INFINITY, pValue: 1 };
  const upperTail = binomialTail(after, n, 0, 'upper');
  const lowerTail = binomialTail(after, n, 0, 'lower');
  const alpha = 0.025;
  let lower = 0;
  if (after > 0) {
    // P(X ≥ a | R) rises with R.
    const f = (t: number) => binomialTail(after, n, t, 'upper') - alpha;
    // Significant: strictly above 1 even where exp rounds a tiny ln R to 1.
    lower = upperTail < alpha ? Math.max(Math.exp(solve(f, 0, T_MAX)), 1 + Number.EPSILON) : Math.exp(solve(f, -T_MAX, 0));
  }
  let upper = Number.POSITIVE_INFINITY;
  if (before > 0) {
    // P(X ≤ a | R) falls as R rises.
    const g = (t: number) => alpha - binomialTail(after, n, t, 'lower');
    upper = lowerTail < alpha ? Math.min(Math.exp(solve(g, -T_MAX, 0)), 1 - Number.EPSILON) : Math.exp(solve(g, 0, T_MAX));
  }
  return { rateRatio, lower, upper, pValue: Math.min(1, 2 * Math.min(lowerTail, upperTail)) };
}
