import { EmptyState, Panel } from './Panel';

/** Planner: if a zone is redrawn or a site added, what share of hot spots and sites does the plan cover? */
export function ZonePlanningPanel() {
  return (
    <Panel id="planner" title="Zone planning">
      <EmptyState
        what="The share of hot spots and listed sites each patrol zone covers, and how that share changes as you redraw a zone or add a site, will appear here."
        todo={
          <>
            The zones start as the ward outlines on the map. No sites or incidents yet: run <code>pnpm vigil seed</code> to load the demo
            sites.
          </>
        }
      />
    </Panel>
  );
}
