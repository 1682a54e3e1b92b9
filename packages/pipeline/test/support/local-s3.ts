// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- s3rver ships no types, and the apps typecheck this file without the pipeline test folder that declares them.
/// <reference path="./s3rver.d.ts" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { Bucket } from '../../src';

/** A real S3 API (s3rver) on 127.0.0.1, a random port and its own directory. */
export interface LocalS3 {
  s3: S3Client;
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** A new, empty bucket (one per test keeps tests apart). */
  bucket(): Promise<Bucket>;
  stop(): Promise<void>;
}

let buckets = 0;

export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'airfill-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    // s3rver corrupts bodies with the SDK's default checksums (MACHINE.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    endpoint,
    async bucket() {
      buckets += 1;
      const name = `airfill-test-${process.pid}-${buckets}`;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      return { s3, name };
    },
    async stop() {
      s3.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
