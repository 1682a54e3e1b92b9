import { apiRouteKeys, bucketSeconds, judgeHealth, resolveWindow, seriesToCsv, BadQueryError } from '../src';
import { wantsCsv } from '../src/csv';

const day = 86_400_000;
const t = (iso: string) => new Date(iso);

describe('resolveWindow', () => {
  const rule = { defaultDays: 7, maxDays: 31, end: t('2023-07-31T00:00:00Z'), hint: 'ask the summary' };

  it('ends at the rule end without bounds, and extends one bound by the default length', () => {
    expect(resolveWindow({}, rule)).toEqual({ from: t('2023-07-24T00:00:00Z'), to: t('2023-07-31T00:00:00Z') });
    expect(resolveWindow({ from: t('2023-01-01T00:00:00Z') }, rule)).toEqual({ from: t('2023-01-01T00:00:00Z'), to: t('2023-01-08T00:00:00Z') });
    expect(resolveWindow({ to: t('2023-01-08T00:00:00Z') }, rule)).toEqual({ from: t('2023-01-01T00:00:00Z'), to: t('2023-01-08T00:00:00Z') });
  });

  it('refuses an empty window and one longer than the maximum, with the hint', () => {
    expect(() => resolveWindow({ from: rule.end, to: rule.end }, rule)).toThrow(BadQueryError);
    expect(() => resolveWindow({ from: new Date(rule.end.getTime() - 32 * day), to: rule.end }, rule)).toThrow(/longer than 31 days; ask the summary/);
    expect(resolveWindow({ from: new Date(rule.end.getTime() - 31 * day), to: rule.end }, rule).from.getTime()).toBe(rule.end.getTime() - 31 * day);
  });
});

describe('judgeHealth', () => {
  const latest = t('2023-07-03T23:00:00Z');
  const p = (completeness: number | null, lastTs: string | null, unfilled = 0) => ({ parameter: 'PM 2.5', completeness, unfilled, lastTs: lastTs ? t(lastTs) : null });

  it('says ok for a complete sensor that reported with the network', () => {
    expect(judgeHealth([p(1, '2023-07-03T23:00:00Z')], latest)).toEqual({ status: 'ok', reasons: [], flags: {} });
  });

  it('grades completeness: under 90% degraded, under 50% poor', () => {
    expect(judgeHealth([p(0.89, '2023-07-03T23:00:00Z')], latest)).toMatchObject({ status: 'degraded', reasons: ['PM 2.5: 89% of expected readings valid'] });
    expect(judgeHealth([p(0.49, '2023-07-03T23:00:00Z')], latest).status).toBe('poor');
    expect(judgeHealth([p(0.9, '2023-07-03T23:00:00Z')], latest).status).toBe('ok');
  });

  it('calls a sensor offline when silent over a day before the network latest, whatever the clock says', () => {
    expect(judgeHealth([p(1, '2023-07-02T22:00:00Z')], latest)).toMatchObject({ status: 'offline', reasons: ['no reading for 25 h before the network\'s latest (2023-07-02T22:00:00.000Z)'] });
    expect(judgeHealth([p(1, '2023-07-02T23:00:00Z')], latest).status).toBe('ok');
  });

  it('says no-data without readings and lists worst findings first', () => {
    expect(judgeHealth([p(null, null)], latest)).toEqual({ status: 'no-data', reasons: ['no readings stored'], flags: {} });
    const health = judgeHealth([p(0.3, '2023-07-01T00:00:00Z', 2)], latest);
    expect(health.status).toBe('offline');
    expect(health.reasons).toHaveLength(3);
    expect(health.reasons[2]).toBe('PM 2.5: 2 missing value(s) not filled yet');
  });
});

describe('bucketSeconds', () => {
  it('picks the narrowest round width that gives at most the asked number of buckets', () => {
    const window = (days: number) => ({ from: t('2023-01-01T00:00:00Z'), to: new Date(t('2023-01-01T00:00:00Z').getTime() + days * day) });
    expect(bucketSeconds(window(1), 800)).toBe(300);
    expect(bucketSeconds(window(30), 800)).toBe(3600);
    expect(bucketSeconds(window(365), 800)).toBe(43_200);
    expect(bucketSeconds(window(3650), 100)).toBe(Math.ceil((3650 * 86_400) / 100 / 86_400) * 86_400);
  });
});

describe('series CSV', () => {
  it('quotes cells that need it and leaves nulls empty', () => {
    const csv = seriesToCsv([{ timestamp: '2023-01-01T00:00:00.000Z', value: null, observed: false, filled: 1.5, lower: null, upper: null, modelVersion: 'a,"b"', runId: null }]);
    expect(csv).toBe('timestamp,value,observed,filled,lower,upper,model_version,run_id\n2023-01-01T00:00:00.000Z,,false,1.5,,,"a,""b""",\n');
  });

  it('follows format first, then the Accept header', () => {
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
    expect(wantsCsv(undefined, 'text/csv, application/json')).toBe(true);
    expect(wantsCsv(undefined, 'application/json, text/csv')).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
  });
});

describe('apiRouteKeys', () => {
  it('lists every route of the app as an API Gateway route key, the document included', () => {
    expect(apiRouteKeys()).toEqual([
      'GET /api/completeness',
      'GET /api/models',
      'GET /api/openapi.json',
      'GET /api/runs',
      'GET /api/runs/{id}',
      'GET /api/sensors',
      'GET /api/series',
      'GET /api/series/summary',
      'GET /api/status',
    ]);
  });
});
