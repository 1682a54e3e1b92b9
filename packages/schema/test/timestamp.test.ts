import { airfillConfigSchema, interpretValue, parseOffsetTimestamp } from '../src';

describe('parseOffsetTimestamp', () => {
  it.each([
    ['2023-07-15 09:22:31.456 +0200', '2023-07-15T07:22:31.456000Z'],
    ['2023-07-15T09:22:31.456+02:00', '2023-07-15T07:22:31.456000Z'],
    ['2023-07-15T07:22:31Z', '2023-07-15T07:22:31.000000Z'],
    ['2023-07-15 07:22 +00', '2023-07-15T07:22:00.000000Z'],
    ['2023-07-15 01:00:00.123456 -0530', '2023-07-15T06:30:00.123456Z'],
    ['2024-01-01 00:30:00 +0100', '2023-12-31T23:30:00.000000Z'],
    ['2024-02-29 12:00:00 +0000', '2024-02-29T12:00:00.000000Z'],
  ])('reads %s as the instant %s', (text, iso) => {
    expect(parseOffsetTimestamp(text)).toMatchObject({ ok: true, iso });
  });

  it.each(['1970-01-01 00:00:00 +0000', '2100-12-31 23:59:59 +0000'])('accepts the edge year of %s', (text) => {
    expect(parseOffsetTimestamp(text)).toMatchObject({ ok: true, iso: `${text.slice(0, 10)}T${text.slice(11, 19)}.000000Z` });
  });

  it('clips a huge cell in its reason', () => {
    const parsed = parseOffsetTimestamp('x'.repeat(100_000));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeLessThan(200);
  });

  it('gives the epoch milliseconds of the instant', () => {
    expect(parseOffsetTimestamp('2023-07-15 09:22:31.456 +0200')).toMatchObject({ epochMs: Date.UTC(2023, 6, 15, 7, 22, 31, 456) });
  });

  it.each([
    ['2023-07-15 09:22:31', /no UTC offset/],
    ['15/07/2023 09:22 +0200', /not in the form/],
    ['2023-02-29 10:00:00 +0000', /date that does not exist/],
    ['2023-07-15 24:00:00 +0000', /time of day that does not exist/],
    ['2023-07-15 10:00:00 +1500', /impossible UTC offset/],
    ['', /not in the form/],
    ['0023-07-15 09:00:00 +0000', /year 0023; airfill accepts 1970 to 2100/],
    ['1969-12-31 23:59:59 +0000', /year 1969/],
    ['2101-01-01 00:00:00 +0000', /year 2101/],
  ])('refuses %s', (text, reason) => {
    const parsed = parseOffsetTimestamp(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('interpretValue', () => {
  it.each([
    ['12.5', 12.5],
    [' 7 ', 7],
    ['-3e2', -300],
    ['65535', null],
    ['', null],
    ['NaN', null],
    ['null', null],
    ['N/A', null],
  ])('reads "%s" as %s', (text, value) => {
    expect(interpretValue(text, 65535)).toEqual({ value });
  });

  it('refuses text that is not a number', () => {
    expect(interpretValue('12,5', 65535)).toEqual({ error: 'value "12,5" is not a number' });
  });
});

describe('airfillConfigSchema', () => {
  it('fills the defaults', () => {
    expect(airfillConfigSchema.parse({})).toEqual({ dataDir: '.airfill', parameter: 'PM 2.5', sentinel: 65535, loadBatchSize: 20_000, maxLineLength: 65_536 });
  });

  it('refuses a database URL that is not PostgreSQL', () => {
    expect(() => airfillConfigSchema.parse({ databaseUrl: 'mysql://x/y' })).toThrow(/postgres/);
  });

  it.each(['base', 'postgres://', 'postgres:/db'])('refuses %s, which names no host (pg would look up a host called "base")', (url) => {
    expect(airfillConfigSchema.safeParse({ databaseUrl: url }).success).toBe(false);
  });

  it.each(['postgres://u:p@localhost:5432/db', 'postgresql://db.example.org/airfill', 'postgres:///airfill?host=/var/run/postgresql'])('accepts %s', (url) => {
    expect(airfillConfigSchema.parse({ databaseUrl: url }).databaseUrl).toBe(url);
  });
});
