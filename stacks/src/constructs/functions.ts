import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { lambdaEnvSchemas, type LambdaName } from '@airfill/schema';
import { Construct } from 'constructs';
import { type LambdaBundles, type PipelineLambdaApp } from '../assets/lambda-bundles';
import { CHUNK_MANIFEST_KEYS, pipelineMachineArns } from '../iam/pipeline-machine';
import { arn, type PolicyStatement } from '../iam/policy';
import {
  connectToDatabase,
  keyForTokenParameters,
  keyViaS3,
  readPrefixes,
  tokenParametersArn,
  writeObjects,
  writePrefixes,
} from '../iam/statements';
import { type Naming } from '../naming';
import { type Database } from './database';
import { AirfillFunction } from './lambda-function';
import { type Model } from './model';
import { type Network } from './network';
import { MODEL_PREFIX, RUN_PREFIXES, SEED_PREFIX, type Storage } from './storage';

/** Props of {@link Functions}. */
export interface FunctionsProps {
  naming: Naming;
  bundles: LambdaBundles;
  network: Network;
  database: Database;
  storage: Storage;
  model: Model;
  key: KmsKey;
  /** Name of the state machine the callback reports to (its ARN is derived, avoiding a cycle). */
  stateMachineName: string;
  /** The XGBoost 1.7-1 image start-transform serves promoted models with (the one the training workflow registers them with). */
  imageUri: string;
}

/**
 * The seven Lambdas, each with a role allowing exactly what its one job needs.
 * Functions holding database connections get reserved concurrency where the
 * config sets it.
 */
export class Functions extends Construct {
  readonly all: Readonly<Record<PipelineLambdaApp, AirfillFunction>>;
  /** Failed asynchronous deliveries to the callback (events it could not process). */
  readonly callbackDeadLetters: SqsQueue;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { naming, storage, database, model, key, network } = props;
    const config = naming.config;
    const bucket = storage.bucketArn;

    this.callbackDeadLetters = new SqsQueue(this, 'callback-dlq', {
      name: naming.name('transform-callback-dlq'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    // Every variable the Lambdas may read (packages/schema/src/lambda-env.ts); each gets only its own.
    const settings: Record<string, string> = {
      AIRFILL_ENV: config.name,
      AIRFILL_BUCKET: storage.bucketName,
      AIRFILL_JOB_PREFIX: naming.transformJobPrefix,
      AIRFILL_SSM_PREFIX: naming.tokenParameterPath,
      // Per parameter the SageMaker model its transforms run and the version recorded with its predictions.
      AIRFILL_MODELS: JSON.stringify(model.deployed),
      AIRFILL_TRANSFORM_INSTANCE_TYPE: config.transform.instanceType,
      AIRFILL_TRANSFORM_INSTANCE_COUNT: String(config.transform.instanceCount),
      AIRFILL_TRANSFORM_MAX_PAYLOAD_MB: String(config.transform.maxPayloadMb),
      AIRFILL_TRANSFORM_MAX_CONCURRENT: String(config.transform.maxConcurrentTransforms),
      AIRFILL_MAX_READINGS_PER_RUN: String(config.pipeline.maxReadingsPerRun),
      AIRFILL_LIVE_POINTS: String(config.pipeline.live.points),
      AIRFILL_DRIFT_FACTOR: String(config.pipeline.live.drift.factor),
      AIRFILL_DRIFT_RUNS: String(config.pipeline.live.drift.runs),
      AIRFILL_QUALITY_CONFIG: JSON.stringify(config.pipeline.quality),
      AIRFILL_PLAUSIBILITY: JSON.stringify(config.pipeline.plausibility),
      // How start-transform serves a promoted model: the image and the role the deployed models run with.
      AIRFILL_XGBOOST_IMAGE: props.imageUri,
      AIRFILL_SAGEMAKER_ROLE_ARN: model.executionRole.arnByName,
    };
    const databaseEnvironment = databaseEnvironmentOf(database, naming);
    const environmentOf = (app: PipelineLambdaApp, usesDatabase: boolean): Record<string, string> => ({
      ...lambdaEnvironment(LAMBDA_ENV_NAMES[app], settings),
      ...(usesDatabase ? databaseEnvironment : {}),
    });

    const transformJobs = arn(naming, 'sagemaker', `transform-job/${naming.transformJobPrefix}*`);
    const pipeline = pipelineMachineArns(naming, props.stateMachineName);
    // The current-model pointers, read by the steps that choose a run's model (query-missing pins it, start-transform serves it).
    const readPointers: PolicyStatement = { Sid: 'ReadCurrentModelPointers', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: arn(naming, 'ssm', `parameter${naming.modelPointerPath}/*`) };
    // Reserved only where configured (the schema checks it against the account's quota).
    const reserved = config.functions.reservedConcurrency;

    const make = (
      app: PipelineLambdaApp,
      description: string,
      statements: PolicyStatement[],
      options: { usesDatabase: boolean; reservedConcurrency?: number; deadLetterQueueArn?: string; extraEnvironment?: Record<string, string> },
    ) =>
      new AirfillFunction(this, app, {
        naming,
        app,
        description,
        bundleDir: props.bundles[app],
        statements: options.usesDatabase ? [connectToDatabase(database.appUserConnectArn), ...statements] : statements,
        environment: { ...environmentOf(app, options.usesDatabase), ...options.extraEnvironment },
        subnets: network.subnets,
        securityGroup: network.functionSecurityGroup,
        key,
        reservedConcurrency: options.reservedConcurrency,
        deadLetterQueueArn: options.deadLetterQueueArn,
      });

    // Settling a transform job (the callback, and start-transform when a retry finds the job already
    // finished) reads the run's manifest and the job output, writes the predictions and reports to the workflow.
    const settleStatements: PolicyStatement[] = [
      ...readPrefixes(bucket, [RUN_PREFIXES.retrieved, RUN_PREFIXES.output], 'ReadRunAndOutput'),
      {
        Sid: 'UseTaskToken',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:DeleteParameter'],
        Resource: tokenParametersArn(naming),
      },
      {
        // AWS's Service Authorization Reference lists no resource type for SendTask* ("*" then), yet IAM
        // names the token's state machine when it denies one (AccessDenied "... on resource:
        // arn:aws:states:...:stateMachine:<name>"), and grants on the machine are known to work (aws-cdk
        // PR #8486). A token from a chunk is issued by a child execution of the Distributed Map, whose
        // state machine is the qualified `stateMachine:<name>/<label>` (the Step Functions API reference's
        // ARN of "a Distributed Map state with a label"): both are named, nothing else. See docs/DESIGN.md
        // section 8.
        Sid: 'ReportToWorkflow',
        Effect: 'Allow',
        Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        Resource: [pipeline.stateMachine, pipeline.chunkStateMachine],
      },
    ];

    this.all = {
      migrate: make(
        'migrate',
        'Runs database migrations; optionally loads a seed CSV from seed/',
        [
          // Only the migration may read the master secret: it creates the IAM-authenticated app user.
          { Sid: 'MasterSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: database.masterSecretArn },
          {
            Sid: 'KeyViaSecretsManager',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: key.arn,
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${naming.region}.amazonaws.com` } },
          },
          ...readPrefixes(bucket, [SEED_PREFIX], 'ReadSeed'),
          keyViaS3(naming, key.arn, ['kms:Decrypt']),
        ],
        {
          usesDatabase: true,
          reservedConcurrency: reserved?.migrate,
          extraEnvironment: { AIRFILL_DB_MASTER_SECRET_ARN: database.masterSecretArn },
        },
      ),
      // Reads readings and writes flags and alerts in the database; nothing else (its alerts reach SNS through a metric alarm).
      'quality-check': make('quality-check', 'Flags what sensors get wrong before the fill (every parameter), sets invalid values aside, raises alerts', [], {
        usesDatabase: true,
        reservedConcurrency: reserved?.database,
      }),
      'plan-parameters': make(
        'plan-parameters',
        'Cuts the missing readings of each parameter a deployed model fills into chunks; writes their manifest for the Distributed Map',
        // Reads the database (the stored parameters, missing readings per hour); writes the chunk manifest and nothing else.
        [
          writeObjects(bucket, [CHUNK_MANIFEST_KEYS], 'WriteChunkManifest'),
          keyViaS3(naming, key.arn, ['kms:GenerateDataKey']),
        ],
        { usesDatabase: true, reservedConcurrency: reserved?.database },
      ),
      'query-missing': make(
        'query-missing',
        'Claims missing readings for a run and writes them and their context to retrieved_from_db/',
        [
          writePrefixes(bucket, [RUN_PREFIXES.retrieved]),
          // A retry reads the model its run pinned; a pointer model's contract is in its model.tar.gz under models/.
          ...readPrefixes(bucket, [RUN_PREFIXES.retrieved, MODEL_PREFIX], 'ReadPinAndModels'),
          keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey']),
          readPointers,
        ],
        { usesDatabase: true, reservedConcurrency: reserved?.database },
      ),
      'start-transform': make(
        'start-transform',
        'Builds features into input_batch/, keeps the task token in SSM, starts the batch transform',
        [
          ...settleStatements,
          writePrefixes(bucket, [RUN_PREFIXES.input, RUN_PREFIXES.retrieved, RUN_PREFIXES.predicted]),
          keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey']),
          {
            Sid: 'RunTransform',
            Effect: 'Allow',
            Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:AddTags'],
            Resource: transformJobs,
          },
          {
            Sid: 'PassSageMakerRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: model.executionRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          },
          { Sid: 'PutTaskToken', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: tokenParametersArn(naming) },
          keyForTokenParameters(naming, key.arn, ['kms:Encrypt', 'kms:Decrypt']),
          readPointers,
          ...readPrefixes(bucket, [MODEL_PREFIX], 'ReadModels'),
          {
            // The SageMaker model of a promoted model, created on first use (its name: airfill-<env>-m-<slug>-<version>).
            Sid: 'ServePromotedModels',
            Effect: 'Allow',
            Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
            Resource: arn(naming, 'sagemaker', `model/${naming.servingModelPrefix}*`),
          },
        ],
        { usesDatabase: false, extraEnvironment: { AIRFILL_KMS_KEY_ARN: key.arn } },
      ),
      'transform-callback': make(
        'transform-callback',
        'On a transform job state change: validates the output, writes predicted_values_output/, reports to the workflow',
        [
          ...settleStatements,
          writePrefixes(bucket, [RUN_PREFIXES.predicted]),
          keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey']),
          keyForTokenParameters(naming, key.arn, ['kms:Decrypt']),
        ],
        { usesDatabase: false, deadLetterQueueArn: this.callbackDeadLetters.arn },
      ),
      'write-predictions': make(
        'write-predictions',
        'Writes predicted_values_output/ into PostgreSQL in one transaction',
        [...readPrefixes(bucket, [RUN_PREFIXES.predicted], 'ReadPredicted'), keyViaS3(naming, key.arn, ['kms:Decrypt'])],
        { usesDatabase: true, reservedConcurrency: reserved?.database },
      ),
      'record-failure': make(
        'record-failure',
        "Marks a failed run in the ledger and releases its claims; stops the run's transform job and deletes its token",
        [
          {
            Sid: 'StopTransform',
            Effect: 'Allow',
            Action: ['sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'],
            Resource: transformJobs,
          },
          { Sid: 'DeleteTaskToken', Effect: 'Allow', Action: 'ssm:DeleteParameter', Resource: tokenParametersArn(naming) },
        ],
        { usesDatabase: true, reservedConcurrency: reserved?.database },
      ),
    };
  }
}

/** The name each app has in `lambdaEnvSchemas`. */
const LAMBDA_ENV_NAMES: Readonly<Record<PipelineLambdaApp, LambdaName>> = {
  migrate: 'migrate',
  'quality-check': 'qualityCheck',
  'plan-parameters': 'planParameters',
  'query-missing': 'queryMissing',
  'start-transform': 'startTransform',
  'transform-callback': 'transformCallback',
  'write-predictions': 'writePredictions',
  'record-failure': 'recordFailure',
};

function missingSetting(name: string): never {
  throw new TypeError(`the stacks have no value for the Lambda environment variable ${name}`);
}

/** Exactly the variables a Lambda's handler parses (packages/schema lambda-env), from the stacks' values. */
export function lambdaEnvironment(lambda: LambdaName, settings: Readonly<Record<string, string>>): Record<string, string> {
  const names = Object.keys(lambdaEnvSchemas[lambda].shape);
  return Object.fromEntries(names.map((name) => [name, settings[name] ?? missingSetting(name)]));
}

/** How a Lambda reaches the database: the cluster, as the IAM-authenticated app user. */
export function databaseEnvironmentOf(database: Database, naming: Naming): Record<string, string> {
  return {
    DB_HOST: database.cluster.endpoint,
    DB_PORT: String(database.port),
    DB_NAME: naming.config.database.databaseName,
    DB_USER: naming.config.database.appUsername,
  };
}
