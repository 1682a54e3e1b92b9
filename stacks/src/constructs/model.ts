import { modelFolderName } from '@airfill/model';
import type { DeployedModels } from '@airfill/schema';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { type ModelArchive } from '../assets/model-archive';
import { arn, type PolicyStatement } from '../iam/policy';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';
import { MODEL_PREFIX, RUN_PREFIXES, type Storage } from './storage';

/** Props of {@link Model}. */
export interface ModelProps {
  naming: Naming;
  storage: Storage;
  key: KmsKey;
  /**
   * The packaged default model of each parameter, by parameter; required for
   * every parameter of `pipeline.parameters` when the config's model source is
   * `xgboost-artifact` (ignored for model packages).
   * @default none
   */
  artifacts?: Readonly<Record<string, { archive: ModelArchive; version: string }>>;
}

/** One parameter's SageMaker model and the version its predictions are recorded under. */
export interface DeployedModel {
  model: SagemakerModel;
  version: string;
}

/**
 * The SageMaker models batch transform runs, one per parameter of
 * `pipeline.parameters`: the built-in XGBoost 1.7-1 image with the
 * parameter's committed model uploaded as model.tar.gz, or the parameter's
 * model package from config. Their one execution role reads input_batch/
 * and the models, writes output_batch/, and nothing else in the bucket; it
 * holds no ECR grants, since SageMaker pulls AWS's own images itself.
 * Beside them, one SageMaker Model Registry package group per parameter:
 * where trained models of the parameter are registered as packages (the
 * `model-package` source serves one of them).
 */
export class Model extends Construct {
  /** By parameter. */
  readonly models: Readonly<Record<string, DeployedModel>>;
  readonly executionRole: WorkloadRole;
  /** The Model Registry's package group of each parameter, by parameter. */
  readonly packageGroups: Readonly<Record<string, SagemakerModelPackageGroup>>;
  /** What the pipeline Lambdas get as `AIRFILL_MODELS`: per parameter the SageMaker model's name and the version. */
  readonly deployed: DeployedModels;

  constructor(scope: Construct, id: string, props: ModelProps) {
    super(scope, id);
    const { naming, storage, key } = props;
    const source = naming.config.model;

    const statements: PolicyStatement[] = [
      {
        Sid: 'ReadInputAndModel',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [storage.objects(RUN_PREFIXES.input), storage.objects(MODEL_PREFIX)],
      },
      { Sid: 'WriteOutput', Effect: 'Allow', Action: 's3:PutObject', Resource: storage.objects(RUN_PREFIXES.output) },
      {
        Sid: 'ListInput',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: storage.bucketArn,
        Condition: { StringLike: { 's3:prefix': [`${RUN_PREFIXES.input}*`, `${MODEL_PREFIX}*`] } },
      },
      {
        Sid: 'UseDataKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key.arn,
      },
      {
        Sid: 'TransformLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [
          arn(naming, 'logs', 'log-group:/aws/sagemaker/TransformJobs'),
          arn(naming, 'logs', 'log-group:/aws/sagemaker/TransformJobs:log-stream:*'),
        ],
      },
      {
        Sid: 'TransformMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        // PutMetricData has no resource-level permissions; the namespace condition narrows it.
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TransformJobs' } },
      },
    ];

    // No ECR grants: SageMaker pulls its own built-in XGBoost image (and a model package's) itself.
    this.executionRole = new WorkloadRole(this, 'execution', {
      naming,
      name: 'sagemaker',
      service: 'sagemaker.amazonaws.com',
      description: 'SageMaker batch transform for airfill',
      statements,
    });

    const models: Record<string, DeployedModel> = {};
    for (const parameter of naming.config.pipeline.parameters) {
      const slug = modelFolderName(parameter);
      if (source.source === 'xgboost-artifact') {
        const packaged = props.artifacts?.[parameter];
        if (!packaged) throw new TypeError(`${naming.prefix}: the xgboost-artifact model source needs the packaged model of ${parameter}`);
        const { archive, version } = packaged;
        const asset = new TerraformAsset(this, `archive-${slug}`, { path: archive.path, type: AssetType.FILE });
        const digest = archive.modelSha256.slice(0, 12);
        const object = new S3Object(this, `artifact-${slug}`, {
          bucket: storage.bucketName,
          key: `${MODEL_PREFIX}${slug}/${digest}/model.tar.gz`,
          source: asset.path,
          sourceHash: archive.sha256,
          kmsKeyId: key.arn,
          serverSideEncryption: 'aws:kms',
        });
        models[parameter] = {
          version,
          model: new SagemakerModel(this, `model-${slug}`, {
            // SageMaker models are immutable: a new artifact is a new model, created before the old one goes.
            name: naming.name(`xgb-${slug}-${digest}`).slice(0, 63),
            executionRoleArn: this.executionRole.arn,
            // The built-in container needs no network; SageMaker itself moves the data.
            enableNetworkIsolation: true,
            primaryContainer: { image: source.imageUri, modelDataUrl: `s3://${object.bucket}/${object.key}` },
            lifecycle: { createBeforeDestroy: true },
          }),
        };
      } else {
        const configured = source.packages[parameter]!;
        models[parameter] = {
          version: configured.version,
          model: new SagemakerModel(this, `model-${slug}`, {
            name: naming.name(`pkg-${slug}-${configured.version.replace(/[^A-Za-z0-9-]/g, '-')}`).slice(0, 63),
            executionRoleArn: this.executionRole.arn,
            enableNetworkIsolation: true,
            primaryContainer: { modelPackageName: configured.modelPackageArn },
            lifecycle: { createBeforeDestroy: true },
          }),
        };
      }
    }
    this.models = models;
    this.packageGroups = Object.fromEntries(
      naming.config.pipeline.parameters.map((parameter) => [
        parameter,
        new SagemakerModelPackageGroup(this, `package-group-${modelFolderName(parameter)}`, {
          modelPackageGroupName: naming.name(`${modelFolderName(parameter)}-models`).slice(0, 63),
          modelPackageGroupDescription: `airfill models of ${parameter}, one package per trained version`.slice(0, 1024),
        }),
      ]),
    );
    this.deployed = Object.fromEntries(Object.entries(models).map(([parameter, deployed]) => [parameter, { name: deployed.model.name, version: deployed.version }]));
  }
}
