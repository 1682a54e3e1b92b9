import { connect, connectionSettingsFromEnv, type Database } from '@airfill/db';
import { once } from './clients';

/**
 * The pool a Lambda keeps across invocations: one connection, since a Lambda
 * handles one event at a time. Its own module, so Lambdas without a database
 * (transform-callback) do not bundle the driver.
 */
export const lambdaDatabase = once((): Database => connect(connectionSettingsFromEnv(), { max: 1 }));
