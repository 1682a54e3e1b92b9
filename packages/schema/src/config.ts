import { z } from 'zod';
import { DEFAULT_SENTINEL } from './csv-row';

/** The parameter airfill fills unless told otherwise. */
export const DEFAULT_PARAMETER = 'PM 2.5';

/** The longest line a CSV may have; a longer one is rejected at once (memory stays bounded). */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/** A postgres:// URL that names a host (or a socket folder as `?host=`): `postgres://base` would otherwise be looked up as a host called "base". */
const databaseUrlSchema = z
  .url({ protocol: /^postgres(ql)?$/, error: 'database URL must start with postgres:// or postgresql://' })
  .refine((text) => {
    // The url check above reports text that is no URL at all.
    if (!URL.canParse(text)) return true;
    const url = new URL(text);
    return url.hostname !== '' || url.searchParams.has('host');
  }, 'database URL must name a host, as in postgres://user:password@host:5432/database');

/**
 * Settings every airfill command shares. Parsed from flags and environment at
 * the CLI boundary; the rest of the code trusts the typed result.
 */
export const airfillConfigSchema = z.object({
  /** PostgreSQL URL; when absent, embedded PostgreSQL is started in `dataDir`. */
  databaseUrl: databaseUrlSchema.optional(),
  /** Where embedded PostgreSQL and local artefacts live. */
  dataDir: z.string().min(1).default('.airfill'),
  /** The parameter to fill. */
  parameter: z.string().trim().min(1).default(DEFAULT_PARAMETER),
  /** The value a device writes for "no reading". */
  sentinel: z.number().finite().default(DEFAULT_SENTINEL),
  /** Rows per database batch when loading. */
  loadBatchSize: z.number().int().min(1).max(1_000_000).default(20_000),
  /** Longest CSV line, in characters. */
  maxLineLength: z.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_LINE_LENGTH),
});

/** Validated airfill settings. */
export type AirfillConfig = z.output<typeof airfillConfigSchema>;
