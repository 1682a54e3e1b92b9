import path from 'node:path';
import { describeBundleInputErrors } from '@airfill/pipeline/testing';

describeBundleInputErrors('calibrate-candidate', path.resolve(__dirname, '..'), {
  event: { executionId: '', run: {} },
  env: {
    AIRFILL_ENV: 'dev',
    AIRFILL_BUCKET: 'airfill-dev-data',
  },
  usesDatabase: false,
});
