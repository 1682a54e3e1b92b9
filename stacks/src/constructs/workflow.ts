import { buildPipelineDefinition } from '@airfill/workflow';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../iam/boundary';
import { assertChunkMapLabels, chunkMapStatements, pipelineMachineArns } from '../iam/pipeline-machine';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';
import { type Functions } from './functions';
import { ALARM_TOPIC } from './monitoring';
import { type Storage } from './storage';

/** Props of {@link Workflow}. */
export interface WorkflowProps {
  naming: Naming;
  functions: Functions;
  /** The data bucket: plan-parameters writes the chunk manifest there, the Distributed Map reads it. */
  storage: Storage;
  key: KmsKey;
  /** The state machine's name (its own role and the callback's are scoped to it by name). */
  stateMachineName: string;
}

/**
 * The Step Functions state machine from `@airfill/workflow` (the same ASL the
 * local engine runs), with logging to an encrypted log group and X-Ray
 * tracing. Its role may invoke only the six Lambdas the definition names,
 * publish quality alerts only to the environment's alarm topic, and run its
 * Distributed Map: start and track its own child executions and read the
 * chunk manifests, nothing else of the bucket.
 */
export class Workflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: WorkloadRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { naming, functions, storage, key } = props;
    const fns = functions.all;
    // The Lambdas the definition names, and so the only ones the role may invoke.
    const steps = {
      qualityCheck: fns['quality-check'],
      planParameters: fns['plan-parameters'],
      queryMissing: fns['query-missing'],
      startTransform: fns['start-transform'],
      writePredictions: fns['write-predictions'],
      recordFailure: fns['record-failure'],
    };
    const invoked = Object.values(steps);
    // The monitoring's topic, named before it exists (monitoring needs the state machine for its alarms).
    const alertTopicArn = naming.arn('sns', naming.name(ALARM_TOPIC));

    const transform = naming.config.transform;
    const definition = buildPipelineDefinition({
      functions: {
        qualityCheck: steps.qualityCheck.arn,
        planParameters: steps.planParameters.arn,
        queryMissing: steps.queryMissing.arn,
        startTransform: steps.startTransform.arn,
        writePredictions: steps.writePredictions.arn,
        recordFailure: steps.recordFailure.arn,
      },
      transformTimeoutSeconds: transform.timeoutSeconds,
      heartbeatSeconds: transform.heartbeatSeconds,
      alertTopicArn,
      chunkManifestBucket: storage.bucketName,
      maxConcurrency: naming.config.pipeline.maxConcurrency,
    });
    assertChunkMapLabels(definition);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      // The /aws/vendedlogs/ prefix keeps the log-delivery resource policy small.
      name: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retentionInDays: naming.config.functions.logRetentionDays,
      kmsKeyId: key.arn,
    });

    this.role = new WorkloadRole(this, 'execution', {
      naming,
      name: 'workflow',
      service: 'states.amazonaws.com',
      description: 'Step Functions: the airfill pipeline',
      statements: [
        {
          Sid: 'InvokePipelineFunctions',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          // Versions and aliases too (`<arn>:*`), in case the definition pins one.
          Resource: invoked.flatMap((fn) => [fn.arn, `${fn.arn}:*`]),
        },
        {
          Sid: 'PublishQualityAlerts',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: alertTopicArn,
        },
        {
          // The topic is encrypted with the environment key: a publisher needs a data key from it.
          Sid: 'AlertTopicKey',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: key.arn,
        },
        ...chunkMapStatements(naming, pipelineMachineArns(naming, props.stateMachineName), storage.bucketArn, key.arn),
        {
          // Log delivery and X-Ray accept no resource ARNs (AWS documents "*" for both).
          Sid: 'LogDelivery',
          Effect: 'Allow',
          Action: [...LOG_DELIVERY_ACTIONS],
          Resource: '*',
        },
        {
          Sid: 'Tracing',
          Effect: 'Allow',
          Action: [...TRACING_ACTIONS],
          Resource: '*',
        },
      ],
    });

    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: props.stateMachineName,
      type: 'STANDARD', // .waitForTaskToken needs a standard workflow
      roleArn: this.role.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: 'ERROR',
        // Execution data would copy run inputs into the logs; errors carry enough context.
        includeExecutionData: false,
      },
      tracingConfiguration: { enabled: true },
      dependsOn: [this.role.policy],
    });
  }
}
