import { EmptyState, Panel } from './Panel';

/** Analyst: where and when crime concentrates, and whether it changed after an event. */
export function HotSpotsPanel() {
  return (
    <Panel id="analyst" title="Hot spots">
      <EmptyState
        what="Getis–Ord Gi* hot spots on a metric grid, dark-nights filtering and before/after counts around an event date will appear here."
        todo={
          <>
            No incidents yet: run <code>pnpm vigil seed</code> to load the demo incidents, or import a police.uk street-level crime CSV.
          </>
        }
      />
    </Panel>
  );
}
