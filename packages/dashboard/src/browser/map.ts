import L from 'leaflet';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { DashboardConfig, Sensor } from './api';
import { completenessColour } from './format';

/**
 * The sensor map: the bundled Natural Earth outline (works offline), a tile
 * layer on top when the deployment configures one, and one circle per
 * sensor coloured by completeness. `onSelect` is called with the device id.
 */
export async function drawMap(element: HTMLElement, config: DashboardConfig, sensors: Sensor[], onSelect: (deviceId: string) => void): Promise<Map<string, L.CircleMarker>> {
  const map = L.map(element, { preferCanvas: false, attributionControl: true });
  // The view first: Leaflet cannot place vector layers on a map without one.
  const bounds = L.latLngBounds(sensors.map((s) => [s.latitude, s.longitude] as [number, number]));
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.3), { maxZoom: 12 });
  else map.setView([20, 0], 2);
  const world = (await (await fetch('outline.json')).json()) as Topology<{ countries: GeometryCollection }>;
  L.geoJSON(feature(world, world.objects.countries), { style: { color: '#b8c2cc', weight: 0.6, fillColor: '#f7f5ef', fillOpacity: 1 }, interactive: false }).addTo(map);
  L.geoJSON(mesh(world, world.objects.countries, (a, b) => a !== b), { style: { color: '#8895a3', weight: 1 }, interactive: false }).addTo(map);
  map.attributionControl.addAttribution('Outline: Natural Earth');
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);

  const markers = new Map<string, L.CircleMarker>();
  for (const sensor of sensors) {
    const marker = L.circleMarker([sensor.latitude, sensor.longitude], {
      radius: 9,
      color: '#1d2430',
      weight: 1,
      fillColor: completenessColour(sensor.completeness),
      fillOpacity: 0.9,
      className: 'sensor-marker',
    })
      .bindTooltip(`${sensor.deviceId}${sensor.location && sensor.location !== sensor.deviceId ? ` (${sensor.location})` : ''}`)
      .on('click', () => onSelect(sensor.deviceId))
      .addTo(map);
    marker.getElement()?.setAttribute('data-device', sensor.deviceId);
    markers.set(sensor.deviceId, marker);
  }
  return markers;
}
