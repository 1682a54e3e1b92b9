import http from 'node:http';

/** What one GET took and returned. */
export interface GetResult {
  status: number;
  bytes: number;
}

/**
 * A light HTTP client for load tests on 127.0.0.1: node:http over a
 * keep-alive agent (one socket per concurrent client), asking for gzip as a
 * browser does and reading the body to its last byte without decompressing
 * it. fetch() (undici) cost the bench's own process about 2.7 ms of CPU per
 * sensor-month answer, on the same two cores the server and PostgreSQL use;
 * this client costs a fraction of that, so the figures say more about the
 * server.
 */
export function httpGetter(base: string, concurrency: number): { get(path: string): Promise<GetResult>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(base);
  return {
    get: (path) =>
      new Promise<GetResult>((resolve, reject) => {
        const request = http.get({ agent, hostname, port, path, headers: { 'accept-encoding': 'gzip' } }, (response) => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
          response.on('error', reject);
        });
        request.on('error', reject);
      }),
    close: () => agent.destroy(),
  };
}
