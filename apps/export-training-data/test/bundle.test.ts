import path from 'node:path';
import { describeBundleInputErrors } from '@airfill/pipeline/testing';

describeBundleInputErrors('export-training-data', path.resolve(__dirname, '..'), {
  event: { executionId: '', input: { trigger: 'test', parameter: 'PM 2.5' } },
  env: {
    AIRFILL_ENV: 'dev',
    AIRFILL_BUCKET: 'airfill-dev-data',
    AIRFILL_JOB_PREFIX: 'airfill-dev-train-',
    AIRFILL_TRAINING_PARAMETERS: 'PM 2.5',
    AIRFILL_TRAINING_WINDOW_DAYS: '365',
  },
  usesDatabase: true,
});
