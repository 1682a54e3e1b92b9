const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Calendar features in local solar time (UTC shifted by longitude/15 h): sites carry no time zone, the sun does. */
export interface TimeFeatures {
  hourSin: number;
  hourCos: number;
  weekday: number;
  doySin: number;
  doyCos: number;
}

/** Time of day, weekday (0 = Sunday) and season (day-of-year on the unit circle) of an instant at a longitude. */
export function timeFeatures(ts: number, longitude: number): TimeFeatures {
  const local = ts + (Number.isFinite(longitude) ? longitude / 15 : 0) * HOUR_MS;
  const hour = (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const date = new Date(local);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const dayOfYear = (local - yearStart) / DAY_MS;
  const hourAngle = (2 * Math.PI * hour) / 24;
  const dayAngle = (2 * Math.PI * dayOfYear) / 365.25;
  return {
    hourSin: Math.sin(hourAngle),
    hourCos: Math.cos(hourAngle),
    weekday: date.getUTCDay(),
    doySin: Math.sin(dayAngle),
    doyCos: Math.cos(dayAngle),
  };
}
