import type { Database } from '@airfill/db';

/**
 * A number that changes when readings, imputations or sensors change: the
 * server's cumulative row counters of those tables. Backends publish them
 * within about a second of a commit (at most ten when busy), so an answer
 * cached under a version is that stale at worst. Costs one catalog lookup.
 */
export async function readDataVersion(database: Database): Promise<string> {
  const { rows } = await database.pool.query<{ version: string }>(
    `select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text || ':' || count(*) as version
       from pg_stat_user_tables where relname in ('readings', 'imputations', 'sensors', 'sensor_channels', 'runs')`,
  );
  return rows[0]?.version ?? '';
}

/**
 * Keeps answers of an expensive read per key while the data version stays
 * the same (and at most `maxAgeMs`), so repeated dashboard loads share one
 * aggregation. Concurrent misses of one key share one computation.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: string; at: number; value: Promise<T> }>();

  constructor(
    private readonly maxEntries = 64,
    private readonly maxAgeMs = 300_000,
  ) {}

  async get(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.version === version && now - hit.at < this.maxAgeMs) return hit.value;
    const value = compute();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { version, at: now, value });
    // A failed computation is not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
