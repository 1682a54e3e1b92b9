import type { TrainingWorkflowProps } from '../../src';

/** Training workflow settings as the dev stack would give them. */
export const trainingProps: TrainingWorkflowProps = {
  functions: {
    exportTrainingData: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-export-training-data',
    calibrateCandidate: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-calibrate-candidate',
    evaluateCandidate: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-evaluate-candidate',
    registerModel: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-register-model',
    recordTrainingFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-record-training-failure',
  },
  training: {
    image: '492215442770.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    roleArn: 'arn:aws:iam::123456789012:role/airfill-dev-sagemaker-training',
    instanceType: 'ml.m5.xlarge',
    volumeSizeGb: 30,
    maxRuntimeSeconds: 7200,
    codeUri: 's3://airfill-dev-data-123456789012/code/abc/',
    maxConcurrency: 2,
  },
};
