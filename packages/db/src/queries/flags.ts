import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';

/** A stored flag, for people and exports. */
export interface StoredFlag {
  deviceId: string;
  parameter: string;
  ts: Date;
  check: string;
  severity: 'invalid' | 'suspect';
  detail: string;
  runId: string | null;
  clearedAt: Date | null;
  clearedReason: string | null;
}

/** Which flags to list. */
export interface FlagFilter {
  parameter?: string | undefined;
  deviceId?: string | undefined;
  /** Cleared flags too (with their clearance). @default only open flags */
  includeCleared?: boolean;
}

const PAGE = 20_000;

/**
 * The flags matching `filter`, in pages ordered by device, parameter, time
 * and check (read by key, so a large table streams in bounded memory).
 * Throws `DatabaseInputError` for a device that is not stored.
 */
export async function* iterateFlags(database: Database, filter: FlagFilter = {}): AsyncGenerator<StoredFlag[]> {
  if (filter.deviceId !== undefined) {
    const { rows } = await database.pool.query('select 1 from sensors where device_id = $1', [filter.deviceId]);
    if (rows.length === 0) throw new DatabaseInputError(`no device ${filter.deviceId} is stored`, { deviceId: filter.deviceId });
  }
  let after: [string, string, Date, string] | null = null;
  for (;;) {
    const page: { rows: RawFlag[] } = await database.pool.query<RawFlag>(
      `select s.device_id, f.parameter, f.ts, f."check", f.severity, f.detail, f.run_id::text as run_id, f.cleared_at, f.cleared_reason
         from flags f join sensors s on s.id = f.sensor_ref
        where ($1::text is null or f.parameter = $1) and ($2::text is null or s.device_id = $2) and ($3 or f.cleared_at is null)
          and ($4::text is null or (s.device_id, f.parameter, f.ts, f."check") > ($4::text, $5::text, $6::timestamptz, $7::text))
        order by s.device_id, f.parameter, f.ts, f."check"
        limit ${PAGE}`,
      [filter.parameter ?? null, filter.deviceId ?? null, filter.includeCleared ?? false, ...(after ?? [null, null, null, null])],
    );
    const rows = page.rows;
    if (rows.length > 0) yield rows.map(toFlag);
    if (rows.length < PAGE) return;
    const last: RawFlag = rows[rows.length - 1]!;
    after = [last.device_id, last.parameter, last.ts, last.check];
  }
}

type RawFlag = {
  device_id: string;
  parameter: string;
  ts: Date;
  check: string;
  severity: 'invalid' | 'suspect';
  detail: string;
  run_id: string | null;
  cleared_at: Date | null;
  cleared_reason: string | null;
};

const toFlag = (row: RawFlag): StoredFlag => ({
  deviceId: row.device_id,
  parameter: row.parameter,
  ts: row.ts,
  check: row.check,
  severity: row.severity,
  detail: row.detail,
  runId: row.run_id,
  clearedAt: row.cleared_at,
  clearedReason: row.cleared_reason,
});

/** Open flags of one channel and check (or of a run's flags), counted. */
export interface FlagCount {
  deviceId: string;
  parameter: string;
  check: string;
  severity: 'invalid' | 'suspect';
  count: number;
}

/**
 * Open flags counted by device, parameter, check and severity: those a run
 * stored (`runId`), or those on readings in [from, to).
 */
export async function countOpenFlags(database: Database, filter: { runId?: string; from?: Date; to?: Date; parameter?: string | undefined }): Promise<FlagCount[]> {
  const { rows } = await database.pool.query<{ device_id: string; parameter: string; check: string; severity: 'invalid' | 'suspect'; n: string }>(
    `select s.device_id, f.parameter, f."check", f.severity, count(*) as n
       from flags f join sensors s on s.id = f.sensor_ref
      where f.cleared_at is null and ($1::uuid is null or f.run_id = $1)
        and ($2::timestamptz is null or f.ts >= $2) and ($3::timestamptz is null or f.ts < $3) and ($4::text is null or f.parameter = $4)
      group by 1, 2, 3, 4
      order by 1, 2, 3, 4`,
    [filter.runId ?? null, filter.from ?? null, filter.to ?? null, filter.parameter ?? null],
  );
  return rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, check: row.check, severity: row.severity, count: Number(row.n) }));
}
