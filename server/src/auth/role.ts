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
  description:
    'What a caller may do: superintendents watch coverage, analysts query hot spots, planners change zones and sites, devices send positions.',
});
