/**
 * Invariants of the training workflow in every environment's synthesized
 * stack: the state machine deploys the @airfill/workflow training
 * definition; the SageMaker training role and the state machine's role hold
 * only what their jobs need (PassRole to the training role only, only to
 * SageMaker); one package group per parameter and registration only into
 * them; the retraining schedule per config; failures alarmed; each
 * parameter's drift alarm, and the retraining it starts.
 */
import { METRICS_NAMESPACE, trainingInputSchema } from '@airfill/schema';
import { type EnvironmentConfig } from '../src/config';
import { allowedActions, list, rolePolicy } from './support/policies';
import { roleNamed } from './support/roles';
import { resourceNamed, resourcesOf, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesizeAll();
});

type Task = { Type: string; Resource?: string; Parameters?: Record<string, unknown>; Retry?: unknown[]; Catch?: unknown[]; ItemProcessor?: { States: Record<string, Task> } };

describe.each(['dev', 'staging', 'prod'])('the training workflow of airfill-%s', (name) => {
  const stack = (): TerraformJson => synthesized.stacks[`airfill-${name}`]!;
  const config = (): EnvironmentConfig => synthesized.configs.find((c) => c.name === name)!;
  const bucketRef = /^\$\{aws_s3_bucket\.storage_[^}]+\.arn\}/;

  it('deploys the training definition with logging and tracing: the five Lambdas, training jobs on the training role, Retry and Catch on every Task', () => {
    const machine = resourceNamed(stack(), 'aws_sfn_state_machine', 'training_machine');
    expect(machine).toMatchObject({ name: `airfill-${name}-training`, type: 'STANDARD', tracing_configuration: { enabled: true } });
    expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/aws_cloudwatch_log_group\.training_logs/) });
    const definition = JSON.parse(machine.definition as string) as { StartAt: string; States: Record<string, Task> };
    expect(definition.StartAt).toBe('ExportTrainingData');
    for (const [state, fn] of [
      ['ExportTrainingData', 'export-training-data'],
      ['CalibrateCandidate', 'calibrate-candidate'],
      ['EvaluateCandidate', 'evaluate-candidate'],
      ['RegisterApproved', 'register-model'],
      ['RegisterRejected', 'register-model'],
      ['RecordTrainingFailure', 'record-training-failure'],
    ] as const) {
      expect({ state, resource: definition.States[state]!.Resource }).toEqual({ state, resource: expect.stringMatching(new RegExp(`aws_lambda_function\\.training-functions_${fn}_function`)) });
    }
    const job = definition.States.TrainModels!.ItemProcessor!.States.TrainModel!;
    expect(job.Resource).toBe('arn:aws:states:::sagemaker:createTrainingJob.sync');
    expect(job.Parameters).toMatchObject({
      RoleArn: expect.stringMatching(/^\$\{aws_iam_role\.training_jobs_role_[A-Z0-9]+\.arn\}$/),
      AlgorithmSpecification: { TrainingImage: config().training.imageUri ?? (config().model as { imageUri: string }).imageUri },
      ResourceConfig: { InstanceType: config().training.instanceType, InstanceCount: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: config().training.maxRuntimeSeconds },
      EnableNetworkIsolation: true,
    });
    for (const [state, task] of Object.entries({ ...definition.States, TrainModel: job })) {
      if (task.Type !== 'Task') continue;
      expect({ state, retry: (task.Retry ?? []).length > 0 }).toEqual({ state, retry: true });
      if (state !== 'TrainModel' && state !== 'RecordTrainingFailure') expect({ state, catches: (task.Catch ?? []).length > 0 }).toEqual({ state, catches: true });
    }
  });

  it('gives the training jobs a role that reads the run rows and the code and writes their models under training/, and nothing else', () => {
    const role = roleNamed(synthesized.stacks, `airfill-${name}-training`);
    expect(role.trust).toEqual([expect.objectContaining({ Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
    const objects = (action: string) =>
      role.statements
        .filter((s) => list(s.Action).includes(action))
        .flatMap((s) => list(s.Resource))
        .map((r) => r.replace(bucketRef, ''))
        .sort();
    expect(objects('s3:GetObject')).toEqual(['/training/*/data/*', '/training/code/*']);
    expect(objects('s3:PutObject')).toEqual(['/training/*/output/*']);
    const actions = new Set(allowedActions(role.statements));
    expect([...actions].filter((action) => /^(sagemaker|iam|ssm|states|lambda|rds-db|secretsmanager|sns):/.test(action))).toEqual([]);
  });

  it('lets the state machine invoke only the five training Lambdas, run training jobs under its prefix, and pass only the training role, only to SageMaker', () => {
    const statements = rolePolicy(stack(), 'training_execution');
    const invoke = statements.find((s) => s.Sid === 'InvokeTrainingFunctions')!;
    const functions = new Set(list(invoke.Resource).map((r) => /aws_lambda_function\.training-functions_([a-z-]+)_function/.exec(r)?.[1]));
    expect(functions).toEqual(new Set(['export-training-data', 'calibrate-candidate', 'evaluate-candidate', 'register-model', 'record-training-failure']));
    const jobs = statements.find((s) => s.Sid === 'RunTrainingJobs')!;
    expect(jobs.Resource).toBe(`arn:aws:sagemaker:${config().region}:${config().accountId}:training-job/airfill-${name}-t-*`);
    expect(statements.find((s) => s.Sid === 'PassTrainingRole')).toEqual({
      Sid: 'PassTrainingRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: expect.stringMatching(/^\$\{aws_iam_role\.training_jobs_role_[A-Z0-9]+\.arn\}$/),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    // The training job names the Lambdas derive fit the prefix the role allows.
    const exporter = resourceNamed(stack(), 'aws_lambda_function', 'training-functions_export-training-data');
    expect((exporter.environment as { variables: Record<string, string> }).variables.AIRFILL_JOB_PREFIX).toBe(`airfill-${name}-t-`);
  });

  it('registers packages only in the environment\u2019s package group of each parameter, and writes only the current-model pointers', () => {
    const groups = resourcesOf(stack(), 'aws_sagemaker_model_package_group');
    expect(groups.map(([, group]) => String(group.model_package_group_name)).sort()).toEqual(
      config().pipeline.parameters.map((p) => `airfill-${name}-${p.toLowerCase().replace(/[^a-z0-9]+/g, '')}-models`).sort(),
    );
    const statements = rolePolicy(stack(), 'training-functions_register-model');
    const register = statements.find((s) => s.Sid === 'RegisterPackages')!;
    // Exactly the groups and their packages, by reference to the group resources.
    expect(list(register.Resource).sort()).toEqual(
      groups
        .flatMap(([id]) => [
          `\${aws_sagemaker_model_package_group.${id}.arn}`,
          `arn:aws:sagemaker:${config().region}:${config().accountId}:model-package/\${aws_sagemaker_model_package_group.${id}.model_package_group_name}/*`,
        ])
        .sort(),
    );
    expect(allowedActions(statements).filter((action) => action.startsWith('sagemaker:'))).toEqual(['sagemaker:CreateModelPackage']);
    const writes = statements.filter((s) => list(s.Action).includes('s3:PutObject')).flatMap((s) => list(s.Resource)).map((r) => r.replace(bucketRef, ''));
    expect(writes).toEqual(['/models/*']);
  });

  it('schedules one retraining per trained parameter (weekly by default, off in dev), with input the workflow accepts', () => {
    const schedules = resourcesOf(stack(), 'aws_scheduler_schedule').filter(([id]) => id.startsWith('training_'));
    const parameters = config().training.parameters ?? config().pipeline.parameters;
    expect(schedules).toHaveLength(parameters.length);
    const inputs = schedules.map(([, schedule]) => {
      expect(schedule).toMatchObject({ schedule_expression: config().training.schedule.expression, state: config().training.schedule.enabled ? 'ENABLED' : 'DISABLED' });
      return trainingInputSchema.parse(JSON.parse((schedule.target as { input: string }).input));
    });
    expect(inputs.map((input) => input.parameter).sort()).toEqual([...parameters].sort());
    expect(inputs.every((input) => input.trigger === 'schedule')).toBe(true);
    expect(config().training.schedule).toMatchObject(name === 'dev' ? { enabled: false } : { enabled: true, expression: 'rate(7 days)' });
    expect(rolePolicy(stack(), 'training_schedule')).toEqual([{ Sid: 'StartTraining', Effect: 'Allow', Action: 'states:StartExecution', Resource: expect.stringMatching(/aws_sfn_state_machine\.training_machine/) }]);
  });

  it('alarms when a training run fails or times out', () => {
    const alarms = resourcesOf(stack(), 'aws_cloudwatch_metric_alarm').map(([, alarm]) => alarm);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      const alarm = alarms.find((a) => a.metric_name === metric && JSON.stringify(a.dimensions).includes('training_machine'));
      expect({ metric, alarm: alarm && { namespace: alarm.namespace, actions: alarm.alarm_actions } }).toEqual({
        metric,
        alarm: { namespace: 'AWS/States', actions: [expect.stringMatching(/aws_sns_topic\.monitoring_alarms/)] },
      });
    }
  });

  it('alarms per parameter on the drift signal write-predictions emits (held between daily runs), and in staging and prod starts that parameter\'s retraining', () => {
    const parameters = config().pipeline.parameters;
    const alarms = resourcesOf(stack(), 'aws_cloudwatch_metric_alarm')
      .map(([, alarm]) => alarm)
      .filter((alarm) => alarm.metric_name === 'DriftSignal');
    expect(alarms.map((alarm) => (alarm.dimensions as { Parameter: string }).Parameter)).toEqual(parameters);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: METRICS_NAMESPACE,
        dimensions: { Step: 'write-predictions' },
        statistic: 'Maximum',
        threshold: 1,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        treat_missing_data: 'ignore',
        alarm_actions: [expect.stringMatching(/aws_sns_topic\.monitoring_alarms/)],
        ok_actions: [expect.stringMatching(/aws_sns_topic\.monitoring_alarms/)],
      });
    }
    // write-predictions and the stacks read the same rule.
    const writer = resourcesOf(stack(), 'aws_lambda_function').find(([, fn]) => fn.function_name === `airfill-${name}-write-predictions`)![1];
    expect((writer.environment as { variables: Record<string, string> }).variables).toMatchObject({
      AIRFILL_DRIFT_FACTOR: String(config().pipeline.live.drift.factor),
      AIRFILL_DRIFT_RUNS: String(config().pipeline.live.drift.runs),
    });
    const rules = resourcesOf(stack(), 'aws_cloudwatch_event_rule').filter(([id]) => id.startsWith('drift_retrain'));
    const targets = resourcesOf(stack(), 'aws_cloudwatch_event_target').filter(([id]) => id.startsWith('drift_retrain'));
    const trained = (config().training.parameters ?? parameters).filter((parameter) => parameters.includes(parameter));
    expect(config().pipeline.live.drift.retrain).toBe(name !== 'dev');
    expect(rules).toHaveLength(name === 'dev' ? 0 : trained.length);
    for (const [, rule] of rules) {
      expect(JSON.parse(rule.event_pattern as string)).toMatchObject({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } });
    }
    const inputs = targets.map(([, target]) => {
      expect(target.arn).toMatch(/aws_sfn_state_machine\.training_machine/);
      return trainingInputSchema.parse(JSON.parse(target.input as string));
    });
    expect(inputs.map((input) => [input.trigger, input.parameter])).toEqual(name === 'dev' ? [] : trained.map((parameter) => ['drift', parameter]));
    if (name !== 'dev') {
      expect(rolePolicy(stack(), 'drift_retrain')).toEqual([{ Sid: 'StartTraining', Effect: 'Allow', Action: 'states:StartExecution', Resource: expect.stringMatching(/aws_sfn_state_machine\.training_machine/) }]);
    }
  });
});
