import { connect, connectionSettingsFromEnv, type Database } from '@airfill/db';
import { once } from './clients';

/**
 * The pool a Lambda keeps across invocations. A Lambda handles one event at a
 * time, but two connections are needed: migrations hold an advisory lock on
 * one while drizzle migrates on another (with one, they wait on each other
 * forever). Its own module, so Lambdas without a database do not bundle the driver.
 */
export const lambdaDatabase = once((): Database => connect(connectionSettingsFromEnv(), { max: 2 }));
