import { registerEnumType } from 'type-graphql';

/** Who a caller is to Vigil. The rules per role are in the README's role table. */
export enum Role {
  SUPERINTENDENT = 'SUPERINTENDENT',
  ANALYST = 'ANALYST',
  PLANNER = 'PLANNER',
  /** A patrol device: may only send positions for its own unit. */
  DEVICE = 'DEVICE',
}

registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    SUPERINTENDENT: { description: 'Watches live coverage; reads everything, including the audit log; manages users.' },
    ANALYST: { description: 'Reads incidents, hot spots and coverage; imports and reports incidents.' },
    PLANNER: { description: 'Everything an analyst does, and changes sites, zones, units and requests.' },
    DEVICE: { description: 'A patrol device: sends positions for its own unit only.' },
  },
  description:
    'What a caller may do: superintendents watch coverage, analysts query hot spots, planners change zones and sites, devices send positions.',
});
