import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { type RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { type SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { type SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { QUALITY_ALERTS_METRIC } from '@airfill/schema';
import { Construct } from 'constructs';
import { type Naming } from '../naming';
import { type AirfillFunction } from './lambda-function';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  naming: Naming;
  key: KmsKey;
  stateMachine: SfnStateMachine;
  /** The training workflow: its failed and timed-out executions are alarmed too. */
  trainingStateMachine: SfnStateMachine;
  functions: AirfillFunction[];
  deadLetters: SqsQueue;
  cluster: RdsCluster;
}

/** The alarm topic's name under the environment's prefix; known before the topic exists, so the state machine can name it. */
export const ALARM_TOPIC = 'alarms';

/**
 * Alarms on what needs a person (failed or timed-out executions, Lambda
 * errors and throttles, dead letters, Aurora CPU and memory) to an encrypted
 * SNS topic with the config's email subscribers, and one dashboard. The
 * state machine publishes quality alerts (a sensor dead, stuck or drifting)
 * to the same topic, one message per sensor and episode.
 */
export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { naming, stateMachine, functions, deadLetters, cluster } = props;
    const settings = naming.config.monitoring;

    this.topic = new SnsTopic(this, 'alarms', { name: naming.name(ALARM_TOPIC), kmsMasterKeyId: props.key.arn });
    settings.alarmEmails.forEach((email, index) => {
      new SnsTopicSubscription(this, `email-${index}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    });

    const alarm = (
      id: string,
      description: string,
      metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string },
      threshold: number,
      comparisonOperator: string,
    ) => {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, id, {
          alarmName: naming.name(id),
          alarmDescription: description,
          ...metric,
          period: 300,
          evaluationPeriods: 1,
          threshold,
          comparisonOperator,
          // No data means nothing ran: not an alarm for counts.
          treatMissingData: 'notBreaching',
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
        }),
      );
    };

    const sfn = { StateMachineArn: stateMachine.arn };
    alarm('executions-failed', 'A pipeline run failed', { namespace: 'AWS/States', metricName: 'ExecutionsFailed', dimensions: sfn, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
    alarm('executions-timed-out', 'A pipeline run timed out', { namespace: 'AWS/States', metricName: 'ExecutionsTimedOut', dimensions: sfn, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
    const training = { StateMachineArn: props.trainingStateMachine.arn };
    alarm('training-failed', 'A training run failed (recorded in training_runs)', { namespace: 'AWS/States', metricName: 'ExecutionsFailed', dimensions: training, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
    alarm('training-timed-out', 'A training run timed out', { namespace: 'AWS/States', metricName: 'ExecutionsTimedOut', dimensions: training, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
    for (const fn of functions) {
      const dimensions = { FunctionName: fn.functionName };
      const short = fn.functionName.slice(naming.prefix.length + 1);
      alarm(`${short}-errors`, `${fn.functionName} raised errors`, { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
      alarm(`${short}-throttles`, `${fn.functionName} was throttled`, { namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions, statistic: 'Sum' }, 0, 'GreaterThanThreshold');
    }
    alarm(
      'callback-dead-letters',
      'Transform events could not be delivered or processed',
      { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: deadLetters.name }, statistic: 'Maximum' },
      0,
      'GreaterThanThreshold',
    );
    // Quality alerts are no alarm: the state machine publishes each one (a sensor and episode) to this topic itself.

    const db = { DBClusterIdentifier: cluster.clusterIdentifier };
    alarm('aurora-cpu', 'Aurora CPU is high', { namespace: 'AWS/RDS', metricName: 'CPUUtilization', dimensions: db, statistic: 'Average' }, settings.auroraCpuPercent, 'GreaterThanThreshold');
    alarm(
      'aurora-memory',
      'Aurora freeable memory is low',
      { namespace: 'AWS/RDS', metricName: 'FreeableMemory', dimensions: db, statistic: 'Minimum' },
      settings.auroraFreeableMemoryBytes,
      'LessThanThreshold',
    );

    const region = naming.region;
    const widget = (title: string, metrics: unknown[][], x: number, y: number) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region, stat: 'Sum', period: 300, view: 'timeSeries', metrics },
    });
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: naming.name('pipeline'),
      dashboardBody: JSON.stringify({
        widgets: [
          widget(
            'Pipeline executions',
            ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map((m) => ['AWS/States', m, 'StateMachineArn', stateMachine.arn]),
            0,
            0,
          ),
          widget('Lambda errors', functions.map((fn) => ['AWS/Lambda', 'Errors', 'FunctionName', fn.functionName]), 12, 0),
          widget('Lambda duration (max)', functions.map((fn) => ['AWS/Lambda', 'Duration', 'FunctionName', fn.functionName, { stat: 'Maximum' }]), 0, 6),
          widget('Dead letters', [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', deadLetters.name, { stat: 'Maximum' }]], 12, 6),
          widget(
            'Aurora',
            [
              ['AWS/RDS', 'CPUUtilization', 'DBClusterIdentifier', cluster.clusterIdentifier, { stat: 'Average' }],
              ['AWS/RDS', 'DatabaseConnections', 'DBClusterIdentifier', cluster.clusterIdentifier, { stat: 'Maximum', yAxis: 'right' }],
            ],
            0,
            12,
          ),
          widget('Aurora freeable memory', [['AWS/RDS', 'FreeableMemory', 'DBClusterIdentifier', cluster.clusterIdentifier, { stat: 'Minimum' }]], 12, 12),
          widget(
            'Quality control',
            ['QualityAlertsRaised', 'ValuesInvalidated', 'FlagsInvalid', 'FlagsSuspect'].map((m) => [QUALITY_ALERTS_METRIC.namespace, m, 'Step', QUALITY_ALERTS_METRIC.step]),
            0,
            18,
          ),
        ],
      }),
    });
  }
}
