import { csvCell } from '../src';

describe('csvCell', () => {
  it('leaves plain text as it is', () => {
    expect(csvCell('PM 2.5')).toBe('PM 2.5');
    expect(csvCell('')).toBe('');
  });

  it('quotes a comma, a quote or a line break, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
  });
});
