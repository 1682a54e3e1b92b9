import { z } from 'zod';
import { plausibilityConfigSchema } from './plausibility';

/** SageMaker allows 63 characters for a job name; the run id (a UUID, 36) follows the prefix. */
const JOB_PREFIX_MAX = 63 - 36;

const positiveInt = z.coerce.number().int().positive();

/**
 * The models the pipeline fills with, by parameter: the SageMaker model each
 * parameter's transform runs, and the version recorded with its predictions
 * (the bundled copy of that model must have the same version).
 */
export const deployedModelsSchema = z
  .record(z.string().trim().min(1), z.object({ name: z.string().min(1).max(63), version: z.string().min(1) }).strict())
  .refine((models) => Object.keys(models).length > 0, 'at least one model');
export type DeployedModels = z.output<typeof deployedModelsSchema>;

/** A JSON-valued variable, parsed and then validated by `schema`; `defaultText` when it is unset. */
function jsonVariable<T extends z.ZodType>(schema: T, defaultText?: string) {
  const text = defaultText === undefined ? z.string() : z.string().default(defaultText);
  return text
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * Environment of the pipeline Lambdas (names fixed with the stacks). Every
 * handler parses it once per container; a missing or malformed variable
 * stops the Lambda at start, with the variable's name in the error.
 */
export const lambdaEnvSchema = z.object({
  AIRFILL_ENV: z.enum(['dev', 'staging', 'prod']),
  AIRFILL_BUCKET: z.string().min(3),
  AIRFILL_JOB_PREFIX: z
    .string()
    .regex(new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,${JOB_PREFIX_MAX - 1}}$`), `AIRFILL_JOB_PREFIX must be 1-${JOB_PREFIX_MAX} letters, digits or hyphens`),
  AIRFILL_SSM_PREFIX: z.string().regex(/^\/[a-zA-Z0-9_.\-/]*[a-zA-Z0-9_.-]$/, 'AIRFILL_SSM_PREFIX must be an SSM path like /airfill/dev/jobs'),
  /** JSON: `{ "<parameter>": { "name": "<SageMaker model>", "version": "<model version>" } }` (see `deployedModelsSchema`). */
  AIRFILL_MODELS: jsonVariable(deployedModelsSchema),
  AIRFILL_TRANSFORM_INSTANCE_TYPE: z.string().regex(/^ml\./, 'AIRFILL_TRANSFORM_INSTANCE_TYPE must be a SageMaker instance type (ml.*)'),
  AIRFILL_TRANSFORM_INSTANCE_COUNT: positiveInt.max(100),
  AIRFILL_TRANSFORM_MAX_PAYLOAD_MB: positiveInt.max(100),
  /** SageMaker's MaxConcurrentTransforms: mini-batches each instance scores at once. */
  AIRFILL_TRANSFORM_MAX_CONCURRENT: positiveInt.max(64),
  AIRFILL_MAX_READINGS_PER_RUN: positiveInt,
  /** Observed values each run hides and predicts for the live accuracy check; 0 turns it off. */
  AIRFILL_LIVE_POINTS: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Drift: live MAE at least this many times the expected ... */
  AIRFILL_DRIFT_FACTOR: z.coerce.number().gt(1).max(100).default(1.5),
  /** ... for this many checked runs of the same model in a row. */
  AIRFILL_DRIFT_RUNS: positiveInt.max(100).default(3),
  /** Quality-control settings (`@airfill/quality`'s schema, validated by the step) as JSON; `{}` for the defaults. */
  AIRFILL_QUALITY_CONFIG: z.string().trim().min(2).default('{}'),
  /** The plausibility configuration the loader applies (ranges, sentinels) as JSON, so quality-check's range check and the predictions' plausible ranges use the same; `{}` for the defaults. */
  AIRFILL_PLAUSIBILITY: jsonVariable(plausibilityConfigSchema, '{}'),
  /** The parameters the training workflow trains (each has its model package group), comma-separated. */
  AIRFILL_TRAINING_PARAMETERS: z
    .string()
    .transform((text) => text.split(',').map((name) => name.trim()))
    .pipe(z.array(z.string().min(1)).min(1, 'AIRFILL_TRAINING_PARAMETERS must name at least one parameter')),
  /** How many days of history a training run reads. */
  AIRFILL_TRAINING_WINDOW_DAYS: positiveInt.max(3660),
  /** The SageMaker XGBoost 1.7-1 image a registered model package is served with. */
  /** The execution role of the SageMaker models start-transform creates for promoted models (the one the deployed models run with). */
  AIRFILL_SAGEMAKER_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'AIRFILL_SAGEMAKER_ROLE_ARN must be an IAM role ARN'),
  AIRFILL_XGBOOST_IMAGE: z.string().regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/.+:.+$/, 'AIRFILL_XGBOOST_IMAGE must be an ECR image URI'),
});

/** The parsed Lambda environment. */
export type LambdaEnv = z.output<typeof lambdaEnvSchema>;

/**
 * The variables each Lambda reads, and only those: a Lambda gets only what it
 * needs from the stacks, and does not fail for a variable it never reads.
 */
export const lambdaEnvSchemas = {
  migrate: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true }),
  qualityCheck: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_QUALITY_CONFIG: true, AIRFILL_PLAUSIBILITY: true }),
  planParameters: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_MAX_READINGS_PER_RUN: true, AIRFILL_MODELS: true }),
  queryMissing: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_MAX_READINGS_PER_RUN: true, AIRFILL_LIVE_POINTS: true, AIRFILL_MODELS: true }),
  startTransform: lambdaEnvSchema.pick({
    AIRFILL_ENV: true,
    AIRFILL_BUCKET: true,
    AIRFILL_JOB_PREFIX: true,
    AIRFILL_SSM_PREFIX: true,
    AIRFILL_MODELS: true,
    AIRFILL_PLAUSIBILITY: true,
    AIRFILL_TRANSFORM_INSTANCE_TYPE: true,
    AIRFILL_TRANSFORM_INSTANCE_COUNT: true,
    AIRFILL_TRANSFORM_MAX_PAYLOAD_MB: true,
    AIRFILL_TRANSFORM_MAX_CONCURRENT: true,
    AIRFILL_XGBOOST_IMAGE: true,
    AIRFILL_SAGEMAKER_ROLE_ARN: true,
  }),
  transformCallback: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_JOB_PREFIX: true, AIRFILL_SSM_PREFIX: true, AIRFILL_PLAUSIBILITY: true }),
  writePredictions: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_DRIFT_FACTOR: true, AIRFILL_DRIFT_RUNS: true }),
  recordFailure: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_JOB_PREFIX: true, AIRFILL_SSM_PREFIX: true }),
  exportTrainingData: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_JOB_PREFIX: true, AIRFILL_TRAINING_PARAMETERS: true, AIRFILL_TRAINING_WINDOW_DAYS: true }),
  calibrateCandidate: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true }),
  evaluateCandidate: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true }),
  registerModel: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_BUCKET: true, AIRFILL_XGBOOST_IMAGE: true, AIRFILL_TRANSFORM_INSTANCE_TYPE: true }),
  recordTrainingFailure: lambdaEnvSchema.pick({ AIRFILL_ENV: true, AIRFILL_JOB_PREFIX: true }),
  promoteModel: lambdaEnvSchema.pick({ AIRFILL_ENV: true }),
};

/** The Lambdas by the name `lambdaEnvSchemas` uses. */
export type LambdaName = keyof typeof lambdaEnvSchemas;

/** The environment one Lambda reads. */
export type LambdaEnvFor<N extends LambdaName> = z.output<(typeof lambdaEnvSchemas)[N]>;

/** Parses the variables one Lambda reads; throws a ZodError naming each bad variable. */
export function parseLambdaEnv<N extends LambdaName>(name: N, env: Record<string, string | undefined> = process.env): LambdaEnvFor<N> {
  return lambdaEnvSchemas[name].parse(env) as LambdaEnvFor<N>;
}

/**
 * Variables the stacks set beside the fixed ones, for some Lambdas:
 * `AIRFILL_DB_MASTER_SECRET_ARN` (migrate: the database master secret, used
 * to migrate and to create the IAM-authenticated app user `DB_USER`)
 * and `AIRFILL_KMS_KEY_ARN` (start-transform: the key of the task-token
 * SecureStrings; the account's aws/ssm key when absent).
 */
export const optionalLambdaEnvSchema = z.object({
  AIRFILL_DB_MASTER_SECRET_ARN: z.string().startsWith('arn:', 'AIRFILL_DB_MASTER_SECRET_ARN must be an ARN').optional(),
  AIRFILL_KMS_KEY_ARN: z.string().startsWith('arn:', 'AIRFILL_KMS_KEY_ARN must be an ARN').optional(),
});

/** The optional variables, parsed. */
export type OptionalLambdaEnv = z.output<typeof optionalLambdaEnvSchema>;
