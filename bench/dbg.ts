import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, runMigrations, startEmbeddedPostgres } from '@airfill/db';
import { listSensors, readDailyCompleteness } from '@airfill/api';
import { runLocally } from '@airfill/local';
async function main() {
  const server = await startEmbeddedPostgres({ dataDir: '/tmp/a13/benchpg' });
  const database = connect({ kind: 'url', url: server.url });
  await runMigrations(database);
  const n = Number((await database.pool.query('select count(*) as n from readings')).rows[0].n);
  if (n === 0) {
    await runLocally({ parameter: 'PM 2.5', dataDir: mkdtempSync(path.join(os.tmpdir(), 'x-')), database, csv: path.join(__dirname, '.out/e2e-36x365.csv.gz'), keepObjects: false, writeReport: false });
    await database.pool.query('analyze');
  }
  const mode = process.argv[2];
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const list = await listSensors(database);
    console.log('listSensors', (performance.now() - t).toFixed(1), list.window);
    t = performance.now();
    await readDailyCompleteness(database, { from: new Date(list.window.from), to: new Date(list.window.to) });
    console.log('daily', (performance.now() - t).toFixed(1));
  }
  if (mode === 'explain') {
    const { rows } = await database.pool.query(`explain analyze ${process.argv[3]}`);
    console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await database.close();
  await server.stop();
}
void main();
