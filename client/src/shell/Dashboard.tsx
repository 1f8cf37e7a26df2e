import { DashboardHotspotsDocument, DashboardZoneCoverageDocument, type IncidentFilter, MeDocument } from '@vigil/schema';
import type { Geometry } from 'geojson';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { useLiveCache, VisitFeedContext } from '../api/liveCache';
import { useGraphQL } from '../api/queries';
import { useAuth } from '../auth/AuthProvider';
import type { SessionUser } from '../auth/session';
import { FilterBar } from '../filters/FilterBar';
import { hotspotClasses } from '../map/hotspotStyle';
import { type MapFocus, MapView } from '../map/MapView';
import { STREET_ZOOM } from '../map/PlaceSearch';
import type { Trace } from '../map/TraceLayer';
import { useAppConfig } from '../map/useAppConfig';
import { useIncidentPoints } from '../map/useIncidentPoints';
import { useLiveUnits } from '../map/useLiveUnits';
import { useSites } from '../map/useSites';
import { useZones } from '../map/useZones';
import type { ZoneEditorState } from '../map/ZoneEditorLayer';
import { BriefingPanel } from '../panels/Briefing';
import { DevicePanel } from '../panels/DevicePanel';
import { HotSpotsPanel } from '../panels/HotSpotsPanel';
import { LiveCoveragePanel } from '../panels/LiveCoveragePanel';
import { MapInfoPanel } from '../panels/MapInfoPanel';
import { OverduePanel, useOverdue } from '../panels/OverduePanel';
import { SidePanel } from '../panels/SidePanel';
import { SiteDetailPanel } from '../panels/SiteDetailPanel';
import { TracePanel } from '../panels/TracePanel';
import { TrendPanel } from '../panels/TrendPanel';
import { VisitRequestsPanel } from '../panels/VisitRequestsPanel';
import { ZonePlanningPanel } from '../panels/ZonePlanningPanel';
import { PlanPanel } from '../plans/PlanPanel';
import { PlanProgressPanel } from '../plans/PlanProgressPanel';
import type { PlanOnMap } from '../plans/planView';
import { incidentFilterOf } from '../state/incidentFilter';
import { MapReadyContext } from '../state/mapReady';
import { clampTo31Days, usePeriod } from '../state/period';
import { useMapState } from '../state/urlState';
import { Header } from './Header';

const NO_ZONES: never[] = [];

/** The signed-in dashboard: header, filters, role panels and the map. */
export function Dashboard({ user }: { user: SessionUser }) {
  const live = useLiveCache(user.role !== 'DEVICE');
  return (
    <VisitFeedContext value={live}>
      <DashboardView user={user} />
    </VisitFeedContext>
  );
}

function DashboardView({ user }: { user: SessionUser }) {
  const { endSession, updateUser } = useAuth();
  const { liveStatus } = useApi();
  const role = user.role;
  const device = role === 'DEVICE';
  // `me` checks the stored token at once (a revoked one signs out) and picks up role changes.
  const me = useGraphQL(MeDocument, undefined);
  const config = useAppConfig();
  const zones = useZones();
  const [state, setState] = useMapState(role);
  const period = usePeriod(state);

  useEffect(() => {
    if (me.data) updateUser(me.data.me);
  }, [me.data, updateUser]);

  // Layers fetch only while switched on (the analyst's panel needs the hot spots regardless).
  const layerOn = (id: Parameters<typeof state.layers.has>[0]) => !device && state.layers.has(id);
  // The one filter every layer and figure sends (see state/incidentFilter.ts).
  const filter: IncidentFilter = incidentFilterOf(state, period);
  const hotspotInput = {
    filter,
    method: state.method,
    cellSize: state.cellSize,
    shape: state.shape,
    fdr: state.method === 'GI_STAR' ? state.fdr : undefined,
  };
  const hotspotsWanted = layerOn('hotspots') || role === 'ANALYST';
  const hotspots = useGraphQL(DashboardHotspotsDocument, { input: hotspotInput }, { enabled: hotspotsWanted });
  const hotspotResult = hotspots.data?.hotspots;
  const classes = useMemo(() => (hotspotResult ? hotspotClasses(hotspotResult) : undefined), [hotspotResult]);

  const incidents = useIncidentPoints(filter, layerOn('incidents'));
  const sites = useSites(layerOn('sites'));
  // The unit list feeds the trace panel too; the live feed runs while the units are on the map.
  const live = useLiveUnits({ skipQuery: device, skipLive: device || !(layerOn('units') || role === 'SUPERINTENDENT') });
  const coverageWindow = clampTo31Days(period);
  const zoneCoverage = useGraphQL(
    DashboardZoneCoverageDocument,
    { input: { from: coverageWindow.from, to: coverageWindow.to } },
    { enabled: layerOn('zones') },
  );
  const zoneShares = useMemo(
    () => (zoneCoverage.data ? new Map(zoneCoverage.data.coverage.zones.map((z) => [z.zone.id, z.coveredShare])) : undefined),
    [zoneCoverage.data],
  );
  const overdue = useOverdue(role === 'SUPERINTENDENT');
  // The layers on screen have their data (or failed): the costly panel figures may start.
  const mapReady =
    (!hotspotsWanted || !hotspots.isPending || hotspots.isError) &&
    (!layerOn('incidents') || incidents.points !== undefined || incidents.error !== null);

  const [selectedSiteId, setSelectedSiteId] = useState<string | null>(null);
  const [focus, setFocus] = useState<MapFocus | null>(null);
  const focusOn = useCallback((f: Omit<MapFocus, 'seq'>) => setFocus((prev) => ({ ...f, seq: (prev?.seq ?? 0) + 1 })), []);
  const [trace, setTrace] = useState<Trace | null>(null);
  const [replayIndex, setReplayIndex] = useState(0);
  const [editor, setEditor] = useState<ZoneEditorState>({ mode: 'idle' });
  const [placing, setPlacing] = useState<{ requestId: string | null; at: [number, number] | null }>({ requestId: null, at: null });
  const [planOnMap, setPlanOnMap] = useState<PlanOnMap | null>(null);

  const showTrace = useCallback(
    (next: Trace | null) => {
      setTrace(next);
      if (!next || next.points.length === 0) return;
      setState((s) => (s.layers.has('trace') ? {} : { layers: new Set([...s.layers, 'trace']) }));
      // The whole path in view, however far it went.
      const lats = next.points.map((p) => p.latitude);
      const lngs = next.points.map((p) => p.longitude);
      focusOn({
        lat: lats[0]!,
        lng: lngs[0]!,
        zoom: 17,
        noMarker: true,
        bounds: [
          [Math.min(...lats), Math.min(...lngs)],
          [Math.max(...lats), Math.max(...lngs)],
        ],
      });
    },
    [setState, focusOn],
  );
  const showSite = useCallback(
    (site: { id: string; name: string; latitude: number; longitude: number }) => {
      setSelectedSiteId(site.id);
      focusOn({ lat: site.latitude, lng: site.longitude, zoom: STREET_ZOOM, label: site.name });
      setState((s) => (s.layers.has('sites') ? {} : { layers: new Set([...s.layers, 'sites']) }));
    },
    [focusOn, setState],
  );

  const siteDetail = selectedSiteId ? (
    <SiteDetailPanel key={selectedSiteId} siteId={selectedSiteId} onClose={() => setSelectedSiteId(null)} onShow={showSite} />
  ) : null;
  const tracePanel = (
    <TracePanel units={live.units} trace={trace} onTrace={showTrace} replayIndex={replayIndex} onReplayIndex={setReplayIndex} />
  );
  const hotspotPanel = (
    <HotSpotsPanel
      state={state}
      onState={setState}
      period={period}
      result={hotspotResult}
      loading={hotspots.isFetching}
      error={hotspots.error}
      onRetry={() => void hotspots.refetch()}
      incidents={{
        shown: incidents.points?.count,
        total: incidents.points?.totalCount,
        loading: incidents.loading,
        on: layerOn('incidents'),
      }}
    />
  );

  // Each role's own question comes first (see the brief's table of users).
  const panels =
    role === 'SUPERINTENDENT' ? (
      <>
        <LiveCoveragePanel
          state={state}
          period={period}
          overdueCount={overdue.data?.overdueSites.length}
          live={liveStatus === 'connected'}
        />
        <OverduePanel overdue={overdue} onSelect={showSite} />
        <PlanProgressPanel onShow={setPlanOnMap} />
        {siteDetail}
        <BriefingPanel overdue={overdue.data?.overdueSites} />
        {tracePanel}
        <TrendPanel state={state} />
      </>
    ) : role === 'ANALYST' ? (
      <>
        {hotspotPanel}
        <TrendPanel state={state} />
        {siteDetail}
        {tracePanel}
      </>
    ) : role === 'PLANNER' ? (
      <>
        <ZonePlanningPanel
          zones={zones.data?.zones}
          editor={editor}
          setEditor={setEditor}
          period={period}
          filter={filter}
          onFocus={focusOn}
        />
        <VisitRequestsPanel
          placing={placing}
          setPlacing={setPlacing}
          onFocus={(lat, lng, label) => focusOn({ lat, lng, zoom: STREET_ZOOM, label })}
          onApproved={(site) => showSite(site)}
        />
        <PlanPanel onShow={setPlanOnMap} />
        {siteDetail}
      </>
    ) : (
      <DevicePanel />
    );

  return (
    <MapReadyContext value={mapReady}>
      <div className="app">
        <a className="skip-link" href="#map">
          Skip to map
        </a>
        <Header user={user} onSignOut={endSession} />
        <main className="workspace">
          <SidePanel>
            {panels}
            <MapInfoPanel
              zones={zones.data?.zones}
              zonesError={zones.error}
              onRetryZones={() => void zones.refetch()}
              config={config.data?.appConfig}
              configError={config.error}
            />
          </SidePanel>
          <section className="map-column" aria-label="Map and filters">
            {device ? null : <FilterBar state={state} onState={setState} period={period} />}
            <section id="map" className="map-area" data-testid="map" aria-label="Map of Camden and Islington" tabIndex={-1}>
              <MapView
                state={state}
                onState={setState}
                zones={zones.data?.zones ?? NO_ZONES}
                config={config.data?.appConfig}
                hotspots={{ result: hotspotResult, classes }}
                incidents={incidents.points}
                sites={sites.sites}
                selectedSiteId={selectedSiteId}
                onSelectSite={(id) => setSelectedSiteId(id)}
                units={live.store}
                zoneShares={zoneShares}
                periodLabel={period.label}
                trace={trace}
                replayIndex={replayIndex}
                focus={focus}
                onFocus={focusOn}
                plan={planOnMap}
                planner={
                  role === 'PLANNER'
                    ? {
                        editor,
                        onDrawn: (boundary: Geometry) => setEditor({ mode: 'editing', zoneId: null, boundary, session: Date.now() }),
                        onChange: (boundary: Geometry) => setEditor((e) => (e.mode === 'editing' ? { ...e, boundary } : e)),
                        onCancel: () => setEditor({ mode: 'idle' }),
                        placing: placing.requestId !== null && placing.at === null,
                        placedAt: placing.requestId !== null ? placing.at : null,
                        onPlace: (lat: number, lng: number) => setPlacing((p) => (p.requestId ? { ...p, at: [lat, lng] } : p)),
                      }
                    : undefined
                }
              />
            </section>
          </section>
        </main>
      </div>
    </MapReadyContext>
  );
}
