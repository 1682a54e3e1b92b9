import validator from 'asl-validator';
import {
  buildTrainingDefinition,
  SAGEMAKER_API_ERROR,
  SAGEMAKER_TRAINING_SYNC,
  TRAINING_STATES,
  TRANSIENT_ERRORS,
  type AslMapState,
  type AslTaskState,
} from '../src';
import { trainingProps } from './support/training-props';


const definition = buildTrainingDefinition(trainingProps);
const map = definition.States[TRAINING_STATES.trainModels] as AslMapState;
const trainModel = map.ItemProcessor.States[TRAINING_STATES.trainModel] as AslTaskState;
const lambdaTasks = () => Object.entries(definition.States).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task');

describe('buildTrainingDefinition', () => {
  it('produces a definition asl-validator accepts, JSONPath only', () => {
    const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(definition)));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
    expect(definition.QueryLanguage).toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toMatch(/\{%|JSONata/);
  });

  it('runs export, the training jobs, calibration, evaluation and the gate in that order, ending in success either way the gate decides', () => {
    const next = (name: string) => (definition.States[name] as { Next?: string }).Next;
    expect(definition.StartAt).toBe(TRAINING_STATES.exportTrainingData);
    expect([next(TRAINING_STATES.exportTrainingData), next(TRAINING_STATES.trainModels), next(TRAINING_STATES.calibrateCandidate), next(TRAINING_STATES.evaluateCandidate)]).toEqual([
      TRAINING_STATES.trainModels,
      TRAINING_STATES.calibrateCandidate,
      TRAINING_STATES.evaluateCandidate,
      TRAINING_STATES.gate,
    ]);
    expect(definition.States[TRAINING_STATES.gate]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.evaluation.promote', BooleanEquals: true, Next: TRAINING_STATES.registerApproved }],
      Default: TRAINING_STATES.registerRejected,
    });
    expect((definition.States[TRAINING_STATES.registerApproved] as AslTaskState).Parameters).toMatchObject({ approval: 'Approved' });
    expect((definition.States[TRAINING_STATES.registerRejected] as AslTaskState).Parameters).toMatchObject({ approval: 'Rejected' });
    expect([definition.States[TRAINING_STATES.promoted]?.Type, definition.States[TRAINING_STATES.rejected]?.Type]).toEqual(['Succeed', 'Succeed']);
  });

  it('gives every Lambda Task a jittered retry on the named transient errors and a catch to the failure recorder', () => {
    const tasks = lambdaTasks();
    expect(tasks.map(([name]) => name).sort()).toEqual(
      [TRAINING_STATES.exportTrainingData, TRAINING_STATES.calibrateCandidate, TRAINING_STATES.evaluateCandidate, TRAINING_STATES.registerApproved, TRAINING_STATES.registerRejected, TRAINING_STATES.recordFailure].sort(),
    );
    for (const [name, state] of tasks) {
      const retry = state.Retry?.[0];
      expect({ name, errors: retry?.ErrorEquals }).toEqual({ name, errors: expect.arrayContaining([...TRANSIENT_ERRORS, 'States.Timeout']) });
      expect(retry).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
      const target = name === TRAINING_STATES.recordFailure ? TRAINING_STATES.failed : TRAINING_STATES.recordFailure;
      expect({ name, catch: state.Catch }).toEqual({ name, catch: [expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: target })] });
    }
    expect(definition.States[TRAINING_STATES.failed]).toEqual(expect.objectContaining({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' }));
  });

  it('trains the candidate and the fold models as parallel SageMaker jobs, the Map catching a failed one', () => {
    expect(map).toMatchObject({ ItemsPath: '$.fits', MaxConcurrency: 2, ResultPath: '$.trained' });
    expect(map.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: TRAINING_STATES.recordFailure })]);
    expect(trainModel.Resource).toBe(SAGEMAKER_TRAINING_SYNC);
    // Only a failed create call is retried (the name is still free); a job that ran and failed is recorded.
    expect(trainModel.Retry?.flatMap((retrier) => retrier.ErrorEquals)).toEqual([SAGEMAKER_API_ERROR]);
  });

  it('runs the built-in XGBoost 1.7-1 image in script mode, isolated, with the role, instance and code channel it is given', () => {
    expect(trainModel.Parameters).toMatchObject({
      AlgorithmSpecification: { TrainingImage: trainingProps.training.image, TrainingInputMode: 'File' },
      'HyperParameters.$': 'States.JsonMerge($.hyperParameters, $.script, false)',
      RoleArn: trainingProps.training.roleArn,
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
      EnableNetworkIsolation: true,
    });
    const channels = (trainModel.Parameters!.InputDataConfig as { ChannelName: string; DataSource: { S3DataSource: Record<string, string> } }[]).map((channel) => [
      channel.ChannelName,
      channel.DataSource.S3DataSource.S3Uri ?? channel.DataSource.S3DataSource['S3Uri.$'],
    ]);
    expect(channels).toEqual([
      ['train', '$.fit.trainUri'],
      ['code', trainingProps.training.codeUri],
    ]);
    expect(map.ItemSelector).toEqual({
      'fit.$': '$$.Map.Item.Value',
      'hyperParameters.$': '$.hyperParameters',
      script: { sagemaker_program: 'train.py', sagemaker_submit_directory: '/opt/ml/input/data/code/sourcedir.tar.gz' },
    });
  });

  it('passes the Lambda ARNs through unchanged', () => {
    expect(new Set(lambdaTasks().map(([, state]) => state.Resource))).toEqual(new Set(Object.values(trainingProps.functions)));
  });

  it('refuses settings that cannot work', () => {
    expect(() => buildTrainingDefinition({ ...trainingProps, training: { ...trainingProps.training, maxConcurrency: 0 } })).toThrow(/maxConcurrency/);
    expect(() => buildTrainingDefinition({ ...trainingProps, training: { ...trainingProps.training, maxRuntimeSeconds: 10 } })).toThrow(/maxRuntimeSeconds/);
  });
});
