/**
 * Who may call what: the README's role table, as data, shared by the role matrix and the
 * fuzz pass. role-matrix.test.ts reads the SDL, so an operation added without a line here
 * fails it.
 */
export type Caller = 'ANONYMOUS' | 'DEVICE' | 'ANALYST' | 'PLANNER' | 'SUPERINTENDENT';
export const READERS: Caller[] = ['ANALYST', 'PLANNER', 'SUPERINTENDENT'];
export const EVERYONE: Caller[] = ['ANONYMOUS', 'DEVICE', 'ANALYST', 'PLANNER', 'SUPERINTENDENT'];
export const RULES: Record<string, Caller[]> = {
  'Query.appConfig': READERS,
  'Query.me': READERS,
  'Query.zones': READERS,
  'Query.zone': READERS,
  'Query.sites': READERS,
  'Query.site': READERS,
  'Query.incidents': READERS,
  'Query.crimeCategories': READERS,
  'Query.incidentPoints': READERS,
  'Query.places': READERS,
  'Query.patrolUnits': READERS,
  'Query.patrolTrace': READERS,
  'Query.operations': READERS,
  'Query.hotspots': READERS,
  'Query.hotspotAccuracy': READERS,
  'Query.incidentTrend': READERS,
  'Query.coverage': READERS,
  'Query.overdueSites': READERS,
  'Query.visitRequests': ['PLANNER', 'SUPERINTENDENT'],
  'Query.previewZone': ['PLANNER', 'SUPERINTENDENT'],
  // Plans are made (and their progress watched) by planners and superintendents; a device reads its own unit's.
  'Query.patrolPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.unitPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.patrolPlans': ['PLANNER', 'SUPERINTENDENT'],
  'Query.myPlan': ['DEVICE'],
  'Mutation.savePatrolPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.users': ['SUPERINTENDENT'],
  'Query.auditEvents': ['SUPERINTENDENT'],
  'Query.auditEventsCsv': ['SUPERINTENDENT'],
  'Mutation.login': EVERYONE,
  'Mutation.createSite': ['PLANNER'],
  'Mutation.updateSite': ['PLANNER'],
  'Mutation.archiveSite': ['PLANNER'],
  'Mutation.createZone': ['PLANNER'],
  'Mutation.updateZone': ['PLANNER'],
  'Mutation.deleteZone': ['PLANNER'],
  'Mutation.approveVisitRequest': ['PLANNER'],
  'Mutation.rejectVisitRequest': ['PLANNER'],
  // Device accounts are accounts: superintendents manage them too.
  'Mutation.issueDeviceToken': ['PLANNER', 'SUPERINTENDENT'],
  'Mutation.revokeDeviceTokens': ['PLANNER', 'SUPERINTENDENT'],
  'Mutation.reportIncident': ['ANALYST', 'PLANNER'],
  'Mutation.importIncidents': ['ANALYST', 'PLANNER'],
  'Mutation.requestReassuranceVisit': READERS,
  'Mutation.createUser': ['SUPERINTENDENT'],
  'Mutation.disableUser': ['SUPERINTENDENT'],
  'Mutation.recordPositions': ['DEVICE', 'PLANNER', 'SUPERINTENDENT'],
  'Mutation.signOut': ['DEVICE', 'ANALYST', 'PLANNER', 'SUPERINTENDENT'],
  'Subscription.unitPositions': READERS,
  'Subscription.visitRecorded': READERS,
  'Subscription.siteOverdue': READERS,
  'Subscription.incidentReported': READERS,
};
