import { gzipSync } from 'node:zlib';
import type { Env, Hono } from 'hono';

/** One static file: its bytes and content type. */
export interface StaticFile {
  body: Uint8Array;
  contentType: string;
}

/** Static files by URL path (`/index.html`, `/app.js`, ...). */
export type StaticAssets = ReadonlyMap<string, StaticFile>;

/**
 * Serves static files: `/` is `/index.html`; each file has an ETag from its
 * content. The HTML is revalidated on every load; the other files are
 * fingerprinted into the HTML's links (`?v=<etag>`) and so may be cached long.
 */
export function serveStatic<E extends Env>(app: Hono<E>, assets: StaticAssets, compress = true): void {
  // Each file is gzipped once, on its first request, at the highest level.
  const gzipped = new Map<string, Uint8Array>();
  app.get('*', async (c, next) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path;
    const file = assets.get(path);
    if (!file) return next();
    const isHtml = file.contentType.startsWith('text/html');
    c.header('Cache-Control', isHtml ? 'no-cache' : 'public, max-age=86400');
    c.header('X-Content-Type-Options', 'nosniff');
    if (isHtml) c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; connect-src 'self'");
    if (compress && file.body.length >= 1024 && /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      let body = gzipped.get(path);
      if (!body) gzipped.set(path, (body = gzipSync(file.body, { level: 9 })));
      c.header('Content-Encoding', 'gzip');
      c.header('Vary', 'Accept-Encoding');
      return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.contentType });
    }
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.contentType });
  });
}
