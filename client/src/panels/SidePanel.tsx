import type { AppConfigQuery, Role } from '@vigil/schema';
import type { ReactNode } from 'react';
import type { Zone } from '../map/useZones';
import { DevicePanel } from './DevicePanel';
import { HotSpotsPanel } from './HotSpotsPanel';
import { LiveCoveragePanel } from './LiveCoveragePanel';
import { MapInfoPanel } from './MapInfoPanel';
import { ZonePlanningPanel } from './ZonePlanningPanel';

/** Each role's own question comes first (see the brief's table of users). */
const ROLE_PANELS: Record<Role, () => ReactNode> = {
  SUPERINTENDENT: () => <LiveCoveragePanel />,
  ANALYST: () => <HotSpotsPanel />,
  PLANNER: () => <ZonePlanningPanel />,
  DEVICE: () => <DevicePanel />,
};

interface SidePanelProps {
  role: Role;
  zones: readonly Zone[] | undefined;
  zonesLoading: boolean;
  zonesError: Error | undefined;
  onRetryZones: () => void;
  config: AppConfigQuery['appConfig'] | undefined;
  configError: Error | undefined;
}

export function SidePanel({ role, ...mapInfo }: SidePanelProps) {
  return (
    <aside className="side-panel" data-testid="side-panel" aria-label="Panels">
      {ROLE_PANELS[role]()}
      <MapInfoPanel {...mapInfo} />
    </aside>
  );
}
