import { seededRandom } from '@airfill/model';
import { blendWeights, normal, weatherSeries, type Site } from './field';

/** What to generate. */
export interface SynthOptions {
  /** @default 12 */
  sensors?: number;
  /** @default 30 */
  days?: number;
  /**
   * Minutes between readings. Outages keep their wall-clock lengths (hours to
   * days) at any cadence, so at 2 min they span 30 times as many readings;
   * single lost readings stay a share of readings. @default 60
   */
  stepMinutes?: number;
  /** First hour (UTC). @default 2024-01-01T00:00:00Z */
  start?: string;
  /** @default ['PM 2.5', 'PM 10', 'NO2', 'O3', 'Temperature'] */
  parameters?: string[];
  /** Share of readings missing, roughly (single points, outages, a dead sensor). @default 0.08 */
  missing?: number;
  /** @default 1 */
  seed?: number;
  /** Map centre. @default Stuttgart */
  center?: Site;
  /** Half-width of the map in km. @default 15 */
  radiusKm?: number;
  /** UTC offset the timestamps are written in, minutes. @default 60 */
  offsetMinutes?: number;
  /** How a missing value is written: mostly the sentinel, sometimes empty or NaN. @default 65535 */
  sentinel?: number;
}

/** A generated sensor. */
export interface SynthSensor extends Site {
  deviceId: string;
  chipId: string;
  locationId: string;
  location: string;
  street: string;
  deployed: string;
}

/** One generated reading, as a CSV row writes it. */
export interface SynthReading {
  sensor: SynthSensor;
  parameter: string;
  ts: number;
  /** The cell: a number, the sentinel, '' or 'NaN'. */
  value: string;
  missing: boolean;
}

export const SYNTH_PARAMETERS = ['PM 2.5', 'PM 10', 'NO2', 'O3', 'Temperature'];
const HOUR = 3_600_000;
const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schulstraße', 'Lindenallee', 'Kirchplatz', 'Bergstraße', 'Neckarufer', 'Marktplatz', 'Parkweg'];

/** Rush-hour shape (peaks near 8:00 and 19:00 local), mean about 1. */
function traffic(hour: number): number {
  const peak = (h: number, at: number) => {
    const distance = Math.min(Math.abs(h - at), 24 - Math.abs(h - at));
    return Math.exp(-(distance * distance) / 6);
  };
  return 0.7 + 0.45 * peak(hour, 8) + 0.35 * peak(hour, 19);
}

/**
 * A deterministic network of air-quality sensors: the same options give the
 * same readings, byte for byte. Sensors sit on a map; a shared, spatially
 * blended weather drives every parameter, with diurnal cycles (rush hours
 * for NO2 and PM, afternoon sun for O3 and temperature), a weekly cycle
 * (quieter weekends), a seasonal one, and pollution episodes. Sensors have
 * their own bias and noise. Values go missing as single points, as outages
 * of hours to days, and as one sensor that dies for good; missing values
 * are written mostly as the sentinel, sometimes as an empty cell or NaN.
 */
export function* generateReadings(options: SynthOptions = {}): Generator<SynthReading> {
  const sensorsCount = options.sensors ?? 12;
  const hours = Math.round((options.days ?? 30) * 24);
  const stepMs = (options.stepMinutes ?? 60) * 60_000;
  if (!(stepMs > 0)) throw new RangeError(`a step of ${options.stepMinutes} minutes is not positive`);
  // Steps per hour: 1 for hourly data, whose arithmetic below then stays exactly as it was (x * 1, x / 1).
  const perHour = HOUR / stepMs;
  const steps = Math.round(hours * perHour);
  const start = Date.parse(options.start ?? '2024-01-01T00:00:00Z');
  const parameters = options.parameters ?? SYNTH_PARAMETERS;
  const seed = options.seed ?? 1;
  const center = options.center ?? { latitude: 48.7758, longitude: 9.1829 };
  const radius = options.radiusKm ?? 15;
  const offsetHours = (options.offsetMinutes ?? 60) / 60;
  const missingShare = options.missing ?? 0.08;
  const sentinel = String(options.sentinel ?? 65535);
  const random = seededRandom(seed * 7919 + 17);

  const degLat = radius / 110.57;
  const degLon = radius / (111.32 * Math.cos((center.latitude * Math.PI) / 180));
  const at = (x: number, y: number): Site => ({ latitude: +(center.latitude + y * degLat).toFixed(5), longitude: +(center.longitude + x * degLon).toFixed(5) });
  const anchors = [at(-0.8, -0.8), at(0.8, -0.6), at(-0.6, 0.8), at(0.7, 0.7), at(0, 0)];
  const weather = anchors.map((_, index) => weatherSeries(hours + 1, seed * 101 + index));
  const sensors = Array.from({ length: sensorsCount }, (_, index) => {
    const site = at(2 * random() - 1, 2 * random() - 1);
    const street = STREETS[index % STREETS.length]!;
    return {
      ...site,
      deviceId: `synth-${String(index + 1).padStart(3, '0')}`,
      chipId: `esp8266-${(1_000_000 + Math.floor(random() * 8_999_999)).toString(16)}`,
      locationId: `loc-${1000 + index}`,
      location: `${street} ${1 + Math.floor(random() * 120)}`,
      street,
      deployed: new Date(start - Math.floor(30 + random() * 700) * 24 * HOUR).toISOString().slice(0, 10),
      weights: blendWeights(site, anchors, radius * 0.8),
      bias: Math.exp(0.15 * normal(random)),
      noise: 0.05 + 0.08 * random(),
      ar: 0,
    };
  });

  // Missingness: outages and single points scaled to the asked share; one sensor dies for good.
  // Outages last 2 h to a few days (mean about 17.6 h) and carry most of the missing share;
  // they start at the same rate per hour, and last the same hours, at any cadence.
  const meanOutage = 2 + 36 * (1 / 3) * 1.3;
  const outageRate = (0.6 * missingShare) / (meanOutage * Math.max(0.1, 1 - 0.6 * missingShare)) / perHour;
  const pointRate = missingShare * 0.35;
  const deadSensor = sensorsCount >= 5 ? Math.floor(random() * sensorsCount) : -1;
  const deathStep = Math.floor(steps * (1 - Math.min(0.6, missingShare * 0.2 * sensorsCount)));
  const outageLeft = new Int32Array(sensorsCount);
  // Each sensor's own noise is an AR(1) with the hourly coefficient 0.8 per hour at any cadence, with the same spread.
  const arCoefficient = 0.8 ** (1 / perHour);
  const arInnovation = Math.sqrt((1 - arCoefficient * arCoefficient) / (1 - 0.8 * 0.8));
  // A reading faster than hourly is a short average with its own measurement noise, which an hourly
  // mean of them averages away (relative sd 3% per hour of readings): 16% at 2 minutes, none hourly.
  const readingNoise = perHour > 1 ? 0.03 * Math.sqrt(perHour) : 0;

  for (let step = 0; step < steps; step += 1) {
    const ts = start + step * stepMs;
    const hour = Math.floor(step / perHour);
    const within = step / perHour - hour;
    const local = new Date(ts + offsetHours * HOUR);
    const hourOfDay = local.getUTCHours() + local.getUTCMinutes() / 60;
    const weekday = local.getUTCDay();
    const weekly = weekday === 0 ? 0.72 : weekday === 6 ? 0.84 : 1.05;
    const dayOfYear = (ts - Date.UTC(local.getUTCFullYear(), 0, 1)) / (24 * HOUR);
    const winter = Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25); // 1 in January, -1 in July
    const sun = Math.max(0, Math.sin((Math.PI * (hourOfDay - 6)) / 14));
    for (const [index, sensor] of sensors.entries()) {
      let regional = 0;
      for (const [anchor, weight] of sensor.weights.entries()) {
        const series = weather[anchor]!;
        // Between hours the regional weather moves linearly (hourly data reads it on the hour).
        regional += weight * (within === 0 ? series[hour]! : series[hour]! + (series[hour + 1]! - series[hour]!) * within);
      }
      sensor.ar = arCoefficient * sensor.ar + sensor.noise * arInnovation * normal(random);
      if (outageLeft[index]! > 0) outageLeft[index]! -= 1;
      else if (random() < outageRate) outageLeft[index] = Math.max(1, Math.round(Math.round(2 + 36 * random() ** 2 * (random() < 0.1 ? 4 : 1)) * perHour));
      const dead = index === deadSensor && step >= deathStep;
      const sensorDown = dead || outageLeft[index]! > 0;

      const pm25 = Math.max(1, 18 * sensor.bias * Math.exp(1.1 * regional + sensor.ar + 0.25 * winter) * traffic(hourOfDay) ** 0.5 * weekly ** 0.4);
      const no2 = Math.max(1, 28 * sensor.bias * traffic(hourOfDay) * weekly * Math.exp(0.5 * regional + sensor.ar) * (1 + 0.2 * winter));
      const values: Record<string, number> = {
        'PM 2.5': pm25,
        'PM 10': pm25 * (1.35 + 0.2 * sensor.bias) + 4 * Math.exp(sensor.ar),
        NO2: no2,
        O3: Math.max(2, (55 - 25 * winter) * (0.45 + sun) - 0.45 * no2 + 6 * sensor.ar),
        Temperature: 10 - 9 * winter + 5 * sun - 2 + 3 * regional + 0.8 * normal(random),
      };
      for (const parameter of parameters) {
        let value = values[parameter] ?? 10 * Math.exp(regional + sensor.ar);
        // Only below an hour (no extra draw for hourly data, which stays byte for byte as it was).
        if (readingNoise > 0) value = parameter === 'Temperature' ? value + readingNoise * 3 * normal(random) : Math.max(0, value * (1 + readingNoise * normal(random)));
        const missing = sensorDown || random() < pointRate;
        const roll = missing ? random() : 1;
        const cell = !missing ? value.toFixed(1) : roll < 0.85 ? sentinel : roll < 0.95 ? '' : 'NaN';
        yield { sensor, parameter, ts, value: cell, missing };
      }
    }
  }
}
