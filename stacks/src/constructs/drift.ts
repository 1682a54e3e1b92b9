import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { type SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { type SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { modelFolderName } from '@airfill/model';
import { METRICS_NAMESPACE } from '@airfill/schema';
import { Construct } from 'constructs';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';

/** The metric write-predictions emits on every checked run: 1 when the live check raised the drift signal, else 0. */
export const DRIFT_METRIC = { namespace: METRICS_NAMESPACE, name: 'DriftSignal', step: 'write-predictions' } as const;

/** Props of {@link DriftWatch}. */
export interface DriftWatchProps {
  naming: Naming;
  topic: SnsTopic;
  /** The training workflow a drifting parameter's retraining starts. */
  trainingStateMachine: SfnStateMachine;
}

/**
 * Watches each filled parameter's model while it serves (issue 15): one
 * alarm per parameter on `DriftSignal` (write-predictions decides it from
 * the run's live check and the model's earlier ones: live MAE at least
 * `pipeline.live.drift.factor` times the expected for `runs` runs in a row),
 * to the alarm topic, both ways. The alarm holds its state between daily
 * runs (missing data is ignored) and clears on the first run that checks
 * well. With `drift.retrain`, an EventBridge rule on the alarm going to
 * ALARM starts the parameter's retraining (`trigger: "drift"`); the gate
 * still decides whether the new model serves.
 */
export class DriftWatch extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];
  readonly retrainRules: CloudwatchEventRule[] = [];

  constructor(scope: Construct, id: string, props: DriftWatchProps) {
    super(scope, id);
    const { naming, topic, trainingStateMachine } = props;
    const { config } = naming;
    const drift = config.pipeline.live.drift;

    this.alarms = config.pipeline.parameters.map(
      (parameter) =>
        new CloudwatchMetricAlarm(this, `drift-${modelFolderName(parameter)}`, {
          alarmName: naming.name(`drift-${modelFolderName(parameter)}`),
          alarmDescription: `The ${parameter} model did at least ${drift.factor}x worse than expected on the values hidden from it, ${drift.runs} runs in a row: retrain it`,
          namespace: DRIFT_METRIC.namespace,
          metricName: DRIFT_METRIC.name,
          dimensions: { Step: DRIFT_METRIC.step, Parameter: parameter },
          statistic: 'Maximum',
          period: 3600,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          // Runs are daily: between them the alarm keeps what the last run said.
          treatMissingData: 'ignore',
          alarmActions: [topic.arn],
          okActions: [topic.arn],
        }),
    );
    if (!drift.retrain) return;

    const trained = new Set(config.training.parameters ?? config.pipeline.parameters);
    const starter = new WorkloadRole(this, 'retrain', {
      naming,
      name: 'drift-retrain',
      service: 'events.amazonaws.com',
      description: 'EventBridge: starts the airfill training workflow when a model drifts',
      statements: [{ Sid: 'StartTraining', Effect: 'Allow', Action: 'states:StartExecution', Resource: trainingStateMachine.arn }],
    });
    config.pipeline.parameters.forEach((parameter, index) => {
      if (!trained.has(parameter)) return;
      const alarm = this.alarms[index]!;
      const slug = modelFolderName(parameter);
      const rule = new CloudwatchEventRule(this, `retrain-${slug}`, {
        name: naming.name(`drift-retrain-${slug}`),
        description: `Retrain the ${parameter} model when its drift alarm goes off`,
        eventPattern: JSON.stringify({
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          resources: [alarm.arn],
          detail: { state: { value: ['ALARM'] } },
        }),
      });
      new CloudwatchEventTarget(this, `retrain-${slug}-target`, {
        rule: rule.name,
        arn: trainingStateMachine.arn,
        roleArn: starter.arn,
        input: JSON.stringify({ trigger: 'drift', parameter }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      });
      this.retrainRules.push(rule);
    });
  }
}
