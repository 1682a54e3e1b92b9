/**
 * A stand-in for an airfill process, for the embedded server's tests:
 * starts embedded PostgreSQL for a data dir, prints "ready <pid> <postmaster pid>",
 * then, by mode: `hang` (until killed), `exit` (process.exit(3) at once).
 */
import { startEmbeddedPostgres } from '../../src/embedded';

const [dataDir, mode] = process.argv.slice(2);

void (async () => {
  const server = await startEmbeddedPostgres({ dataDir: dataDir!, ephemeral: true });
  process.stdout.write(`ready ${process.pid} ${server.pid}\n`);
  if (mode === 'exit') process.exit(3);
  setInterval(() => undefined, 1000);
})();
