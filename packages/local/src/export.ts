import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@airfill/db';
import { csvCell } from '@airfill/schema';

/** The header of an export. */
export const EXPORT_HEADER = 'device_id,parameter,timestamp,value,lower,upper,model_version,run_id';

const PAGE = 50_000;

/**
 * Writes the imputations of every parameter, or of `parameter`, as CSV
 * (`device_id,parameter,timestamp,value,lower,upper,model_version,run_id`:
 * lower/upper bound the calibrated interval, empty for a model without one;
 * timestamps ISO 8601 UTC), ordered by parameter, sensor and time. Reads in
 * pages by key, so a large table streams in bounded memory. Returns the
 * number of rows.
 */
export async function exportImputations(database: Database, file: string, options: { parameter?: string } = {}): Promise<number> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  // A write error rejects `closed` at once; it is awaited (and so reported) below, never left unhandled.
  closed.catch(() => undefined);
  try {
    out.write(`${EXPORT_HEADER}\n`);
    let rows = 0;
    let after: { parameter: string; device: string; ts: Date } | undefined;
    for (;;) {
      const { rows: page } = await database.pool.query<{
        parameter: string;
        device_id: string;
        ts: Date;
        value: number;
        lower: number | null;
        upper: number | null;
        model_version: string;
        run_id: string;
      }>(
        `select i.parameter, s.device_id, i.ts, i.value, i.lower, i.upper, i.model_version, i.run_id::text as run_id
           from imputations i join sensors s on s.id = i.sensor_ref
          where ($1::text is null or i.parameter = $1)
            and ($2::text is null or (i.parameter, s.device_id, i.ts) > ($2::text, $3::text, $4::timestamptz))
          order by i.parameter, s.device_id, i.ts
          limit ${PAGE}`,
        [options.parameter ?? null, after?.parameter ?? null, after?.device ?? null, after?.ts ?? null],
      );
      let chunk = '';
      for (const row of page) {
        const bound = (value: number | null) => (value === null ? '' : String(value));
        chunk += `${[row.device_id, row.parameter, row.ts.toISOString(), String(row.value), bound(row.lower), bound(row.upper), row.model_version, row.run_id].map(csvCell).join(',')}\n`;
      }
      if (chunk && !out.write(chunk)) await once(out, 'drain');
      rows += page.length;
      if (page.length < PAGE) break;
      const last = page[page.length - 1]!;
      after = { parameter: last.parameter, device: last.device_id, ts: last.ts };
    }
    out.end();
    await closed;
    return rows;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
