/** Small, pure helpers for what the page shows. */

/** Colour of a completeness share: red below 50%, amber below 90%, green above; grey when unknown. */
export function completenessColour(share: number | null): string {
  if (share === null) return '#9aa3af';
  if (share < 0.5) return '#c92a2a';
  if (share < 0.9) return '#f08c00';
  return '#2b8a3e';
}

/** The legend of {@link completenessColour}. */
export const LEGEND: [string, string][] = [
  ['#2b8a3e', '≥ 90% complete'],
  ['#f08c00', '50–90%'],
  ['#c92a2a', '< 50%'],
  ['#9aa3af', 'no data'],
];

export const percent = (share: number | null): string => (share === null ? 'n/a' : `${(100 * share).toFixed(1)}%`);

export const number = (value: number): string => value.toLocaleString('en-US');

/** A duration in ms as "1.2 s" or "3 min". */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
