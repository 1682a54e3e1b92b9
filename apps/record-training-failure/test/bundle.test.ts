import path from 'node:path';
import { describeBundleInputErrors } from '@airfill/pipeline/testing';

describeBundleInputErrors('record-training-failure', path.resolve(__dirname, '..'), {
  event: { executionId: '' },
  env: {
    AIRFILL_ENV: 'dev',
    AIRFILL_JOB_PREFIX: 'airfill-dev-train-',
  },
  usesDatabase: true,
});
