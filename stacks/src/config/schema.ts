import { qualityConfigSchema } from '@airfill/quality';
import { plausibilityConfigSchema } from '@airfill/schema';
import { MAX_CHUNK_CONCURRENCY } from '@airfill/workflow';
import { z } from 'zod';
import { readApiConfigSchema } from './read-api';

/** The environments airfill deploys to; each is one stack named `airfill-<name>`. */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;

/** One of {@link ENVIRONMENT_NAMES}. */
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** The interface endpoints the Lambdas need: transform jobs, task tokens, the master secret, task callbacks. */
export const LAMBDA_API_ENDPOINTS = ['sagemaker.api', 'ssm', 'secretsmanager', 'states'] as const;

/** AWS refuses a reserved concurrency that leaves fewer unreserved executions than this. */
export const UNRESERVED_CONCURRENCY_FLOOR = 100;

/** quality-check, plan-parameters, query-missing, write-predictions, record-failure and the read API each get `reservedConcurrency.database`. */
const DATABASE_FUNCTIONS_WITH_RESERVATION = 6;

/** The parameters the committed default models fill (packages/model/default-models), filled unless the config says otherwise. */
export const DEFAULT_PIPELINE_PARAMETERS = ['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature'] as const;

const accountId = z.string().regex(/^\d{12}$/, { error: 'an AWS account id has 12 digits' });
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'not an AWS region name' });
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { error: 'not an IPv4 CIDR block' });

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`: the repository is
 * parsed out so the SageMaker role may pull from that one repository only.
 */
const ecrImageUri = z
  .string()
  .regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9._/-]+:[A-Za-z0-9._-]+$/, {
    error: 'not an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)',
  });

/** Where the models come from: the committed XGBoost models, or registered model packages, one per parameter. */
const modelSourceSchema = z.discriminatedUnion('source', [
  z.object({
    /** Package the committed default model of each parameter as model.tar.gz for SageMaker's built-in XGBoost container. */
    source: z.literal('xgboost-artifact'),
    /** The XGBoost 1.7-1 image for the environment's region (it differs per region). */
    imageUri: ecrImageUri,
  }),
  z.object({
    /** Serve a registered model package (Canvas, Autopilot, Model Registry) per parameter instead. */
    source: z.literal('model-package'),
    packages: z.record(
      z.string().min(1),
      z.object({
        modelPackageArn: z.string().regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/.+$/, {
          error: 'not a SageMaker model package ARN',
        }),
        /** The version the ledger records for predictions of this package (the bundled copy must have the same). */
        version: z.string().min(1),
      }),
    ),
  }),
]);

/** Everything that differs between environments. Code never branches on the name. */
export const environmentConfigSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES),
    /**
     * The account the environment owns alone (one account per environment: its state
     * bucket, boundary and CI roles are bootstrapped there); the provider refuses any other.
     */
    accountId,
    region,
    /**
     * A production environment must notify someone, keep its data on destroy, and is
     * never planned from pull requests.
     */
    production: z.boolean(),
    /** How GitHub Actions reaches this environment (bootstrap stack). */
    ci: z.object({
      /** `owner/name` of the repository whose workflows may assume the CI roles. */
      githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'not owner/name' }),
      /** The branch whose pushes plan and deploy. */
      mainBranch: z.string().min(1).default('main'),
      /** Whether pull requests may assume the read-only plan role (never in production). */
      planFromPullRequests: z.boolean(),
      /**
       * GitHub's OIDC identity provider exists once per account: `create` it, `import`
       * one that exists into the bootstrap state, or use an `existing` one owned elsewhere.
       */
      oidcProvider: z.enum(['create', 'import', 'existing']).default('create'),
    }),
    /** Tags on every resource (the environment and project tags are added). */
    tags: z.record(z.string(), z.string()).default({}),
    network: z.object({
      vpcCidr: cidr,
      /** One isolated subnet per zone; at least two zones (Aurora requires it). */
      subnets: z.array(z.object({ availabilityZone: z.string().min(1), cidr })).min(2),
      /**
       * Interface endpoints (service suffix after `com.amazonaws.<region>.`): only the
       * APIs the Lambdas call. Each costs about 7.3 USD a month per zone.
       */
      interfaceEndpoints: z.array(z.string().min(1)).default([...LAMBDA_API_ENDPOINTS]),
      /** VPC flow logs into a log group encrypted with the environment key. */
      flowLogs: z
        .object({
          trafficType: z.enum(['ALL', 'ACCEPT', 'REJECT']).default('ALL'),
          retentionDays: z.number().int().min(1).default(30),
        })
        .default({ trafficType: 'ALL', retentionDays: 30 }),
    }),
    database: z.object({
      /**
       * Exact Aurora PostgreSQL 16 version. Minor upgrades are made here, reviewed in a plan
       * (auto minor upgrade is off, so AWS never moves the version under Terraform).
       */
      engineVersion: z.string().regex(/^16\.\d+$/, { error: 'an exact Aurora PostgreSQL 16 version (16.<minor>) is required' }),
      databaseName: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('airfill'),
      masterUsername: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('airfill_admin'),
      /** The user Lambdas log in as with an IAM token (granted rds_iam by the migration). */
      appUsername: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('airfill_app'),
      instanceClass: z.string().regex(/^db\./),
      /** Aurora Serverless v2 capacity, when instanceClass is db.serverless. */
      serverless: z.object({ minCapacity: z.number().min(0).max(256), maxCapacity: z.number().min(1).max(256) }).optional(),
      /** Reader instances next to the writer (0 in dev). */
      readers: z.number().int().min(0).max(15),
      backupRetentionDays: z.number().int().min(1).max(35),
      deletionProtection: z.boolean(),
      /** Take a final snapshot (named uniquely per cluster) when the cluster is destroyed. */
      finalSnapshot: z.boolean(),
      /** 7 (free tier) or a multiple of 31 up to 731. */
      performanceInsightsRetentionDays: z.number().int().refine((d) => d === 7 || (d % 31 === 0 && d <= 731), {
        error: 'Performance Insights retention is 7 days or a multiple of 31 up to 731',
      }),
    }),
    storage: z.object({
      /** Days before objects under the per-run intermediate prefixes expire. */
      intermediateExpirationDays: z.number().int().min(1),
      /** Days before replaced or deleted object versions expire. */
      noncurrentVersionExpirationDays: z.number().int().min(1),
      /** Server access logs into a separate bucket. */
      accessLogging: z.object({ enabled: z.boolean(), retentionDays: z.number().int().min(1).default(365) }),
    }),
    model: modelSourceSchema,
    transform: z.object({
      instanceType: z.string().regex(/^ml\./),
      instanceCount: z.number().int().min(1).max(100),
      maxPayloadMb: z.number().int().min(1).max(100),
      /**
       * Mini-batch requests each instance works on at once (SageMaker's
       * `MaxConcurrentTransforms`): the instance type's vCPUs for the
       * XGBoost container, one model worker per vCPU.
       */
      maxConcurrentTransforms: z.number().int().min(1).max(64).default(1),
      /** How long the workflow waits for the transform job's callback. */
      timeoutSeconds: z.number().int().min(60).max(86_400),
      heartbeatSeconds: z.number().int().min(60).optional(),
    }),
    pipeline: z.object({
      /** The parameters a model is deployed for: each execution fills those of them that are stored, each cut into chunks (runs). */
      parameters: z
        .array(z.string().trim().min(1))
        .min(1)
        .refine((names) => new Set(names).size === names.length, { error: 'each parameter once' })
        .default([...DEFAULT_PIPELINE_PARAMETERS]),
      /**
       * How many chunks an execution fills at the same time, over every parameter's chunks: the
       * MaxConcurrency of the Distributed Map FillChunks, each chunk a child execution with its own
       * run. Each holds a transform job (`transform.instanceCount` instances, within the account's
       * SageMaker quota for the instance type) and, one step at a time, a database connection; with
       * `functions.reservedConcurrency` it may not exceed the database functions' reservation.
       * At most `MAX_CHUNK_CONCURRENCY` of `@airfill/workflow` (1,000), what the definition accepts.
       */
      maxConcurrency: z.number().int().min(1).max(MAX_CHUNK_CONCURRENCY).default(2),
      /** Most missing readings one run claims: plan-parameters cuts each parameter's missing readings into chunks of at most this many. */
      maxReadingsPerRun: z.number().int().min(1),
      /**
       * Quality control's thresholds as `@airfill/quality` reads them (stuck, spike,
       * drift, alerts...), passed as written to the quality-check Lambda
       * (AIRFILL_QUALITY_CONFIG); validated here so a bad value fails the synth.
       * @default the package's defaults
       */
      quality: z.record(z.string(), z.unknown()).default({}),
      /**
       * The plausibility ranges and sentinels the data is loaded with (`airfill load
       * --plausibility`), so the range check applies the same (AIRFILL_PLAUSIBILITY).
       * @default the defaults
       */
      plausibility: z.record(z.string(), z.unknown()).default({}),
      /**
       * The live accuracy check (issue 15): each run hides `points` observed values per
       * parameter from the model and scores its predictions; `drift.factor` x the expected
       * MAE for `drift.runs` runs in a row raises the parameter's drift alarm, which starts
       * its retraining when `drift.retrain` is on.
       */
      live: z
        .object({
          points: z.number().int().min(0).max(100_000).default(200),
          drift: z
            .object({
              factor: z.number().gt(1).max(100).default(1.5),
              runs: z.number().int().min(1).max(100).default(3),
              retrain: z.boolean().default(true),
            })
            .prefault({}),
        })
        .prefault({}),
    }),
    functions: z.object({
      memoryMb: z.number().int().min(128).max(10_240),
      timeoutSeconds: z.number().int().min(1).max(900),
      logRetentionDays: z.number().int().min(1),
      /**
       * Reserved concurrency for the functions that hold database connections, so a burst
       * can never exhaust Aurora's connection slots. Off unless configured: AWS refuses a
       * reservation that leaves less than 100 unreserved, and a new account's quota can be 10.
       * @default none
       */
      reservedConcurrency: z
        .object({
          /** The account's Lambda concurrency quota in this region (Service Quotas), as raised. */
          accountQuota: z.number().int().min(1),
          /** For the migration (one at a time is enough). */
          migrate: z.number().int().min(1).default(1),
          /** For each of the other functions that connect to the database. */
          database: z.number().int().min(1).max(50),
        })
        .optional(),
    }),
    schedule: z.object({
      enabled: z.boolean(),
      expression: z.string().regex(/^(rate|cron)\(.+\)$/).default('rate(24 hours)'),
      timezone: z.string().default('UTC'),
    }),
    /** The training workflow (issue 15): what it trains, on which machines, and when. */
    training: z
      .object({
        /** The parameters it trains, each into its own package group. @default every parameter of `pipeline.parameters` */
        parameters: z.array(z.string().trim().min(1)).min(1).optional(),
        /** The XGBoost 1.7-1 image of the region for the training jobs and the model packages. @default `model.imageUri` */
        imageUri: ecrImageUri.optional(),
        /** Days of history before the latest reading a run trains on. */
        windowDays: z.number().int().min(30).max(3660).default(365),
        instanceType: z.string().regex(/^ml\./).default('ml.m5.xlarge'),
        volumeSizeGb: z.number().int().min(1).max(512).default(30),
        /** SageMaker stops a training job after this long. */
        maxRuntimeSeconds: z.number().int().min(600).max(432_000).default(4 * 3600),
        /** Training jobs at once (the candidate and three cross-fit folds per run): the account's quota for the instance type bounds it. */
        maxConcurrency: z.number().int().min(1).max(4).default(4),
        /** Retraining by EventBridge Scheduler: weekly unless configured, one execution per trained parameter. */
        schedule: z
          .object({
            enabled: z.boolean().default(true),
            expression: z.string().regex(/^(rate|cron)\(.+\)$/).default('rate(7 days)'),
            timezone: z.string().default('UTC'),
          })
          .prefault({}),
      })
      .prefault({}),
    monitoring: z.object({
      /** Who gets alarms (SNS e-mail, confirmed by each recipient); production needs at least one. */
      alarmEmails: z.array(z.email()).default([]),
      auroraCpuPercent: z.number().min(1).max(100).default(80),
      auroraFreeableMemoryBytes: z.number().int().min(1).default(256 * 1024 * 1024),
    }),
    /** The read API and the dashboard (defaults: IAM auth, offline map). */
    api: readApiConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    for (const [key, schema] of [['quality', qualityConfigSchema], ['plausibility', plausibilityConfigSchema]] as const) {
      const parsed = schema.safeParse(config.pipeline[key]);
      for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['pipeline', key, ...issue.path.map(String)], message: issue.message });
    }
    if (config.transform.maxPayloadMb * config.transform.maxConcurrentTransforms > 100) {
      // SageMaker refuses a job whose concurrent payloads can exceed 100 MB on an instance.
      ctx.addIssue({ code: 'custom', path: ['transform', 'maxConcurrentTransforms'], message: 'maxPayloadMb x maxConcurrentTransforms must be at most 100 (MB), as SageMaker requires' });
    }
    const zones = config.network.subnets.map((s) => s.availabilityZone);
    if (new Set(zones).size !== zones.length) {
      ctx.addIssue({ code: 'custom', path: ['network', 'subnets'], message: 'each subnet needs its own availability zone' });
    }
    if (zones.some((zone) => !zone.startsWith(config.region))) {
      ctx.addIssue({ code: 'custom', path: ['network', 'subnets'], message: `availability zones must be in ${config.region}` });
    }
    if ((config.database.instanceClass === 'db.serverless') !== (config.database.serverless !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['database', 'serverless'],
        message: 'serverless capacity is required with db.serverless and only then',
      });
    }
    if (config.model.source === 'xgboost-artifact' && !config.model.imageUri.includes(`.dkr.ecr.${config.region}.`)) {
      ctx.addIssue({ code: 'custom', path: ['model', 'imageUri'], message: `the image must be in ${config.region}` });
    }
    if (config.model.source === 'model-package') {
      const packages = config.model.packages;
      const missing = config.pipeline.parameters.filter((parameter) => !packages[parameter]);
      if (missing.length) ctx.addIssue({ code: 'custom', path: ['model', 'packages'], message: `no model package for ${missing.join(', ')}` });
    }
    if (config.model.source === 'model-package' && !config.training.imageUri) {
      ctx.addIssue({ code: 'custom', path: ['training', 'imageUri'], message: 'the training jobs need the XGBoost 1.7-1 image of the region when models come from packages' });
    }
    const unknownTraining = (config.training.parameters ?? []).filter((parameter) => !config.pipeline.parameters.includes(parameter));
    if (unknownTraining.length) {
      ctx.addIssue({ code: 'custom', path: ['training', 'parameters'], message: `not filled by the pipeline (no package group): ${unknownTraining.join(', ')}` });
    }
    if (config.name === 'prod' && !config.production) {
      ctx.addIssue({ code: 'custom', path: ['production'], message: 'prod is a production environment' });
    }
    if (config.production) {
      if (config.monitoring.alarmEmails.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['monitoring', 'alarmEmails'], message: 'a production environment needs at least one alarm subscriber' });
      }
      if (!config.database.deletionProtection || !config.database.finalSnapshot) {
        ctx.addIssue({ code: 'custom', path: ['database'], message: 'a production environment needs deletion protection and a final snapshot' });
      }
      if (config.ci.planFromPullRequests) {
        ctx.addIssue({ code: 'custom', path: ['ci', 'planFromPullRequests'], message: 'a production environment is planned from the main branch only' });
      }
    }
    const reserved = config.functions.reservedConcurrency;
    if (reserved && config.pipeline.maxConcurrency > reserved.database) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipeline', 'maxConcurrency'],
        message: `${config.pipeline.maxConcurrency} chunks at a time exceed the ${reserved.database} reserved for each database function: the chunks would throttle each other's database steps`,
      });
    }
    if (reserved) {
      const total = reserved.migrate + DATABASE_FUNCTIONS_WITH_RESERVATION * reserved.database;
      if (total > reserved.accountQuota - UNRESERVED_CONCURRENCY_FLOOR) {
        ctx.addIssue({
          code: 'custom',
          path: ['functions', 'reservedConcurrency'],
          message: `reserving ${total} leaves less than the ${UNRESERVED_CONCURRENCY_FLOOR} unreserved AWS requires of a quota of ${reserved.accountQuota}`,
        });
      }
    }
  });

/** Config as written in `config/<env>.ts` (defaults may be left out). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;

/** Validated config of one environment. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;

