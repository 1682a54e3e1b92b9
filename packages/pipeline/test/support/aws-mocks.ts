import {
  CreateModelCommand,
  CreateTransformJobCommand,
  DescribeModelCommand,
  DescribeTransformJobCommand,
  ResourceInUse,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  StopTransformJobCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteParameterCommand, GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * SageMaker, Step Functions and SSM cannot run here: aws-sdk-client-mock
 * stands in, with just enough behaviour to be honest (SSM keeps parameters,
 * SageMaker remembers job names and refuses a second job with the same name,
 * Step Functions accepts a token once). Tests assert on the exact requests.
 */
export function mockAws() {
  const sagemaker = mockClient(SageMakerClient);
  const sfn = mockClient(SFNClient);
  const ssm = mockClient(SSMClient);
  const parameters = new Map<string, { value: string; type: string }>();
  const jobs = new Map<string, { status: string; failureReason?: string }>();
  const usedTokens = new Set<string>();
  /** SageMaker models by name: their model data. */
  const models = new Map<string, { modelDataUrl: string }>();
  /** Model packages' approval status by ARN, as UpdateModelPackage last set it. */
  const approvals = new Map<string, string>();
  /** Errors to throw on the next call of a command, once each (a crash or a dropped connection). */
  const faults = new Map<string, Error>();
  const fault = (command: string) => {
    const error = faults.get(command);
    if (error) {
      faults.delete(command);
      throw error;
    }
  };

  ssm.on(PutParameterCommand).callsFake((input: { Name: string; Value: string; Type: string; Overwrite?: boolean }) => {
    parameters.set(input.Name, { value: input.Value, type: input.Type });
    return { Version: 1 };
  });
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const parameter = parameters.get(input.Name);
    if (!parameter) throw new ParameterNotFound({ message: `${input.Name} not found`, $metadata: {} });
    return { Parameter: { Name: input.Name, Value: parameter.value, Type: parameter.type } };
  });
  ssm.on(DeleteParameterCommand).callsFake((input: { Name: string }) => {
    fault('DeleteParameter');
    if (!parameters.delete(input.Name)) throw new ParameterNotFound({ message: `${input.Name} not found`, $metadata: {} });
    return {};
  });

  sagemaker.on(CreateTransformJobCommand).callsFake((input: { TransformJobName: string }) => {
    fault('CreateTransformJob');
    if (jobs.has(input.TransformJobName)) throw new ResourceInUse({ message: `Job ${input.TransformJobName} already exists`, $metadata: {} });
    jobs.set(input.TransformJobName, { status: 'InProgress' });
    return { TransformJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:transform-job/${input.TransformJobName}` };
  });
  sagemaker.on(DescribeTransformJobCommand).callsFake((input: { TransformJobName: string }) => {
    const job = jobs.get(input.TransformJobName);
    if (!job) throw new ResourceNotFound({ message: `Could not find job ${input.TransformJobName}`, $metadata: {} });
    return { TransformJobName: input.TransformJobName, TransformJobStatus: job.status, FailureReason: job.failureReason };
  });
  sagemaker.on(StopTransformJobCommand).callsFake((input: { TransformJobName: string }) => {
    const job = jobs.get(input.TransformJobName);
    if (job) job.status = 'Stopping';
    return {};
  });

  // SageMaker answers both "no such model" and "model exists" with a ValidationException.
  const validation = (message: string) => new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: {} });
  sagemaker.on(DescribeModelCommand).callsFake((input: { ModelName: string }) => {
    const model = models.get(input.ModelName);
    if (!model) throw validation(`Could not find model "${input.ModelName}".`);
    return { ModelName: input.ModelName, PrimaryContainer: { ModelDataUrl: model.modelDataUrl } };
  });
  /** A model another caller creates between this caller's DescribeModel and its CreateModel. */
  const concurrentModels = new Map<string, { modelDataUrl: string }>();
  sagemaker.on(CreateModelCommand).callsFake((input: { ModelName: string; PrimaryContainer?: { ModelDataUrl?: string } }) => {
    fault('CreateModel');
    const concurrent = concurrentModels.get(input.ModelName);
    if (concurrent) {
      concurrentModels.delete(input.ModelName);
      models.set(input.ModelName, concurrent);
    }
    if (models.has(input.ModelName)) throw validation(`Cannot create already existing model "${input.ModelName}".`);
    models.set(input.ModelName, { modelDataUrl: input.PrimaryContainer?.ModelDataUrl ?? '' });
    return { ModelArn: `arn:aws:sagemaker:eu-west-1:123456789012:model/${input.ModelName}` };
  });
  sagemaker.on(UpdateModelPackageCommand).callsFake((input: { ModelPackageArn: string; ModelApprovalStatus: string }) => {
    approvals.set(input.ModelPackageArn, input.ModelApprovalStatus);
    return { ModelPackageArn: input.ModelPackageArn };
  });

  const acceptToken = (input: { taskToken: string }) => {
    fault('SendTask');
    if (usedTokens.has(input.taskToken)) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    usedTokens.add(input.taskToken);
    return {};
  };
  sfn.on(SendTaskSuccessCommand).callsFake(acceptToken);
  sfn.on(SendTaskFailureCommand).callsFake(acceptToken);

  return {
    sagemaker,
    sfn,
    ssm,
    parameters,
    jobs,
    usedTokens,
    models,
    approvals,
    /** Inputs of every call of a command, by its class name (e.g. 'CreateTransformJobCommand'), across the three clients. */
    requests(command: string): Record<string, unknown>[] {
      return [...sagemaker.calls(), ...sfn.calls(), ...ssm.calls()]
        .filter((call) => call.args[0].constructor.name === command)
        .map((call) => call.args[0].input as Record<string, unknown>);
    },
    /** Makes another caller create this model just before the next CreateModel of its name. */
    createModelConcurrently(name: string, modelDataUrl: string) {
      concurrentModels.set(name, { modelDataUrl });
    },
    /** Makes the next call of `command` fail with `error`. */
    failNext(command: 'DeleteParameter' | 'CreateTransformJob' | 'CreateModel' | 'SendTask', error: Error) {
      faults.set(command, error);
    },
    /** Clients the code under test uses (the mocks intercept every send). */
    clients: { sagemaker: new SageMakerClient({ region: 'eu-west-1' }), sfn: new SFNClient({ region: 'eu-west-1' }), ssm: new SSMClient({ region: 'eu-west-1' }) },
    restore() {
      sagemaker.restore();
      sfn.restore();
      ssm.restore();
    },
  };
}

export type AwsMocks = ReturnType<typeof mockAws>;
