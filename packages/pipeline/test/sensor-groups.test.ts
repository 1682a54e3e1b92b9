import { distanceKm, type SensorSite } from '@airfill/features';
import { groupSensorsSpatially, neighbourRing } from '../src/sensor-groups';

/** A grid of `columns` x `rows` sensors 1 km apart (roughly), ids `s-<column>-<row>`. */
function grid(columns: number, rows: number): SensorSite[] {
  const sites: SensorSite[] = [];
  for (let column = 0; column < columns; column += 1) {
    for (let row = 0; row < rows; row += 1) sites.push({ deviceId: `s-${column}-${row}`, latitude: 48 + row * 0.009, longitude: 9 + column * 0.0135 });
  }
  return sites;
}

/** The largest distance between two members of a group (km). */
const spread = (sites: SensorSite[], group: string[]) => {
  const members = sites.filter((site) => group.includes(site.deviceId));
  return Math.max(...members.flatMap((a) => members.map((b) => distanceKm(a, b))));
};

describe('groupSensorsSpatially', () => {
  it('keeps a network of at most a group whole', () => {
    const sites = grid(3, 3);
    expect(groupSensorsSpatially(sites, 9)).toEqual([sites.map((site) => site.deviceId).sort()]);
  });

  it('cuts a larger network into compact groups of at most the size, every sensor in exactly one', () => {
    const sites = grid(20, 10);
    const groups = groupSensorsSpatially(sites, 25);
    expect(groups).toHaveLength(8);
    for (const group of groups) expect(group.length).toBeLessThanOrEqual(25);
    expect(groups.flat().sort()).toEqual(sites.map((site) => site.deviceId).sort());
    // Compact: a group of 25 on a 1 km grid spans a few km, not the network's 21 km.
    for (const group of groups) expect(spread(sites, group)).toBeLessThan(8);
  });

  it('makes as few groups as the size allows, of even sizes', () => {
    expect(groupSensorsSpatially(grid(3, 2), 2).map((group) => group.length)).toEqual([2, 2, 2]);
    expect(groupSensorsSpatially(grid(10, 100), 250).map((group) => group.length)).toEqual([250, 250, 250, 250]);
    expect(groupSensorsSpatially(grid(7, 1), 2).map((group) => group.length)).toEqual([2, 2, 2, 1]);
  });

  it('gives the same groups whatever the order of the sites', () => {
    const sites = grid(7, 5);
    const shuffled = [...sites].reverse();
    expect(groupSensorsSpatially(shuffled, 6)).toEqual(groupSensorsSpatially(sites, 6));
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => groupSensorsSpatially(grid(2, 2), 0)).toThrow(RangeError);
    expect(() => groupSensorsSpatially(grid(2, 2), 2.5)).toThrow(RangeError);
  });
});

describe('neighbourRing', () => {
  it("holds each member's nearest sensors outside the group, and nothing of the group", () => {
    const sites = grid(10, 1);
    const group = new Set(['s-0-0', 's-1-0', 's-2-0']);
    // Two per member, in a line: the two sensors east of the group's last member.
    expect(neighbourRing(group, sites, 2).sort()).toEqual(['s-3-0', 's-4-0']);
    expect(neighbourRing(group, sites, 4).sort()).toEqual(['s-3-0', 's-4-0', 's-5-0', 's-6-0']);
  });

  it('is empty when the group is the whole network', () => {
    const sites = grid(3, 3);
    expect(neighbourRing(new Set(sites.map((site) => site.deviceId)), sites)).toEqual([]);
  });
});
