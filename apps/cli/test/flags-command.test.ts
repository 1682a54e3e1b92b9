/**
 * Quality control as a user meets it, each command a real process on the
 * default embedded database (no DATABASE_URL): `airfill run` flags what the
 * sensors got wrong and fills the invalid values, `airfill flags` lists the
 * flags, `airfill flags clear` clears them with a reason that is kept
 * through later runs, `airfill status --json` gives data capture per
 * parameter, sensor and day.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { airfillIn, expectOneLineFailure, workFolder } from './support/airfill';

jest.setTimeout(240_000);

const work = workFolder('airfill-flags-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const airfill = (...args: string[]) => airfillIn(work, [...args, '--data-dir', 'data']);

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 2, 1);
const HOURS = 12 * 24;
const SPIKE = { device: 'b', hour: 100 };
const STUCK = { device: 'c', from: 150, to: 170 };
const iso = (hour: number) => new Date(T0 + hour * HOUR).toISOString();

/** Five sensors a couple of km apart, hourly PM 2.5 for 12 days; b spikes once, c is stuck for 20 hours, e goes silent for its last 30. */
function network(): string {
  const lines = ['timestamp,value,parameter,device_id,latitude,longitude'];
  ['a', 'b', 'c', 'd', 'e'].forEach((device, site) => {
    const air = (hour: number) => Math.round(40 * (1 + 0.4 * Math.sin((2 * Math.PI * hour) / 24)) * (1 + 0.3 * Math.sin((2 * Math.PI * hour) / 120)) * (1 + 0.04 * Math.sin(hour * 12.9898 + site * 78.233)) * (1 + 0.05 * site));
    for (let hour = 0; hour < HOURS; hour += 1) {
      if (device === 'e' && hour >= HOURS - 30) continue;
      let value = air(hour);
      if (device === SPIKE.device && hour === SPIKE.hour) value = 400;
      if (device === STUCK.device && hour > STUCK.from && hour < STUCK.to) value = air(STUCK.from);
      lines.push(`${iso(hour)},${value},PM 2.5,${device},${(39.9 + 0.02 * site).toFixed(2)},${(116.4 + 0.01 * (site % 2)).toFixed(2)}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  writeFileSync(path.join(work, 'network.csv'), network());
});

describe('quality control from the command line', () => {
  it('airfill run flags the faults before the fill, fills the invalid values and reports the alerts', () => {
    const run = airfill('run', '--csv', 'network.csv', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/quality-check: checking every parameter/);
    const report = JSON.parse(run.stdout);
    expect(report.quality).toMatchObject({ invalid: 20, suspect: 0, nulled: 20 });
    expect(report.quality.flags).toEqual([
      { parameter: 'PM 2.5', check: 'spike', severity: 'invalid', count: 1 },
      { parameter: 'PM 2.5', check: 'stuck', severity: 'invalid', count: 19 },
    ]);
    // The invalid values are filled like gaps, with their check as the reason.
    expect(report.quality.filledInvalid).toEqual({ spike: 1, stuck: 19 });
    expect(report.quality.alerts.map((alert: { deviceId: string; kind: string; new: boolean }) => [alert.deviceId, alert.kind, alert.new])).toEqual([
      ['e', 'dead', true],
      ['c', 'stuck', true],
    ]);
  });

  it('airfill flags writes device_id,parameter,timestamp,check,severity,detail as CSV, to stdout or --out, or JSON', () => {
    const listed = airfill('flags');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('device_id,parameter,timestamp,check,severity,detail');
    expect(lines).toHaveLength(1 + 20);
    expect(lines[1]).toMatch(new RegExp(`^b,PM 2\\.5,${iso(SPIKE.hour).replace(/\./g, '\\.')},spike,invalid,"?400 between`));
    expect(listed.stderr).toMatch(/20 open flag\(s\)/);

    const toFile = airfill('flags', '--out', 'flags.csv', '--parameter', 'PM 2.5');
    expect(toFile).toMatchObject({ code: 0, stdout: expect.stringMatching(/wrote 20 open flag\(s\) to .*flags\.csv/) });
    expect(readFileSync(path.join(work, 'flags.csv'), 'utf8')).toBe(listed.stdout);

    const json = airfill('flags', '--json', '--device', 'c');
    expect(json.code).toBe(0);
    const flags = JSON.parse(json.stdout) as { deviceId: string; check: string; timestamp: string }[];
    expect(flags).toHaveLength(19);
    expect(flags.every((flag) => flag.deviceId === 'c' && flag.check === 'stuck')).toBe(true);
    expect(flags[0]?.timestamp).toBe(iso(STUCK.from + 1));
  });

  it('airfill flags exits 2 in one line for a parameter or device that is not stored, or a file it cannot write', () => {
    expectOneLineFailure({ ...airfill('flags', '--parameter', 'PM25'), code: 2 }, /no readings of parameter "PM25" are stored; the parameters stored are: "PM 2\.5"/);
    const device = airfill('flags', '--device', 'zz');
    expect(device.code).toBe(2);
    expectOneLineFailure(device, /no device zz is stored/);
    // A folder cannot be made inside a file.
    const out = airfill('flags', '--out', 'network.csv/flags.csv');
    expect(out.code).toBe(2);
    expectOneLineFailure(out, /cannot write the flags .*flags\.csv/);
  });

  it('airfill flags clear clears one check with a reason, trusts the value again, and the clearance holds on the next run', () => {
    const range = ['--device', SPIKE.device, '--parameter', 'PM 2.5', '--from', iso(SPIKE.hour - 1), '--to', iso(SPIKE.hour + 1)];
    const cleared = airfill('flags', 'clear', ...range, '--check', 'spike', '--reason', 'a bonfire beside the sensor, seen by staff');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/cleared 1 spike flag\(s\) of b PM 2\.5 .*; 1 value\(s\) are trusted again/);
    expect(cleared.stdout).toMatch(/recorded as correction #\d+ in the corrections ledger/);
    expect(airfill('flags', '--device', 'b').stdout.trim().split('\n')).toHaveLength(1);

    const again = airfill('run', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).quality).toMatchObject({ invalid: 0, nulled: 0 });
    const withCleared = airfill('flags', '--device', 'b', '--include-cleared');
    expect(withCleared.stdout.trim().split('\n')).toEqual([
      'device_id,parameter,timestamp,check,severity,detail,cleared_at,cleared_reason',
      expect.stringMatching(/^b,PM 2\.5,.*,spike,invalid,.*,\d{4}-.*Z,"?a bonfire beside the sensor, seen by staff"?$/),
    ]);
  });

  it('airfill flags clear refuses an unknown check, a missing reason, and a device that is not stored', () => {
    const range = ['--parameter', 'PM 2.5', '--from', '2024-03-01', '--to', '2024-03-02'];
    const check = airfill('flags', 'clear', '--device', 'b', ...range, '--check', 'wobble', '--reason', 'x');
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/"wobble" is not a check; the checks are range, fault_constant, stuck, spike, drift, manual/);
    const reason = airfill('flags', 'clear', '--device', 'b', ...range);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toMatch(/required option '--reason <text>' not specified/);
    const device = airfill('flags', 'clear', '--device', 'zz', ...range, '--reason', 'x');
    expect(device.code).toBe(2);
    expectOneLineFailure(device, /no device zz is stored/);
  });

  it('airfill status --json gives data capture per parameter, sensor and day, without the invalid values', () => {
    const status = airfill('status', '--json');
    expect(status.code).toBe(0);
    const pm = JSON.parse(status.stdout).parameters['PM 2.5'];
    const sensors = Object.fromEntries(pm.completeness.sensors.map((sensor: { deviceId: string }) => [sensor.deviceId, sensor]));
    expect(Object.keys(sensors)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sensors.a).toMatchObject({ expected: HOURS, valid: HOURS, capture: 1, days: 12, daysMeetingObjective: 12 });
    // c's 19 stuck values are invalid: day 7 (hours 144-167) keeps 7 of 24, day 8 keeps 22.
    expect(sensors.c).toMatchObject({ expected: HOURS, valid: HOURS - 19, daysMeetingObjective: 11 });
    expect(sensors.c.daily[6]).toEqual({ day: '2024-03-07', expected: 24, valid: 7, capture: 7 / 24 });
    // b's spike was cleared: trusted, so it counts.
    expect(sensors.b).toMatchObject({ valid: HOURS });
    // e went silent for its last 30 hours: expected all the same.
    expect(sensors.e).toMatchObject({ expected: HOURS, valid: HOURS - 30 });
    const text = airfill('status');
    // (1,440 expected - 19 invalid - 30 silent) / 1,440; two sensor-days below 75 %: c's stuck day, e's silent last day.
    expect(text.stdout).toMatch(/PM 2\.5 .* 96\.6 %\s+58 of 60/);
  });
});
