/** A raw cell that reads as a number (a POSIX regular expression for SQL's `~`): what `raw_value::double precision` accepts. */
export const NUMBER_PATTERN = String.raw`^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$`;
