import { z } from 'zod';
import { AirfillError } from './errors';

/**
 * Contracts of the training workflow (DESIGN section 5, "in the cloud"): what
 * each step receives and returns inside the training state machine, where a
 * training run's objects live in S3, the names of a parameter's model package
 * group and current-model pointer, and the pointer itself.
 */

const executionId = z.string().min(1).max(2048);
const runId = z.uuid();
const count = z.number().int().min(0);
const isoInstant = z.iso.datetime({ offset: true });
const s3Uri = z.string().regex(/^s3:\/\/[^/]+\/.+$/, 'an s3:// URI');

/** A name that is not valid for what it names (too long, a parameter without letters or digits). */
export class NamingError extends AirfillError {}

/**
 * A parameter as it appears in names (package groups, SSM paths, S3 keys,
 * model versions), the same as a model set's folder: lower case letters and
 * digits only. `PM 2.5` -> `pm25`.
 */
export function parameterSlug(parameter: string): string {
  const slug = parameter.toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (!slug) throw new NamingError(`parameter "${parameter}" has no letter or digit to name it by`, { parameter });
  return slug;
}

/** SageMaker's rule for job, model package group and model names. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The model package group of a parameter, as the stacks name it: `<prefix>-<slug>-models`, e.g. `airfill-dev-pm25-models` (one group per parameter). */
export function modelPackageGroupName(prefix: string, parameter: string): string {
  const name = `${prefix}-${parameterSlug(parameter)}-models`;
  if (!SAGEMAKER_NAME.test(name)) throw new NamingError(`model package group name ${name} is not a SageMaker name (63 characters at most)`, { prefix, parameter });
  return name;
}

/** The SSM parameter naming a parameter's current model: `/airfill/<env>/models/<slug>/current`. */
export function currentModelParameterName(environment: string, parameter: string): string {
  return `/airfill/${environment}/models/${parameterSlug(parameter)}/current`;
}

/** The fits one training run makes: the candidate, and one model per cross-fit fold (its residuals set the intervals). */
export const TRAINING_FITS = ['model', 'fold1', 'fold2', 'fold3'] as const;
export type TrainingFit = (typeof TRAINING_FITS)[number];

/** A training job of a run: `<prefix><run id>-<fit>`, so a retried step and the failure recorder find it. */
export function trainingJobName(prefix: string, run: string, fit: TrainingFit): string {
  const name = `${prefix}${run}-${fit}`;
  if (!SAGEMAKER_NAME.test(name)) throw new NamingError(`training job name ${name} is not a SageMaker name (63 characters at most)`, { prefix, run, fit });
  return name;
}

/** S3 keys of one training run. The prefixes are fixed with the stacks (IAM, lifecycle). */
export const trainingKeys = (run: string) => ({
  /** Everything of the run: expires with the other intermediate prefixes. */
  prefix: `training/${run}/`,
  /** The data every step works on, as the export read it (`encodeDataset`). */
  dataset: `training/${run}/dataset.json.gz`,
  /** The run's plan: parameter, recipe, fits, the current model it must beat. */
  plan: `training/${run}/plan.json`,
  /** A fit's training rows (LIBSVM), the prefix its job's `train` channel reads. */
  dataPrefix: (fit: TrainingFit) => `training/${run}/data/${fit}/`,
  data: (fit: TrainingFit) => `training/${run}/data/${fit}/train.libsvm`,
  /** Where the training jobs write `<job>/output/model.tar.gz`. */
  outputPrefix: `training/${run}/output/`,
  /** The cross-fitted residuals (the calibration step's output). */
  calibration: `training/${run}/calibration.json`,
  /** The candidate's evaluation, calibration, metrics and the gate's decision. */
  evaluation: `training/${run}/evaluation.json`,
});

/** Where a registered model's package lives: `models/<slug>/<version>/`. */
export const modelPackageKeys = (parameter: string, version: string) => {
  const prefix = `models/${parameterSlug(parameter)}/${version}/`;
  return { prefix, archive: `${prefix}model.tar.gz`, metrics: `${prefix}metrics.json`, calibration: `${prefix}calibration.json` };
};

/** Execution input of the training state machine (the schedule, `airfill retrain`). */
export const trainingInputSchema = z
  .object({
    trigger: z.string().min(1).max(200).default('schedule'),
    /** The parameter to train a model for. @default the only one of AIRFILL_TRAINING_PARAMETERS when it names one */
    parameter: z.string().trim().min(1).optional(),
  })
  .loose();
export type TrainingInput = z.input<typeof trainingInputSchema>;

/** export-training-data's event. */
export const exportTrainingEventSchema = z.object({
  executionId,
  input: trainingInputSchema.default({ trigger: 'schedule' }),
});
export type ExportTrainingEvent = z.input<typeof exportTrainingEventSchema>;

/** One training job the run makes: what it reads and where it writes. */
export const trainingFitSchema = z.object({
  fit: z.enum(TRAINING_FITS),
  jobName: z.string().min(1).max(63),
  /** The `train` channel: the S3 prefix holding the fit's LIBSVM file. */
  trainUri: s3Uri,
  /** The training job's S3OutputPath. */
  outputUri: s3Uri,
  /** Training rows of the fit. */
  rows: count,
});
export type TrainingFitSpec = z.output<typeof trainingFitSchema>;

/** export-training-data's result: the state every later step reads. */
export const trainingStateSchema = z.object({
  runId,
  parameter: z.string().min(1),
  bucket: z.string().min(1),
  fits: z.array(trainingFitSchema).length(TRAINING_FITS.length),
  /** The training jobs' hyper-parameters (the recipe: `DEFAULT_BOOSTER_PARAMS`, `num_round`), as SageMaker takes them: strings. */
  hyperParameters: z.record(z.string(), z.string()),
});
export type TrainingState = z.output<typeof trainingStateSchema>;

/** What the Map of training jobs leaves per job (its ResultSelector). */
export const trainedFitSchema = z.object({
  jobName: z.string().min(1),
  /** `<output>/<job>/output/model.tar.gz` */
  modelUri: s3Uri,
  billableSeconds: z.number().nonnegative().nullable().default(null),
});
export type TrainedFit = z.output<typeof trainedFitSchema>;

/** The state after the training jobs. */
export const trainedStateSchema = trainingStateSchema.extend({ trained: z.array(trainedFitSchema).length(TRAINING_FITS.length) });

/** calibrate-candidate's and evaluate-candidate's event. */
export const trainingStepEventSchema = z.object({ executionId, run: trainedStateSchema.loose() });
export type TrainingStepEvent = z.input<typeof trainingStepEventSchema>;

/** calibrate-candidate's result, at `$.calibration`. */
export const calibrateResultSchema = z.object({
  /** Cross-fitted residuals collected. */
  points: count,
  key: z.string().min(1),
});
export type CalibrateResult = z.output<typeof calibrateResultSchema>;

/** evaluate-candidate's result, at `$.evaluation`: what the gate's Choice reads. */
export const evaluateResultSchema = z.object({
  version: z.string().min(1),
  promote: z.boolean(),
  reason: z.string().min(1),
  mae: z.number(),
  linearMae: z.number(),
  /** The current model's MAE on the same holdout, when there is one to compare with. */
  currentMae: z.number().nullable(),
  key: z.string().min(1),
});
export type EvaluateResult = z.output<typeof evaluateResultSchema>;

/** The gate's verdict on a model package (SageMaker's approval statuses). */
export const APPROVALS = ['Approved', 'Rejected'] as const;
export type Approval = (typeof APPROVALS)[number];

/** register-model's event: the state after the evaluation, and the approval the gate's Choice routed to. */
export const registerEventSchema = z.object({
  executionId,
  run: trainedStateSchema.extend({ evaluation: evaluateResultSchema }).loose(),
  approval: z.enum(APPROVALS),
});
export type RegisterEvent = z.input<typeof registerEventSchema>;

/** register-model's result, at `$.registered`. */
export const registerResultSchema = z.object({
  version: z.string().min(1),
  approval: z.enum(APPROVALS),
  modelPackageArn: z.string().min(1),
  /** Where the `models` row says the model is. */
  artifactUri: z.string().min(1),
  /** Whether the model is now the parameter's current one. */
  current: z.boolean(),
});
export type RegisterResult = z.output<typeof registerResultSchema>;

/** record-training-failure's event: the error a Catch put at `$.error`. */
export const trainingFailureEventSchema = z.object({
  executionId,
  error: z.object({ Error: z.string().default('Unknown'), Cause: z.string().default('') }).loose(),
});
export type TrainingFailureEvent = z.input<typeof trainingFailureEventSchema>;

/**
 * The current model of a parameter, as the SSM parameter
 * `/airfill/<env>/models/<slug>/current` holds it (JSON). The fill reads it to
 * know which model to serve (phase 2); whoever changes it (the gate, `airfill
 * models promote|rollback`) keeps the `models` table and the package's
 * approval in step.
 */
export const currentModelPointerSchema = z.object({
  parameter: z.string().min(1),
  version: z.string().min(1),
  /** The package in the parameter's model package group. */
  modelPackageArn: z.string().min(1),
  /** model.tar.gz for the XGBoost 1.7-1 container (with `airfill/` contract, metrics, calibration). */
  modelDataUrl: s3Uri,
  /** How it became current, and why. */
  action: z.enum(['gate', 'promote', 'rollback']),
  reason: z.string(),
  forced: z.boolean(),
  /** The model it replaced. */
  previousVersion: z.string().nullable(),
  at: isoInstant,
});
export type CurrentModelPointer = z.output<typeof currentModelPointerSchema>;

/** promote-model's event (`aws lambda invoke`, or the local `airfill models` commands). */
export const modelChangeEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('promote'), version: z.string().min(1), reason: z.string().trim().min(1), force: z.boolean().default(false), actor: z.string().min(1).default('lambda') }),
  z.object({
    action: z.literal('rollback'),
    parameter: z.string().trim().min(1),
    reason: z.string().trim().min(1),
    actor: z.string().min(1).default('lambda'),
    /**
     * The version expected to be current, which the rollback leaves: with it a
     * repeated call (a client's retry) finds the rollback done and only puts
     * the pointer and approvals in step, instead of going a second step back.
     * @default none: one step back from whatever is current
     */
    from: z.string().min(1).optional(),
  }),
]);

/** promote-model's result: what is current now, and whether this call changed it. */
export const modelChangeResultSchema = z.object({
  parameter: z.string().min(1),
  version: z.string().min(1),
  /** The model current before (null when none was). */
  previousVersion: z.string().nullable(),
  action: z.enum(['promote', 'rollback']),
  forced: z.boolean(),
  /** False when the change was already made (a retry, or promoting the current model): the pointer and approvals were put in step only. */
  changed: z.boolean(),
  /** The SSM parameter now pointing at `version`. */
  pointer: z.string().min(1),
});
export type ModelChangeResult = z.output<typeof modelChangeResultSchema>;

/**
 * The model a fill run uses, pinned at `retrieved_from_db/<run>/model.json`
 * by the first step that needs it (query-missing), so every later step and
 * retry of the run uses that one: `pointer` when the parameter's current-model
 * pointer named it, `deployed` for the default model the stacks deploy
 * (`AIRFILL_MODELS`, a fresh deployment without a pointer).
 */
export const modelPinSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('pointer'), parameter: z.string().min(1), version: z.string().min(1), pointer: currentModelPointerSchema, pinnedAt: isoInstant }),
  z.object({ source: z.literal('deployed'), parameter: z.string().min(1), version: z.string().min(1), name: z.string().min(1), pinnedAt: isoInstant }),
]);
export type ModelPin = z.output<typeof modelPinSchema>;
export type ModelChangeEvent = z.input<typeof modelChangeEventSchema>;
