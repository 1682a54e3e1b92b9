import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { claimMissingReadings, completeRun, failRun, findMissingReadings, getRun, openRun, writeImputations } from '../src';
import { CLAIM_STATEMENT } from '../src/queries/missing';

let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
  // Two sensors, 24 hours, every third hour missing: 16 missing PM 2.5 readings; NO2 has 8 more.
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('a', 1, 2), ('b', 3, 4);
    select ensure_readings_partitions('2024-01-01T00:00:00Z', '2024-01-01T23:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p, t, case when extract(hour from t)::int % 3 = 0 then null else 10 end, '10'
      from sensors s, unnest(array['PM 2.5', 'NO2']) p,
           generate_series('2024-01-01T00:00:00Z'::timestamptz, '2024-01-01T23:00:00Z', interval '1 hour') t;
  `);
});
afterEach(() => database.drop());

const run = () => openRun(database, { trigger: 'test', parameter: 'PM 2.5' });

/** Waits until a session of this database waits for a lock another holds (a statement blocked on uncommitted rows). */
async function waitForALockWait(): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    const { rows } = await database.pool.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (Number(rows[0]!.n) > 0) return;
  }
  throw new Error('no session ever waited for the uncommitted claims');
}
const keys = (rows: { deviceId: string; ts: Date }[]) => rows.map((row) => `${row.deviceId}@${row.ts.toISOString()}`);

describe('findMissingReadings', () => {
  it('lists missing readings of one parameter, oldest first, within a window and a limit', async () => {
    const all = await findMissingReadings(database, { parameter: 'PM 2.5', limit: 100 });
    expect(all).toHaveLength(16);
    expect(all[0]).toMatchObject({ deviceId: 'a', parameter: 'PM 2.5', ts: new Date('2024-01-01T00:00:00Z') });
    const window = await findMissingReadings(database, {
      parameter: 'PM 2.5',
      from: new Date('2024-01-01T06:00:00Z'),
      to: new Date('2024-01-01T12:00:00Z'),
      limit: 3,
    });
    expect(keys(window)).toEqual(['a@2024-01-01T06:00:00.000Z', 'b@2024-01-01T06:00:00.000Z', 'a@2024-01-01T09:00:00.000Z']);
  });

  it('leaves out readings that already have an imputation', async () => {
    const first = await run();
    const [one] = await findMissingReadings(database, { parameter: 'PM 2.5', limit: 1 });
    await writeImputations(database, { runId: first.runId, modelVersion: 'm', imputations: [{ ...one!, value: 1 }] });
    expect(await findMissingReadings(database, { parameter: 'PM 2.5', limit: 100 })).toHaveLength(15);
  });
});

describe('claimMissingReadings', () => {
  it('never gives the same reading to overlapping runs, and runs claiming at once share out all the work', async () => {
    for (let round = 0; round < 5; round += 1) {
      await database.pool.query('delete from claims');
      const runs = await Promise.all([run(), run(), run(), run()]);
      const claimed = await Promise.all(runs.map((each) => claimMissingReadings(database, { runId: each.runId, parameter: 'PM 2.5', limit: 5 })));
      const all = claimed.flatMap(keys);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(16);
    }
  });

  it('never takes over a live claim, even one committed while this run was claiming (interleaved by hand, not by timing)', async () => {
    const holder = await run();
    const taker = await run();
    const held = await database.pool.connect();
    try {
      await held.query('begin');
      // The holder's claims, not committed yet: the taker's scan cannot see them, and its insert runs into them.
      await held.query(
        `insert into claims (sensor_ref, parameter, ts, run_id) select sensor_ref, parameter, ts, $1 from readings where value is null and parameter = 'PM 2.5'`,
        [holder.runId],
      );
      const taking = claimMissingReadings(database, { runId: taker.runId, parameter: 'PM 2.5', limit: 100 });
      await waitForALockWait();
      await held.query('commit');
      expect(await taking).toEqual([]);
    } finally {
      held.release();
    }
    const { rows } = await database.pool.query<{ run_id: string; n: string }>('select run_id::text as run_id, count(*) as n from claims group by run_id');
    expect(rows).toEqual([{ run_id: holder.runId, n: '16' }]);
  });

  it('probes claims and imputations by primary key per candidate, even when the statistics say claims is empty', async () => {
    // The claims of a chunk come and go within seconds: analysed empty, then full of another run's claims.
    await database.pool.query('analyze claims');
    const other = await openRun(database, { trigger: 'test', parameter: 'NO2' });
    await database.pool.query(
      `insert into claims (sensor_ref, parameter, ts, run_id)
       select s.id, 'PM 2.5', t, $1 from sensors s, generate_series('2023-01-01'::timestamptz, '2023-12-31', interval '1 hour') t`,
      [other.runId],
    );
    const { runId } = await run();
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Parent Relationship'?: string; 'Index Cond'?: string; Plans?: PlanNode[] };
    // Every sensor, and a group of sensors (a chunk of a large network).
    for (const sensors of [null, ['a']]) {
      const { rows } = await database.pool.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${CLAIM_STATEMENT}`, ['PM 2.5', null, null, 10, runId, '6 hours', sensors]);
      const nodes: PlanNode[] = [];
      const walk = (node: PlanNode) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk((rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
      for (const table of ['claims', 'imputations']) {
        const reads = nodes.filter((node) => node['Relation Name'] === table && node['Node Type'] !== 'ModifyTable');
        expect(reads.length).toBeGreaterThan(0);
        for (const read of reads) {
          expect(read['Node Type']).toMatch(/^Index (Only )?Scan$/);
          expect(read['Index Cond']).toMatch(/sensor_ref = .*parameter = .*ts = /);
        }
      }
      expect(nodes.filter((node) => node['Node Type'] === 'Materialize')).toEqual([]);
    }
  });

  it('gives a retry of the same run the same readings, never more than the limit', async () => {
    const first = await run();
    const once = await claimMissingReadings(database, { runId: first.runId, parameter: 'PM 2.5', limit: 5 });
    const again = await claimMissingReadings(database, { runId: first.runId, parameter: 'PM 2.5', limit: 5 });
    expect(keys(again)).toEqual(keys(once));
  });

  it('releases the claims of a failed run so the next run picks its readings up', async () => {
    const failed = await run();
    await claimMissingReadings(database, { runId: failed.runId, parameter: 'PM 2.5', limit: 100 });
    await failRun(database, failed.runId, { name: 'TransformJobFailedError', message: 'the job failed' });
    expect(await getRun(database, failed.runId)).toMatchObject({ status: 'failed', error: { name: 'TransformJobFailedError', message: 'the job failed' } });
    const next = await run();
    expect(await claimMissingReadings(database, { runId: next.runId, parameter: 'PM 2.5', limit: 100 })).toHaveLength(16);
  });

  it('takes over the claims of a run that died without releasing them, once they are stale', async () => {
    const dead = await run();
    await claimMissingReadings(database, { runId: dead.runId, parameter: 'PM 2.5', limit: 100 });
    await database.pool.query(`update claims set claimed_at = now() - interval '7 hours'`);
    const next = await run();
    expect(await claimMissingReadings(database, { runId: next.runId, parameter: 'PM 2.5', limit: 100, staleAfterSeconds: 6 * 3600 })).toHaveLength(16);
  });
});

describe('the run ledger', () => {
  it('opens a run idempotently by id, completes it once, and a late failure does not undo success', async () => {
    const runId = '00000000-0000-4000-8000-000000000001';
    const opened = await openRun(database, { trigger: 'schedule', parameter: 'PM 2.5', runId });
    expect(await openRun(database, { trigger: 'schedule', parameter: 'PM 2.5', runId })).toEqual(opened);
    await claimMissingReadings(database, { runId, parameter: 'PM 2.5', limit: 4 });
    await completeRun(database, runId, { found: 4, predicted: 4, written: 4, modelVersion: 'm1' });
    await failRun(database, runId, { name: 'Late', message: 'a late duplicate' });
    const run = await getRun(database, runId);
    expect(run).toMatchObject({ status: 'succeeded', found: 4, written: 4, modelVersion: 'm1', error: null });
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect((await database.pool.query('select count(*)::int as n from claims')).rows[0].n).toBe(0);
  });

  it('refuses to read a run that does not exist', async () => {
    await expect(getRun(database, '00000000-0000-4000-8000-00000000dead')).rejects.toThrow(/does not exist/);
  });
});
