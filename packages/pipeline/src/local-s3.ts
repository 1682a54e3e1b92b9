// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- s3rver ships no types; programs that import this file (the CLI, bench, tests) need the declaration too.
/// <reference path="./s3rver.d.ts" />
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Bucket } from './s3-objects';
import S3rver from 's3rver';

/** A real S3 API (s3rver) on 127.0.0.1 and a client for it. */
export interface LocalS3 {
  s3: S3Client;
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Where the objects are stored on disk. */
  directory: string;
  /** The bucket `name`, created when it does not exist yet; without a name, a new empty bucket (one per test keeps tests apart). */
  bucket(name?: string): Promise<Bucket>;
  /** Stops the server (and removes its directory when it was a temporary one). */
  stop(): Promise<void>;
}

/** Options of {@link startLocalS3}. */
export interface LocalS3Options {
  /** Keep objects here (kept after stop). @default a temporary directory, removed on stop */
  directory?: string;
}

let buckets = 0;

/**
 * Starts s3rver on 127.0.0.1 and a random port. The client is configured the
 * way s3rver needs it: path-style addressing, and checksums only when
 * required (with the SDK's default checksums s3rver corrupts bodies).
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), 'airfill-s3-')));
  await mkdir(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    endpoint,
    directory,
    async bucket(name = `airfill-${process.pid}-${(buckets += 1)}`) {
      try {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        // A kept directory already holds the bucket from an earlier run.
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as Error).name)) throw error;
      }
      return { s3, name };
    },
    async stop() {
      s3.destroy();
      await server.close();
      if (temporary) await rm(directory, { recursive: true, force: true });
    },
  };
}
