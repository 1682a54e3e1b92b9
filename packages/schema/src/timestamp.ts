/**
 * Timestamps in the input contract carry an explicit UTC offset, e.g.
 * `2023-07-15 09:22:31.456 +0200` or ISO 8601 `2023-07-15T09:22:31.456+02:00` / `...Z`.
 * A timestamp without an offset is ambiguous (which local time?) and is rejected.
 */

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/;

/** Result of parsing a timestamp: the instant in UTC, or why it is not one. */
export type TimestampParse =
  | { ok: true; /** UTC, ISO 8601, microsecond precision kept: `2023-07-15T07:22:31.456000Z`. */ iso: string; epochMs: number }
  | { ok: false; reason: string };

/** Years outside this span are refused: sensor data from before 1970 or after 2100 is a typo or a bug, never a reading. */
export const TIMESTAMP_YEARS = { min: 1970, max: 2100 } as const;

/** A cell's text for a message: quoted, and clipped so a huge cell cannot flood a terminal or a rejects file. */
export function quoteCell(text: string, limit = 60): string {
  return `"${text.length > limit ? `${text.slice(0, limit)}…` : text}"`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses a timestamp with an offset into the UTC instant it names. */
export function parseOffsetTimestamp(text: string): TimestampParse {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (!match) {
    return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text.trim())
      ? { ok: false, reason: 'timestamp has no UTC offset (expected e.g. "2023-07-15 09:22:31.456 +0200")' }
      : { ok: false, reason: `timestamp ${quoteCell(text)} is not in the form "YYYY-MM-DD HH:MM:SS[.fff] +HHMM"` };
  }
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = match as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Date.UTC reads years 0-99 as 1900-1999: refuse them (and every other implausible year) before it can.
  if (year < TIMESTAMP_YEARS.min || year > TIMESTAMP_YEARS.max) {
    return { ok: false, reason: `timestamp "${text.trim()}" is in the year ${y}; airfill accepts ${TIMESTAMP_YEARS.min} to ${TIMESTAMP_YEARS.max}` };
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `timestamp "${text}" names a date that does not exist` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `timestamp "${text}" names a time of day that does not exist` };
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offHours = Number(digits.slice(0, 2));
    const offMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offHours > 14 || offMinutes > 59) {
      return { ok: false, reason: `timestamp "${text}" has an impossible UTC offset` };
    }
    offsetMinutes = sign * (offHours * 60 + offMinutes);
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const isoSeconds = new Date(epochMs).toISOString().slice(0, 19);
  return { ok: true, iso: `${isoSeconds}.${frac.padEnd(6, '0')}Z`, epochMs: epochMs + Number(`0.${frac || '0'}`) * 1000 };
}
