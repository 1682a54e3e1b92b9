import { seededRandom, type Dataset } from '@airfill/model';

const HOUR = 3_600_000;

/**
 * Adds outages to a data set that has few, the way a less reliable network has
 * them: whole-network outages (97% of the sensors at once, 1 hour to 1.5 days,
 * about 6.5% of the hours) and single-sensor outages (1 hour to 4 days, about
 * 6.5% of each sensor's hours), every parameter of a sensor down together. With
 * Beijing's own 2% this makes ~14% missing, a quarter of it in hours when no
 * other sensor is observed: the structure of the 36-station benchmark the issue
 * describes, for checking that the model holds up there too. Deterministic.
 */
export function withHeavierOutages(dataset: Dataset, seed = 3): Dataset {
  const random = seededRandom(seed);
  const start = dataset.observations[0]?.ts ?? 0;
  const end = dataset.observations[dataset.observations.length - 1]?.ts ?? 0;
  const hours = Math.round((end - start) / HOUR) + 1;
  const devices = dataset.sites.map((site) => site.deviceId);
  const down = new Set<string>();
  const length = (shapes: [number, number, number][]) => {
    let pick = random();
    for (const [p, min, max] of shapes) {
      if (pick < p) return min + Math.floor(random() * (max - min + 1));
      pick -= p;
    }
    return 1;
  };
  for (let covered = 0; covered < hours * 0.065; ) {
    const from = Math.floor(random() * hours);
    const span = length([
      [0.5, 1, 3],
      [0.35, 4, 12],
      [0.15, 13, 36],
    ]);
    for (const device of devices) if (random() < 0.97) for (let hour = from; hour < Math.min(hours, from + span); hour += 1) down.add(`${device}|${hour}`);
    covered += span;
  }
  for (let covered = 0; covered < hours * devices.length * 0.065; ) {
    const from = Math.floor(random() * hours);
    const device = devices[Math.floor(random() * devices.length)] as string;
    const span = length([
      [0.5, 1, 1],
      [0.3, 2, 6],
      [0.18, 7, 24],
      [0.02, 25, 96],
    ]);
    for (let hour = from; hour < Math.min(hours, from + span); hour += 1) down.add(`${device}|${hour}`);
    covered += span;
  }
  const observations = dataset.observations.map((observation) =>
    down.has(`${observation.deviceId}|${Math.round((observation.ts - start) / HOUR)}`) ? { ...observation, value: null } : observation,
  );
  return { ...dataset, observations };
}
