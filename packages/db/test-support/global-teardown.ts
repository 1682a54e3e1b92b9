/** Jest global teardown: stops the embedded PostgreSQL that global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  const server = globalThis.airfillTestServer;
  globalThis.airfillTestServer = undefined;
  await server?.stop();
}
