/**
 * Runs the real training definition in aws-local-stepfunctions with every
 * Task replaced by a local function, to check its paths: a promoted and a
 * refused candidate, a retried transient error, a failed training job and a
 * failure of the recorder itself.
 */
import { buildTrainingDefinition, TRAINING_STATES } from '../src';
import { runDefinition, type Handler } from './support/run-definition';
import { trainingProps } from './support/training-props';


const definition = buildTrainingDefinition(trainingProps);

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const fits = ['model', 'fold1', 'fold2', 'fold3'].map((fit) => ({
  fit,
  jobName: `airfill-dev-r1-${fit}`,
  trainUri: `s3://b/training/r1/data/${fit}/`,
  outputUri: 's3://b/training/r1/output/',
  rows: 10,
}));
const exported: Handler = async () => ({ runId: 'r1', parameter: 'PM 2.5', bucket: 'b', fits, hyperParameters: { num_round: '400', eta: '0.05' } });
const trained: Handler = async (input) => {
  const request = input as { TrainingJobName: string; OutputDataConfig: { S3OutputPath: string } };
  // What DescribeTrainingJob says of a completed job (the ResultSelector keeps two fields).
  return { TrainingJobName: request.TrainingJobName, TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: `${request.OutputDataConfig.S3OutputPath}${request.TrainingJobName}/output/model.tar.gz` } };
};
const evaluated = (promote: boolean): Handler => async () => ({ version: 'v1', promote, reason: 'because', mae: 1, linearMae: 2, currentMae: null, key: 'k' });

async function run(handlers: Record<string, Handler>) {
  const context = { Execution: { Id: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev-training:t1' } };
  const { outcome, calls } = await runDefinition(definition, { trigger: 'test', parameter: 'PM 2.5' }, handlers, context, { checkArn: false });
  return { outcome, calls, states: calls.map((call) => call.state) };
}

const happy = (promote: boolean): Record<string, Handler> => ({
  [TRAINING_STATES.exportTrainingData]: exported,
  [TRAINING_STATES.trainModel]: trained,
  [TRAINING_STATES.calibrateCandidate]: async () => ({ points: 100, key: 'c' }),
  [TRAINING_STATES.evaluateCandidate]: evaluated(promote),
  [TRAINING_STATES.registerApproved]: async (input) => ({ version: 'v1', approval: (input as { approval: string }).approval, modelPackageArn: 'arn:p/1', artifactUri: 's3://b/m', current: true }),
  [TRAINING_STATES.registerRejected]: async (input) => ({ version: 'v1', approval: (input as { approval: string }).approval, modelPackageArn: 'arn:p/1', artifactUri: 's3://b/m', current: false }),
});

describe('the training definition in the local engine', () => {
  it('exports, trains four jobs from the exported fits, calibrates, evaluates and registers an approved candidate', async () => {
    const { outcome, calls, states } = await run(happy(true));
    expect(outcome.ok).toBe(true);
    expect(states.filter((state) => state === TRAINING_STATES.trainModel)).toHaveLength(4);
    expect(states.filter((state) => state !== TRAINING_STATES.trainModel)).toEqual([
      TRAINING_STATES.exportTrainingData,
      TRAINING_STATES.calibrateCandidate,
      TRAINING_STATES.evaluateCandidate,
      TRAINING_STATES.registerApproved,
    ]);
    expect(calls[0]?.input).toEqual({ executionId: expect.stringContaining(':t1'), input: { trigger: 'test', parameter: 'PM 2.5' } });
    const jobs = calls.filter((call) => call.state === TRAINING_STATES.trainModel).map((call) => call.input as Record<string, unknown>);
    expect(jobs.map((job) => job.TrainingJobName).sort()).toEqual(fits.map((fit) => fit.jobName).sort());
    // The recipe's hyper-parameters, with the script's two added.
    expect(jobs[0]?.HyperParameters).toEqual({ num_round: '400', eta: '0.05', sagemaker_program: 'train.py', sagemaker_submit_directory: '/opt/ml/input/data/code/sourcedir.tar.gz' });
    const register = calls.find((call) => call.state === TRAINING_STATES.registerApproved)?.input as { approval: string; run: { trained: unknown[]; evaluation: { promote: boolean } } };
    expect(register.approval).toBe('Approved');
    expect(register.run.trained).toHaveLength(4);
    expect(register.run.trained).toContainEqual({ jobName: 'airfill-dev-r1-fold2', modelUri: 's3://b/training/r1/output/airfill-dev-r1-fold2/output/model.tar.gz' });
    expect(outcome.ok && outcome.output.registered).toMatchObject({ approval: 'Approved', current: true });
  });

  it('registers a candidate the gate refused as rejected, and still succeeds', async () => {
    const { outcome, states } = await run(happy(false));
    expect(outcome.ok).toBe(true);
    expect(states).toContain(TRAINING_STATES.registerRejected);
    expect(states).not.toContain(TRAINING_STATES.registerApproved);
    expect(outcome.ok && outcome.output.registered).toMatchObject({ approval: 'Rejected', current: false });
  });

  it('retries a transient error of a step and carries on', async () => {
    let attempts = 0;
    const { outcome } = await run({
      ...happy(true),
      [TRAINING_STATES.calibrateCandidate]: async () => {
        attempts += 1;
        if (attempts < 2) throw named('TransientError', 'connection reset');
        return { points: 1, key: 'c' };
      },
    });
    expect(outcome.ok).toBe(true);
    expect(attempts).toBe(2);
  });

  it('records a failed training job once and fails the execution with the job\u2019s error', async () => {
    const { outcome, calls, states } = await run({
      ...happy(true),
      [TRAINING_STATES.trainModel]: async (input) => {
        if ((input as { TrainingJobName: string }).TrainingJobName.endsWith('fold2')) throw named('States.TaskFailed', '{"TrainingJobStatus":"Failed","FailureReason":"AlgorithmError"}');
        return trained(input);
      },
      [TRAINING_STATES.recordFailure]: async () => ({ recorded: true }),
    });
    expect(outcome.ok).toBe(false);
    expect(states.filter((state) => state === TRAINING_STATES.recordFailure)).toHaveLength(1);
    expect(states).not.toContain(TRAINING_STATES.calibrateCandidate);
    expect(calls.find((call) => call.state === TRAINING_STATES.recordFailure)?.input).toMatchObject({ error: { Error: 'States.TaskFailed', Cause: expect.stringContaining('AlgorithmError') } });
    expect(!outcome.ok && outcome.error.name).toBe('States.TaskFailed');
  });

  it('still fails the execution when recording the failure fails too', async () => {
    const { outcome, states } = await run({
      [TRAINING_STATES.exportTrainingData]: async () => {
        throw named('InputError', 'PM 9 is not trained here');
      },
      [TRAINING_STATES.recordFailure]: async () => {
        throw named('InputError', 'ledger refused');
      },
    });
    expect(outcome.ok).toBe(false);
    expect(states).toEqual([TRAINING_STATES.exportTrainingData, TRAINING_STATES.recordFailure]);
  });
});
