import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { inTransaction } from '../transaction';

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

/** Enough memory to hold and sort a batch of 100,000 predictions without spilling to disk. */
const WRITE_WORK_MEM = '64MB';

/**
 * The one statement of a write: checks the run once and holds it against
 * deletion (`FOR KEY SHARE`, what a per-row foreign key would take), resolves
 * devices and finds the missing readings in one pass over the input, inserts
 * in key order (the primary key's pages are then touched in sequence), and
 * counts every outcome from that pass.
 *
 * `fast` leaves out readings imputed already by an anti-join and inserts
 * plainly: a third less PostgreSQL CPU than `ON CONFLICT` (bench:writeback),
 * whose speculative insertion probes and confirms every row. Only a writer
 * of the same readings committing in between can then break the key; the
 * careful form (`ON CONFLICT DO NOTHING`) takes over in that case.
 */
function writeSql(form: 'fast' | 'careful'): string {
  return `
  with run as (
    select run_id from runs where run_id = $6 for key share
  ), input as (
    select t.*, s.id as sensor_ref, x.ts is not null as missing
      from unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $7::float8[], $8::float8[]) as t(device_id, parameter, ts, value, lower, upper)
      left join sensors s on s.device_id = t.device_id
      left join readings x on x.sensor_ref = s.id and x.parameter = t.parameter and x.ts = t.ts and x.value is null
  ), inserted as (
    insert into imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)
    select i.sensor_ref, i.parameter, i.ts, i.value, i.lower, i.upper, $5, run.run_id
      from input i cross join run
     where i.missing${
       form === 'fast'
         ? `
       and not exists (select 1 from imputations m where m.sensor_ref = i.sensor_ref and m.parameter = i.parameter and m.ts = i.ts)`
         : ''
     }
     order by i.sensor_ref, i.parameter, i.ts${
       form === 'careful'
         ? `
    on conflict (sensor_ref, parameter, ts) do nothing`
         : ''
     }
    returning 1
  )
  select (select count(*) from run) as run,
         count(*) as received,
         count(sensor_ref) as resolved,
         count(*) filter (where missing) as eligible,
         (select count(*) from inserted) as written
    from input`;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Stores predictions beside the readings, set-based: the batch goes to the
 * server as arrays and one `INSERT ... SELECT` stores it in one statement
 * (one transaction; see `writeSql`). Idempotent: writing the same
 * batch again stores nothing new, and two writers of the same readings at
 * once store each once. Only readings that are missing are filled. The run
 * is checked once for the whole batch and held against deletion until the
 * write commits (imputations carry no per-row foreign key; see the schema):
 * an unknown run is a {@link DatabaseInputError} and nothing is stored.
 */
export async function writeImputations(
  database: Database,
  batch: { runId: string; modelVersion: string; imputations: readonly Imputation[] },
): Promise<ImputationWriteResult> {
  const columns = imputationColumns(batch.runId, batch.imputations);
  const parameters = [columns.devices, columns.parameters, columns.timestamps, columns.values, batch.modelVersion, batch.runId, columns.lowers, columns.uppers];
  type Counts = { run: string; received: string; resolved: string; eligible: string; written: string };
  const counts = await inTransaction(database, async (client) => {
    await client.query(`set local work_mem = '${WRITE_WORK_MEM}'`);
    await client.query('savepoint fast_write');
    try {
      return (await client.query<Counts>(writeSql('fast'), parameters)).rows[0]!;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // Another writer stored some of these readings' imputations since this statement began: store the rest around them.
      await client.query('rollback to savepoint fast_write');
      return (await client.query<Counts>(writeSql('careful'), parameters)).rows[0]!;
    }
  });
  if (Number(counts.run) === 0) {
    throw new DatabaseInputError(`run ${batch.runId} does not exist; imputations must name the run that made them`, { runId: batch.runId });
  }
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

/**
 * The batch as the statement's arrays, each already a PostgreSQL array
 * literal (one string: a tenth of the CPU the driver spends turning 100,000
 * values into one), after checking every value and interval.
 */
function imputationColumns(runId: string, imputations: readonly Imputation[]) {
  const devices: string[] = [];
  const parameters: string[] = [];
  const timestamps: string[] = [];
  const values: number[] = [];
  const lowers: (number | null)[] = [];
  const uppers: (number | null)[] = [];
  for (const [index, row] of imputations.entries()) {
    if (!Number.isFinite(row.value)) {
      throw new DatabaseInputError(`imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has a value that is not finite: ${row.value}`, {
        index,
        runId,
      });
    }
    const lower = row.lower ?? null;
    const upper = row.upper ?? null;
    if ((lower === null) !== (upper === null) || (lower !== null && upper !== null && !(lower <= row.value && row.value <= upper))) {
      throw new DatabaseInputError(
        `imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has an interval [${lower}, ${upper}] that does not hold its value ${row.value}`,
        { index, runId },
      );
    }
    devices.push(row.deviceId);
    parameters.push(row.parameter);
    timestamps.push(row.ts.toISOString());
    values.push(row.value);
    lowers.push(lower);
    uppers.push(upper);
  }
  return {
    devices: textArray(devices),
    parameters: textArray(parameters),
    timestamps: `{${timestamps.join(',')}}`,
    values: `{${values.join(',')}}`,
    lowers: numberArray(lowers),
    uppers: numberArray(uppers),
  };
}

/** A PostgreSQL array literal of texts: every element quoted, backslash and double quote escaped. */
function textArray(texts: readonly string[]): string {
  return `{${texts.map((text) => `"${text.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** A PostgreSQL array literal of finite numbers and NULLs. */
function numberArray(numbers: readonly (number | null)[]): string {
  return `{${numbers.map((number) => (number === null ? 'NULL' : String(number))).join(',')}}`;
}
