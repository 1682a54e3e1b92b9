import { rm } from 'node:fs/promises';
import path from 'node:path';

/** Jest global teardown: stops the embedded PostgreSQL that global setup started, if any, and removes its cluster. */
export default async function globalTeardown(): Promise<void> {
  const started = globalThis.airfillTestServer;
  globalThis.airfillTestServer = undefined;
  if (!started) return;
  await started.server.stop();
  // The cluster may have been relocated (a private temp dir, as root): remove it where it lives.
  await rm(path.dirname(started.server.clusterDir), { recursive: true, force: true });
  await rm(started.dataDir, { recursive: true, force: true });
}
