import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { InvalidArgumentError, type Command } from 'commander';
import { connectReadOnly, createApiApp } from '@airfill/api';
import { buildDashboard, dashboardConfigFile } from '@airfill/dashboard';
import type { OpenedDatabase } from '@airfill/db';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { CliError } from '../errors';
import { note } from '../output';

/** Flags of `airfill serve`. */
export interface ServeFlags extends DatabaseFlags {
  port: number;
  host: string;
  tileUrl?: string;
  tileAttribution: string;
}

/** Parses a TCP port (0 picks a free one). */
export function portFlag(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 65_535) throw new InvalidArgumentError(`"${text}" is not a port (0-65535)`);
  return value;
}

/** Parses a tile URL template: http(s) with {z}, {x} and {y}. */
export function tileUrlFlag(text: string): string {
  if (!/^https?:\/\//.test(text) || !['{z}', '{x}', '{y}'].every((part) => text.includes(part))) {
    throw new InvalidArgumentError(`"${text}" is not a tile URL template like https://tile.example.org/{z}/{x}/{y}.png`);
  }
  return text;
}

/** The URL of the database (what `openDatabase` connected to), for the API's own read-only pool. */
function urlOf(database: OpenedDatabase): string {
  const url = database.pool.options.connectionString;
  if (!url) throw new CliError('the database has no connection URL to open the read-only API pool with');
  return url;
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function stopRequested(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Serves the read API and the dashboard until Ctrl-C: the API reads through
 * its own read-only pool (role `airfill_readonly`), the dashboard is built
 * in memory from the package. Prints the URL on stdout. Resolves with the
 * signal that stopped it.
 */
export async function serveUntilStopped(flags: ServeFlags, database: OpenedDatabase): Promise<string> {
  const api = connectReadOnly({ kind: 'url', url: urlOf(database) });
  try {
    // Fail now, with the reason, if the read-only role cannot be used (rather than on the first request).
    await api.pool.query('select 1 from sensors limit 1').catch((error: unknown) => {
      throw new CliError(`the API cannot read as its read-only role: ${(error as Error).message}`);
    });
    const dashboard = await buildDashboard();
    const [configName, configFile] = dashboardConfigFile({ tileUrl: flags.tileUrl ?? null, tileAttribution: flags.tileAttribution });
    dashboard.set(configName, configFile);
    const app = createApiApp({
      database: api,
      dashboard,
      onError: (error, request) => note(`${request.method} ${request.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    // Listening fails now (port in use) or later (never in practice); either ends the command with the reason.
    let rejectFailure: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => (rejectFailure = reject));
    server.on('error', (error: NodeJS.ErrnoException) =>
      rejectFailure(
        new CliError(error.code === 'EADDRINUSE' ? `port ${flags.port} on ${flags.host} is in use; pick another with --port` : `cannot listen on ${flags.host}:${flags.port}: ${error.message}`),
      ),
    );
    await Promise.race([new Promise<void>((resolve) => server.listen(flags.port, flags.host, resolve)), failed]);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : flags.port;
    const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
    console.log(`airfill dashboard: http://${host}:${port}/  (API: http://${host}:${port}/api/openapi.json; Ctrl-C stops)`);
    note(`reading ${database.location} as airfill_readonly`);
    const signal = await Promise.race([stopRequested(), failed]);
    note(`${signal}: stopping the server`);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return signal;
  } finally {
    await api.close();
  }
}

/** `airfill serve [--port 8080] [--host 127.0.0.1]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--port <port>', 'TCP port (0 picks a free one)', portFlag, 8080)
      .option('--host <address>', 'address to listen on (0.0.0.0 exposes it to the network)', '127.0.0.1')
      .option('--tile-url <template>', 'raster tiles under the map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (default: the bundled offline outline only)', tileUrlFlag)
      .option('--tile-attribution <text>', 'credit line the tile provider asks for', ''),
  ).action(async (flags: ServeFlags) => {
    const signal = await withDatabase(flags, (database) => serveUntilStopped(flags, database));
    // Stopped by a signal, as any interrupted command: 128 + its number.
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
  });
}
