import { planChunks } from '../src';

const hour = (h: number) => new Date(Date.UTC(2025, 0, 1) + h * 3_600_000);
const counts = (...perHour: [number, number][]) => perHour.map(([h, readings]) => ({ hour: hour(h), readings }));

describe('planChunks', () => {
  it('is one live chunk, the input as given, when nothing is missing', () => {
    expect(planChunks('NO2', { trigger: 'schedule', from: '2025-01-01T00:00:00Z' }, [], 10)).toEqual([
      { parameter: 'NO2', chunk: 0, live: true, input: { trigger: 'schedule', from: '2025-01-01T00:00:00Z' } },
    ]);
  });

  it('packs consecutive hours up to the chunk and starts the next window at the first hour that would overflow it, leaving the outer ends as the input has them', () => {
    const chunks = planChunks('PM 2.5', { trigger: 'backfill', parameters: ['PM 2.5'] }, counts([0, 4], [1, 4], [2, 3], [5, 6], [9, 2]), 10);
    expect(chunks.map((chunk) => [chunk.chunk, chunk.live, chunk.input.from, chunk.input.to])).toEqual([
      [0, false, undefined, hour(2).toISOString()],
      [1, false, hour(2).toISOString(), hour(9).toISOString()],
      [2, true, hour(9).toISOString(), undefined],
    ]);
    // Other input fields go to every chunk.
    expect(chunks.every((chunk) => chunk.input.trigger === 'backfill' && chunk.input.parameters?.[0] === 'PM 2.5')).toBe(true);
    expect(chunks).toHaveLength(3);
  });

  it('gives an hour holding more than a chunk a window of its own (its run claims a chunk, a later execution the rest)', () => {
    const chunks = planChunks('PM 10', { trigger: 't' }, counts([0, 2], [1, 50], [2, 2]), 10);
    expect(chunks.map((chunk) => [chunk.input.from ?? null, chunk.input.to ?? null])).toEqual([
      [null, hour(1).toISOString()],
      [hour(1).toISOString(), hour(2).toISOString()],
      [hour(2).toISOString(), null],
    ]);
  });

  it('refuses a chunk that is not a positive whole number', () => {
    expect(() => planChunks('x', { trigger: 't' }, [], 0)).toThrow(RangeError);
    expect(() => planChunks('x', { trigger: 't' }, [], 2.5)).toThrow(/chunkReadings/);
  });
});
