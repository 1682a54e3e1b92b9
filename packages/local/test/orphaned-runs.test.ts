import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimMissingReadings, getRun, openRun } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { loadReadingsCsv } from '@airfill/ingest';
import { runIdFor } from '@airfill/pipeline';
import { ORPHANED_RUN_ERROR, runPipeline, startLocalRuntime, writeSynthCsv } from '../src';

jest.setTimeout(30_000);

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'airfill-orphans-'));
  await loadReadingsCsv(database, (await writeSynthCsv(path.join(dir, 'net.csv'), { sensors: 4, days: 3, missing: 0.1, seed: 5 })).file);
});
afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

/** A run as an interrupted process leaves it: open, its readings claimed. */
async function interruptedRun(name: string): Promise<{ runId: string; claimed: number }> {
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:airfill-local:${name}`;
  const runId = runIdFor(executionId, 'PM 2.5');
  await openRun(database, { runId, trigger: 'local', parameter: 'PM 2.5', executionId });
  const claimed = await claimMissingReadings(database, { runId, parameter: 'PM 2.5', limit: 1_000_000 });
  return { runId, claimed: claimed.length };
}

describe('runs an interrupted local process left open', () => {
  it('are left alone on a database the runtime does not own alone', async () => {
    const { runId, claimed } = await interruptedRun('shared');
    expect(claimed).toBeGreaterThan(0);
    const runtime = await startLocalRuntime({ parameters: ['PM 2.5'], dataDir: dir, database, keepObjects: false });
    try {
      expect(runtime.orphanedRuns).toEqual([]);
      expect(await getRun(database, runId)).toMatchObject({ status: 'running' });
    } finally {
      await runtime.stop();
    }
  });

  it('are closed at start when the runtime owns the database, so the next run fills their readings at once', async () => {
    const runtime = await startLocalRuntime({ parameters: ['PM 2.5'], dataDir: dir, database, keepObjects: false, closeOrphanedRuns: true });
    try {
      expect(runtime.orphanedRuns).toHaveLength(1);
      expect(await getRun(database, runtime.orphanedRuns[0]!)).toMatchObject({ status: 'failed', error: { name: ORPHANED_RUN_ERROR } });
      const { rows } = await database.pool.query<{ n: string }>('select count(*) as n from claims');
      expect(Number(rows[0]!.n)).toBe(0);
      const next = await runPipeline(runtime, { retryIntervalMs: 10 });
      expect(next.status).toBe('succeeded');
      expect((await getRun(database, next.runs[0]!.runId))?.found).toBeGreaterThan(0);
    } finally {
      await runtime.stop();
    }
  });
});
