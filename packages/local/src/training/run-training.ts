import '@airfill/workflow/promise-polyfill';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { StateMachine } from 'aws-local-stepfunctions';
import { getTrainingRun, type TrainingRun } from '@airfill/db';
import { modelFolderName, unpackModelArchive } from '@airfill/model';
import { calibrateCandidate, evaluateCandidate, exportTrainingData, recordTrainingFailure, registerModel, runIdForExecution, runStep } from '@airfill/pipeline';
import type { EvaluateResult, RegisterResult } from '@airfill/schema';
import { buildTrainingDefinition, TRAINING_STATES } from '@airfill/workflow';
import { chooseModel } from '../model-choice';
import { LOCAL_NAMES, type LocalRuntime } from '../runtime';
import { LocalModelRegistry } from './model-registry';
import { runTrainingJob, TrainingJobFailed } from './training-job';

/** What the local training reports while it runs. */
export type TrainingProgress =
  | { kind: 'state'; state: string; phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught'; fit?: string; error?: string; cause?: string }
  | { kind: 'job'; job: string; status: 'Completed' | 'Failed'; ms: number; reason?: string };

/** Options of one training execution. */
export interface TrainingOptions {
  /** The parameter to train. */
  parameter: string;
  /** Where registered models are unpacked (the `models` rows point here, as `airfill train`'s do). */
  modelsDir: string;
  /** Why it runs (recorded on the training run). @default 'local' */
  trigger?: string;
  /** Days of history before the latest reading. @default 3660 (everything the database holds, up to ten years) */
  windowDays?: number;
  /** Boosting rounds (tests train fewer). @default the recipe's */
  rounds?: number;
  /** Fail the training job of these fits (tests): as an algorithm error of the container. */
  failingFits?: readonly string[];
  /** Wait before each retry instead of the definition's backoff (tests). */
  retryIntervalMs?: number;
  /** Execution name; the run id derives from it. @default a new unique name */
  name?: string;
  onProgress?: (event: TrainingProgress) => void;
}

/** How a training execution ended. */
export interface TrainingExecution {
  executionId: string;
  runId: string;
  status: 'succeeded' | 'failed';
  /** What the evaluation decided, when it got there. */
  evaluation?: EvaluateResult;
  /** What registration did, when it got there. */
  registered?: RegisterResult;
  error?: { name: string; cause: string };
  /** The ledger's row of the run (absent when the export never opened it). */
  run?: TrainingRun;
  /** The local model registry's packages of the parameter's group after the run. */
  registry: LocalModelRegistry;
  ms: number;
}

const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:airfill-local-${name}`;

/** The fit a training job name ends with. */
const fitOfJob = (jobName: string): string => /-(model|fold\d)$/.exec(jobName)?.[1] ?? '';

/**
 * Runs the training state machine once in aws-local-stepfunctions, with the
 * very definition the stacks deploy. Every Lambda Task runs the real step
 * (export, calibrate, evaluate, register, record the failure); each training
 * job of the Map runs the xgboost CLI on the job's `train` channel, as the
 * local transform runs the scorer; the Model Registry is an in-process one,
 * the current-model pointer goes to the local parameter store, and a
 * registered model is unpacked into `modelsDir` so local fill runs use it.
 */
export async function runTraining(runtime: LocalRuntime, options: TrainingOptions): Promise<TrainingExecution> {
  const started = performance.now();
  const name = options.name ?? `train-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:airfill-local-training:${name}`;
  const runId = runIdForExecution(executionId);
  const report = options.onProgress ?? (() => undefined);
  const { database, bucket, logger } = runtime;
  const registry = new LocalModelRegistry();
  const failing = new Set(options.failingFits ?? []);

  const placeModel = async (archive: Buffer, parameter: string, version: string): Promise<string> => {
    const dir = path.resolve(options.modelsDir, modelFolderName(parameter), version);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await unpackModelArchive(archive, dir);
    return dir;
  };
  const registerSettings = { environment: 'local', groupPrefix: 'airfill-local', image: 'local/xgboost:1.7-1', transformInstanceType: 'ml.m5.large', placeModel };
  const registerStep = (input: unknown) =>
    runStep(logger, 'register-model', () => registerModel({ database, bucket, sagemaker: registry.client, ssm: runtime.parameters.client, logger }, registerSettings, input as never));

  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {
    [TRAINING_STATES.exportTrainingData]: (input) =>
      runStep(logger, 'export-training-data', () =>
        exportTrainingData(
          { database, bucket, logger },
          { jobPrefix: LOCAL_NAMES.jobPrefix, parameters: [options.parameter], windowDays: options.windowDays ?? 3660, ...(options.rounds ? { rounds: options.rounds } : {}) },
          input as never,
        ),
      ),
    [TRAINING_STATES.trainModel]: async (input) => {
      const request = input as CreateTrainingJobRequest;
      const jobName = request.TrainingJobName ?? '';
      const jobStarted = performance.now();
      try {
        if (failing.has(fitOfJob(jobName))) throw new TrainingJobFailed(jobName, 'AlgorithmError: injected fault: the training container exited with code 1');
        const outcome = await runTrainingJob(runtime.s3.s3, request);
        report({ kind: 'job', job: jobName, status: 'Completed', ms: performance.now() - jobStarted });
        return outcome;
      } catch (error) {
        report({ kind: 'job', job: jobName, status: 'Failed', ms: performance.now() - jobStarted, reason: (error as Error).message });
        throw error;
      }
    },
    [TRAINING_STATES.calibrateCandidate]: (input) => runStep(logger, 'calibrate-candidate', () => calibrateCandidate({ bucket, logger }, input as never)),
    [TRAINING_STATES.evaluateCandidate]: (input) =>
      runStep(logger, 'evaluate-candidate', () =>
        evaluateCandidate({ bucket, logger, currentModel: async (parameter) => (await chooseModel(database, parameter))?.model ?? null }, input as never),
      ),
    [TRAINING_STATES.registerApproved]: registerStep,
    [TRAINING_STATES.registerRejected]: registerStep,
    [TRAINING_STATES.recordFailure]: (input) =>
      runStep(logger, 'record-training-failure', () => recordTrainingFailure({ database, sagemaker: registry.client, logger }, { jobPrefix: LOCAL_NAMES.jobPrefix }, input as never)),
  };

  const definition = buildTrainingDefinition({
    functions: {
      exportTrainingData: FUNCTION_ARN('export-training-data'),
      calibrateCandidate: FUNCTION_ARN('calibrate-candidate'),
      evaluateCandidate: FUNCTION_ARN('evaluate-candidate'),
      registerModel: FUNCTION_ARN('register-model'),
      recordTrainingFailure: FUNCTION_ARN('record-training-failure'),
    },
    training: {
      image: 'local/xgboost:1.7-1',
      roleArn: 'arn:aws:iam::000000000000:role/airfill-local-training',
      instanceType: 'ml.local',
      volumeSizeGb: 1,
      maxRuntimeSeconds: 86_400,
      codeUri: `s3://${bucket.name}/training/code/`,
      // The machine's cores are what the local jobs share.
      maxConcurrency: 2,
    },
  });
  const machine = new StateMachine(JSON.parse(JSON.stringify(definition)) as never, { validationOptions: { checkArn: false } });
  const execution = machine.run({ trigger: options.trigger ?? 'local', parameter: options.parameter } as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      ...(options.retryIntervalMs === undefined ? {} : { retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((state) => [state, options.retryIntervalMs!])) }),
    },
    context: { Execution: { Id: executionId, Name: name } } as never,
  });
  const watch = (async () => {
    for await (const event of execution.eventLogs) {
      if (!('state' in event)) continue;
      const phases = { StateEntered: 'entered', StateExited: 'exited', StateFailed: 'failed', StateRetried: 'retried', StateCaught: 'caught' } as const;
      const phase = phases[event.type as keyof typeof phases];
      if (!phase) continue;
      const failure = 'Error' in event ? { error: String(event.Error), cause: String(event.Cause) } : {};
      report({ kind: 'state', state: event.state.name, phase, ...failure });
    }
  })();
  const outcome = await execution.result.then(
    (output) => {
      const { evaluation, registered } = output as { evaluation?: EvaluateResult; registered?: RegisterResult };
      return { status: 'succeeded' as const, ...(evaluation ? { evaluation } : {}), ...(registered ? { registered } : {}) };
    },
    (error: Error) => {
      const cause = (error as { cause?: unknown }).cause;
      const failure = cause instanceof Error ? cause : error;
      return { status: 'failed' as const, error: { name: failure.name, cause: failure.message } };
    },
  );
  await watch.catch(() => undefined);
  const run = await getTrainingRun(database, runId).catch(() => undefined);
  return { executionId, runId, ...outcome, ...(run ? { run } : {}), registry, ms: performance.now() - started };
}
