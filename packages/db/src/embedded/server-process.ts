import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PostgresBinaries } from './binaries';
import { EmbeddedPostgresError, EmbeddedPostgresInUseError } from './errors';
import { inUseMessage, pidAlive } from './ownership';
import type { ServerUser } from './server-user';

/** The server's log, beside the cluster (read back when it fails to start). */
export const SERVER_LOG = 'postgres.log';

/** Only C-locale messages: airfill reads them (lock file, bind errors) and users search them. */
const CHILD_ENV = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  for (const key of Object.keys(env)) if (key.startsWith('PG')) delete env[key];
  return env;
})();

function asUser(user: ServerUser): { uid?: number; gid?: number } {
  return user.self ? {} : { uid: user.uid, gid: user.gid };
}

/** Waits for a child to end; a spawn failure (EACCES, ENOENT) becomes an exit with its error, never an unhandled 'error' event. */
function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function tail(text: string, lines = 6): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}

/** Creates the cluster with initdb: UTF-8, C locale, password auth for the `postgres` role. */
export async function initCluster(binaries: PostgresBinaries, place: { clusterDir: string; home: string }, user: ServerUser, superuser: { name: string; password: string }): Promise<void> {
  const passwordFile = path.join(place.home, `.pwfile-${process.pid}`);
  writeFileSync(passwordFile, `${superuser.password}\n`, { mode: 0o600 });
  if (!user.self) chownSync(passwordFile, user.uid, user.gid);
  try {
    const child = spawn(
      binaries.initdb,
      [`--pgdata=${place.clusterDir}`, '--auth=scram-sha-256', `--username=${superuser.name}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
      { ...asUser(user), env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const { code, signal, error } = await ended(child);
    if (error || code !== 0) {
      throw new EmbeddedPostgresError(
        `initdb could not create the cluster in ${place.clusterDir}: ${error ? `${error.message} (${binaries.initdb})` : tail(output) || `exit ${code ?? signal}`}`,
        { clusterDir: place.clusterDir, initdb: binaries.initdb },
        error ? { cause: error } : undefined,
      );
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** A running postmaster this process started or took over. */
export interface ServerProcess {
  pid: number;
  port: number;
  /** Fast shutdown; waits until the server has exited. Idempotent. */
  stop(): Promise<void>;
}

/** The status line of postmaster.pid ("starting", "ready", "stopping"), with its pid. */
function postmasterStatus(clusterDir: string): { pid: number; status: string } | undefined {
  try {
    const lines = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), status: (lines[7] ?? '').trim() };
  } catch {
    return undefined;
  }
}

/** The pid of a postmaster running on the cluster, if its lock file names a live postgres process. */
export function runningPostmaster(clusterDir: string): number | undefined {
  const status = postmasterStatus(clusterDir);
  if (!status || !Number.isInteger(status.pid) || !pidAlive(status.pid)) return undefined;
  try {
    // A stale lock file can name a pid the kernel gave to another program since.
    if (!/postgres/.test(readFileSync(`/proc/${status.pid}/cmdline`, 'utf8'))) return undefined;
  } catch {
    // No /proc (macOS): trust the pid.
  }
  return status.pid;
}

/** Sends `signal`, then waits up to `ms` for the process to be gone. */
async function signalAndWait(pid: number, signal: NodeJS.Signals, ms: number, exited: () => boolean): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return true;
  }
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) if (exited()) return true;
  return exited();
}

/** Stops a postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
export async function stopPostmaster(pid: number, exited: () => boolean = () => !pidAlive(pid)): Promise<void> {
  if (await signalAndWait(pid, 'SIGINT', 30_000, exited)) return;
  if (await signalAndWait(pid, 'SIGQUIT', 5_000, exited)) return;
  await signalAndWait(pid, 'SIGKILL', 5_000, exited);
}

/** Options of {@link startPostmaster}. */
export interface StartOptions {
  port: number;
  /** `-c name=value` settings. */
  settings: Record<string, string>;
  /** @default 60 s */
  readyTimeoutMs?: number;
}

/**
 * Starts `postgres` on the cluster as the server's user, in its own process
 * group (a Ctrl-C in the terminal reaches airfill, which stops the server
 * in order, not the server directly), logging to `<home>/postgres.log`, and
 * waits until it accepts connections. Refusals come back typed: another
 * postmaster on the cluster is {@link EmbeddedPostgresInUseError}.
 */
export async function startPostmaster(binaries: PostgresBinaries, place: { clusterDir: string; home: string }, user: ServerUser, options: StartOptions): Promise<ServerProcess> {
  const logFile = path.join(place.home, SERVER_LOG);
  const log = openSync(logFile, 'w', 0o644);
  const settings = Object.entries(options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  let child: ChildProcess;
  try {
    child = spawn(binaries.postgres, ['-D', place.clusterDir, '-p', String(options.port), ...settings], {
      ...asUser(user),
      env: CHILD_ENV,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  // The server outlives nothing of ours by design, but must not keep the event loop alive.
  child.unref();
  let exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
  const exitPromise = ended(child).then((result) => (exit = result));

  const failure = (why: string) => {
    const logged = (() => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    })();
    const lock = /lock file "postmaster\.pid" already exists[\s\S]*?PID (\d+)/.exec(logged);
    if (lock) return new EmbeddedPostgresInUseError(inUseMessage(place.clusterDir, Number(lock[1]), { who: 'process' }), { clusterDir: place.clusterDir, pid: Number(lock[1]) });
    const detail = exit?.error ? `${exit.error.message} (${binaries.postgres})` : tail(logged.split('\n').filter((line) => /FATAL|ERROR|PANIC|could not/.test(line)).join('\n'), 3) || why;
    return new EmbeddedPostgresError(`embedded PostgreSQL in ${place.clusterDir} did not start: ${detail}`, {
      clusterDir: place.clusterDir,
      port: options.port,
      log: logFile,
      addressInUse: /could not bind|Address already in use/.test(logged),
    });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exit) throw failure(`the server exited (${exit.code ?? exit.signal})`);
    const status = postmasterStatus(place.clusterDir);
    if (status && status.pid === child.pid && status.status === 'ready') break;
    if (Date.now() > deadline) {
      await stopPostmaster(child.pid!, () => exit !== undefined);
      throw failure('it was not ready in time');
    }
    await sleep(25);
  }
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  return {
    pid,
    port: options.port,
    stop() {
      stopping ??= (async () => {
        if (!exit) await stopPostmaster(pid, () => exit !== undefined);
        await exitPromise;
      })();
      return stopping;
    },
  };
}
