import type { MissingPerHour } from '@airfill/db';
import type { ChunkItem, PipelineInput } from '@airfill/schema';

/**
 * Cuts a parameter's missing readings into chunks: consecutive time windows
 * that each hold at most `chunkReadings` of them (by the hourly counts), so
 * every chunk's run claims its whole window and holds a bounded context.
 * The windows tile the execution's window without a seam: the first starts
 * where the input starts (or unbounded), the last ends where it ends, and
 * each starts at the hour the one before stops, so a reading that goes
 * missing after the plan still falls in one. An hour with more than a chunk
 * is a chunk of its own (its run claims a chunk; the next execution, the
 * rest). Nothing missing is one chunk, the input's window: its run still
 * makes the live check. Only the newest chunk makes the live check: one
 * check per parameter and execution, on the data most likely out of the
 * model's training sample.
 */
export function planChunks(parameter: string, input: PipelineInput, counts: readonly MissingPerHour[], chunkReadings: number): ChunkItem[] {
  if (!Number.isInteger(chunkReadings) || chunkReadings < 1) throw new RangeError(`chunkReadings must be a positive integer, got ${chunkReadings}`);
  const starts: number[] = [];
  let held = 0;
  for (const { hour, readings } of counts) {
    if (starts.length === 0 || (held > 0 && held + readings > chunkReadings)) {
      starts.push(hour.getTime());
      held = 0;
    }
    held += readings;
  }
  if (starts.length === 0) return [{ parameter, chunk: 0, live: true, input }];
  return starts.map((start, chunk) => {
    const from = chunk === 0 ? input.from : new Date(start).toISOString();
    const to = chunk === starts.length - 1 ? input.to : new Date(starts[chunk + 1]!).toISOString();
    const window = { ...input };
    delete window.from;
    delete window.to;
    return {
      parameter,
      chunk,
      live: chunk === starts.length - 1,
      input: { ...window, ...(from ? { from } : {}), ...(to ? { to } : {}) },
    };
  });
}
