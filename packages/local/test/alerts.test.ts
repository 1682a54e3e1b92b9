/**
 * Quality alerts through the definition's NotifyQualityAlerts Map: each
 * alert quality-check raises is published as its own message (SNS in the
 * cloud, the progress events locally), once; a publish that fails costs the
 * run nothing.
 */
import { runIdForExecution } from '@airfill/pipeline';
import { alertNoticeSchema } from '@airfill/schema';
import { runPipeline, type PipelineProgress } from '../src';
import { count, openNetwork, unfilled, type Network } from './support/network';

jest.setTimeout(60_000);

type Alert = Extract<PipelineProgress, { kind: 'alert' }>;
const alertsOf = (events: PipelineProgress[]) => events.filter((event): event is Alert => event.kind === 'alert');

describe('quality alerts', () => {
  let network: Network;
  beforeEach(async () => {
    network = await openNetwork({ qualityChecked: false });
    // Two sensors stuck on one value for 14 hours of their second day (alerts come from 12 hours).
    await network.database.pool.query(
      `update readings set value = 42.5, raw_value = '42.5'
        where sensor_ref in (select id from sensors order by device_id limit 2) and parameter = 'PM 2.5'
          and ts >= (select min(ts) from readings) + interval '1 day 6 hours'
          and ts < (select min(ts) from readings) + interval '1 day 20 hours'`,
    );
  });
  afterEach(() => network.close());

  it('publishes one message per alert the run raised, naming the sensor, and none for the same episodes on the next run', async () => {
    const events: PipelineProgress[] = [];
    const first = await runPipeline(network.runtime, { retryIntervalMs: 20, onProgress: (event) => events.push(event) });
    expect(first.status).toBe('succeeded');
    const raised = await network.database.pool.query<{ device_id: string; parameter: string }>(
      `select s.device_id, a.parameter from quality_alerts a join sensors s on s.id = a.sensor_ref where a.raised_run_id = $1 order by 1, 2`,
      [runIdForExecution(first.executionId)],
    );
    expect(raised.rows.length).toBeGreaterThan(0);
    const published = alertsOf(events);
    expect(published).toHaveLength(raised.rows.length);
    for (const alert of published) expect(alertNoticeSchema.parse(alert)).toEqual({ subject: alert.subject, message: alert.message });
    expect(published.map((alert) => alert.subject).sort()).toEqual(
      raised.rows.map((row) => expect.stringContaining(`airfill: ${row.device_id} ${row.parameter} `)).sort(),
    );

    const again: PipelineProgress[] = [];
    const second = await runPipeline(network.runtime, { retryIntervalMs: 20, onProgress: (event) => again.push(event) });
    expect(second.status).toBe('succeeded');
    expect(alertsOf(again)).toEqual([]);
  });

  it('goes on to fill when publishing fails, and keeps the alerts', async () => {
    const events: PipelineProgress[] = [];
    const result = await runPipeline(network.runtime, { retryIntervalMs: 20, faults: [{ at: 'publishAlert', times: 1_000 }], onProgress: (event) => events.push(event) });
    expect(result.status).toBe('succeeded');
    expect(alertsOf(events)).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'state', state: 'NotifyQualityAlerts', phase: 'caught' }));
    expect(await unfilled(network)).toBe(0);
    expect(await count(network, 'select count(*) as n from quality_alerts where raised_run_id = $1', [runIdForExecution(result.executionId)])).toBeGreaterThan(0);
  });
});
