import { distanceKm, FEATURE_SETTINGS, type SensorSite } from '@airfill/features';

/**
 * Sensors per group of a large network's fill: each chunk is one group over
 * one time window. About 250 keeps both overheads of a chunk small at a
 * chunk of 100,000 missing readings (hourly, ~15% missing): the group's
 * window spans months, so the feature context around it (`CONTEXT_MS` each
 * side) adds ~10%, and the neighbours around the group, read for one
 * parameter only, add ~15% (1,000 sensors over a city: about 74 around a
 * group of 250). A network of at most this many sensors is one
 * group: its chunks are cut by time alone, as before groups.
 */
export const DEFAULT_GROUP_SENSORS = 250;

/**
 * Sensors read around a group per member: as many as the features use, of
 * those that observed the parameter in the context's window, so the ring
 * holds exactly the neighbours the members' features find over the whole
 * network (`FEATURE_SETTINGS.neighbours` nearest with data).
 */
export const RING_NEIGHBOURS = FEATURE_SETTINGS.neighbours;

/**
 * Splits sites into as few spatially compact groups of at most
 * `maxPerGroup` as fit them (`ceil(n / maxPerGroup)`), of even sizes: cuts
 * across the longer side of their bounding box (east-west distances shrunk
 * by the cosine of the latitude), each side getting its share of the
 * groups, again until each part is small enough. Compact groups keep the neighbours around a group
 * few. Deterministic: the same sites in any order give the same groups,
 * each sorted by device id, west/south part first.
 */
export function groupSensorsSpatially(sites: readonly SensorSite[], maxPerGroup: number): string[][] {
  if (!Number.isInteger(maxPerGroup) || maxPerGroup < 1) throw new RangeError(`maxPerGroup must be a positive integer, got ${maxPerGroup}`);
  const groups: string[][] = [];
  const split = (part: SensorSite[]) => {
    if (part.length <= maxPerGroup) {
      if (part.length > 0) groups.push(part.map((site) => site.deviceId).sort());
      return;
    }
    const box = boundingBox(part);
    const midLatitude = ((box.south + box.north) / 2) * (Math.PI / 180);
    const northSouth = box.north - box.south;
    const eastWest = (box.east - box.west) * Math.cos(midLatitude);
    const key = eastWest >= northSouth ? (site: SensorSite) => site.longitude : (site: SensorSite) => site.latitude;
    const sorted = [...part].sort((a, b) => key(a) - key(b) || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    // As few groups as the size allows, as even as can be: the cut gives each side its share of them.
    const parts = Math.ceil(sorted.length / maxPerGroup);
    const cut = Math.round((sorted.length * Math.ceil(parts / 2)) / parts);
    split(sorted.slice(0, cut));
    split(sorted.slice(cut));
  };
  split([...sites]);
  return groups;
}

/** The extent of some sites in degrees, in one pass (no spread call: a network may have more sites than a call takes arguments). */
function boundingBox(sites: readonly SensorSite[]): { south: number; north: number; west: number; east: number } {
  const box = { south: Infinity, north: -Infinity, west: Infinity, east: -Infinity };
  for (const { latitude, longitude } of sites) {
    box.south = Math.min(box.south, latitude);
    box.north = Math.max(box.north, latitude);
    box.west = Math.min(box.west, longitude);
    box.east = Math.max(box.east, longitude);
  }
  return box;
}

/**
 * The sensors around a group: for each member, its `perMember` nearest
 * candidates outside the group; their union, nearest first per member,
 * each once. What a group's features read besides the group itself, given
 * as candidates the sensors with data in the context's window.
 */
export function neighbourRing(group: ReadonlySet<string>, candidates: readonly SensorSite[], perMember: number = RING_NEIGHBOURS): string[] {
  const outside = candidates.filter((site) => !group.has(site.deviceId));
  const ring = new Set<string>();
  for (const member of candidates) {
    if (!group.has(member.deviceId)) continue;
    const nearest = outside
      .map((site) => ({ deviceId: site.deviceId, km: distanceKm(member, site) }))
      .sort((a, b) => a.km - b.km || (a.deviceId < b.deviceId ? -1 : 1))
      .slice(0, perMember);
    for (const { deviceId } of nearest) ring.add(deviceId);
  }
  return [...ring];
}
