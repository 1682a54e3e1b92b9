import type { Database } from '../connection';
import { inTransaction } from '../transaction';

/** A missing reading: which sensor, which parameter, when. */
export interface MissingReading {
  sensorRef: number;
  deviceId: string;
  parameter: string;
  ts: Date;
}

/** Which missing readings to look at. */
export interface MissingReadingsQuery {
  parameter: string;
  /** Inclusive lower bound on `ts`. @default no bound */
  from?: Date | null;
  /** Exclusive upper bound on `ts`. @default no bound */
  to?: Date | null;
  /** Only these sensors' (device ids; a chunk of a large network is a group of sensors). @default every sensor */
  sensors?: readonly string[] | null;
  /** At most this many, oldest first. */
  limit: number;
}

/** Missing readings of `$1` in [`$2`, `$3`), of the sensors named by the text array `sensors` (null: every sensor). */
const missingInWindow = (sensors: string) => `
  select r.sensor_ref, r.parameter, r.ts
    from readings r
   where r.value is null
     and r.parameter = $1
     and ($2::timestamptz is null or r.ts >= $2)
     and ($3::timestamptz is null or r.ts < $3)
     and (${sensors}::text[] is null or r.sensor_ref in (select id from sensors where device_id = any(${sensors}::text[])))`;

/** For a whole pass over the missing readings (no limit): the planner may hash or merge `imputations`. */
const candidates = (sensors: string) => `${missingInWindow(sensors)}
     and not exists (select 1 from imputations i
                      where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts)`;

/*
 * For the first `limit` candidates in time order: each candidate probes
 * `imputations` and `claims` by primary key (OFFSET 0 keeps each NOT EXISTS
 * a per-row subplan, not an anti-join the planner chooses for us). Seen at
 * 1,000 sensors: `claims` swings between empty and a chunk's worth within
 * seconds, so its statistics routinely say empty, and a LIMIT makes a
 * fast-start nested loop that rescans every claim of the parameter per
 * candidate look cheapest; one chunk's claim ran for minutes at 100% CPU. A
 * probe per candidate costs the same whatever the statistics say.
 */
const candidatesProbed = (sensors: string) => `${missingInWindow(sensors)}
     and not exists (select 1 from imputations i
                      where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts
                     offset 0)`;

const sensorsParam = (query: Pick<MissingReadingsQuery, 'sensors'>): string[] | null => (query.sensors ? [...query.sensors] : null);

type MissingRow = { sensor_ref: number; device_id: string; parameter: string; ts: Date };

const toMissingReading = (row: MissingRow): MissingReading => ({
  sensorRef: row.sensor_ref,
  deviceId: row.device_id,
  parameter: row.parameter,
  ts: row.ts,
});

/** Lists missing readings of a parameter that have no imputation yet (read only; claims nothing). */
export async function findMissingReadings(database: Database, query: MissingReadingsQuery): Promise<MissingReading[]> {
  const { rows } = await database.pool.query<MissingRow>(
    `with candidates as (${candidatesProbed('$5')} order by r.ts, r.sensor_ref limit $4)
     select c.sensor_ref, s.device_id, c.parameter, c.ts
       from candidates c join sensors s on s.id = c.sensor_ref
      order by c.ts, s.device_id`,
    [query.parameter, query.from ?? null, query.to ?? null, query.limit, sensorsParam(query)],
  );
  return rows.map(toMissingReading);
}

/**
 * Claims up to `$4` missing readings of `$1` in [`$2`, `$3`) of the sensors
 * `$7` (null: every sensor) for run `$5`:
 * those without an imputation and without a live claim (younger than `$6`),
 * oldest first. Exported for the test that reads its plan.
 */
export const CLAIM_STATEMENT = `with candidates as (
     ${candidatesProbed('$7')}
       and not exists (select 1 from claims c
                        where c.sensor_ref = r.sensor_ref and c.parameter = r.parameter and c.ts = r.ts
                          and c.claimed_at > now() - $6::interval
                       offset 0)
     order by r.ts, r.sensor_ref
     limit $4
     -- A concurrent run skips what this one is taking, and takes the next readings.
     for no key update of r skip locked
   ), claimed as (
     insert into claims (sensor_ref, parameter, ts, run_id)
     select sensor_ref, parameter, ts, $5 from candidates
     on conflict (sensor_ref, parameter, ts) do update
       set run_id = excluded.run_id, claimed_at = now()
       where claims.claimed_at <= now() - $6::interval
     returning 1)
   select (select count(*) from candidates) as candidates, (select count(*) from claimed) as claimed`;

/** Claiming: a run takes missing readings no live run holds. */
export interface ClaimQuery extends MissingReadingsQuery {
  runId: string;
  /** A claim older than this is taken over (its run died without releasing it). @default 6 hours */
  staleAfterSeconds?: number;
}

const MAX_CLAIM_ATTEMPTS = 5;

/**
 * Claims up to `limit` missing, not yet imputed readings for a run and returns
 * every reading the run holds. Two overlapping runs never hold the same
 * reading: the claim is the primary key of `claims`, and runs claiming at the
 * same moment skip each other's candidates (`SKIP LOCKED`) rather than queue
 * behind them. Calling it again for the
 * same run (a retry) returns the same readings and claims no more than `limit` in all.
 */
export async function claimMissingReadings(database: Database, query: ClaimQuery): Promise<MissingReading[]> {
  const staleAfter = `${query.staleAfterSeconds ?? 6 * 3600} seconds`;
  return inTransaction(database, async (client) => {
    // A run that started claiming while another was committing can find its
    // candidates taken (its snapshot was older than the other's claims); each
    // statement takes a fresh snapshot, so claiming again finds the rest.
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const held = await client.query<{ n: string }>('select count(*) as n from claims where run_id = $1', [query.runId]);
      const room = query.limit - Number(held.rows[0]?.n ?? 0);
      if (room <= 0) break;
      const { rows } = await client.query<{ candidates: string; claimed: string }>(
        CLAIM_STATEMENT,
        [query.parameter, query.from ?? null, query.to ?? null, room, query.runId, staleAfter, sensorsParam(query)],
      );
      const outcome = rows[0]!;
      if (Number(outcome.claimed) === Number(outcome.candidates)) break;
    }
    const { rows } = await client.query<MissingRow>(
      `select c.sensor_ref, s.device_id, c.parameter, c.ts
         from claims c join sensors s on s.id = c.sensor_ref
        where c.run_id = $1
        order by c.ts, s.device_id`,
      [query.runId],
    );
    return rows.map(toMissingReading);
  });
}

/** Missing readings of a parameter that other live runs hold, and which runs. */
export interface ClaimsHeldElsewhere {
  readings: number;
  runs: { runId: string; startedAt: Date; claimed: number }[];
}

/**
 * The missing readings of `parameter` claimed by runs other than `runId`
 * that are still running (not stale): what a run found it could not claim,
 * so the report can say another run holds them.
 */
export async function claimsHeldElsewhere(database: Database, query: { parameter: string; runId: string; staleAfterSeconds?: number }): Promise<ClaimsHeldElsewhere> {
  const { rows } = await database.pool.query<{ run_id: string; started_at: Date; claimed: string }>(
    `select c.run_id::text as run_id, r.started_at, count(*) as claimed
       from claims c join runs r on r.run_id = c.run_id
      where c.parameter = $1 and c.run_id <> $2 and r.status = 'running' and c.claimed_at > now() - $3::interval
      group by c.run_id, r.started_at
      order by r.started_at`,
    [query.parameter, query.runId, `${query.staleAfterSeconds ?? 6 * 3600} seconds`],
  );
  const runs = rows.map((row) => ({ runId: row.run_id, startedAt: row.started_at, claimed: Number(row.claimed) }));
  return { readings: runs.reduce((total, run) => total + run.claimed, 0), runs };
}

/** Missing readings of a parameter without an imputation, counted per hour (what a plan cuts into chunks). */
export interface MissingPerHour {
  /** The hour's start. */
  hour: Date;
  readings: number;
}

/**
 * Counts the missing readings of a parameter that have no imputation yet,
 * per group of sensors (device ids) and hour of `ts` in [from, to), oldest
 * first; hours without any are left out. Without `groups`, one group of
 * every sensor. Read only; claims nothing (a reading another run holds is
 * counted: that run may fail and free it). One pass over the missing-value
 * index, whatever the number of groups.
 */
export async function countMissingPerHour(
  database: Database,
  query: Omit<MissingReadingsQuery, 'limit' | 'sensors'> & { groups?: readonly (readonly string[])[] | null },
): Promise<MissingPerHour[][]> {
  const groups = query.groups ?? null;
  const devices = groups ? groups.flat() : null;
  const groupOf = groups ? groups.flatMap((group, at) => group.map(() => at)) : null;
  const { rows } = await database.pool.query<{ grp: number; hour: Date; readings: string }>(
    `select coalesce(g.grp, 0) as grp, date_trunc('hour', c.ts) as hour, count(*) as readings
       from (${candidates('$4')}) c
       left join (select s.id, m.grp from unnest($4::text[], $5::int[]) as m(device_id, grp) join sensors s on s.device_id = m.device_id) g
         on g.id = c.sensor_ref
      group by 1, 2
      order by 1, 2`,
    [query.parameter, query.from ?? null, query.to ?? null, devices, groupOf],
  );
  const counts: MissingPerHour[][] = (groups ?? [[]]).map(() => []);
  for (const row of rows) counts[row.grp]!.push({ hour: row.hour, readings: Number(row.readings) });
  return counts;
}
