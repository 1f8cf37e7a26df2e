import { EmptyState, Panel } from './Panel';

/** Superintendent: "which high-risk sites have had their visits today, where are my units, what is overdue?" */
export function LiveCoveragePanel() {
  return (
    <Panel id="superintendent" title="Live coverage">
      <EmptyState
        what="Today's visits to high-risk sites against the visits they need, where each patrol unit is now, and which sites are overdue will appear here."
        todo={
          <>
            No patrol data yet: run <code>pnpm vigil seed</code> to load the demo sites and patrol units, or connect the units' devices so
            they send positions.
          </>
        }
      />
    </Panel>
  );
}
