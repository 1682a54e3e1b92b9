import { type BootstrapConfigInput } from './schema';
import { REGION, STATE_BUCKET, stateKey } from './shared';

/**
 * The one-off bootstrap stack. In a single-account setup all environments share it;
 * with one account per environment, apply it once per account with that account's list.
 */
export const bootstrap: BootstrapConfigInput = {
  // Placeholder account: set the real one before the first apply (see stacks/README.md).
  accountId: '111111111111',
  region: REGION,
  stateBucket: STATE_BUCKET,
  githubRepository: 'airfill/airfill',
  environments: [
    { name: 'dev', stateKey: stateKey('dev') },
    { name: 'staging', stateKey: stateKey('staging') },
    { name: 'prod', stateKey: stateKey('prod') },
  ],
};
