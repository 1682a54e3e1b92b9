import { splitQuotedRecord, tokenizeCsv, type CsvTokenEntry } from '../src/csv-tokenizer';

async function tokenize(chunks: (string | Buffer)[]): Promise<CsvTokenEntry[]> {
  const entries: CsvTokenEntry[] = [];
  for await (const batch of tokenizeCsv(chunks)) entries.push(...batch);
  return entries;
}

/** Feeds the text one byte at a time: every chunk boundary is exercised. */
function byteByByte(text: string): Buffer[] {
  return [...Buffer.from(text, 'utf8')].map((byte) => Buffer.from([byte]));
}

describe('splitQuotedRecord', () => {
  it('splits quoted fields with commas and doubled quotes', () => {
    expect(splitQuotedRecord('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
  });

  it('reports text after a closing quote', () => {
    expect(splitQuotedRecord('"bad"x,1')).toMatch(/after a closing quote/);
  });
});

describe('tokenizeCsv', () => {
  it('numbers lines, skips empty lines and strips CRLF', async () => {
    expect(await tokenize(['a,b\r\n\r\n1,2\r\n3,4'])).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['1', '2'] },
      { line: 4, cells: ['3', '4'] },
    ]);
  });

  it('drops a leading byte order mark', async () => {
    expect(await tokenize(['\uFEFFa,b\n'])).toEqual([{ line: 1, cells: ['a', 'b'] }]);
  });

  it('keeps a quoted field that spans lines and reports the line it starts on', async () => {
    expect(await tokenize(['h\n"one\ntwo",x\nlast\n'])).toEqual([
      { line: 1, cells: ['h'] },
      { line: 2, cells: ['one\ntwo', 'x'] },
      { line: 4, cells: ['last'] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries, multi-byte characters included', async () => {
    const text = 'name,city\n"Zoë, the ""first""",Kraków\r\nplain,Łódź\n';
    expect(await tokenize(byteByByte(text))).toEqual(await tokenize([text]));
    expect(await tokenize(byteByByte(text))).toEqual([
      { line: 1, cells: ['name', 'city'] },
      { line: 2, cells: ['Zoë, the "first"', 'Kraków'] },
      { line: 3, cells: ['plain', 'Łódź'] },
    ]);
  });

  it('reports a quote that never closes and reads the following lines afresh', async () => {
    const lines = ['h', '"open,1', ...Array.from({ length: 250 }, (_, i) => `row${i},${i}`)];
    const entries = await tokenize([lines.join('\n')]);
    expect(entries[1]).toEqual({ line: 2, error: 'a quoted field is not closed', text: '"open,1' });
    expect(entries).toHaveLength(252);
    expect(entries[251]).toEqual({ line: 252, cells: ['row249', '249'] });
  });

  it('reports an unclosed quote at the end of the file', async () => {
    const entries = await tokenize(['h\n"never closed,1\nnext,2']);
    expect(entries).toEqual([
      { line: 1, cells: ['h'] },
      { line: 2, error: 'a quoted field is not closed', text: '"never closed,1' },
      { line: 3, cells: ['next', '2'] },
    ]);
  });

  it('turns invalid UTF-8 into replacement characters for the caller to reject', async () => {
    const entries = await tokenize([Buffer.concat([Buffer.from('a,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')])]);
    expect(entries).toEqual([{ line: 1, cells: ['a', '\uFFFD\uFFFD'] }]);
  });
});

describe('tokenizeCsv: a bound on a line', () => {
  it('rejects a line longer than the limit at once, with an excerpt, and reads the next line', async () => {
    const long = `x,${'9'.repeat(5000)}`;
    // Under the default limit (64 KiB) the line is just a long record.
    expect(await tokenize([`a,b\n${long}\n1,2\n`])).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x', '9'.repeat(5000)] },
      { line: 3, cells: ['1', '2'] },
    ]);
    const limited: CsvTokenEntry[] = [];
    for await (const batch of tokenizeCsv([`a,b\n${long}\n1,2\n`], { maxLineLength: 1024 })) limited.push(...batch);
    expect(limited).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, error: 'line is longer than 1,024 characters (the limit; raise it with --max-line-length)', text: `x,${'9'.repeat(198)}…`, tooLong: true },
      { line: 3, cells: ['1', '2'] },
    ]);
  });

  it('drops a line without end as it streams by, holding no more than the limit', async () => {
    // 20 MB in 64 KiB chunks, no newline until the end: the tokenizer must not accumulate it.
    const chunk = '7'.repeat(1 << 16);
    async function* source() {
      yield 'a,b\n';
      for (let index = 0; index < 320; index += 1) yield chunk;
      yield '\n3,4\n';
    }
    const entries: CsvTokenEntry[] = [];
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for await (const batch of tokenizeCsv(source(), { maxLineLength: 1 << 16 })) {
      entries.push(...batch);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(entries.map((entry) => ('cells' in entry ? entry.cells.join(',') : `${entry.line}: ${entry.error.slice(0, 30)}`))).toEqual([
      'a,b',
      '2: line is longer than 65,536 cha',
      '3,4',
    ]);
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('gives up a quoted field that runs past the limit across lines', async () => {
    const entries: CsvTokenEntry[] = [];
    const open = `"${'y'.repeat(700)}\n${'y'.repeat(700)}\n`;
    for await (const batch of tokenizeCsv([`a,b\n${open}1,2\n`], { maxLineLength: 1024 })) entries.push(...batch);
    expect(entries[1]).toMatchObject({ line: 2, tooLong: true });
    expect(entries.at(-1)).toEqual({ line: 4, cells: ['1', '2'] });
  });
});
