import { readFileSync } from 'node:fs';
import { poissonRateTest } from '@vigil/server/analytics';
import { describe, expect, it } from 'vitest';
import { rng } from '../support/incidents.js';

/**
 * R's poisson.test(c(after, before)) for every pair of counts 0..60 (but 0 and 0, which R
 * refuses) and some large pairs; made by reference/poisson-test.R (the command is in it
 * and on the table's first line).
 */
const rows = readFileSync(new URL('./reference/poisson-test.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#') && !line.startsWith('after,'))
  .map((line) => {
    const [after, before, ratio, lower, upper, p] = line.split(',').map((v) => (v === 'Inf' ? Number.POSITIVE_INFINITY : Number(v)));
    return { after: after!, before: before!, ratio: ratio!, lower: lower!, upper: upper!, p: p! };
  });

/** |a − b| ≤ 1e-6 (and relative 1e-6 for large values); infinities must match exactly. */
const close = (a: number, b: number) => (Number.isFinite(b) ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)) : a === b);

describe('the trend’s rate test and interval, against R’s poisson.test', () => {
  it('interval ends and p-values equal R’s to 1e-6 on 3,729 pairs of counts, zero counts included', () => {
    expect(rows.length).toBe(61 * 61 - 1 + 9);
    const wrong: string[] = [];
    for (const r of rows) {
      const t = poissonRateTest(r.before, r.after);
      const ok = close(t.lower, r.lower) && close(t.upper, r.upper) && close(t.pValue, r.p) && close(t.rateRatio, r.ratio);
      if (!ok)
        wrong.push(`${r.after} after, ${r.before} before: [${t.lower}, ${t.upper}] p ${t.pValue}; R [${r.lower}, ${r.upper}] p ${r.p}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // Zero counts: a finite upper end when none came after, a finite lower end when none came before.
    const noneAfter = rows.find((r) => r.after === 0 && r.before === 267)!;
    expect(poissonRateTest(267, 0).upper).toBeCloseTo(noneAfter.upper, 12);
    expect(Number.isFinite(poissonRateTest(267, 0).upper)).toBe(true);
    expect(poissonRateTest(0, 233).lower).toBeGreaterThan(62);
  });

  it('the 95 % interval leaves out 1 exactly when p < 0.05, on the table and on random counts up to 100,000', () => {
    const random = rng(2026);
    const pairs = [...rows.map((r) => [r.before, r.after] as const)];
    for (let k = 0; k < 400; k++) {
      const scale = [10, 100, 1000, 100_000][k % 4]!;
      const before = Math.floor(random() * scale);
      pairs.push([before, Math.max(0, Math.round(before * (0.8 + 0.4 * random())))]);
    }
    const disagree = pairs.filter(([before, after]) => {
      const t = poissonRateTest(before, after);
      return (t.lower > 1 || t.upper < 1) !== t.pValue < 0.05;
    });
    expect(disagree).toEqual([]);
  });

  it('with no incidents in either window: p = 1, the interval is [0, ∞) and there is no ratio', () => {
    const t = poissonRateTest(0, 0);
    expect(t).toMatchObject({ lower: 0, upper: Number.POSITIVE_INFINITY, pValue: 1 });
    expect(Number.isNaN(t.rateRatio)).toBe(true);
  });
});
