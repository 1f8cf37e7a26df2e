import 'leaflet/dist/leaflet.css';
import type { AppConfigQuery } from '@vigil/schema';
import type { LatLngTuple } from 'leaflet';
import { LayerGroup, LayersControl, MapContainer, ScaleControl, TileLayer } from 'react-leaflet';
import { Legend } from './Legend';
import { MAP_LAYERS, WARDS_LAYER } from './layers';
import type { Zone } from './useZones';
import { WardsLayer } from './WardsLayer';

/** Between Camden Town and Highbury: both boroughs fit a laptop screen at zoom 13. */
const CAMDEN_ISLINGTON: LatLngTuple = [51.545, -0.14];
const START_ZOOM = 13;

interface MapViewProps {
  zones: readonly Zone[];
  zonesVersion: number;
  config: AppConfigQuery['appConfig'] | undefined;
}

/**
 * The map and its layers. It must be readable with no tile server (tests and air-gapped
 * deployments run without one), so the ward outlines are the base and street tiles are an
 * option that appears only when the server configures a tile URL.
 */
export function MapView({ zones, zonesVersion, config }: MapViewProps) {
  const tileUrl = config?.tileUrl?.trim();

  return (
    <MapContainer center={CAMDEN_ISLINGTON} zoom={START_ZOOM} preferCanvas className="map" minZoom={10} maxZoom={19}>
      <LayersControl position="topright" collapsed={false}>
        {tileUrl ? (
          <>
            <LayersControl.BaseLayer checked name="Street map">
              <TileLayer url={tileUrl} attribution={config?.tileAttribution ?? ''} maxZoom={19} />
            </LayersControl.BaseLayer>
            <LayersControl.BaseLayer name="No background">
              <LayerGroup />
            </LayersControl.BaseLayer>
          </>
        ) : null}
        <LayersControl.Overlay checked={WARDS_LAYER.visibleAtStart} name={WARDS_LAYER.name}>
          {/* The group stays while the keyed GeoJSON inside is replaced, so the control keeps its state. */}
          <LayerGroup>
            <WardsLayer zones={zones} version={zonesVersion} overTiles={Boolean(tileUrl)} />
          </LayerGroup>
        </LayersControl.Overlay>
      </LayersControl>
      <ScaleControl position="bottomleft" imperial={false} />
      <Legend layers={MAP_LAYERS} />
    </MapContainer>
  );
}
