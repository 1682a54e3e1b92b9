import type { SensorSite } from './contract';

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km. */
export function distanceKm(a: SensorSite, b: SensorSite): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A neighbour of a sensor and its inverse-distance weight. */
export interface Neighbour {
  deviceId: string;
  km: number;
  weight: number;
}

/**
 * The k nearest other sensors of every site, nearest first, with IDW weights
 * 1/d². Distances are floored at 0.5 km so co-located sensors do not get an
 * infinite weight.
 */
export function nearestNeighbours(sites: readonly SensorSite[], candidates: ReadonlySet<string>, k: number): Map<string, Neighbour[]> {
  const result = new Map<string, Neighbour[]>();
  const pool = sites.filter((site) => candidates.has(site.deviceId));
  for (const site of sites) {
    const list = pool
      .filter((other) => other.deviceId !== site.deviceId)
      .map((other) => {
        const km = distanceKm(site, other);
        return { deviceId: other.deviceId, km, weight: 1 / Math.max(0.5, km) ** 2 };
      })
      .sort((a, b) => a.km - b.km)
      .slice(0, k);
    result.set(site.deviceId, list);
  }
  return result;
}
