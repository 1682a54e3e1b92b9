const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Time of day in local solar time (UTC shifted by longitude/15 h): sites carry no time zone, the sun does. */
export interface TimeFeatures {
  hourSin: number;
  hourCos: number;
}

/** Time of day on the unit circle (so 23:00 and 00:00 are close) at an instant and longitude. */
export function timeFeatures(ts: number, longitude: number): TimeFeatures {
  const local = ts + (Number.isFinite(longitude) ? longitude / 15 : 0) * HOUR_MS;
  const hour = (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const hourAngle = (2 * Math.PI * hour) / 24;
  return { hourSin: Math.sin(hourAngle), hourCos: Math.cos(hourAngle) };
}
