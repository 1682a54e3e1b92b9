import { z } from 'zod';

/**
 * Thresholds of every check, validated at the boundary (a JSON file, the
 * environment), every field defaulted. Where a default comes from is said
 * beside it; the package README sums it up.
 */

/**
 * Per parameter, over the defaults of `DEFAULT_PARAMETER_SETTINGS` (keys match
 * as `PM 2.5` = `pm2.5`). Physical ranges are set in the plausibility
 * configuration (`QualityInput.plausibility`), the one the loader applies.
 */
const parameterOverrideSchema = z
  .object({
    kind: z.enum(['concentration', 'level']).optional(),
    scale: z.number().finite().positive().optional(),
    drift: z.boolean().optional(),
  })
  .strict();

/** A value a sensor type writes when it fails, not a measurement. `*` matches any sensor type or parameter. */
export const faultConstantRuleSchema = z
  .object({
    sensorTypes: z.array(z.string().trim().min(1)).min(1),
    parameters: z.array(z.string().trim().min(1)).min(1),
    values: z.array(z.number().finite()).min(1),
    /** Why this value means a fault (shown in the flag's detail). */
    reason: z.string().trim().min(1),
  })
  .strict();
export type FaultConstantRule = z.output<typeof faultConstantRuleSchema>;

/**
 * Known fault constants:
 * - SDS011 (the sensor.community PM sensor): 999.9 µg/m³ is its full scale;
 *   a blocked inlet or failing fan makes it report 999.9 (PM 2.5) and
 *   1999.9 (PM 10) for hours (sensor.community firmware,
 *   opendata-stuttgart/sensors-software#899). At true saturation the real
 *   value is unknown too, so invalid is right either way.
 * - DHT22: a failed read returns -40 °C (with 1 % humidity), the bottom of
 *   its range (momenso/node-dht-sensor#75).
 * - Any sensor: -999, the "no data" code OpenAQ's quality checks flag
 *   (openaq/openaq-quality-checks, config.yml, flag `E`).
 */
export const DEFAULT_FAULT_CONSTANTS: readonly FaultConstantRule[] = [
  { sensorTypes: ['SDS011'], parameters: ['PM 2.5'], values: [999.9], reason: "the SDS011's full-scale output (blocked inlet or failing fan)" },
  { sensorTypes: ['SDS011'], parameters: ['PM 10'], values: [999.9, 1999.9], reason: "the SDS011's full-scale output (blocked inlet or failing fan)" },
  { sensorTypes: ['DHT22'], parameters: ['Temperature'], values: [-40], reason: "the DHT22's failed-read value" },
  { sensorTypes: ['*'], parameters: ['*'], values: [-999], reason: 'a common "no data" code' },
];

const stuckSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * A run of one value must cover this long to be stuck. EPA's
     * sensortoolkit flags 3 repeats of an hourly value and OpenAQ any repeat;
     * both flag flat clean-air nights too, so this waits for 6 hours and
     * asks the neighbours (below).
     */
    minHours: z.number().positive().default(6),
    /** ...and hold at least this many readings (so a sparse sensor's two readings are no run). */
    minReadings: z.int().min(2).default(4),
    /** The neighbours' median must move by this many `scale`s over the run... */
    neighbourVariationScales: z.number().nonnegative().default(1),
    /** ...and by this share of its level (concentrations): a flat sensor among flat neighbours is calm air. */
    neighbourVariationShare: z.number().nonnegative().default(0.3),
    /**
     * ...or the run must sit this far from the neighbours' median: a factor
     * (concentrations; after adding one `scale` to both, as the spike check
     * does)...
     */
    apartRatio: z.number().gt(1).default(1.5),
    /** ...or this many `scale`s (levels). */
    apartScales: z.number().positive().default(3),
    /**
     * A run at the sensor's own floor (its lowest value in the window) is
     * clean air at the sensor's resolution unless the neighbours' median
     * sits more than this many `scale`s above it.
     */
    floorContrastScales: z.number().nonnegative().default(3),
    /** With no neighbour to compare, a run this long is flagged suspect. */
    withoutNeighboursHours: z.number().positive().default(24),
  })
  .strict();

const spikeSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How jumpy a series is, and where a witness's readings usually sit (their median, as a Hampel filter), is judged within this many hours. */
    windowHours: z.number().positive().default(6),
    /**
     * A spike leaves the line between its adjacent readings by more than
     * this many robust standard deviations of such departures around it: 3,
     * the classic Hampel threshold (AirSensor's `pat_outliers` uses 8 on raw
     * two-minute data without witnesses; here the witnesses below do most of
     * the sorting)...
     */
    madFactor: z.number().nonnegative().default(3),
    /** ...and by at least this many `scale`s... */
    minScales: z.number().nonnegative().default(3),
    /** ...and (concentrations) by this factor, after adding one `scale` to both sides so clean air near zero is not a ratio of tiny numbers. */
    minRatio: z.number().min(1).default(2),
    /** A witness (neighbour or other channel) confirms when it moves the same way by this share of the spike's size... */
    confirmFraction: z.number().positive().max(1).default(0.5),
    /** ...within this many hours (plumes reach stations at different times)... */
    toleranceHours: z.number().nonnegative().default(1),
    /** ...and this share of the neighbours with data confirm (at least one). */
    confirmShare: z.number().positive().max(1).default(0.25),
    /**
     * Channels of one device that see the same air, smallest size fraction
     * first: a spike of a fraction must show in the larger ones (a PM 10
     * spike confirms a PM 2.5 spike; a PM 2.5 spike may confirm a PM 10 one
     * but its absence does not deny it).
     */
    channelGroups: z.array(z.array(z.string().trim().min(1)).min(2)).default([['PM 1', 'PM 2.5', 'PM 10']]),
  })
  .strict();

const driftSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The sensor's ratio (or offset) to its neighbours' median is taken over windows of this many days... */
    windowDays: z.number().positive().default(3),
    /** ...and drift is this many days of windows departing from its usual one beyond the threshold... */
    minDays: z.number().positive().default(3),
    /** ...joined and extended by those departing the same way by this share of it (clean-air days, the ramp into a drift). */
    extendShare: z.number().positive().max(1).default(0.5),
    /**
     * The usual relation is the median over this many days around (90: a
     * season; relations between sites change with the seasons, ozone most).
     */
    baselineDays: z.number().positive().default(90),
    /** Concentrations: departure as a factor (1.5 = 50% above or a third below its usual ratio). */
    maxRatio: z.number().gt(1).default(1.5),
    /** Levels (temperature): departure in `scale`s. */
    maxOffsetScales: z.number().positive().default(3),
    /**
     * Concentrations compare as log((v + s) / (c + s)), s this many `scale`s:
     * without it clean air makes ratios of tiny numbers; with too much, a
     * doubled gain reads as 1.4x on clean days.
     */
    smoothingScales: z.number().positive().default(0.5),
    /** Hours count only with at least this many neighbours reporting. */
    minNeighbours: z.int().min(1).default(2),
    /** A window counts only when this share of its hours has a comparison. */
    minCoverage: z.number().positive().max(1).default(0.5),
  })
  .strict();

const alertsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * A channel that reports nothing for this long while the other sensors
     * of its parameter report is dead: a day, the span of a daily mean (and
     * the read API's `offline`).
     */
    deadHours: z.number().positive().default(24),
    /** ...while the others reported in at least this share of its hours (a network-wide outage is not one dead sensor). */
    networkShare: z.number().positive().max(1).default(0.5),
    /** Stuck readings spanning this long raise an alert (the check flags runs from 6 hours; a person is told from half a day). */
    stuckHours: z.number().positive().default(12),
    /** Drift flags spanning this many days raise one (the check needs 3 days to flag). */
    driftDays: z.number().positive().default(3),
    /**
     * Flags (and silences) this close together are one episode, and an
     * episode this close to an earlier alert of the same kind continues it,
     * so a sensor raises one alert per episode, not one per reading or run.
     */
    joinHours: z.number().nonnegative().default(6),
  })
  .strict();

export const qualityConfigSchema = z
  .object({
    parameters: z.record(z.string().trim().min(1), parameterOverrideSchema).default({}),
    neighbours: z
      .object({
        /** Compare with the nearest this many sensors... */
        count: z.int().min(1).default(8),
        /** ...within this distance. */
        maxKm: z.number().positive().default(50),
      })
      .strict()
      .prefault({}),
    /** Readings further apart than this many steps of the series' cadence are not adjacent (a gap). */
    maxGapSteps: z.number().min(1).default(2),
    /** Replaces the defaults when given (list them too to keep them). */
    faultConstants: z.array(faultConstantRuleSchema).default(() => DEFAULT_FAULT_CONSTANTS.map((rule) => ({ ...rule }))),
    stuck: stuckSchema.prefault({}),
    spike: spikeSchema.prefault({}),
    drift: driftSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
  })
  .strict();

/** Quality-control settings as written (every field optional). */
export type QualityConfigInput = z.input<typeof qualityConfigSchema>;
/** Quality-control settings with every default applied. */
export type QualityConfig = z.output<typeof qualityConfigSchema>;
export type StuckSettings = QualityConfig['stuck'];
export type SpikeSettings = QualityConfig['spike'];
export type DriftSettings = QualityConfig['drift'];
export type AlertSettings = QualityConfig['alerts'];
