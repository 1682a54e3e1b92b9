import path from 'node:path';
import { describeBundleInputErrors } from '@airfill/pipeline/testing';

describeBundleInputErrors('promote-model', path.resolve(__dirname, '..'), {
  event: { action: 'promote', version: 'pm25-x', reason: '' },
  env: { AIRFILL_ENV: 'dev' },
  usesDatabase: true,
});
