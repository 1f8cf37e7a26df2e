import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../graphql/errors.js';
import { type AppliedFilter, refine } from '../incidents/incident-filter.js';
import { type Cell, type GridOptions, hotspotMap } from './hotspot.service.js';

export interface AccuracyOptions extends Omit<GridOptions, 'clip' | 'fdr'> {
  trainFrom?: Date | null;
  trainTo?: Date | null;
  /** Share of the study area to flag as hot, 0.01–0.5 (default 0.05). */
  topShare?: number | null;
}

export interface Accuracy {
  trainingFilter: AppliedFilter;
  testFilter: AppliedFilter;
  cellsFlagged: number;
  flaggedCellIds: string[];
  cellCount: number;
  /** a: flagged area inside the study area, m². */
  flaggedSquareMetres: number;
  /** A: the study area, m². */
  studyAreaSquareMetres: number;
  /** a/A. */
  areaShare: number;
  /** Incidents in the area in the training period (the map's input). */
  trainingIncidents: number;
  /** n: crimes of the test period inside the flagged cells; N: all of them in the area. */
  testIncidentsCaptured: number;
  testIncidents: number;
  /** n/N. */
  hitRate: number;
  /** PAI = (n/N) ÷ (a/A) (Chainey, Tompson & Uhlig 2008). */
  pai: number | null;
  /** PAI* = (n* ÷ N) ÷ (a/A): the best PAI any map flagging as much area could reach on the test crimes. */
  maxPai: number | null;
  /** PEI = PAI ÷ PAI* = n ÷ n* (Hunt 2016). */
  pei: number | null;
}

/**
 * Scores a hot-spot map made from one period against the crimes of the next (brief). The
 * test period is the filter's window; the map is the same filter over the training period.
 *
 * Areas are measured, not counted in cells (Chainey, Tompson & Uhlig 2008: a is the area
 * flagged, A the study area): each cell counts only its part inside the study area, so
 * boundary cells do not inflate a. The hottest cells are flagged in turn until their area
 * reaches topShare × A. PAI = (n/N) ÷ (a/A), hit rate n/N.
 *
 * PEI = PAI ÷ PAI* (Hunt 2016), PAI* = (n* ÷ N) ÷ (a/A) the best PAI for the same flagged
 * area: n* fills the area a with the test period's densest cells (crimes per m² inside the
 * area), the last one pro rata. That is the most any set of cells of area a could hold
 * (the fractional knapsack bound), so n ≤ n* and PEI ≤ 1; with equal whole cells it is
 * Hunt's count in the same number of busiest cells.
 */
export async function hotspotAccuracy(em: EntityManager, filter: AppliedFilter, options: AccuracyOptions): Promise<Accuracy> {
  const topShare = options.topShare ?? 0.05;
  if (!(topShare >= 0.01 && topShare <= 0.5)) throw badInput('input.topShare', `must be between 0.01 and 0.5 (got ${topShare})`);
  const testFrom = filter.from!;
  const testTo = filter.to!;
  const trainTo = options.trainTo ?? testFrom;
  const trainFrom = options.trainFrom ?? new Date(trainTo.getTime() - (testTo.getTime() - testFrom.getTime()));
  if (trainFrom >= trainTo) throw badInput('input.trainFrom', 'must be before trainTo');
  // A test period from year 1 would put the default training period before it, which no timestamp holds.
  if (trainFrom.getTime() < Date.parse('0001-01-01T00:00:00Z'))
    throw badInput('input.trainFrom', 'falls before the year 1: give a later test period or a trainFrom');
  if (trainTo > testFrom) throw badInput('input.trainTo', 'the training period must end before the test period (filter.from) starts');
  const trainingFilter = refine(filter, { from: trainFrom, to: trainTo });
  const train = await hotspotMap(em, trainingFilter, { ...options, clip: true });
  // The same grid, counted over the test period.
  const test = await hotspotMap(em, filter, { ...options, method: 'COUNT' });
  const testCounts = new Map(test.cells.map((c) => [c.id, c.count]));
  const inside = (c: Cell) => c.areaInside ?? 0;
  const bigA = train.areaSquareMetres;
  const target = topShare * bigA;

  const score = (c: Cell) => (train.method === 'GI_STAR' ? (c.zScore ?? Number.NEGATIVE_INFINITY) : c.value);
  const ranked = [...train.cells].sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id));
  const flagged: Cell[] = [];
  let a = 0;
  for (const c of ranked) {
    if (a >= target) break;
    flagged.push(c);
    a += inside(c);
  }
  const n = flagged.reduce((sum, c) => sum + (testCounts.get(c.id) ?? 0), 0);
  const bigN = test.incidentCount;

  // n*: the densest cells of the test period first, until their area inside reaches a.
  const areaOf = new Map(train.cells.map((c) => [c.id, inside(c)]));
  const density = (c: Cell) => {
    const area = areaOf.get(c.id) ?? 0;
    return c.count === 0 ? 0 : area > 0 ? c.count / area : Number.POSITIVE_INFINITY;
  };
  let room = a;
  let best = 0;
  for (const c of [...test.cells].filter((x) => x.count > 0).sort((x, y) => density(y) - density(x) || x.id.localeCompare(y.id))) {
    const area = areaOf.get(c.id) ?? 0;
    if (area <= room) {
      best += c.count;
      room -= area;
    } else {
      best += (c.count * room) / area;
      break;
    }
  }
  const areaShare = bigA > 0 ? a / bigA : 0;
  const pai = bigN > 0 && areaShare > 0 ? n / bigN / areaShare : null;
  const maxPai = bigN > 0 && areaShare > 0 ? best / bigN / areaShare : null;
  return {
    trainingFilter,
    testFilter: filter,
    cellsFlagged: flagged.length,
    flaggedCellIds: flagged.map((c) => c.id),
    cellCount: train.cells.length,
    flaggedSquareMetres: a,
    studyAreaSquareMetres: bigA,
    areaShare,
    trainingIncidents: train.incidentCount,
    testIncidentsCaptured: n,
    testIncidents: bigN,
    hitRate: bigN > 0 ? n / bigN : 0,
    pai,
    maxPai,
    pei: pai !== null && maxPai ? Math.min(1, n / best) : null,
  };
}
