/** Splits a list of numbers the server joined with `string_agg(x::text, ',')`; empty text is an empty list. */
export function numbersOf(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}
