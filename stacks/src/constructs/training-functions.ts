import { type LambdaName } from '@airfill/schema';
import { Construct } from 'constructs';
import { type TrainingLambdaApp } from '../assets/lambda-bundles';
import { arn, type PolicyStatement } from '../iam/policy';
import { connectToDatabase, keyViaS3, readPrefixes, writePrefixes } from '../iam/statements';
import { databaseEnvironmentOf, lambdaEnvironment, type FunctionsProps } from './functions';
import { AirfillFunction } from './lambda-function';
import { MODEL_PREFIX } from './storage';

/** Where a training run's objects live (dataset, plan, rows, job outputs, evaluation) and the training code. */
export const TRAINING_PREFIX = 'training/';

/** Props of {@link TrainingFunctions}: what the pipeline's functions are built from, and the image packages are served with. */
export interface TrainingFunctionsProps extends Omit<FunctionsProps, 'stateMachineName' | 'imageUri'> {
  /** The XGBoost 1.7-1 image the registered packages are served with. */
  imageUri: string;
}

/** Lambda steps of the training workflow get the Lambda maximum: a year of data is exported and scored in one call. */
const TRAINING_STEP = { memoryMb: 3008, timeoutSeconds: 900 } as const;

/** The name each training app has in `lambdaEnvSchemas`. */
const ENV_NAMES: Readonly<Record<TrainingLambdaApp, LambdaName>> = {
  'export-training-data': 'exportTrainingData',
  'calibrate-candidate': 'calibrateCandidate',
  'evaluate-candidate': 'evaluateCandidate',
  'register-model': 'registerModel',
  'record-training-failure': 'recordTrainingFailure',
};

/**
 * The five Lambdas of the training workflow, each with exactly what its step
 * needs: the export reads the database and writes `training/`; calibration
 * and evaluation read and write the run's files (evaluation reads the
 * current model under `models/` too); registration writes `models/`,
 * creates packages in the environment's package groups and writes the
 * current-model pointers; the failure recorder stops the run's training jobs.
 */
export class TrainingFunctions extends Construct {
  readonly all: Readonly<Record<TrainingLambdaApp, AirfillFunction>>;

  constructor(scope: Construct, id: string, props: TrainingFunctionsProps) {
    super(scope, id);
    const { naming, storage, database, key, network } = props;
    const config = naming.config;
    const bucket = storage.bucketArn;
    const parameters = config.training.parameters ?? config.pipeline.parameters;
    const settings: Record<string, string> = {
      AIRFILL_ENV: config.name,
      AIRFILL_BUCKET: storage.bucketName,
      AIRFILL_JOB_PREFIX: naming.trainingJobPrefix,
      AIRFILL_TRAINING_PARAMETERS: parameters.join(','),
      AIRFILL_TRAINING_WINDOW_DAYS: String(config.training.windowDays),
      AIRFILL_XGBOOST_IMAGE: props.imageUri,
      AIRFILL_TRANSFORM_INSTANCE_TYPE: config.transform.instanceType,
    };
    const trainingJobs = arn(naming, 'sagemaker', `training-job/${naming.trainingJobPrefix}*`);
    const groups = Object.values(props.model.packageGroups);

    const make = (app: TrainingLambdaApp, description: string, statements: PolicyStatement[], usesDatabase: boolean) =>
      new AirfillFunction(this, app, {
        naming,
        app,
        description,
        bundleDir: props.bundles[app],
        statements: usesDatabase ? [connectToDatabase(database.appUserConnectArn), ...statements] : statements,
        environment: { ...lambdaEnvironment(ENV_NAMES[app], settings), ...(usesDatabase ? databaseEnvironmentOf(database, naming) : {}) },
        subnets: network.subnets,
        securityGroup: network.functionSecurityGroup,
        key,
        ...TRAINING_STEP,
      });

    this.all = {
      'export-training-data': make(
        'export-training-data',
        "Opens a training run; writes its dataset, plan and the training jobs' rows to training/<run>/",
        [writePrefixes(bucket, [TRAINING_PREFIX]), keyViaS3(naming, key.arn, ['kms:GenerateDataKey'])],
        true,
      ),
      'calibrate-candidate': make(
        'calibrate-candidate',
        'Scores the cross-fit fold models on their folds: the residuals the intervals are calibrated on',
        [...readPrefixes(bucket, [TRAINING_PREFIX], 'ReadRun'), writePrefixes(bucket, [TRAINING_PREFIX]), keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey'])],
        false,
      ),
      'evaluate-candidate': make(
        'evaluate-candidate',
        'Scores the candidate, the current model and the baselines on the masked holdout by stratum, and runs the gate',
        [
          ...readPrefixes(bucket, [TRAINING_PREFIX, MODEL_PREFIX], 'ReadRunAndModels'),
          writePrefixes(bucket, [TRAINING_PREFIX]),
          keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey']),
        ],
        true,
      ),
      'register-model': make(
        'register-model',
        "Registers the candidate as a model package in its parameter's group and in the models table; an approved one becomes current",
        [
          ...readPrefixes(bucket, [TRAINING_PREFIX], 'ReadRun'),
          writePrefixes(bucket, [MODEL_PREFIX]),
          keyViaS3(naming, key.arn, ['kms:Decrypt', 'kms:GenerateDataKey']),
          {
            Sid: 'RegisterPackages',
            Effect: 'Allow',
            Action: 'sagemaker:CreateModelPackage',
            // A package's ARN is <group>/<version>; the group itself is checked too.
            Resource: groups.flatMap((group) => [group.arn, arn(naming, 'sagemaker', `model-package/${group.modelPackageGroupName}/*`)]),
          },
          { Sid: 'PointAtCurrentModel', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arn(naming, 'ssm', `parameter${naming.modelPointerPath}/*`) },
        ],
        true,
      ),
      'record-training-failure': make(
        'record-training-failure',
        "Marks a failed training run in the ledger and stops the run's training jobs",
        [{ Sid: 'StopTrainingJobs', Effect: 'Allow', Action: 'sagemaker:StopTrainingJob', Resource: trainingJobs }],
        true,
      ),
    };
  }
}
