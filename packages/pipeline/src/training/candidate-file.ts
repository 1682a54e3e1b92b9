import { calibrationTableSchema, featureContractSchema, modelMetricsSchema } from '@airfill/model';
import { z } from 'zod';

/**
 * `training/<run>/evaluation.json`: what evaluate-candidate decided and
 * everything registration packs with the model (its contract, metrics and
 * calibration travel in the archive and the registry entry, because the
 * fill's callback applies the calibration).
 */
export const candidateFileSchema = z.object({
  format: z.literal('airfill-candidate-1'),
  version: z.string().min(1),
  /** The candidate's training job output (the model alone). */
  modelUri: z.string().min(1),
  contract: featureContractSchema,
  metrics: modelMetricsSchema,
  calibration: calibrationTableSchema,
  decision: z.object({ promote: z.boolean(), reason: z.string().min(1), worseStrata: z.array(z.string()) }),
  /** The model it was compared with. */
  current: z.object({ version: z.string(), mae: z.number().nullable() }).nullable(),
});
export type CandidateFile = z.input<typeof candidateFileSchema>;
