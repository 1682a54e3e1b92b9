import type pg from 'pg';
import type { Database } from './connection';

/**
 * Runs `work` on one pooled client inside a transaction: committed when it
 * resolves, rolled back when it throws (the error is rethrown as it was; a
 * failure of the rollback itself is secondary and dropped, as the connection
 * is then released and PostgreSQL ends the transaction with it).
 *
 * A checked-out pg client has no 'error' listener of the pool's, so a
 * connection that dies mid-transaction (a failover, the server shut down)
 * would emit an unhandled 'error' and end the process. The listener here
 * keeps it: the same failure rejects the query in flight or the next one,
 * so `work` or the commit throws it, and the dead client is destroyed on
 * release instead of going back to the pool.
 */
export async function inTransaction<T>(database: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await database.pool.connect();
  let connectionLost: Error | undefined;
  const onConnectionLost = (error: Error) => {
    connectionLost = error;
  };
  client.on('error', onConnectionLost);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onConnectionLost);
    client.release(connectionLost);
  }
}
