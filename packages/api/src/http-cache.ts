import { createHash } from 'node:crypto';

/** A strong ETag of a response body (the body is built anyway; hashing it is cheaper than sending it). */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** Whether an `If-None-Match` header names this ETag (or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

/**
 * Cache-Control of an answer. A window that lies before the data's latest
 * reading and holds no unfilled gap can only change by late-arriving data:
 * caches may keep it an hour. Anything else is revalidated every time (by
 * ETag, so an unchanged answer costs a 304).
 */
export function cacheControl(settled: boolean): string {
  return settled ? 'public, max-age=3600' : 'no-cache';
}
