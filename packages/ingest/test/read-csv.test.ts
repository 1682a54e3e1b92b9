import { CsvFormatError, readReadingsCsv, type CsvRecord } from '../src';
import { csvFile, HEADER, row } from './support/files';

async function readAll(file: string, options?: Parameters<typeof readReadingsCsv>[1]): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of readReadingsCsv(file, options)) records.push(record);
  return records;
}

const rejects = (records: CsvRecord[]) => records.filter((record) => record.kind === 'reject');
const readings = (records: CsvRecord[]) => records.flatMap((record) => (record.kind === 'reading' ? [record.reading] : []));

async function onlyReject(body: string) {
  const records = await readAll(csvFile(`${HEADER}\n${body}\n`));
  expect(records).toHaveLength(1);
  const [record] = records;
  if (record?.kind !== 'reject') throw new Error(`expected a reject, got ${JSON.stringify(record)}`);
  return record;
}

describe('readReadingsCsv: whole-file problems load nothing', () => {
  it('fails on an empty file', async () => {
    await expect(readAll(csvFile(''))).rejects.toThrow(/empty \(no header row\)/);
  });

  it('fails on a file of blank lines only', async () => {
    await expect(readAll(csvFile('\n\n\r\n'))).rejects.toThrow(CsvFormatError);
  });

  it('fails on a header that is not the input contract', async () => {
    await expect(readAll(csvFile('name,age\nbob,4\n'))).rejects.toThrow(/required columns "timestamp", "value", "parameter", "device_id", "latitude", "longitude" missing/);
  });

  it('names the one required column that is missing', async () => {
    const header = HEADER.replace(',latitude', '');
    await expect(readAll(csvFile(`${header}\n`))).rejects.toThrow(/required column "latitude" missing/);
  });

  it('fails on a header that names a column twice', async () => {
    await expect(readAll(csvFile(`${HEADER},value\n`))).rejects.toThrow(/names column "value" twice \(columns 2 and 16\)/);
  });

  it('fails on a binary file', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xd8, 0x0a, 0x01]);
    await expect(readAll(csvFile(png))).rejects.toThrow(CsvFormatError);
  });

  it('fails on a file that does not exist', async () => {
    await expect(readAll('/nonexistent/readings.csv')).rejects.toThrow(/cannot read the file/);
  });

  it('fails on a corrupt gzip file', async () => {
    const file = csvFile(Buffer.from('not gzip at all'), 'corrupt.csv.gz', { compress: false });
    await expect(readAll(file)).rejects.toThrow(/cannot be read/);
  });
});

describe('readReadingsCsv: good input', () => {
  it('reads a header-only file as no rows', async () => {
    expect(await readAll(csvFile(`${HEADER}\n`))).toEqual([]);
  });

  it('reads the anchor format: offset kept as the UTC instant, microseconds padded', async () => {
    const [reading] = readings(await readAll(csvFile(`${HEADER}\n${row()}\n`)));
    expect(reading).toMatchObject({ ts: '2023-07-15T07:22:31.456000Z', value: 12.5, rawValue: '12.5', parameter: 'PM 2.5' });
    expect(reading?.sensor).toMatchObject({ deviceId: 'dev-1', latitude: 48.7784, longitude: 9.18, streetName: 'Königstraße', deploymentDate: '2022-03-01' });
    expect(reading?.channel).toEqual({ sensorId: 'sds-1', sensorType: 'SDS011' });
  });

  it('reads columns in any order, with header names in any case and padded with spaces', async () => {
    const header = ' Longitude ,LATITUDE,device_id,parameter,value,timestamp';
    const records = await readAll(csvFile(`${header}\n9.18,48.77,dev-9,NO2,40,2023-07-15T09:00:00+02:00\n`));
    expect(readings(records)).toEqual([
      expect.objectContaining({ ts: '2023-07-15T07:00:00.000000Z', value: 40, parameter: 'NO2', sensor: expect.objectContaining({ deviceId: 'dev-9', chipId: null }) }),
    ]);
  });

  it('reads ISO 8601 timestamps with Z and with a colon offset as the same instant', async () => {
    const records = await readAll(
      csvFile(`${HEADER}\n${row({ timestamp: '2023-07-15T07:22:31.456Z' })}\n${row({ timestamp: '2023-07-15T09:22:31.456+02:00', device_id: 'dev-2' })}\n`),
    );
    expect(readings(records).map((reading) => reading.ts)).toEqual(['2023-07-15T07:22:31.456000Z', '2023-07-15T07:22:31.456000Z']);
  });

  it('treats the sentinel, an empty value and NaN as missing and keeps the raw text', async () => {
    const body = [row({ value: '65535' }), row({ value: '' }), row({ value: 'NaN' }), row({ value: '65535.0' })].join('\n');
    const values = readings(await readAll(csvFile(`${HEADER}\n${body}\n`))).map((reading) => [reading.value, reading.rawValue]);
    expect(values).toEqual([
      [null, '65535'],
      [null, ''],
      [null, 'NaN'],
      [null, '65535.0'],
    ]);
  });

  it('uses a configured sentinel instead of the default; 65535 is then a number, and out of range for PM 2.5', async () => {
    const body = [row({ value: '-999' }), row({ value: '65535' }), row({ parameter: 'pressure', value: '65535' })].join('\n');
    const records = await readAll(csvFile(`${HEADER}\n${body}\n`), { sentinel: -999 });
    expect(records.map((record) => (record.kind === 'reading' ? [record.reading.value, record.verdict?.kind ?? null] : record.kind))).toEqual([
      [null, null],
      [null, 'invalid'],
      [65535, null],
    ]);
  });

  it('keeps commas inside quoted fields', async () => {
    const [reading] = readings(await readAll(csvFile(`${HEADER}\n${row({ location: '"Schlossplatz, Nord"' })}\n`)));
    expect(reading?.sensor.location).toBe('Schlossplatz, Nord');
  });

  it('reads CRLF line endings without a stray carriage return in the last column', async () => {
    const [reading] = readings(await readAll(csvFile(`${HEADER}\r\n${row()}\r\n`)));
    expect(reading?.sensor.deploymentDate).toBe('2022-03-01');
  });

  it('reads a file that starts with a byte order mark', async () => {
    expect(readings(await readAll(csvFile(`\uFEFF${HEADER}\n${row()}\n`)))).toHaveLength(1);
  });

  it('reads gzip-compressed files', async () => {
    expect(readings(await readAll(csvFile(`${HEADER}\n${row()}\n`, 'gzipped.csv.gz')))).toHaveLength(1);
  });

  it('reports unknown columns through onHeader and ignores them', async () => {
    const unknown: string[][] = [];
    const records = await readAll(csvFile(`${HEADER},firmware\n${row()},1.2.3\n`), { onHeader: (header) => unknown.push(header.unknownColumns) });
    expect(unknown).toEqual([['firmware']]);
    expect(readings(records)).toHaveLength(1);
  });
});

describe('readReadingsCsv: bad rows are rejected with line, column and reason, and reading goes on', () => {
  it('rejects a timestamp without an offset', async () => {
    expect(await onlyReject(row({ timestamp: '2023-07-15 09:22:31.456' }))).toMatchObject({ line: 2, column: 'timestamp', reason: expect.stringMatching(/no UTC offset/) });
  });

  it('rejects an unparseable timestamp', async () => {
    expect(await onlyReject(row({ timestamp: 'yesterday noon' }))).toMatchObject({ column: 'timestamp', reason: expect.stringMatching(/not in the form/) });
  });

  it('rejects a date that does not exist', async () => {
    expect(await onlyReject(row({ timestamp: '2023-02-30 10:00:00 +0000' }))).toMatchObject({ column: 'timestamp', reason: expect.stringMatching(/does not exist/) });
  });

  it.each([
    ['0023-07-15 09:00:00 +0000', 'year 0023'],
    ['0099-12-31 23:00:00 +0000', 'year 0099'],
    ['1969-12-31 23:00:00 +0000', 'year 1969'],
    ['2101-01-01 00:00:00 +0000', 'year 2101'],
  ])('rejects the timestamp %s (never shifted into another century)', async (timestamp, year) => {
    expect(await onlyReject(row({ timestamp }))).toMatchObject({ column: 'timestamp', reason: expect.stringContaining(`in the ${year}; airfill accepts 1970 to 2100`) });
  });

  it('rejects a line longer than the limit with an excerpt of its start', async () => {
    const reject = await onlyReject(row({ city: 'c'.repeat(70_000) }));
    expect(reject).toMatchObject({ line: 2, column: '', reason: 'line is longer than 65,536 characters (the limit; raise it with --max-line-length)' });
    expect(reject.row.length).toBeLessThanOrEqual(201);
  });

  it('clips a huge cell in the reason, so a terminal and a rejects file stay readable', async () => {
    const reject = await onlyReject(row({ value: 'x'.repeat(30_000) }));
    expect(reject.reason).toBe(`value "${'x'.repeat(60)}…" is not a number`);
  });

  it.each(['-999', '9999', '1e308', '-0.5'])('keeps the row of an implausible PM 2.5 value %s: missing, with an invalid verdict', async (value) => {
    const [record] = await readAll(csvFile(`${HEADER}\n${row({ value })}\n`));
    expect(record).toMatchObject({ kind: 'reading', reading: { value: null, rawValue: value }, verdict: { kind: 'invalid', check: 'range' } });
  });

  it('rejects a value that is not a number', async () => {
    expect(await onlyReject(row({ value: 'twelve' }))).toMatchObject({ column: 'value', reason: 'value "twelve" is not a number' });
  });

  it('rejects an infinite value', async () => {
    expect(await onlyReject(row({ value: 'Infinity' }))).toMatchObject({ column: 'value' });
  });

  it('rejects a latitude out of range', async () => {
    expect(await onlyReject(row({ latitude: '91.5' }))).toMatchObject({ column: 'latitude', reason: 'latitude 91.5 is outside -90..90' });
  });

  it('rejects a longitude that is not a number', async () => {
    expect(await onlyReject(row({ longitude: 'east' }))).toMatchObject({ column: 'longitude', reason: 'longitude "east" is not a number' });
  });

  it('rejects an empty device id', async () => {
    expect(await onlyReject(row({ device_id: '  ' }))).toMatchObject({ column: 'device_id', reason: 'device_id is empty' });
  });

  it('rejects an empty parameter', async () => {
    expect(await onlyReject(row({ parameter: '' }))).toMatchObject({ column: 'parameter' });
  });

  it('rejects a deployment date that is not a date', async () => {
    expect(await onlyReject(row({ deployment_date: '2022-13-45' }))).toMatchObject({ column: 'deployment_date' });
  });

  it('lists every problem of a row, the first one as its column', async () => {
    const reject = await onlyReject(row({ value: 'x', latitude: '100' }));
    expect(reject).toMatchObject({ column: 'value', reason: 'value "x" is not a number; latitude 100 is outside -90..90' });
  });

  it('rejects a row with too few fields', async () => {
    expect(await onlyReject('2023-07-15 09:22:31 +0200,1,PM 2.5')).toMatchObject({ column: '', reason: 'row has 3 fields, the header has 15' });
  });

  it('rejects a row with too many fields (an unquoted comma)', async () => {
    expect(await onlyReject(row({ location: 'Schlossplatz, Nord' }))).toMatchObject({ reason: 'row has 16 fields, the header has 15' });
  });

  it('rejects a row with invalid UTF-8 and names the column', async () => {
    const body = Buffer.concat([Buffer.from(`${HEADER}\n${row({ city: 'XCITYX' })}\n`.split('XCITYX')[0]!), Buffer.from([0xc3, 0x28]), Buffer.from(`${row().split('Stuttgart')[1]}\n`)]);
    const records = await readAll(csvFile(body));
    expect(rejects(records)).toEqual([expect.objectContaining({ line: 2, column: 'city', reason: 'city is not valid UTF-8 text' })]);
  });

  it('rejects a malformed quoted field and still reads the rows after it', async () => {
    const records = await readAll(csvFile(`${HEADER}\n${row({ location: '"Schloss"platz' })}\n${row({ device_id: 'dev-2' })}\n`));
    expect(rejects(records)).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/not valid CSV: unexpected text after a closing quote/) })]);
    expect(readings(records).map((reading) => reading.sensor.deviceId)).toEqual(['dev-2']);
  });

  it('keeps line numbers right across blank lines and multi-line quoted fields', async () => {
    const body = `${row({ location: '"two\nlines"' })}\n\n${row({ value: 'bad' })}\n`;
    const records = await readAll(csvFile(`${HEADER}\n${body}`));
    expect(records.map((record) => [record.kind, record.line])).toEqual([
      ['reading', 2],
      ['reject', 5],
    ]);
  });

  it('gives a rejected row back as CSV text, quoting what needs quotes', async () => {
    const reject = await onlyReject(row({ value: 'bad', location: '"Platz ""A"", Nord"' }));
    expect(reject.row).toContain('"Platz ""A"", Nord"');
  });
});
