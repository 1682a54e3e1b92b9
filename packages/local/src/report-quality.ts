import { z } from 'zod';
import { countOpenFlags, getQualityCheck, listAlerts, type Database } from '@airfill/db';

const nullableShare = z.number().nullable();

/** Data capture of a parameter over the last 30 days of data: per sensor, with its days. */
export const completenessSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }).nullable(),
  capture: nullableShare,
  sensors: z.array(
    z.object({
      deviceId: z.string(),
      expected: z.number(),
      valid: z.number(),
      capture: nullableShare,
      days: z.number(),
      daysMeetingObjective: z.number(),
      daily: z.array(z.object({ day: z.string(), expected: z.number(), valid: z.number(), capture: nullableShare })),
    }),
  ),
});

/** The report's quality-control section: what the execution's quality-check found over every parameter, and its alerts. */
export const qualityReportSchema = z.object({
  /** The window quality-check flagged; null when it checked nothing. */
  window: z.object({ from: z.string(), to: z.string() }).nullable(),
  readings: z.number(),
  /** New flags of this run, by severity, and trusted values they turned into missing. */
  invalid: z.number(),
  suspect: z.number(),
  nulled: z.number(),
  /** New flags of this run by parameter, check and severity (open ones). */
  flags: z.array(z.object({ parameter: z.string(), check: z.string(), severity: z.enum(['invalid', 'suspect']), count: z.number() })),
  /** Values the execution's runs filled that were readings flagged invalid (not missing ones), by the flag's check. */
  filledInvalid: z.record(z.string(), z.number()),
  /** Alerts this run raised (new episodes) or saw go on, newest first. */
  alerts: z.array(
    z.object({ deviceId: z.string(), parameter: z.string(), kind: z.enum(['dead', 'stuck', 'drift']), from: z.string(), to: z.string(), detail: z.string(), new: z.boolean() }),
  ),
});

/** The quality-control section of a run's report. */
export type QualityReport = z.infer<typeof qualityReportSchema>;

/** Values the runs filled whose reading carries an open invalid flag, by check (a reading with two counts under its first). */
async function filledInvalid(database: Database, runIds: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await database.pool.query<{ check: string; n: string }>(
    `select f."check", count(*) as n
       from imputations i
       cross join lateral (select f."check" from flags f
                            where f.sensor_ref = i.sensor_ref and f.parameter = i.parameter and f.ts = i.ts
                              and f.severity = 'invalid' and f.cleared_at is null
                            order by f.created_at limit 1) f
      where i.run_id = any($1::uuid[])
      group by 1 order by 1`,
    [runIds],
  );
  return Object.fromEntries(rows.map((row) => [row.check, Number(row.n)]));
}

/**
 * Builds the quality section from the quality-check ledger (`checkRunId`: the
 * execution's check), its flags and alerts, and what the execution's fill
 * runs (`fillRunIds`) filled in place of invalid values.
 */
export async function buildQualityReport(database: Database, checkRunId: string, fillRunIds: readonly string[]): Promise<QualityReport> {
  const runId = checkRunId;
  const [check, counts, filled, alerts] = await Promise.all([
    getQualityCheck(database, runId),
    countOpenFlags(database, { runId }),
    filledInvalid(database, fillRunIds),
    listAlerts(database, { seenBy: runId }),
  ]);
  const flags = new Map<string, QualityReport['flags'][number]>();
  for (const count of counts) {
    const key = `${count.parameter}\u0000${count.check}\u0000${count.severity}`;
    const entry = flags.get(key) ?? { parameter: count.parameter, check: count.check, severity: count.severity, count: 0 };
    entry.count += count.count;
    flags.set(key, entry);
  }
  return qualityReportSchema.parse({
    window: check ? { from: check.window.from.toISOString(), to: check.window.to.toISOString() } : null,
    readings: check?.readings ?? 0,
    invalid: check?.invalid ?? 0,
    suspect: check?.suspect ?? 0,
    nulled: check?.nulled ?? 0,
    flags: [...flags.values()],
    filledInvalid: filled,
    alerts: alerts.map((alert) => ({
      deviceId: alert.deviceId,
      parameter: alert.parameter,
      kind: alert.kind,
      from: alert.startedAt.toISOString(),
      to: alert.endedAt.toISOString(),
      detail: alert.detail,
      new: alert.raisedRunId === runId,
    })),
  });
}
