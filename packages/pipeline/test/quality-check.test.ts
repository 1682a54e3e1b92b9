import { correctReadings, getQualityCheck, listAlerts } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { QUALITY_ALERTS_METRIC } from '@airfill/schema';
import { InputError, qualityCheck, runIdForExecution, silentLogger } from '../src';
import { captureLogs } from './support/logs';
import { FAULTS, HOUR, HOURS, insertReadings, seedQualityNetwork, T0 } from './support/quality-seed';

let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
  await seedQualityNetwork(database);
});
afterEach(() => database.drop());

const execution = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:${name}`;
const deps = () => ({ database, logger: silentLogger });
const at = (hour: number) => new Date(T0 + hour * HOUR);

async function flagRows() {
  const { rows } = await database.pool.query<{ device_id: string; ts: Date; check: string; severity: string; value: number | null; raw_value: string; run_id: string | null; cleared: boolean }>(
    `select s.device_id, f.ts, f."check", f.severity, r.value, r.raw_value, f.run_id::text as run_id, f.cleared_at is not null as cleared
       from flags f join sensors s on s.id = f.sensor_ref join readings r using (sensor_ref, parameter, ts)
      order by s.device_id, f.ts, f."check"`,
  );
  return rows;
}

describe('qualityCheck', () => {
  it('flags the faults beside the readings, turns invalid values into missing with the raw text kept, and raises one alert per episode', async () => {
    const { logger, lines } = captureLogs();
    const result = await qualityCheck({ database, logger }, {}, { executionId: execution('q1'), input: { trigger: 'test' } });
    const runId = runIdForExecution(execution('q1'));
    const flags = await flagRows();
    const of = (check: string) => flags.filter((flag) => flag.check === check);

    expect(of('spike')).toEqual([{ device_id: 'b', ts: at(FAULTS.spike.hour), check: 'spike', severity: 'invalid', value: null, raw_value: '400', run_id: runId, cleared: false }]);
    expect(of('fault_constant').map((flag) => [flag.device_id, flag.ts, flag.value, flag.raw_value])).toEqual([200, 201, 202].map((hour) => ['a', at(hour), null, '999.9']));
    // The stuck run's first reading is kept (the last real one); the next 19 are invalid.
    const stuck = of('stuck');
    expect(stuck.map((flag) => flag.ts)).toEqual(Array.from({ length: 19 }, (_, i) => at(FAULTS.stuck.from + 1 + i)));
    expect(stuck.every((flag) => flag.device_id === 'c' && flag.severity === 'invalid' && flag.value === null && flag.raw_value !== null)).toBe(true);
    expect(flags).toHaveLength(1 + 3 + 19);

    expect(result).toEqual({
      runId,
      window: { from: at(0).toISOString(), to: new Date(T0 + (HOURS - 1) * HOUR + 1).toISOString() },
      readings: 5 * HOURS - 30,
      invalid: 23,
      suspect: 0,
      nulled: 23,
      alertsRaised: 2,
      alerts: [
        { subject: expect.stringMatching(/^airfill: e PM 2\.5 silent since /), message: expect.stringContaining(`Raised by run ${runId}.`) },
        { subject: expect.stringMatching(/^airfill: c PM 2\.5 stuck on one value since /), message: expect.stringContaining(`Raised by run ${runId}.`) },
      ],
    });
    const alerts = await listAlerts(database);
    expect(alerts.map((alert) => [alert.deviceId, alert.kind, alert.startedAt, alert.endedAt, alert.raisedRunId])).toEqual([
      ['e', 'dead', at(FAULTS.dead.from), new Date(T0 + (HOURS - 1) * HOUR + 1), runId],
      ['c', 'stuck', at(FAULTS.stuck.from + 1), at(FAULTS.stuck.to), runId],
    ]);
    expect(await getQualityCheck(database, runId)).toMatchObject({ readings: 5 * HOURS - 30, invalid: 23, nulled: 23, alertsRaised: 2, finishedAt: expect.any(Date) });
    const warnings = lines.filter((line) => line.message === 'quality alert raised');
    expect(warnings.map((line) => [line.deviceId, line.kind])).toEqual([
      ['e', 'dead'],
      ['c', 'stuck'],
    ]);
    // The stacks' dashboard graphs exactly this metric (namespace, name, Step dimension).
    const metrics = lines.find((line) => '_aws' in line && QUALITY_ALERTS_METRIC.name in line);
    expect(metrics).toMatchObject({ Step: QUALITY_ALERTS_METRIC.step, [QUALITY_ALERTS_METRIC.name]: 2, FlagsInvalid: 23, ValuesInvalidated: 23 });
    expect(metrics!._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: QUALITY_ALERTS_METRIC.namespace, Dimensions: [['Step']], Metrics: expect.arrayContaining([{ Name: QUALITY_ALERTS_METRIC.name, Unit: 'Count' }]) }],
    });
  });

  it('is idempotent: a second run over the same window stores no flag twice and raises no alert again', async () => {
    await qualityCheck(deps(), {}, { executionId: execution('q2'), input: { from: at(0).toISOString() } });
    const before = await flagRows();
    const again = await qualityCheck(deps(), {}, { executionId: execution('q3'), input: { from: at(0).toISOString() } });
    expect(again).toMatchObject({ invalid: 0, suspect: 0, nulled: 0, alertsRaised: 0, readings: 5 * HOURS - 30 });
    expect(await flagRows()).toEqual(before);
    expect(await listAlerts(database)).toHaveLength(2);
  });

  it('gives a retry of the same execution the same result', async () => {
    const event = { executionId: execution('q4'), input: {} };
    const first = await qualityCheck(deps(), {}, event);
    expect(await qualityCheck(deps(), {}, event)).toEqual(first);
  });

  it('keeps a cleared flag cleared and its value trusted when the checks run again', async () => {
    await qualityCheck(deps(), {}, { executionId: execution('q5'), input: {} });
    const spike = at(FAULTS.spike.hour);
    const cleared = await correctReadings(database, {
      action: 'clear',
      deviceId: 'b',
      parameter: 'PM 2.5',
      check: 'spike',
      from: spike,
      to: new Date(spike.getTime() + HOUR),
      reason: 'a bonfire next to the sensor, seen by staff',
      requestedBy: 'tester',
      featureWindow: { beforeMs: 0, afterMs: 0 },
    });
    expect(cleared).toMatchObject({ changed: 1, flagsCleared: 1 });
    const result = await qualityCheck(deps(), {}, { executionId: execution('q6'), input: { from: at(0).toISOString() } });
    expect(result).toMatchObject({ invalid: 0, nulled: 0 });
    const flags = (await flagRows()).filter((flag) => flag.check === 'spike');
    expect(flags).toEqual([expect.objectContaining({ device_id: 'b', value: 400, cleared: true })]);
  });

  it('starts where the last run stopped, less 48 hours for late readings, and checks the readings that arrived since', async () => {
    await database.pool.query(`delete from readings where ts >= $1`, [at(HOURS - 24)]);
    const first = await qualityCheck(deps(), {}, { executionId: execution('q7'), input: {} });
    expect(first.window?.to).toBe(new Date(T0 + (HOURS - 25) * HOUR + 1).toISOString());
    // A day more arrives, with a spike at sensor d.
    const hours = Array.from({ length: 24 }, (_, i) => HOURS - 24 + i);
    await insertReadings(
      database,
      ['a', 'b', 'c', 'd'].flatMap((device) => hours.map((hour) => ({ device, ts: at(hour), value: device === 'd' && hour === HOURS - 10 ? 500 : 40 + (hour % 5) }))),
    );
    const second = await qualityCheck(deps(), {}, { executionId: execution('q8'), input: {} });
    expect(second.window).toEqual({ from: new Date(T0 + (HOURS - 25 - 48) * HOUR + 1).toISOString(), to: new Date(T0 + (HOURS - 1) * HOUR + 1).toISOString() });
    expect((await flagRows()).filter((flag) => flag.device_id === 'd').map((flag) => [flag.check, flag.ts])).toEqual([['spike', at(HOURS - 10)]]);
  });

  it('raises a silent sensor once however many runs it stays silent, and moves the end of its episode', async () => {
    const first = await qualityCheck(deps(), {}, { executionId: execution('q13'), input: {} });
    expect(first.alertsRaised).toBe(2);
    const hours = Array.from({ length: 24 }, (_, i) => HOURS + i);
    await insertReadings(database, ['a', 'b', 'c', 'd'].flatMap((device) => hours.map((hour) => ({ device, ts: at(hour), value: 40 + (hour % 7) }))));
    const second = await qualityCheck(deps(), {}, { executionId: execution('q14'), input: {} });
    expect(second.alertsRaised).toBe(0);
    const dead = (await listAlerts(database)).filter((alert) => alert.kind === 'dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ deviceId: 'e', startedAt: at(FAULTS.dead.from), endedAt: new Date(T0 + (HOURS + 23) * HOUR + 1), raisedRunId: first.runId, seenRunId: second.runId });
  });

  it("applies the loader's plausibility ranges to the range check", async () => {
    await database.pool.query(`update readings set value = 1500, raw_value = '1500' where ts = $1 and sensor_ref = (select id from sensors where device_id = 'd')`, [at(50)]);
    await qualityCheck(deps(), { plausibility: { ranges: { 'PM 2.5': { min: 0, max: 1000 } } } }, { executionId: execution('q9'), input: {} });
    const { rows } = await database.pool.query(`select "check", detail from flags where ts = $1 and "check" = 'range'`, [at(50)]);
    expect(rows).toEqual([{ check: 'range', detail: '1500 is outside the plausible range of PM 2.5, 0 to 1000 (configured)' }]);
  });

  it('refuses settings that do not validate, as an InputError naming the problem', async () => {
    await expect(qualityCheck(deps(), { config: { stuck: { minHours: -1 } } }, { executionId: execution('q10'), input: {} })).rejects.toThrow(InputError);
    await expect(qualityCheck(deps(), { plausibility: { ranges: { 'PM 2.5': { min: 5, max: 1 } } } }, { executionId: execution('q11'), input: {} })).rejects.toThrow(/min must not be above max/);
  });

  it('checks nothing when no readings are stored', async () => {
    await database.pool.query('delete from readings');
    expect(await qualityCheck(deps(), {}, { executionId: execution('q12'), input: {} })).toEqual({
      runId: runIdForExecution(execution('q12')),
      window: null,
      readings: 0,
      invalid: 0,
      suspect: 0,
      nulled: 0,
      alertsRaised: 0,
      alerts: [],
    });
  });
});
