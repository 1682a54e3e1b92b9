import { findAlertEpisodes, parseQualityConfig, reconcileAlerts, runQualityChecks, type AlertEpisode, type QualityFlag, type RaisedAlert } from '../src';
import { DAY, HOUR, network, PM25, SITES, T0 } from './network';

const settings = parseQualityConfig({}).alerts;
const window = (days: number) => ({ from: T0, to: T0 + days * DAY });

function flagsAt(deviceId: string, check: 'stuck' | 'drift', hours: number[]): QualityFlag[] {
  return hours.map((hour) => ({ deviceId, parameter: PM25, ts: T0 + hour * HOUR, check, severity: check === 'stuck' ? 'invalid' : 'suspect', detail: `${check} detail` }));
}

describe('findAlertEpisodes', () => {
  it('finds a sensor silent for a day while the others reported, once, from one cadence after its last reading', () => {
    const observations = network({ hours: 24 * 5 }).filter((o) => !(o.deviceId === 'c' && o.ts > T0 + 30 * HOUR && o.ts < T0 + 70 * HOUR));
    const episodes = findAlertEpisodes({ observations, flags: [], window: window(5) }, settings);
    expect(episodes).toEqual([
      { deviceId: 'c', parameter: PM25, kind: 'dead', from: T0 + 31 * HOUR, to: T0 + 70 * HOUR, detail: 'no reading from 2024-01-02T07:00Z to 2024-01-03T22:00Z (39 h), while the other sensors reported' },
    ]);
  });

  it('does not call a sensor dead for a silence shorter than deadHours, nor when the whole network was silent', () => {
    const short = network({ hours: 24 * 3 }).filter((o) => !(o.deviceId === 'c' && o.ts > T0 + 30 * HOUR && o.ts < T0 + 50 * HOUR));
    expect(findAlertEpisodes({ observations: short, flags: [], window: window(3) }, settings)).toEqual([]);
    const outage = network({ hours: 24 * 5 }).filter((o) => !(o.ts > T0 + 30 * HOUR && o.ts < T0 + 80 * HOUR));
    expect(findAlertEpisodes({ observations: outage, flags: [], window: window(5) }, settings)).toEqual([]);
  });

  it('finds a sensor silent up to where the data ends, as still going on', () => {
    const observations = network({ hours: 24 * 4 }).filter((o) => !(o.deviceId === 'e' && o.ts >= T0 + 60 * HOUR));
    const [episode, ...rest] = findAlertEpisodes({ observations, flags: [], window: window(4) }, settings);
    expect(rest).toEqual([]);
    expect(episode).toMatchObject({ deviceId: 'e', kind: 'dead', from: T0 + 60 * HOUR, to: T0 + 4 * DAY });
    expect(episode?.detail).toBe('no reading since 2024-01-03T11:00Z: silent from 2024-01-03T12:00Z to 2024-01-05T00:00Z (36 h) so far, while the other sensors reported');
  });

  it('makes one episode of stuck flags within joinHours of each other, and alerts only from stuckHours on', () => {
    const flags = [...flagsAt('a', 'stuck', [...range(10, 18), ...range(21, 26)]), ...flagsAt('b', 'stuck', range(40, 48))];
    const episodes = findAlertEpisodes({ observations: [], flags, window: window(3) }, settings);
    // a: 10:00 to 26:00 with a 3-hour hole is one 16-hour episode; b's 8 hours are below the 12 configured.
    expect(episodes).toEqual([{ deviceId: 'a', parameter: PM25, kind: 'stuck', from: T0 + 10 * HOUR, to: T0 + 26 * HOUR, detail: 'stuck from 2024-01-01T10:00Z to 2024-01-02T02:00Z (16 h), 13 readings flagged; stuck detail' }]);
  });

  it('alerts on drift flags spanning driftDays, and leaves out episodes outside the window', () => {
    const flags = [...flagsAt('d', 'drift', range(24, 24 * 5)), ...flagsAt('e', 'drift', range(0, 24 * 2))];
    const episodes = findAlertEpisodes({ observations: [], flags, window: { from: T0 + DAY, to: T0 + 6 * DAY } }, settings);
    expect(episodes.map((episode) => [episode.deviceId, episode.kind, (episode.from - T0) / HOUR, (episode.to - T0) / HOUR])).toEqual([['d', 'drift', 24, 120]]);
    const later = findAlertEpisodes({ observations: [], flags, window: { from: T0 + 6 * DAY, to: T0 + 7 * DAY } }, settings);
    expect(later).toEqual([]);
  });

  it('raises nothing when alerts are off', () => {
    const flags = flagsAt('a', 'stuck', range(0, 48));
    expect(findAlertEpisodes({ observations: [], flags, window: window(2) }, { ...settings, enabled: false })).toEqual([]);
  });

  it('alerts on what the checks flag: a sensor stuck for 20 hours among moving neighbours', () => {
    const observations = network({ hours: 24 * 6, edit: { b: (values) => values.fill(values[50] as number, 50, 70) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    const episodes = findAlertEpisodes({ observations, flags, window: window(6) }, settings);
    expect(episodes).toMatchObject([{ deviceId: 'b', kind: 'stuck', from: T0 + 51 * HOUR, to: T0 + 70 * HOUR }]);
  });
});

describe('reconcileAlerts: one alert per sensor and episode', () => {
  const episode = (deviceId: string, kind: AlertEpisode['kind'], fromHour: number, toHour: number): AlertEpisode => ({
    deviceId,
    parameter: PM25,
    kind,
    from: T0 + fromHour * HOUR,
    to: T0 + toHour * HOUR,
    detail: `${kind} ${fromHour}-${toHour}`,
  });
  const stored = (id: number, found: AlertEpisode): RaisedAlert => ({ id, deviceId: found.deviceId, parameter: found.parameter, kind: found.kind, from: found.from, to: found.to });

  it('raises each new episode once', () => {
    const found = [episode('a', 'dead', 0, 30), episode('b', 'stuck', 5, 20), episode('a', 'stuck', 40, 60)];
    const decision = reconcileAlerts([], found, 6);
    expect(decision.raise).toHaveLength(3);
    expect(new Set(decision.raise)).toEqual(new Set(found));
    expect(decision.extend).toEqual([]);
  });

  it('raises nothing when the same episodes are found again (a re-run), and extends an episode that goes on', () => {
    const first = episode('a', 'dead', 0, 30);
    const again = reconcileAlerts([stored(1, first)], [first], 6);
    expect(again).toEqual({ raise: [], extend: [] });
    const goesOn = reconcileAlerts([stored(1, first)], [episode('a', 'dead', 24, 54)], 6);
    expect(goesOn).toEqual({ raise: [], extend: [{ id: 1, from: T0, to: T0 + 54 * HOUR }] });
  });

  it('continues an episode across a short break (within joinHours), and raises a new one after a longer one', () => {
    const first = stored(7, episode('a', 'stuck', 0, 20));
    expect(reconcileAlerts([first], [episode('a', 'stuck', 25, 40)], 6)).toEqual({ raise: [], extend: [{ id: 7, from: T0, to: T0 + 40 * HOUR }] });
    const later = episode('a', 'stuck', 30, 50);
    expect(reconcileAlerts([first], [later], 6)).toEqual({ raise: [later], extend: [] });
  });

  it('keeps channels and kinds apart: another sensor, parameter or kind is another alert', () => {
    const first = stored(1, episode('a', 'dead', 0, 30));
    const found = [episode('b', 'dead', 0, 30), episode('a', 'stuck', 0, 30), { ...episode('a', 'dead', 0, 30), parameter: 'PM 10' }];
    expect(reconcileAlerts([first], found, 6).raise).toHaveLength(3);
  });

  it('makes one alert of new episodes found together that touch', () => {
    const decision = reconcileAlerts([], [episode('a', 'drift', 0, 72), episode('a', 'drift', 74, 150)], 6);
    expect(decision.raise).toEqual([{ ...episode('a', 'drift', 0, 72), to: T0 + 150 * HOUR }]);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, at) => from + at);
}
