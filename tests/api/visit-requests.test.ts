import {
  ApproveVisitRequestDocument,
  RejectVisitRequestDocument,
  RequestReassuranceVisitDocument,
  SitesDocument,
  VisitRequestsDocument,
} from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
let analyst: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
  analyst = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

const belsizeShop = offset(SOUTH_END_GREEN, 900, -1300);

describe('reassurance-visit requests: from ask to the patrol list', () => {
  it('an analyst asks; a planner approves; the place is now a site on the list with 2 visits a day', async () => {
    const asked = await t.gql(
      RequestReassuranceVisitDocument,
      {
        input: {
          placeName: 'Israeli-run café, Belsize Park (demo)',
          kind: 'BUSINESS',
          requesterName: 'Cllr Demo',
          community: 'Israeli',
          reason: 'Threats after the event',
          location: { type: 'Point', coordinates: belsizeShop },
        },
      },
      analyst,
    );
    expect(asked.data?.requestReassuranceVisit).toMatchObject({ status: 'PENDING', site: null });
    const pending = await t.gql(VisitRequestsDocument, { status: 'PENDING' }, planner);
    expect(pending.data?.visitRequests.map((r) => r.id)).toEqual([asked.data!.requestReassuranceVisit.id]);

    const approved = await t.gql(
      ApproveVisitRequestDocument,
      { id: asked.data!.requestReassuranceVisit.id, requiredVisitsPerDay: 2 },
      planner,
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveVisitRequest).toMatchObject({
      status: 'APPROVED',
      site: {
        name: 'Israeli-run café, Belsize Park (demo)',
        requiredVisitsPerDay: 2,
        riskLevel: 'HIGH',
        location: { type: 'Point', coordinates: belsizeShop },
      },
    });
    const list = await t.gql(SitesDocument, { filter: { kinds: ['BUSINESS'] } }, planner);
    expect(list.data?.sites.nodes.map((s) => s.id)).toEqual([approved.data!.approveVisitRequest.site!.id]);
    expect(list.data?.sites.nodes[0]?.requestedBy).toBe('Cllr Demo');
  });

  it('a request without a location is placed on the map by the planner on approval', async () => {
    const asked = await t.gql(
      RequestReassuranceVisitDocument,
      { input: { placeName: 'Mosque (demo)', kind: 'MOSQUE', requesterName: 'Trustee', address: 'Somewhere in Islington' } },
      analyst,
    );
    const id = asked.data!.requestReassuranceVisit.id;
    const unplaced = await t.gql(ApproveVisitRequestDocument, { id, requiredVisitsPerDay: 2 }, planner);
    expect(unplaced.errors?.[0]?.message).toBe('location: the request has no location: place the site on the map');
    const placed = await t.gql(
      ApproveVisitRequestDocument,
      { id, requiredVisitsPerDay: 1, location: { type: 'Point', coordinates: [-0.1036, 51.5465] } },
      planner,
    );
    expect(placed.data?.approveVisitRequest.site).toMatchObject({
      requiredVisitsPerDay: 1,
      riskLevel: 'MEDIUM',
      location: { coordinates: [-0.1036, 51.5465] },
    });
  });

  it('a planner rejects with a reason; a decided request cannot be decided again; nothing is half-written', async () => {
    const asked = await t.gql(
      RequestReassuranceVisitDocument,
      { input: { placeName: 'Duplicate (demo)', kind: 'OTHER', requesterName: 'Someone' } },
      analyst,
    );
    const id = asked.data!.requestReassuranceVisit.id;
    const rejected = await t.gql(RejectVisitRequestDocument, { id, reason: 'Already on the list as another site' }, planner);
    expect(rejected.data?.rejectVisitRequest).toMatchObject({ status: 'REJECTED', rejectionReason: 'Already on the list as another site' });
    const sitesBefore = (await t.gql(SitesDocument, {}, planner)).data!.sites.totalCount;
    const again = await t.gql(
      ApproveVisitRequestDocument,
      { id, requiredVisitsPerDay: 2, location: { type: 'Point', coordinates: SOUTH_END_GREEN } },
      planner,
    );
    expect(again.errors?.[0]).toMatchObject({ message: 'id: request is already rejected', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await t.gql(SitesDocument, {}, planner)).data!.sites.totalCount).toBe(sitesBefore);
  });

  it('only planners approve or reject, and analysts cannot list requests', async () => {
    const asked = await t.gql(
      RequestReassuranceVisitDocument,
      { input: { placeName: 'School (demo)', kind: 'SCHOOL', requesterName: 'Head teacher' } },
      planner,
    );
    const id = asked.data!.requestReassuranceVisit.id;
    for (const role of ['ANALYST', 'SUPERINTENDENT'] as const) {
      const token = await t.tokenFor(role);
      expect((await t.gql(ApproveVisitRequestDocument, { id, requiredVisitsPerDay: 2 }, token)).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await t.gql(RejectVisitRequestDocument, { id, reason: 'no' }, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.gql(VisitRequestsDocument, {}, analyst)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(VisitRequestsDocument, {}, await t.tokenFor('SUPERINTENDENT'))).data?.visitRequests.length).toBe(4);
  });
});
