import { SitesWithLastVisitDocument } from '@vigil/schema';
import { storePositions } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { statementsDuring } from '../support/statements.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // 120 sites on a line 100 m apart, each visited once by one of three units.
  const units = [await makeUnit(t.em()), await makeUnit(t.em()), await makeUnit(t.em())];
  for (let i = 0; i < 120; i++) {
    const at = offset(SOUTH_END_GREEN, i * 100, 0);
    await makeSite(t.em(), { name: `Site ${String(i).padStart(3, '0')}`, at });
    await storePositions(t.em(), units[i % 3]!.id, stay(at, new Date(Date.now() - (i + 1) * 600_000), 3, { everySeconds: 30, metres: 0 }), {
      radiusMetres: 30,
      gapSeconds: 120,
    });
  }
});
afterAll(() => t?.close());

/** Counts every SQL statement the (in-process) server sends while `work` runs. */
const statementCount = async (work: () => Promise<unknown>) => (await statementsDuring(t, work)).length;

describe('no N+1: relations are batched per request', () => {
  it('a page of 100 sites with their last visit, its unit and coverage costs as many statements as a page of 10', async () => {
    const token = await t.tokenFor('SUPERINTENDENT');
    // One request first, so both measured ones find the token checked already (CallerCache).
    await t.gql(SitesWithLastVisitDocument, { first: 1 }, token);
    let hundred: Awaited<ReturnType<typeof t.gql<unknown, unknown>>> | undefined;
    const forHundred = await statementCount(async () => {
      hundred = await t.gql(SitesWithLastVisitDocument, { first: 100 }, token);
    });
    const forTen = await statementCount(() => t.gql(SitesWithLastVisitDocument, { first: 10 }, token));
    const page = (hundred as { data: { sites: { edges: { node: { lastVisit: { unit: { callSign: string } } | null } }[] } } }).data.sites
      .edges;
    expect(page).toHaveLength(100);
    expect(page.every((e) => e.node.lastVisit?.unit.callSign)).toBe(true);
    expect(forHundred).toBe(forTen);
    // Count, page, audit, last visits (ids + rows), units, visits in the last 24 h.
    expect(forHundred).toBeLessThanOrEqual(10);
  });
});
