import { compileFilter, DataProcessingError } from '../src';

const record = ['17', '0.5', '', '3'];

describe('SageMaker CSV filters', () => {
  it('"$[1:]" drops the id column', () => {
    expect(compileFilter('$[1:]')(record)).toEqual(['0.5', '', '3']);
  });

  it('"$[0,-1]" keeps the first and the last cell', () => {
    expect(compileFilter('$[0,-1]')([...record, '42.1'])).toEqual(['17', '42.1']);
  });

  it('"$" and no filter keep the record as it is', () => {
    expect(compileFilter('$')(record)).toEqual(record);
    expect(compileFilter(undefined)(record)).toEqual(record);
  });

  it('slices with negative bounds', () => {
    expect(compileFilter('$[-2:]')(record)).toEqual(['', '3']);
    expect(compileFilter('$[:2]')(record)).toEqual(['17', '0.5']);
  });

  it('refuses an index past the end of the record', () => {
    expect(() => compileFilter('$[0,9]')(record)).toThrow(DataProcessingError);
  });

  it('refuses JSONPath it does not implement', () => {
    expect(() => compileFilter('$.features')).toThrow(/unsupported filter/);
  });
});
