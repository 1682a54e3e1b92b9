import { AirfillError } from '@airfill/schema';

/** The whole file cannot be loaded (not CSV, no header, required columns missing). Nothing was loaded. */
export class CsvFormatError extends AirfillError {
  constructor(message: string, override readonly context: { path: string; line?: number } & Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, context, options);
  }
}
