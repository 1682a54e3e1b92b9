import type { PoolClient } from 'pg';
import { ensureReadingsPartitions } from '@airfill/db';

/** The UTC months ('YYYY-MM') from the month of `from` to the month of `to`, both ISO UTC texts. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/**
 * The months of `readings` a load has made sure have partitions, so each
 * batch asks the database only when it reaches a month it has not seen.
 */
export class PartitionCover {
  private readonly months = new Set<string>();

  /** Makes sure partitions exist for every month from `from` to `to` (ISO UTC texts), inside the load's transaction. */
  async cover(client: PoolClient, from: string, to: string): Promise<void> {
    const months = monthsBetween(from, to);
    if (months.every((month) => this.months.has(month))) return;
    await ensureReadingsPartitions(client, { from: new Date(from), to: new Date(to) });
    for (const month of months) this.months.add(month);
  }
}
