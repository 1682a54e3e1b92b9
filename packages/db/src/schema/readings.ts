import { sql } from 'drizzle-orm';
import { bigserial, date, doublePrecision, index, integer, pgEnum, pgTable, primaryKey, serial, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns';

/** One row per device (the `device_id` of the input contract). */
export const sensors = pgTable('sensors', {
  id: serial('id').primaryKey(),
  deviceId: text('device_id').notNull().unique(),
  chipId: text('chip_id'),
  locationId: text('location_id'),
  location: text('location'),
  streetName: text('street_name'),
  city: text('city'),
  country: text('country'),
  latitude: doublePrecision('latitude').notNull(),
  longitude: doublePrecision('longitude').notNull(),
  deploymentDate: date('deployment_date'),
});

/**
 * What measures one parameter on a device. The input contract names a
 * `sensor_id` and `sensor_type` per row, and they differ between the
 * parameters of one device (a PM sensor and a gas sensor on one board), so they
 * live here rather than on `sensors`.
 */
export const sensorChannels = pgTable(
  'sensor_channels',
  {
    sensorRef: integer('sensor_ref')
      .notNull()
      .references(() => sensors.id, { onDelete: 'cascade' }),
    parameter: text('parameter').notNull(),
    sensorId: text('sensor_id'),
    sensorType: text('sensor_type'),
  },
  (t) => [primaryKey({ columns: [t.sensorRef, t.parameter] })],
);

/**
 * Readings as received. `value` is the value airfill trusts: NULL when the
 * reading is missing (empty, a sentinel) or invalid (an open `flags` row of
 * severity `invalid` says why); `raw_value` keeps the cell text (so 65535 or
 * -999 is not lost). Every query that treats NULL as missing (the missing
 * scan, features, training) so treats an invalid value as missing too, and
 * clearing the flag restores `value` from `raw_value`.
 *
 * `sensor_ref` has no foreign key: on this, the biggest table, the per-row
 * check cost 40% of every load (bench/load). Readings enter only through the
 * loader, which stores their sensors first in the same transaction.
 *
 * Partitioned by range of `ts`, one partition `readings_YYYY_MM` per UTC
 * month (migration 0006; drizzle-kit cannot declare it). The key keeps `ts`,
 * the partition key, so it stays the table's key; the partial index exists on
 * every partition. There is no default partition: writers create the months
 * they need first with `ensure_readings_partitions` (see `ensureReadingsPartitions`).
 */
export const readings = pgTable(
  'readings',
  {
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    value: doublePrecision('value'),
    rawValue: text('raw_value'),
  },
  (t) => [
    primaryKey({ columns: [t.sensorRef, t.parameter, t.ts] }),
    // The missing-value scan reads only this small index.
    index('readings_missing_idx').on(t.parameter, t.ts).where(sql`${t.value} is null`),
  ],
);

export const flagSeverity = pgEnum('flag_severity', ['invalid', 'suspect']);

/**
 * Why a reading's raw value is not trusted (or, `suspect`, trusted with
 * doubt): the loader's plausibility checks (`range`), corrections
 * (`manual`), and later the quality-control runs. One flag per reading and
 * check. A cleared flag is kept with its clearance (when, why): the reading's
 * history stays readable, and the same check does not flag it again.
 */
export const flags = pgTable(
  'flags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    check: text('check').notNull(),
    severity: flagSeverity('severity').notNull(),
    detail: text('detail').notNull(),
    /** The run that raised it (quality-control runs); NULL for the loader and corrections. */
    runId: uuid('run_id'),
    createdAt: instant('created_at').notNull().defaultNow(),
    clearedAt: instant('cleared_at'),
    clearedReason: text('cleared_reason'),
  },
  (t) => [
    uniqueIndex('flags_reading_check_idx').on(t.sensorRef, t.parameter, t.ts, t.check),
    // What one quality-control run flagged (its report).
    index('flags_run_idx').on(t.runId).where(sql`${t.runId} is not null`),
  ],
);

export const correctionAction = pgEnum('correction_action', ['delete', 'invalidate', 'clear']);

/**
 * The corrections ledger: every `airfill readings delete|invalidate|clear`,
 * who asked, what it covered, and how many readings and imputations it
 * changed.
 */
export const corrections = pgTable('corrections', {
  id: serial('id').primaryKey(),
  action: correctionAction('action').notNull(),
  deviceId: text('device_id').notNull(),
  /** NULL: every parameter of the device. */
  parameter: text('parameter'),
  /** `clear` of one check's flags only (`airfill flags clear --check`); NULL: every check. */
  check: text('check'),
  fromTs: instant('from_ts').notNull(),
  toTs: instant('to_ts').notNull(),
  reason: text('reason'),
  requestedBy: text('requested_by').notNull(),
  readings: integer('readings').notNull(),
  imputationsRemoved: integer('imputations_removed').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});
