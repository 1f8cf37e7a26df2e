import { MeDocument } from '@vigil/schema';
import { useEffect } from 'react';
import { useQuery } from '../api/useQuery';
import { useAuth } from '../auth/AuthProvider';
import type { SessionUser } from '../auth/session';
import { MapView } from '../map/MapView';
import { useAppConfig } from '../map/useAppConfig';
import { useZones } from '../map/useZones';
import { SidePanel } from '../panels/SidePanel';
import { Header } from './Header';

const NO_ZONES: never[] = [];

/** The signed-in dashboard: header, role panels and the map. */
export function Dashboard({ user }: { user: SessionUser }) {
  const { signOut, updateUser } = useAuth();
  // `me` checks the stored token at once (a revoked one signs out) and picks up role changes.
  const me = useQuery(MeDocument);
  const zones = useZones();
  const config = useAppConfig();

  useEffect(() => {
    if (me.data) updateUser(me.data.me);
  }, [me.data, updateUser]);

  return (
    <div className="app">
      <a className="skip-link" href="#map">
        Skip to map
      </a>
      <Header user={user} onSignOut={() => signOut()} />
      <main className="workspace">
        <SidePanel
          role={user.role}
          zones={zones.data?.zones}
          zonesLoading={zones.loading}
          zonesError={zones.error}
          onRetryZones={zones.refetch}
          config={config.data?.appConfig}
          configError={config.error}
        />
        <section id="map" className="map-area" data-testid="map" aria-label="Map of Camden and Islington" tabIndex={-1}>
          <MapView zones={zones.data?.zones ?? NO_ZONES} zonesVersion={zones.version} config={config.data?.appConfig} />
        </section>
      </main>
    </div>
  );
}
