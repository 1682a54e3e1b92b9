import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { type SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { transformEventPattern } from '@airfill/workflow';
import { policyDocument } from '../iam/policy';
import { type Naming } from '../naming';
import { type AirfillFunction } from './lambda-function';

/** Props of {@link Events}. */
export interface EventsProps {
  naming: Naming;
  callback: AirfillFunction;
  deadLetters: SqsQueue;
}

/**
 * Routes "SageMaker Transform Job State Change" events for this environment's
 * jobs (by job-name prefix) to the callback Lambda; undeliverable events go to
 * the dead-letter queue.
 */
export class Events extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const { naming, callback, deadLetters } = props;

    this.rule = new CloudwatchEventRule(this, 'transform-state', {
      name: naming.name('transform-state'),
      description: 'Transform jobs of this environment reached a terminal state',
      // Only this environment's jobs, in a final state: other systems' (and other
      // environments') jobs in the account never reach the callback. The local
      // runtime's event bus matches with the same pattern.
      eventPattern: JSON.stringify(transformEventPattern(naming.transformJobPrefix)),
    });

    new CloudwatchEventTarget(this, 'to-callback', {
      rule: this.rule.name,
      arn: callback.arn,
      retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: deadLetters.arn },
    });
    new LambdaPermission(this, 'allow-events', {
      statementId: 'transform-state-events',
      action: 'lambda:InvokeFunction',
      functionName: callback.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
    new SqsQueuePolicy(this, 'dead-letter-policy', {
      queueUrl: deadLetters.url,
      policy: policyDocument([
        {
          Sid: 'UndeliverableTransformEvents',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: deadLetters.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
        },
      ]),
    });
  }
}
