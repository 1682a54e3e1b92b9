import { seededRandom } from '@airfill/model';

/** A standard normal draw from a uniform source (Box-Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * The regional "weather" at one anchor point, hour by hour: an AR(1)
 * wander plus pollution episodes that build up over days (stagnant air)
 * and clear within hours (a front passing), as PM series in cities do.
 */
export function weatherSeries(hours: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const out = new Float64Array(hours);
  let wander = 0;
  let episode = 0;
  let building = 0;
  for (let hour = 0; hour < hours; hour += 1) {
    wander = 0.97 * wander + 0.06 * normal(random);
    if (building > 0) {
      episode += 0.012 + 0.004 * random();
      building -= 1;
      // A front clears the air quickly once the episode ends.
      if (building === 0) building = -Math.round(4 + 6 * random());
    } else if (building < 0) {
      episode *= 0.75;
      building += 1;
    } else {
      episode *= 0.98;
      // About one episode a week, lasting one to five days.
      if (random() < 1 / 170) building = Math.round(24 + 96 * random());
    }
    out[hour] = wander + episode;
  }
  return out;
}

/** A point on the map. */
export interface Site {
  latitude: number;
  longitude: number;
}

/** Kilometres between two sites (equirectangular; fine at city scale). */
export function km(a: Site, b: Site): number {
  const x = (b.longitude - a.longitude) * Math.cos(((a.latitude + b.latitude) / 2) * (Math.PI / 180)) * 111.32;
  const y = (b.latitude - a.latitude) * 110.57;
  return Math.hypot(x, y);
}

/**
 * Spatially correlated weather: a few anchor series blended per site with
 * Gaussian weights by distance, so nearby sensors move together and far
 * ones less (what makes neighbours useful to the model).
 */
export function blendWeights(site: Site, anchors: readonly Site[], scaleKm: number): number[] {
  const raw = anchors.map((anchor) => Math.exp(-((km(site, anchor) / scaleKm) ** 2)) + 1e-3);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight) => weight / total);
}
