import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { iterateFlags, type Database, type FlagFilter, type StoredFlag } from '@airfill/db';
import { csvCell } from '@airfill/schema';

/** The columns of `airfill flags` as CSV. */
export const FLAGS_HEADER = ['device_id', 'parameter', 'timestamp', 'check', 'severity', 'detail'] as const;
/** Added with `--include-cleared`. */
export const CLEARED_COLUMNS = ['cleared_at', 'cleared_reason'] as const;

type Format = 'csv' | 'json';

function csvLine(flag: StoredFlag, withClearance: boolean): string {
  const cells = [flag.deviceId, flag.parameter, flag.ts.toISOString(), flag.check, flag.severity, flag.detail];
  if (withClearance) cells.push(flag.clearedAt?.toISOString() ?? '', flag.clearedReason ?? '');
  return `${cells.map(csvCell).join(',')}\n`;
}

function jsonObject(flag: StoredFlag, withClearance: boolean): string {
  const { deviceId, parameter, ts, check, severity, detail, clearedAt, clearedReason } = flag;
  return JSON.stringify({
    deviceId,
    parameter,
    timestamp: ts.toISOString(),
    check,
    severity,
    detail,
    ...(withClearance ? { clearedAt: clearedAt?.toISOString() ?? null, clearedReason } : {}),
  });
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Writes the flags matching `filter` to `out`, page by page (bounded
 * memory): CSV with a header (`device_id,parameter,timestamp,check,severity,detail`,
 * timestamps ISO 8601 UTC, plus `cleared_at,cleared_reason` with cleared
 * flags), or one JSON array. Returns how many were written.
 */
export async function writeFlags(database: Database, out: Writable, filter: FlagFilter, format: Format): Promise<number> {
  const withClearance = filter.includeCleared ?? false;
  let count = 0;
  if (format === 'csv') await write(out, `${[...FLAGS_HEADER, ...(withClearance ? CLEARED_COLUMNS : [])].join(',')}\n`);
  else await write(out, '[');
  for await (const page of iterateFlags(database, filter)) {
    const text =
      format === 'csv'
        ? page.map((flag) => csvLine(flag, withClearance)).join('')
        : page.map((flag, at) => `${count + at === 0 ? '' : ','}\n${jsonObject(flag, withClearance)}`).join('');
    await write(out, text);
    count += page.length;
  }
  if (format === 'json') await write(out, count ? '\n]\n' : ']\n');
  return count;
}

/** {@link writeFlags} into a file, closed (and its errors reported) before this resolves. */
export async function writeFlagsFile(database: Database, file: string, filter: FlagFilter, format: Format): Promise<number> {
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  // A write error rejects `closed` at once; it is awaited (and so reported) below, never left unhandled.
  closed.catch(() => undefined);
  try {
    const count = await writeFlags(database, out, filter, format);
    out.end();
    await closed;
    return count;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
