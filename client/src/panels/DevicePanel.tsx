import { EmptyState, Panel } from './Panel';

/** Device accounts exist so patrol units can send positions; they have nothing to watch here. */
export function DevicePanel() {
  return (
    <Panel id="device" title="Patrol device">
      <EmptyState
        what="This account belongs to a patrol unit's device, which sends positions to Vigil over the API."
        todo="To watch coverage, query hot spots or plan zones, sign out and sign in with a superintendent, analyst or planner account."
      />
    </Panel>
  );
}
