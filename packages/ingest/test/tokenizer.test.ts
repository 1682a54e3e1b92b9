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
