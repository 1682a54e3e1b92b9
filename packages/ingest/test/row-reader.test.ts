import { makeCsvRowSchema, makePlausibilityCheck, seededRandom, type CsvColumn, type PlausibilityConfigInput } from '@airfill/schema';
import { parseHeader } from '../src';
import { RowReader, toCsvLine, type CsvRecord } from '../src/row-reader';
import { HEADER, row } from './support/files';

/** The schema's verdict on a row, with no memory of earlier rows: what every row got before the fast path existed. */
function reference(header: ReturnType<typeof parseHeader>, options: { sentinel?: number; plausibility?: PlausibilityConfigInput }) {
  const schema = makeCsvRowSchema({ sentinel: options.sentinel });
  const judge = makePlausibilityCheck(options.plausibility);
  return (line: number, record: string[]): CsvRecord => {
    if (record.length !== header.width) return { kind: 'reject', line, column: '', reason: `row has ${record.length} fields, the header has ${header.width}`, row: toCsvLine(record) };
    const cells: Partial<Record<CsvColumn, string>> = {};
    for (const [column, position] of header.positions) {
      const cell = record[position]!;
      if (cell.includes('\uFFFD')) return { kind: 'reject', line, column, reason: `${column} is not valid UTF-8 text`, row: toCsvLine(record) };
      cells[column] = cell;
    }
    const parsed = schema.safeParse(cells);
    if (!parsed.success) {
      return { kind: 'reject', line, column: String(parsed.error.issues[0]?.path[0] ?? ''), reason: parsed.error.issues.map((issue) => issue.message).join('; '), row: toCsvLine(record) };
    }
    const reading = parsed.data;
    if (reading.value === null) return { kind: 'reading', line, reading };
    const verdict = judge({ deviceId: reading.sensor.deviceId, parameter: reading.parameter, sensorType: reading.channel.sensorType, value: reading.value });
    if (verdict.kind === 'ok') return { kind: 'reading', line, reading };
    reading.value = null;
    return { kind: 'reading', line, reading, verdict };
  };
}

/** Rows of a few devices that mostly repeat their metadata, with every kind of deviation mixed in. */
function randomRows(seed: number, count: number): string[][] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const rows: string[][] = [];
  for (let index = 0; index < count; index += 1) {
    const device = pick(['dev-1', 'dev-2', 'dev-3', ' dev-1', '']);
    const overrides: Record<string, string> = {
      device_id: device,
      parameter: pick(['PM 2.5', 'PM 10', 'pressure', ' PM 2.5 ', '']),
      timestamp: pick(['2023-07-15 09:22:31.456 +0200', '2023-07-15T07:00:00Z', `2023-07-${10 + (index % 20)} 0${index % 10}:00:00 +0000`, '2023-02-30 00:00 +0000', '2023-07-15 10:00', '1969-12-31 23:00 +0000']),
      value: pick(['12.5', '12.50', '65535', '', 'NaN', 'n/a', '-999', '1e308', 'x', 'Infinity', ' 7 ', '5000', '-1', '12\uFFFD']),
      latitude: random() < 0.9 ? `48.7${device.length}` : pick(['-95', 'abc', '', '48.70']),
      longitude: random() < 0.95 ? '9.18' : pick(['200', '9.180']),
      location: random() < 0.9 ? `Platz ${device}` : pick(['Platz, neu', 'Platz \uFFFD']),
      sensor_type: random() < 0.9 ? 'SDS011' : pick(['', 'DHT22']),
      sensor_id: random() < 0.9 ? `sds-${device}` : 'other',
      deployment_date: random() < 0.95 ? '2022-03-01' : pick(['2022-02-30', '', 'soon']),
    };
    rows.push(row(overrides).split(','));
  }
  return rows;
}

describe('RowReader', () => {
  const header = parseHeader(HEADER.split(','), 'test.csv');
  // The schema's path (private), counted to know the fast path took most rows.
  let validate: jest.SpyInstance;
  beforeEach(() => {
    validate = jest.spyOn(RowReader.prototype as unknown as { validate: () => CsvRecord }, 'validate');
  });
  afterEach(() => validate.mockRestore());

  it.each([1, 2, 3, 4, 5])('gives exactly the records the schema gives row by row (seed %i)', (seed) => {
    const options = { plausibility: { devices: { 'dev-2': { sentinels: [-1] } }, sensorTypes: { DHT22: { sentinels: [-999] } } } };
    const reader = new RowReader(header, options);
    const expected = reference(header, options);
    const rows = randomRows(seed, 3000);
    const got = rows.map((cells, index) => reader.read({ line: index + 2, cells }));
    const want = rows.map((cells, index) => expected(index + 2, cells));
    expect(got).toEqual(want);
    // The mix exercises both outcomes of both paths: hundreds of rows each through the schema and the fast path.
    expect(validate.mock.calls.length).toBeGreaterThan(300);
    expect(rows.length - validate.mock.calls.length).toBeGreaterThan(300);
    expect(got.filter((record) => record.kind === 'reject').length).toBeGreaterThan(300);
    expect(got.filter((record) => record.kind === 'reading' && record.verdict).length).toBeGreaterThan(50);
    expect(got.filter((record) => record.kind === 'reading' && !record.verdict).length).toBeGreaterThan(300);
  });

  it('takes a row with new metadata for the same device through the schema, and the next rows keep it', () => {
    const reader = new RowReader(header, {});
    const read = (overrides: Record<string, string>, line: number) => reader.read({ line, cells: row(overrides).split(',') });
    expect(read({}, 2)).toMatchObject({ kind: 'reading', reading: { sensor: { latitude: 48.7784 } } });
    expect(read({ latitude: '99' }, 3)).toMatchObject({ kind: 'reject', column: 'latitude' });
    expect(read({ latitude: '48.5' }, 4)).toMatchObject({ kind: 'reading', reading: { sensor: { latitude: 48.5 } } });
    expect(read({ latitude: '48.5', value: '3' }, 5)).toMatchObject({ kind: 'reading', reading: { value: 3, sensor: { latitude: 48.5 } } });
  });
});
