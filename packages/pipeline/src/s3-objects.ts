import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { aws, awsFailure, isAwsError, isTransientAwsError } from './aws-errors';
import { InputError } from './errors';

/** Where a run's objects live. */
export interface Bucket {
  s3: S3Client;
  name: string;
}

/** Writes a text object (overwriting: every pipeline object is a pure function of its run, so a retry writes the same bytes). */
export async function putText(bucket: Bucket, key: string, body: string, contentType: string): Promise<void> {
  // The length stated: the SDK cannot measure an empty body and warns it may be a stream of unknown length.
  const request = { Bucket: bucket.name, Key: key, Body: body, ContentType: contentType, ContentLength: Buffer.byteLength(body) };
  await aws('S3 PutObject', () => bucket.s3.send(new PutObjectCommand(request)), { key });
}

/** Reads an object; a missing object is an `InputError` (the step before did not write it). */
async function getObject(bucket: Bucket, key: string): Promise<GetObjectCommandOutput> {
  try {
    return await aws('S3 GetObject', () => bucket.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key })), { key });
  } catch (error) {
    if (isAwsError(error, 'NoSuchKey', 'NotFound')) throw new InputError(`s3://${bucket.name}/${key} does not exist`, { key }, { cause: error });
    throw error;
  }
}

/** Reads a text object; a missing object is an `InputError` (the step before did not write it). */
export async function getText(bucket: Bucket, key: string): Promise<string> {
  return (await (await getObject(bucket, key)).Body?.transformToString('utf8')) ?? '';
}

/** Reads a text object, or undefined when there is none (an object a step writes on first use). */
export async function findText(bucket: Bucket, key: string): Promise<string | undefined> {
  try {
    return await getText(bucket, key);
  } catch (error) {
    if (error instanceof InputError && isAwsError(error.cause, 'NoSuchKey', 'NotFound')) return undefined;
    throw error;
  }
}

/** Reads a binary object (a model archive, a dataset file). */
export async function getBytes(bucket: Bucket, key: string): Promise<Buffer> {
  return Buffer.from((await (await getObject(bucket, key)).Body?.transformToByteArray()) ?? new Uint8Array());
}

/** Writes a binary object. */
export async function putBytes(bucket: Bucket, key: string, body: Buffer, contentType: string): Promise<void> {
  const request = { Bucket: bucket.name, Key: key, Body: body, ContentType: contentType, ContentLength: body.length };
  await aws('S3 PutObject', () => bucket.s3.send(new PutObjectCommand(request)), { key });
}

/** Attempts of a streamed upload: the SDK cannot retry a body it has consumed, so {@link putFile} does, with a fresh stream. */
const STREAM_ATTEMPTS = 3;

/**
 * Uploads a file as it streams from disk (training rows reach hundreds of MB).
 * A dropped connection or a 5xx is retried here with a new stream (after 0.5
 * then 2 s), since the SDK does not retry a streaming request.
 */
export async function putFile(bucket: Bucket, key: string, path: string, contentType: string): Promise<void> {
  const { size } = await stat(path);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await bucket.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: createReadStream(path), ContentType: contentType, ContentLength: size }));
      return;
    } catch (error) {
      if (attempt < STREAM_ATTEMPTS && isTransientAwsError(error)) {
        await new Promise((resolve) => setTimeout(resolve, 500 * 4 ** (attempt - 1)));
        continue;
      }
      throw awsFailure('S3 PutObject', error, { key, attempts: attempt });
    }
  }
}

/** Downloads an object into a file as it streams. */
export async function getFile(bucket: Bucket, key: string, path: string): Promise<void> {
  const body = (await getObject(bucket, key)).Body as Readable | undefined;
  if (!body) throw new InputError(`s3://${bucket.name}/${key} has no body`, { key });
  await pipeline(body, createWriteStream(path));
}

/** The bucket and key of an `s3://bucket/key` URI; anything else is an `InputError`. */
export function s3UriParts(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new InputError(`${uri} is not an s3:// URI`, { uri });
  return { bucket: match[1]!, key: match[2]! };
}

/** The key of an s3:// URI in this bucket; a URI of another bucket is an `InputError` (a step only reads its own bucket). */
export function keyInBucket(bucket: Bucket, uri: string): string {
  const parts = s3UriParts(uri);
  if (parts.bucket !== bucket.name) throw new InputError(`${uri} is not in the bucket ${bucket.name}`, { uri, bucket: bucket.name });
  return parts.key;
}

/** Lists every key under a prefix (all pages), sorted. */
export async function listKeys(bucket: Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await aws('S3 ListObjectsV2', () =>
      bucket.s3.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: prefix, ContinuationToken: token })),
    { prefix });
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** JSON lines: one value per line, newline-terminated. */
export function toJsonLines(values: Iterable<unknown>): string {
  let text = '';
  for (const value of values) text += `${JSON.stringify(value)}\n`;
  return text;
}

/** Parses JSON lines with a schema per line; a bad line is an `InputError` naming the key and line. */
export function parseJsonLines<S extends z.ZodType>(text: string, schema: S, key: string): z.output<S>[] {
  const values: z.output<S>[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${key} line ${index + 1} is not JSON`, { key, line: index + 1 }, { cause: error });
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new InputError(`${key} line ${index + 1}: ${parsed.error.message}`, { key, line: index + 1 });
    values.push(parsed.data);
  }
  return values;
}
