import { indexObservations, indexSeries, type Observation, type ObservedSeries, type SeriesIndex } from '@airfill/features';

/**
 * A window's readings, one record per reading or (as the database reads
 * them, compactly: two number arrays per channel) one record per series.
 */
export type ReadingsInput = { observations: readonly Observation[] } | { series: readonly ObservedSeries[] };

/** Calls `visit` for every reading of the input, in the input's order. */
export function forEachReading(input: ReadingsInput, visit: (deviceId: string, parameter: string, ts: number, value: number | null) => void): void {
  if ('series' in input) {
    for (const one of input.series) for (let i = 0; i < one.ts.length; i += 1) visit(one.deviceId, one.parameter, one.ts[i] as number, one.values[i] as number);
  } else {
    for (const observation of input.observations) visit(observation.deviceId, observation.parameter, observation.ts, observation.value);
  }
}

/** How many readings the input holds. */
export function countReadings(input: ReadingsInput): number {
  return 'series' in input ? input.series.reduce((sum, one) => sum + one.ts.length, 0) : input.observations.length;
}

/** The input's readings as sorted typed-array series (missing values left out). */
export function indexReadings(input: ReadingsInput): SeriesIndex {
  return 'series' in input ? indexSeries(input.series) : indexObservations(input.observations);
}

/** The input without the readings `drop` says to leave out, in the same form. */
export function withoutReadings(input: ReadingsInput, drop: (deviceId: string, parameter: string, ts: number) => boolean): ReadingsInput {
  if (!('series' in input)) return { observations: input.observations.filter((observation) => !drop(observation.deviceId, observation.parameter, observation.ts)) };
  return {
    series: input.series.map((one) => {
      const ts: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < one.ts.length; i += 1) {
        if (drop(one.deviceId, one.parameter, one.ts[i] as number)) continue;
        ts.push(one.ts[i] as number);
        values.push(one.values[i] as number);
      }
      return { deviceId: one.deviceId, parameter: one.parameter, ts, values };
    }),
  };
}
