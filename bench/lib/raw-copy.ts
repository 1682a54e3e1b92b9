import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { inTransaction, type Database } from '@airfill/db';

/** A table's rows in COPY text format, cut into batches of whole lines. */
export async function dumpRows(database: Database, query: string, batchRows: number): Promise<Buffer[]> {
  const client = await database.pool.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(`copy (${query}) to stdout`))) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks);
    const batches: Buffer[] = [];
    let start = 0;
    let rows = 0;
    for (let at = text.indexOf(10); at !== -1; at = text.indexOf(10, at + 1)) {
      rows += 1;
      if (rows === batchRows) {
        batches.push(text.subarray(start, at + 1));
        start = at + 1;
        rows = 0;
      }
    }
    if (start < text.length) batches.push(text.subarray(start));
    return batches;
  } finally {
    client.release();
  }
}

/** The database's own limit: COPY of prepared rows into a table, batch after batch, in one transaction. */
export async function copyRows(database: Database, table: string, batches: readonly Buffer[]): Promise<void> {
  await inTransaction(database, async (client) => {
    for (const batch of batches) await pipeline(Readable.from([batch]), client.query(copyFrom(`copy ${table} from stdin`)));
  });
}
