import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { type SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';

/** Props of {@link Schedule}. */
export interface ScheduleProps {
  naming: Naming;
  stateMachine: SfnStateMachine;
}

/** The input a scheduled execution starts with: the ledger records the trigger. */
export const SCHEDULED_INPUT = { trigger: 'schedule' } as const;

/**
 * An EventBridge Scheduler schedule starting the pipeline (rate from config,
 * every 24 hours by default). Disabled by config rather than left out, so
 * enabling it is a one-line change without new resources.
 */
export class Schedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly role: WorkloadRole;

  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    const { naming, stateMachine } = props;
    const settings = naming.config.schedule;

    this.role = new WorkloadRole(this, 'invoke', {
      naming,
      name: 'schedule',
      service: 'scheduler.amazonaws.com',
      description: 'EventBridge Scheduler: starts the airfill pipeline',
      statements: [{ Sid: 'StartPipeline', Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachine.arn }],
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: naming.name('pipeline'),
      description: 'Fill missing readings',
      scheduleExpression: settings.expression,
      scheduleExpressionTimezone: settings.timezone,
      state: settings.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: stateMachine.arn,
        roleArn: this.role.arn,
        input: JSON.stringify(SCHEDULED_INPUT),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}
