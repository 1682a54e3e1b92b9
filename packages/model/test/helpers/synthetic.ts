import type { Observation, SensorSite } from '@airfill/features';
import type { Dataset } from '../../src/dataset';
import { seededRandom } from '../../src/random';

const HOUR = 3_600_000;

/**
 * A small made-up network: sensors within a few km share a regional PM 2.5
 * signal (slow episodes plus a daily cycle) with their own offset and noise,
 * and report PM 10 (~1.6x PM 2.5) and temperature. Space and time both carry
 * information, as in real data.
 */
export function syntheticNetwork(options: { sensors: number; days: number; seed: number; start?: number }): Dataset {
  const random = seededRandom(options.seed);
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const hours = options.days * 24;
  const sites: SensorSite[] = Array.from({ length: options.sensors }, (_, i) => ({
    deviceId: `s${i}`,
    latitude: 40 + random() * 0.1,
    longitude: 116 + random() * 0.1,
  }));
  const regional: number[] = [];
  let level = 40;
  for (let h = 0; h < hours; h += 1) {
    level = Math.max(2, level + (random() - 0.5) * 12 + (40 - level) * 0.03);
    regional.push(level * (1 + 0.3 * Math.sin((2 * Math.PI * h) / 24)));
  }
  const observations: Observation[] = [];
  sites.forEach((site, i) => {
    const offset = 0.8 + 0.4 * random();
    let local = 0;
    for (let h = 0; h < hours; h += 1) {
      const ts = start + h * HOUR;
      local = local * 0.8 + (random() - 0.5) * 6;
      const pm25 = Math.max(0, (regional[h] as number) * offset + local);
      observations.push({ deviceId: site.deviceId, parameter: 'PM 2.5', ts, value: Math.round(pm25 * 10) / 10 });
      observations.push({ deviceId: site.deviceId, parameter: 'PM 10', ts, value: Math.round(pm25 * 16 + random() * 50) / 10 });
      observations.push({ deviceId: site.deviceId, parameter: 'Temperature', ts, value: 10 + 8 * Math.sin((2 * Math.PI * (h - 6)) / 24) + i * 0.1 });
    }
  });
  observations.sort((a, b) => a.ts - b.ts);
  return { sites, observations, parameters: ['PM 10', 'PM 2.5', 'Temperature'] };
}
