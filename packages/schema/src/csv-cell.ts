/**
 * A cell as CSV writes it (RFC 4180): quoted, with quotes doubled, when it
 * holds a comma, a quote or a line break; as it is otherwise. Every CSV
 * airfill writes (exports, flags, rejects, predictions, the API's series,
 * generated data) quotes by this one rule, so the loader reads them all back.
 */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
