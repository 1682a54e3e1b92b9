import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcEndpointPolicy } from '@cdktf/provider-aws/lib/vpc-endpoint-policy';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { type Construct } from 'constructs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelArchive } from './assets/model-archive';
import { type TrainingCode, writeTrainingCode } from './assets/training-code';
import { type LambdaBundles } from './assets/lambda-bundles';
import { type ReadApiAssets } from './assets/read-api-assets';
import { type EnvironmentConfig } from './config';
import { Database } from './constructs/database';
import { Encryption } from './constructs/encryption';
import { Events } from './constructs/events';
import { Functions } from './constructs/functions';
import { Model } from './constructs/model';
import { DriftWatch } from './constructs/drift';
import { ModelPromotion } from './constructs/model-promotion';
import { Monitoring } from './constructs/monitoring';
import { Network } from './constructs/network';
import { ReadApi } from './constructs/read-api';
import { Schedule } from './constructs/schedule';
import { Storage } from './constructs/storage';
import { Training } from './constructs/training';
import { TrainingFunctions } from './constructs/training-functions';
import { Workflow } from './constructs/workflow';
import { policyDocument } from './iam/policy';
import { Naming } from './naming';

/** Props of {@link AirfillStack}. */
export interface AirfillStackProps {
  config: EnvironmentConfig;
  bundles: LambdaBundles;
  /** The API Lambda's bundle and the dashboard's files. */
  readApi: ReadApiAssets;
  /** The packaged default model of each parameter, by parameter (for the `xgboost-artifact` model source). */
  models?: Readonly<Record<string, { archive: ModelArchive; version: string }>>;
  /** The training jobs' code (sourcedir.tar.gz). @default packed from packages/model/sagemaker/train.py at synth */
  trainingCode?: TrainingCode;
}

/** The stack name of an environment: `airfill-<env>`. */
export function stackName(config: EnvironmentConfig): string {
  return `airfill-${config.name}`;
}

/**
 * Everything one environment runs on, composed from one construct per domain.
 * Wiring passes construct fields (ARNs, ids), so each grant names exactly the
 * resource it is for.
 */
export class AirfillStack extends TerraformStack {
  readonly naming: Naming;
  readonly network: Network;
  readonly database: Database;
  readonly storage: Storage;
  readonly model: Model;
  readonly functions: Functions;
  readonly workflow: Workflow;
  readonly schedule: Schedule;
  readonly events: Events;
  readonly monitoring: Monitoring;
  readonly drift: DriftWatch;
  readonly readApi: ReadApi;
  readonly trainingFunctions: TrainingFunctions;
  readonly training: Training;
  readonly modelPromotion: ModelPromotion;

  constructor(scope: Construct, props: AirfillStackProps) {
    const { config } = props;
    super(scope, stackName(config));
    const naming = (this.naming = new Naming(config));

    new AwsProvider(this, 'aws', {
      region: config.region,
      // A deploy with the wrong account's credentials fails before it changes anything.
      allowedAccountIds: [config.accountId],
      // Deploy roles and the boundary condition on the environment tag where AWS assigns the ARN.
      defaultTags: [{ tags: naming.tags }],
    });
    // The bucket and key the environment's bootstrap stack created in the same account.
    new S3Backend(this, {
      bucket: naming.stateBucket,
      key: naming.stateKey,
      region: config.region,
      encrypt: true,
      kmsKeyId: naming.stateKeyAlias,
    });
    // Terraform 1.10+ locks with a lock file next to the state; cdktf 0.21 has no typed option for it yet.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    const { key } = new Encryption(this, 'encryption', { naming });
    this.network = new Network(this, 'network', { naming, key });
    this.database = new Database(this, 'database', {
      naming,
      subnets: this.network.subnets,
      securityGroup: this.network.databaseSecurityGroup,
      key,
    });
    this.storage = new Storage(this, 'storage', { naming, key });
    // From inside the VPC only this environment's bucket is reachable through the gateway.
    new VpcEndpointPolicy(this, 's3-endpoint-policy', {
      vpcEndpointId: this.network.s3Endpoint.id,
      policy: policyDocument([
        {
          Sid: 'DataBucketOnly',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: [this.storage.bucketArn, `${this.storage.bucketArn}/*`],
        },
      ]),
    });
    this.model = new Model(this, 'model', { naming, storage: this.storage, key, ...(props.models ? { artifacts: props.models } : {}) });

    const stateMachineName = naming.name('pipeline');
    // What every Lambda construct is built from.
    const lambdas = { naming, bundles: props.bundles, network: this.network, database: this.database, storage: this.storage, model: this.model, key };
    // The XGBoost image of the training workflow: its own, else the one the committed models are served with; promoted models are served with it too.
    const trainingImage = config.training.imageUri ?? (config.model.source === 'xgboost-artifact' ? config.model.imageUri : '');
    this.functions = new Functions(this, 'functions', { ...lambdas, stateMachineName, imageUri: trainingImage });
    this.workflow = new Workflow(this, 'workflow', { naming, functions: this.functions, storage: this.storage, key, stateMachineName });
    this.schedule = new Schedule(this, 'schedule', { naming, stateMachine: this.workflow.stateMachine });
    this.trainingFunctions = new TrainingFunctions(this, 'training-functions', { ...lambdas, imageUri: trainingImage });
    this.modelPromotion = new ModelPromotion(this, 'model-promotion', lambdas);
    this.training = new Training(this, 'training', {
      naming,
      storage: this.storage,
      key,
      functions: this.trainingFunctions,
      code: props.trainingCode ?? writeTrainingCode(mkdtempSync(join(tmpdir(), 'airfill-training-code-'))),
      imageUri: trainingImage,
    });
    this.events = new Events(this, 'events', {
      naming,
      callback: this.functions.all['transform-callback'],
      deadLetters: this.functions.callbackDeadLetters,
    });
    this.readApi = new ReadApi(this, 'read-api', { naming, assets: props.readApi, network: this.network, database: this.database, key });
    this.monitoring = new Monitoring(this, 'monitoring', {
      naming,
      key,
      stateMachine: this.workflow.stateMachine,
      trainingStateMachine: this.training.stateMachine,
      functions: [...Object.values(this.functions.all), ...Object.values(this.trainingFunctions.all), this.modelPromotion.function, this.readApi.function],
      deadLetters: this.functions.callbackDeadLetters,
      cluster: this.database.cluster,
    });

    this.drift = new DriftWatch(this, 'drift', { naming, topic: this.monitoring.topic, trainingStateMachine: this.training.stateMachine });

    new TerraformOutput(this, 'bucket', { value: this.storage.bucketName });
    new TerraformOutput(this, 'api_endpoint', { value: this.readApi.api.apiEndpoint });
    new TerraformOutput(this, 'dashboard_url', { value: `https://${this.readApi.dashboard.distribution.domainName}/` });
    new TerraformOutput(this, 'state_machine_arn', { value: this.workflow.stateMachine.arn });
    new TerraformOutput(this, 'training_state_machine_arn', { value: this.training.stateMachine.arn });
    new TerraformOutput(this, 'migrate_function', { value: this.functions.all.migrate.functionName });
    new TerraformOutput(this, 'promote_model_function', { value: this.modelPromotion.function.functionName });
    new TerraformOutput(this, 'database_endpoint', { value: this.database.cluster.endpoint });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.monitoring.topic.arn });
  }
}
