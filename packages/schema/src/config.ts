import { z } from 'zod';
import { DEFAULT_SENTINEL } from './csv-row';

/** The parameter airfill fills unless told otherwise. */
export const DEFAULT_PARAMETER = 'PM 2.5';

/**
 * Settings every airfill command shares. Parsed from flags and environment at
 * the CLI boundary; the rest of the code trusts the typed result.
 */
export const airfillConfigSchema = z.object({
  /** PostgreSQL URL; when absent, embedded PostgreSQL is started in `dataDir`. */
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/, error: 'database URL must start with postgres:// or postgresql://' }).optional(),
  /** Where embedded PostgreSQL and local artefacts live. */
  dataDir: z.string().min(1).default('.airfill'),
  /** The parameter to fill. */
  parameter: z.string().trim().min(1).default(DEFAULT_PARAMETER),
  /** The value a device writes for "no reading". */
  sentinel: z.number().finite().default(DEFAULT_SENTINEL),
  /** Rows per database batch when loading. */
  loadBatchSize: z.number().int().min(1).max(1_000_000).default(20_000),
});

/** Validated airfill settings. */
export type AirfillConfig = z.output<typeof airfillConfigSchema>;
