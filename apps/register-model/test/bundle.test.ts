import path from 'node:path';
import { describeBundleInputErrors } from '@airfill/pipeline/testing';

describeBundleInputErrors('register-model', path.resolve(__dirname, '..'), {
  event: { executionId: '', run: {}, approval: 'Maybe' },
  env: {
    AIRFILL_ENV: 'dev',
    AIRFILL_BUCKET: 'airfill-dev-data',
    AIRFILL_XGBOOST_IMAGE: '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    AIRFILL_TRANSFORM_INSTANCE_TYPE: 'ml.m5.large',
  },
  usesDatabase: true,
});
