import type { PoolClient } from 'pg';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { NUMBER_PATTERN } from './number-pattern';

/** What a correction does to the readings it selects. */
export type CorrectionAction = 'delete' | 'invalidate' | 'clear';

/** A correction of one device's readings over a time range. */
export interface CorrectionRequest {
  action: CorrectionAction;
  deviceId: string;
  /** Only this parameter. @default every parameter of the device */
  parameter?: string | undefined;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  reason?: string | undefined;
  /** Who asked (recorded in the ledger). */
  requestedBy: string;
  /** How far features look before and after a target: imputations within that of a changed reading are removed. */
  featureWindow: { beforeMs: number; afterMs: number };
  /** Say what would change, change nothing. @default false */
  dryRun?: boolean;
  /** `clear` only: clear only this check's flags (`range`, `stuck`, `manual`, ...). @default every check */
  check?: string | undefined;
  /** `clear` only: clear `suspect` flags too, not only `invalid` ones (`airfill flags clear`). @default false */
  clearSuspect?: boolean;
}

/** What a correction changed (or, dry, would change). */
export interface CorrectionResult {
  /** The ledger entry; absent for a dry run. */
  correctionId?: number;
  /** Readings in the range (of the selected parameters). */
  selected: number;
  /** Readings deleted, invalidated, or restored (cleared). */
  changed: number;
  /** Flags cleared (`clear`; 0 for the other actions). */
  flagsCleared: number;
  /** Imputations removed: of the changed readings and of readings whose features could have used them. */
  imputationsRemoved: { own: number; others: number };
  /** The parameters whose readings changed. */
  parameters: string[];
}

/** The mark `invalidate` leaves on a reading. */
export const MANUAL_CHECK = 'manual';


/** Selected readings: one device, a parameter or all, [from, to). */
const SELECTED = `r.sensor_ref = $1 and ($2::text is null or r.parameter = $2) and r.ts >= $3 and r.ts < $4`;

async function changeReadings(
  client: PoolClient,
  request: CorrectionRequest,
  sensorRef: number,
  detail: string,
): Promise<{ changed: number; flagsCleared: number; parameters: string[] }> {
  const selection = [sensorRef, request.parameter ?? null, request.from, request.to];
  let changed: { parameter: string }[];
  let flagsCleared = 0;
  if (request.action === 'delete') {
    ({ rows: changed } = await client.query<{ parameter: string }>(`delete from readings r where ${SELECTED} returning r.parameter`, selection));
    await client.query(`delete from flags r where ${SELECTED}`, selection);
    await client.query(`delete from claims r where ${SELECTED}`, selection);
  } else if (request.action === 'invalidate') {
    ({ rows: changed } = await client.query<{ parameter: string }>(
      `update readings r set value = null where ${SELECTED} and r.value is not null returning r.parameter`,
      selection,
    ));
    // Every reading of the range carries the mark, so a later load of the same text cannot trust it again.
    await client.query(
      `insert into flags (sensor_ref, parameter, ts, "check", severity, detail)
       select r.sensor_ref, r.parameter, r.ts, '${MANUAL_CHECK}', 'invalid', $5 from readings r where ${SELECTED} and r.raw_value ~ '${NUMBER_PATTERN}'
       on conflict (sensor_ref, parameter, ts, "check") do update
         set severity = 'invalid', detail = excluded.detail, created_at = now(), cleared_at = null, cleared_reason = null`,
      [...selection, detail],
    );
  } else {
    const cleared = await client.query(
      `update flags r set cleared_at = now(), cleared_reason = $5
        where ${SELECTED} and ($6::text is null or r."check" = $6) and ($7 or r.severity = 'invalid') and r.cleared_at is null`,
      [...selection, detail, request.check ?? null, request.clearSuspect ?? false],
    );
    flagsCleared = cleared.rowCount ?? 0;
    // Trust the raw value again where no open invalid flag is left.
    ({ rows: changed } = await client.query<{ parameter: string }>(
      `update readings r set value = r.raw_value::double precision
        where ${SELECTED} and r.value is null and r.raw_value ~ '${NUMBER_PATTERN}'
          and exists (select 1 from flags f where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts and f.cleared_at is not null)
          and not exists (select 1 from flags f where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                            and f.severity = 'invalid' and f.cleared_at is null)
        returning r.parameter`,
      selection,
    ));
  }
  return { changed: changed.length, flagsCleared, parameters: [...new Set(changed.map((row) => row.parameter))].sort() };
}

/**
 * Removes the imputations a change made stale: the device's own (any
 * parameter: its other parameters are features too) and every other
 * sensor's of the changed parameters (neighbour features; which sensors are
 * neighbours depends on who reported in each window, so all of them), within
 * the feature window around the range. The next run recomputes them.
 */
async function removeStaleImputations(client: PoolClient, request: CorrectionRequest, sensorRef: number, parameters: string[]): Promise<{ own: number; others: number }> {
  if (parameters.length === 0) return { own: 0, others: 0 };
  const from = new Date(request.from.getTime() - request.featureWindow.afterMs);
  const to = new Date(request.to.getTime() + request.featureWindow.beforeMs);
  const own = await client.query(`delete from imputations where sensor_ref = $1 and ts >= $2 and ts < $3`, [sensorRef, from, to]);
  const others = await client.query(`delete from imputations where sensor_ref <> $1 and parameter = any($4::text[]) and ts >= $2 and ts < $3`, [
    sensorRef,
    from,
    to,
    parameters,
  ]);
  return { own: own.rowCount ?? 0, others: others.rowCount ?? 0 };
}

/**
 * Corrects one device's readings over [from, to), in one transaction, and
 * records it in the `corrections` ledger: `delete` removes the readings (and
 * their flags), `invalidate` marks them invalid (flag `manual`, value
 * NULL: treated as missing, so they are filled), `clear` clears their
 * invalid flags (of one check, and suspect ones too, when asked) and trusts
 * their raw values again where no open invalid flag is left; a cleared flag
 * is kept with its clearance, so the checks never raise it again. Imputations the change
 * made stale are removed, so the next `airfill run` recomputes them. A dry
 * run does all of it and rolls back, reporting the counts.
 */
export async function correctReadings(database: Database, request: CorrectionRequest): Promise<CorrectionResult> {
  if (!(request.from < request.to)) throw new DatabaseInputError(`the range is empty: --from ${request.from.toISOString()} is not before --to ${request.to.toISOString()}`, {});
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const sensor = await client.query<{ id: number }>('select id from sensors where device_id = $1', [request.deviceId]);
    const sensorRef = sensor.rows[0]?.id;
    if (sensorRef === undefined) {
      const known = await client.query<{ device_id: string }>('select device_id from sensors order by device_id limit 11');
      const names = known.rows.map((row) => row.device_id);
      throw new DatabaseInputError(
        `no device ${request.deviceId} is stored${names.length ? `; devices: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}` : ''}`,
        { deviceId: request.deviceId },
      );
    }
    const selectedRows = await client.query<{ n: string }>(`select count(*) as n from readings r where ${SELECTED}`, [sensorRef, request.parameter ?? null, request.from, request.to]);
    const detail = request.reason ?? `${request.action} by ${request.requestedBy}`;
    const { changed, flagsCleared, parameters } = await changeReadings(client, request, sensorRef, detail);
    const imputationsRemoved = await removeStaleImputations(client, request, sensorRef, parameters);
    const result: CorrectionResult = { selected: Number(selectedRows.rows[0]?.n ?? 0), changed, flagsCleared, imputationsRemoved, parameters };
    if (request.dryRun) {
      await client.query('rollback');
      return result;
    }
    const entry = await client.query<{ id: number }>(
      `insert into corrections (action, device_id, parameter, "check", from_ts, to_ts, reason, requested_by, readings, imputations_removed)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        request.action,
        request.deviceId,
        request.parameter ?? null,
        request.action === 'clear' ? (request.check ?? null) : null,
        request.from,
        request.to,
        request.reason ?? null,
        request.requestedBy,
        changed,
        imputationsRemoved.own + imputationsRemoved.others,
      ],
    );
    await client.query('commit');
    return { ...result, correctionId: entry.rows[0]!.id };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
