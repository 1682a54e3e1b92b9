import type { StoredAlert } from '@airfill/db';
import { alertNoticeSchema } from '@airfill/schema';
import { alertNotices } from '../src';

const RUN = '2504b0ee-4d79-5246-9f90-a9c71054f0ab';
const alert = (deviceId: string, kind: StoredAlert['kind'] = 'stuck'): StoredAlert => ({
  id: 1,
  deviceId,
  parameter: 'PM 2.5',
  kind,
  startedAt: new Date('2024-03-02T06:00:00Z'),
  endedAt: new Date('2024-03-02T20:00:00Z'),
  detail: '14 h on 42.5 while the neighbours moved',
  raisedRunId: RUN,
  raisedAt: new Date('2024-03-03T00:00:00Z'),
  seenRunId: RUN,
});

describe('alertNotices', () => {
  it('gives one message per alert, naming sensor, parameter, kind, episode, check and run', () => {
    const [notice, ...rest] = alertNotices([alert('station-7', 'drift')], RUN);
    expect(rest).toEqual([]);
    expect(notice!.subject).toBe('airfill: station-7 PM 2.5 drifting from its neighbours since 2024-03-02T06:00Z');
    expect(notice!.message).toContain('Episode: 2024-03-02T06:00:00.000Z to 2024-03-02T20:00:00.000Z.');
    expect(notice!.message).toContain('Check: 14 h on 42.5 while the neighbours moved');
    expect(notice!.message).toContain(`Raised by run ${RUN}.`);
    expect(notice!.message).toContain('airfill flags --device "station-7" --parameter "PM 2.5"');
  });

  it('keeps subjects within what SNS accepts: printable ASCII, at most 100 characters', () => {
    const [long, odd] = alertNotices([alert('x'.repeat(150)), alert('Zürich—Station\n1')], RUN);
    expect(long!.subject).toHaveLength(100);
    expect(long!.subject.endsWith('~')).toBe(true);
    expect(odd!.subject).toBe('airfill: Z?rich?Station?1 PM 2.5 stuck on one value since 2024-03-02T06:00Z');
    for (const notice of [long!, odd!]) expect(alertNoticeSchema.safeParse(notice).success).toBe(true);
  });

  it('sends at most the limit one by one and one more message counting the rest', () => {
    const alerts = Array.from({ length: 7 }, (_, i) => alert(`s${i}`));
    const notices = alertNotices(alerts, RUN, 5);
    expect(notices).toHaveLength(6);
    expect(notices.slice(0, 5).map((notice) => notice.subject.split(' ')[1])).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(notices[5]!.subject).toBe(`airfill: 2 more quality alerts in run ${RUN}`);
    expect(notices[5]!.message).toContain('2 more, on 2 sensor(s)');
    expect(notices[5]!.message).toContain('- s6 PM 2.5 stuck from 2024-03-02T06:00:00.000Z');
    expect(alertNotices(alerts.slice(0, 5), RUN, 5)).toHaveLength(5);
    // A network-wide failure: 51 messages whatever the count, each within what the state machine carries.
    const many = alertNotices(Array.from({ length: 2_000 }, (_, i) => alert(`a-long-device-name-of-some-network-${i}`)), RUN);
    expect(many).toHaveLength(51);
    expect(many[50]!.message).toContain('- and 1890 more');
    for (const notice of many) expect(alertNoticeSchema.safeParse(notice).success).toBe(true);
    expect(alertNotices([], RUN)).toEqual([]);
  });
});
