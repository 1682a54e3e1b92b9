import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { runMigrations, type Database } from '@airfill/db';
import { loadReadingsCsv, type LoadSummary } from '@airfill/ingest';
import { migrateEventSchema, type MigrateEvent } from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { InputError } from './errors';
import type { Logger } from './logger';
import { ensureAppUser } from './master-database';
import type { Bucket } from './s3-objects';

/** What migrate works with. */
export interface MigrateDeps {
  database: Database;
  bucket: Bucket;
  logger: Logger;
}

/** What migrate did. */
export interface MigrateResult {
  migrated: true;
  /** The initial load, when the event named a CSV. */
  load?: Omit<LoadSummary, 'path'> & { key: string };
  /** The app user set up, when migrating as master. */
  appUser?: { name: string; created: boolean };
}

/** Rejected rows logged individually; the rest are counted. */
const LOGGED_REJECTS = 20;

/** Streams an S3 object to a local file (Lambda's /tmp), so the loader can read it like any file. */
async function download(bucket: Bucket, key: string, file: string): Promise<void> {
  try {
    const response = await aws('S3 GetObject', () => bucket.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key })), { key });
    if (!response.Body) throw new InputError(`s3://${bucket.name}/${key} has no body`, { key });
    await pipeline(response.Body as Readable, createWriteStream(file));
  } catch (error) {
    if (isAwsError(error, 'NoSuchKey', 'NotFound')) throw new InputError(`s3://${bucket.name}/${key} does not exist`, { key }, { cause: error });
    throw error;
  }
}

/**
 * Applies pending migrations (safe to run twice, and concurrently: the data
 * layer serialises runners), sets up the app user when logged in as master,
 * then optionally loads an initial CSV from the
 * bucket with the foundation loader (idempotent: a reload stores nothing new).
 */
export async function migrate(
  deps: MigrateDeps,
  settings: { migrationsFolder: string; sentinel?: number; appUser?: string },
  rawEvent: MigrateEvent,
): Promise<MigrateResult> {
  const event = migrateEventSchema.parse(rawEvent ?? {});
  const logger = deps.logger.child({ step: 'migrate' });
  await runMigrations(deps.database, settings.migrationsFolder);
  logger.info('migrations applied', { folder: settings.migrationsFolder });
  const base: MigrateResult = { migrated: true };
  if (settings.appUser) {
    const { created } = await ensureAppUser(deps.database, settings.appUser);
    base.appUser = { name: settings.appUser, created };
    logger.info('app user ready', { appUser: settings.appUser, created });
  }
  if (!event.csvKey) return base;

  const dir = await mkdtemp(path.join(tmpdir(), 'airfill-load-'));
  try {
    const file = path.join(dir, 'input.csv');
    await download(deps.bucket, event.csvKey, file);
    let logged = 0;
    const { path: _path, ...summary } = await loadReadingsCsv(deps.database, file, {
      ...(settings.sentinel === undefined ? {} : { sentinel: settings.sentinel }),
      onReject: (row) => {
        if (logged++ < LOGGED_REJECTS) logger.warn('row rejected', { key: event.csvKey, line: row.line, column: row.column, reason: row.reason });
      },
    });
    logger.info('initial CSV loaded', { key: event.csvKey, ...summary });
    return { ...base, load: { key: event.csvKey, ...summary } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
