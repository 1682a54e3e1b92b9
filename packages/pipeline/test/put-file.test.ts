import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getText, type Bucket } from '../src';
import { putFile } from '../src/s3-objects';
import { startLocalS3, type LocalS3 } from '../src/local-s3';

let local: LocalS3;
let dir: string;
beforeAll(async () => {
  local = await startLocalS3();
  dir = mkdtempSync(path.join(tmpdir(), 'airfill-put-file-'));
});
afterAll(async () => {
  await local.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A dropped connection, as Node reports it. */
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** The real S3 API behind a client whose first `failures` sends fail with `error()`. */
function failingFirst(bucket: Bucket, failures: number, error: () => Error): { bucket: Bucket; bodies: unknown[] } {
  const bodies: unknown[] = [];
  let left = failures;
  const s3 = {
    send: async (command: PutObjectCommand) => {
      bodies.push(command.input.Body);
      if (left-- > 0) throw error();
      return bucket.s3.send(command);
    },
  } as unknown as S3Client;
  return { bucket: { ...bucket, s3 }, bodies };
}

describe('putFile', () => {
  it('retries a dropped connection with a fresh stream (the SDK cannot retry a streamed body) and stores the whole file', async () => {
    const file = path.join(dir, 'rows.txt');
    writeFileSync(file, 'a\nb\nc\n');
    const real = await local.bucket();
    const { bucket, bodies } = failingFirst(real, 2, reset);
    await putFile(bucket, 'training/rows.txt', file, 'text/plain');
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(3);
    expect(await getText(real, 'training/rows.txt')).toBe('a\nb\nc\n');
  });

  it('gives up after three attempts with a TransientError the workflow retries, and passes a permanent error on at once', async () => {
    const file = path.join(dir, 'more.txt');
    writeFileSync(file, 'x\n');
    const dropped = failingFirst(await local.bucket(), 5, reset);
    await expect(putFile(dropped.bucket, 'k', file, 'text/plain')).rejects.toMatchObject({ name: 'TransientError', context: { key: 'k', attempts: 3 } });
    expect(dropped.bodies).toHaveLength(3);
    const denied = failingFirst(await local.bucket(), 5, () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await expect(putFile(denied.bucket, 'k', file, 'text/plain')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(denied.bodies).toHaveLength(1);
  });
});
