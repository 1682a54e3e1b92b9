import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';

/** One prediction for a missing reading. */
export interface Imputation {
  deviceId: string;
  parameter: string;
  ts: Date;
  value: number;
  /** The calibrated interval around the value (absent or null when the model has none). */
  lower?: number | null;
  upper?: number | null;
}

/** What a write did with each prediction it received. */
export interface ImputationWriteResult {
  received: number;
  /** Newly stored. */
  written: number;
  /** The reading already had an imputation (a retry, or another run got there first): left as it was. */
  alreadyImputed: number;
  /** The reading is observed, not missing, or does not exist: never stored, originals are never overwritten. */
  notMissing: number;
  /** The device is unknown. */
  unknownSensor: number;
}

/**
 * Stores predictions beside the readings, set-based: the batch goes to the
 * server as arrays and one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`
 * stores it in one statement (one transaction). Idempotent: writing the same
 * batch again stores nothing new. Only readings that are missing are filled.
 */
export async function writeImputations(
  database: Database,
  batch: { runId: string; modelVersion: string; imputations: readonly Imputation[] },
): Promise<ImputationWriteResult> {
  const devices: string[] = [];
  const parameters: string[] = [];
  const timestamps: string[] = [];
  const values: number[] = [];
  const lowers: (number | null)[] = [];
  const uppers: (number | null)[] = [];
  for (const [index, row] of batch.imputations.entries()) {
    if (!Number.isFinite(row.value)) {
      throw new DatabaseInputError(`imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has a value that is not finite: ${row.value}`, {
        index,
        runId: batch.runId,
      });
    }
    devices.push(row.deviceId);
    parameters.push(row.parameter);
    timestamps.push(row.ts.toISOString());
    values.push(row.value);
    const lower = row.lower ?? null;
    const upper = row.upper ?? null;
    if ((lower === null) !== (upper === null) || (lower !== null && upper !== null && !(lower <= row.value && row.value <= upper))) {
      throw new DatabaseInputError(
        `imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has an interval [${lower}, ${upper}] that does not hold its value ${row.value}`,
        { index, runId: batch.runId },
      );
    }
    lowers.push(lower);
    uppers.push(upper);
  }
  const { rows } = await database.pool.query<{ received: string; resolved: string; eligible: string; written: string }>(
    `with input as (
       select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $7::float8[], $8::float8[]) as t(device_id, parameter, ts, value, lower, upper)
     ), resolved as (
       select s.id as sensor_ref, t.parameter, t.ts, t.value, t.lower, t.upper
         from input t join sensors s on s.device_id = t.device_id
     ), eligible as (
       select r.* from resolved r
         join readings x on x.sensor_ref = r.sensor_ref and x.parameter = r.parameter and x.ts = r.ts
        where x.value is null
     ), inserted as (
       insert into imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)
       select sensor_ref, parameter, ts, value, lower, upper, $5, $6 from eligible
       on conflict (sensor_ref, parameter, ts) do nothing
       returning 1
     )
     select (select count(*) from input) as received,
            (select count(*) from resolved) as resolved,
            (select count(*) from eligible) as eligible,
            (select count(*) from inserted) as written`,
    [devices, parameters, timestamps, values, batch.modelVersion, batch.runId, lowers, uppers],
  );
  const counts = rows[0]!;
  const received = Number(counts.received);
  const resolved = Number(counts.resolved);
  const eligible = Number(counts.eligible);
  const written = Number(counts.written);
  return {
    received,
    written,
    alreadyImputed: eligible - written,
    notMissing: resolved - eligible,
    unknownSensor: received - resolved,
  };
}
