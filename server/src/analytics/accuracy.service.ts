import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../graphql/errors.js';
import { type HotspotOptions, hotspotMap } from './hotspot.service.js';

export interface AccuracyOptions extends Omit<HotspotOptions, 'from' | 'to'> {
  trainFrom: Date;
  trainTo: Date;
  testFrom: Date;
  testTo: Date;
  /** Share of the area flagged as hot: the top-scoring cells, 0.01–0.5 (default 0.05). */
  topShare?: number | null;
}

export interface Accuracy {
  cellsFlagged: number;
  cellCount: number;
  /** a/A: share of the area flagged. */
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
  /** The best PAI any choice of as many cells could reach on the test crimes. */
  maxPai: number | null;
  /** PEI = PAI ÷ max PAI (Hunt 2016): how close the map came to the best possible. */
  pei: number | null;
}

/**
 * Scores a hot-spot map made from one period against the crimes of the next (brief): flag
 * the top-scoring cells covering `topShare` of the area, then count the test crimes in them.
 */
export async function hotspotAccuracy(em: EntityManager, srid: number, options: AccuracyOptions): Promise<Accuracy> {
  const topShare = options.topShare ?? 0.05;
  if (!(topShare >= 0.01 && topShare <= 0.5)) throw badInput('input.topShare', `must be between 0.01 and 0.5 (got ${topShare})`);
  if (options.trainTo > options.testFrom) throw badInput('input.testFrom', 'the test period must start after the training period ends');
  const train = await hotspotMap(em, srid, { ...options, from: options.trainFrom, to: options.trainTo });
  // The same grid, counted over the test period.
  const test = await hotspotMap(em, srid, { ...options, method: 'COUNT', from: options.testFrom, to: options.testTo });
  const testCounts = new Map(test.cells.map((c) => [c.id, c.count]));
  const score = (c: (typeof train.cells)[number]) => (train.method === 'GI_STAR' ? (c.zScore ?? Number.NEGATIVE_INFINITY) : c.value);
  const k = Math.max(1, Math.round(topShare * train.cells.length));
  const flagged = [...train.cells].sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id)).slice(0, k);
  const n = flagged.reduce((sum, c) => sum + (testCounts.get(c.id) ?? 0), 0);
  const bigN = test.cells.reduce((sum, c) => sum + c.count, 0);
  const best = [...test.cells.map((c) => c.count)]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((a, b) => a + b, 0);
  const areaShare = k / train.cells.length;
  const pai = bigN > 0 ? n / bigN / areaShare : null;
  const maxPai = bigN > 0 ? best / bigN / areaShare : null;
  return {
    cellsFlagged: k,
    cellCount: train.cells.length,
    areaShare,
    trainingIncidents: train.incidentCount,
    testIncidentsCaptured: n,
    testIncidents: bigN,
    hitRate: bigN > 0 ? n / bigN : 0,
    pai,
    maxPai,
    pei: pai !== null && maxPai ? pai / maxPai : null,
  };
}
