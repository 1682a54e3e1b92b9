/** The whole file cannot be loaded (not CSV, no header, required columns missing). Nothing was loaded. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly context: { path: string; line?: number } & Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CsvFormatError';
  }
}
