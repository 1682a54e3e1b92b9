import { buildFeatureMatrix, makeFeatureContract, type FeatureTarget, type ObservedSeries, type SensorSite } from '@airfill/features';
import { seededRandom } from '@airfill/schema';
import { groupSensorsSpatially, neighbourRing } from '../src/sensor-groups';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2024, 2, 1);
const HOURS = 24 * 14;

/**
 * 48 sensors scattered over a city, two weeks of hourly PM 2.5 and PM 10:
 * a shared daily cycle, a level per sensor, noise, and gaps (short ones
 * everywhere, a few sensors silent for days, one of them for the whole two
 * weeks). Returns the sites, every observed series and the missing hours.
 */
function network() {
  // Seeded, so the network is the same every run.
  const next = seededRandom(16);
  const sites: SensorSite[] = Array.from({ length: 48 }, (_, at) => ({ deviceId: `s${String(at).padStart(2, '0')}`, latitude: 48.7 + next() * 0.2, longitude: 9.1 + next() * 0.3 }));
  const series: ObservedSeries[] = [];
  const missing: FeatureTarget[] = [];
  sites.forEach((site, at) => {
    const level = 10 + next() * 20;
    const silentFrom = at === 10 ? 0 : at % 7 === 3 ? Math.floor(next() * HOURS) : Infinity;
    const silentHours = at === 10 ? Infinity : 24 + Math.floor(next() * 72);
    for (const [parameter, factor] of [['PM 2.5', 1], ['PM 10', 1.8]] as const) {
      const ts: number[] = [];
      const values: number[] = [];
      for (let hour = 0; hour < HOURS; hour += 1) {
        const t = START + hour * HOUR_MS;
        const silent = hour >= silentFrom && hour < silentFrom + silentHours;
        if (silent || next() < 0.08) {
          if (parameter === 'PM 2.5') missing.push({ deviceId: site.deviceId, ts: t });
          continue;
        }
        ts.push(t);
        values.push(Math.round(factor * (level + 8 * Math.sin((2 * Math.PI * hour) / 24) + next() * 4) * 10) / 10);
      }
      series.push({ deviceId: site.deviceId, parameter, ts, values });
    }
  });
  return { sites, series, missing };
}

describe("a group's features", () => {
  it('equal those over the whole network, but for the share of sensors observed, when read from the group and the neighbours around it', () => {
    const { sites, series, missing } = network();
    const contract = makeFeatureContract('PM 2.5', ['PM 10']);
    const share = contract.columns.indexOf('net_observed_share');
    const baseline = contract.columns.indexOf('baseline');
    // As query-missing asks the database: the sensors that observed the parameter in the window (not s10, silent throughout).
    const observed = sites.filter((site) => series.some((one) => one.deviceId === site.deviceId && one.parameter === 'PM 2.5' && one.ts.length > 0));
    expect(observed).toHaveLength(sites.length - 1);
    const groups = groupSensorsSpatially(sites, 12);
    expect(groups).toHaveLength(4);
    let compared = 0;
    for (const group of groups) {
      const members = new Set(group);
      const ring = new Set(neighbourRing(members, observed));
      const targets = missing.filter((target) => members.has(target.deviceId));
      const whole = buildFeatureMatrix({ sites, series }, targets, contract);
      const restricted = buildFeatureMatrix(
        {
          sites: sites.filter((site) => members.has(site.deviceId) || ring.has(site.deviceId)),
          series: series.filter((one) => members.has(one.deviceId) || (ring.has(one.deviceId) && one.parameter === 'PM 2.5')),
        },
        targets,
        contract,
      );
      for (let row = 0; row < targets.length; row += 1) {
        for (let column = 0; column < contract.columns.length; column += 1) {
          if (column === share) continue;
          const at = row * contract.columns.length + column;
          const [expected, got] = [whole.values[at]!, restricted.values[at]!];
          // The baseline's last fallback is the network's level; every target here has a nearer one.
          if (column === baseline) expect(Number.isNaN(expected)).toBe(false);
          if (Number.isNaN(expected)) expect(got).toBeNaN();
          else expect({ column: contract.columns[column], value: got }).toEqual({ column: contract.columns[column], value: expected });
        }
        compared += 1;
      }
      // The share of sensors observed is the region's (the group and its neighbours), a fraction all the same.
      for (let row = 0; row < targets.length; row += 1) {
        const value = restricted.values[row * contract.columns.length + share]!;
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(compared).toBe(missing.length);
  });
});
