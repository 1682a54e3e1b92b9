import type pg from 'pg';
import type { Database } from './connection';

/**
 * Runs `work` on one pooled client inside a transaction: committed when it
 * resolves, rolled back when it throws (the error is rethrown as it was; a
 * failure of the rollback itself is secondary and dropped, as the connection
 * is then released and PostgreSQL ends the transaction with it).
 */
export async function inTransaction<T>(database: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
