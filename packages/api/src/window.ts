import { BadQueryError } from './errors';

/** A half-open time window `[from, to)`. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/** How a route turns optional `from`/`to` into a bounded window. */
export interface WindowRule {
  /** Length of the window when the query gives at most one bound. */
  defaultDays: number;
  /** Longest window one request may ask for. */
  maxDays: number;
  /** Where a window without bounds ends (e.g. just after the latest reading). */
  end: Date;
  /** Named in the error when the window is too long (e.g. "use /api/series/summary"). */
  hint?: string;
}

/**
 * Resolves the window of a query: both bounds as given; one bound extends by
 * `defaultDays`; none ends at `rule.end`. Refuses an empty or inverted
 * window and one longer than `maxDays` (the API answers in bounded pieces).
 */
export function resolveWindow(query: { from?: Date | undefined; to?: Date | undefined }, rule: WindowRule): TimeWindow {
  const span = rule.defaultDays * DAY_MS;
  const to = query.to ?? (query.from ? new Date(query.from.getTime() + span) : rule.end);
  const from = query.from ?? new Date(to.getTime() - span);
  if (from.getTime() >= to.getTime()) {
    throw new BadQueryError(`from (${from.toISOString()}) must be before to (${to.toISOString()})`, { from, to });
  }
  if (to.getTime() - from.getTime() > rule.maxDays * DAY_MS) {
    throw new BadQueryError(`the window from ${from.toISOString()} to ${to.toISOString()} is longer than ${rule.maxDays} days${rule.hint ? `; ${rule.hint}` : ''}`, {
      from,
      to,
      maxDays: rule.maxDays,
    });
  }
  return { from, to };
}

/** The instant just after `ts`, so a window `[.., just after)` includes `ts`. */
export function justAfter(ts: Date): Date {
  return new Date(ts.getTime() + 1);
}
