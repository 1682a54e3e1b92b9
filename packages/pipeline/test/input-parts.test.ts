import { splitInputParts } from '../src/input-parts';

const lines = (count: number, width = 9) => Array.from({ length: count }, (_, id) => `${id},${'x'.repeat(width - String(id).length - 1)}`);

describe('splitInputParts', () => {
  it('gives each instance a contiguous share, every line once, in order', () => {
    const input = lines(10);
    const parts = splitInputParts(input, 3);
    expect(parts).toHaveLength(3);
    expect(parts.map((part) => part.split('\n').filter(Boolean).length)).toEqual([3, 3, 4]);
    expect(parts.join('').split('\n').filter(Boolean)).toEqual(input);
    expect(parts.every((part) => part.endsWith('\n'))).toBe(true);
  });

  it('makes more parts than instances when a part would pass the size limit, and never more parts than lines', () => {
    // 100 lines of 10 bytes (with the newline): 1,000 bytes in parts of at most 250.
    const parts = splitInputParts(lines(100), 1, 250);
    expect(parts).toHaveLength(4);
    expect(parts.every((part) => Buffer.byteLength(part) <= 250)).toBe(true);
    expect(splitInputParts(lines(2), 8)).toHaveLength(2);
    expect(splitInputParts([], 4)).toEqual([]);
  });
});
