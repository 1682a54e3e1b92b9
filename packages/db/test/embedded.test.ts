/**
 * The embedded server manager, as the CLI uses it: real PostgreSQL binaries,
 * real processes. Each test gives its servers their own data dirs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresInUseError, POINTER_FILE, resolveBinaries, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded';
import { pidAlive } from '../src/embedded/ownership';

jest.setTimeout(60_000);

const asRoot = process.getuid?.() === 0;
const repoRoot = path.resolve(__dirname, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const child = path.join(__dirname, 'support/embedded-child.ts');

/** A folder the server's user can reach (mkdtemp makes it private). */
function openFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(folder, 0o755);
  return folder;
}

const cleanup: string[] = [];
const servers: EmbeddedPostgres[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const running of children) running.kill('SIGKILL');
  for (const server of servers) await server.stop();
  for (const folder of cleanup) rmSync(folder, { recursive: true, force: true });
});

async function answers(server: EmbeddedPostgres): Promise<number> {
  const client = new pg.Client(server.url);
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

/** Starts the stand-in airfill process; resolves once its server is ready, with its pid and the postmaster's. */
function startChild(dataDir: string, mode: 'hang' | 'exit'): Promise<{ process: ChildProcess; pid: number; postmaster: number; exited: Promise<number | null> }> {
  const running = spawn(tsx, [child, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(running);
  const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    running.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+) (\d+)/.exec(output);
      if (ready) resolve({ process: running, pid: Number(ready[1]), postmaster: Number(ready[2]), exited });
    });
    void exited.then((code) => reject(new Error(`the stand-in exited (${code}) before its server was ready: ${output}`)));
  });
}

async function until(condition: () => boolean, ms = 20_000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) if (condition()) return true;
  return condition();
}

describe('startEmbeddedPostgres in a private folder', () => {
  it('starts from binaries and a data dir inside a mode-700 folder: binaries staged once, cluster kept in a persistent place', async () => {
    if (!asRoot) console.warn('not root: the server runs as this user, who reaches the private folder; nothing is staged or relocated');
    const home = mkdtempSync(path.join(os.tmpdir(), 'airfill-private-'));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const shared = openFolder('airfill-shared-');
    cleanup.push(home, shared);
    // A checkout in /root: its node_modules, and so its binaries, are out of the postgres user's reach.
    const binaries = path.join(home, 'node_modules-copy', 'native');
    mkdirSync(path.dirname(binaries));
    cpSync(resolveBinaries().root, binaries, { recursive: true, verbatimSymlinks: true });
    const notes: string[] = [];
    const options = {
      dataDir: path.join(home, 'data'),
      binariesDir: binaries,
      binaryCacheDir: path.join(shared, 'cache'),
      clustersDir: path.join(shared, 'clusters'),
      onNote: (note: string) => notes.push(note),
    };
    const first = await startEmbeddedPostgres(options);
    servers.push(first);
    expect(await answers(first)).toBe(1);
    await first.stop();
    if (!asRoot) return;
    expect(first.binariesDir.startsWith(path.join(shared, 'cache', 'postgresql-custom-'))).toBe(true);
    expect(first.clusterDir.startsWith(path.join(shared, 'clusters'))).toBe(true);
    expect(readFileSync(path.join(home, 'data', POINTER_FILE), 'utf8').trim()).toBe(path.dirname(first.clusterDir));
    expect(notes).toEqual([expect.stringMatching(/^note: the postgres user cannot reach .*\/data \(a folder above it is private\); its embedded cluster lives in /)]);
    // Started again: the same cluster (its data kept), the same staged copy (not copied again).
    const stamp = statSync(path.join(first.binariesDir, '.airfill-stamp')).mtimeMs;
    const second = await startEmbeddedPostgres(options);
    servers.push(second);
    expect(second.clusterDir).toBe(first.clusterDir);
    expect(second.binariesDir).toBe(first.binariesDir);
    expect(statSync(path.join(second.binariesDir, '.airfill-stamp')).mtimeMs).toBe(stamp);
    expect(await answers(second)).toBe(1);
    await second.stop();
  });
});

describe('one airfill process per data dir', () => {
  it('says in one line which live airfill process holds the data dir', async () => {
    const dataDir = path.join(openFolder('airfill-held-'), 'data');
    cleanup.push(path.dirname(dataDir));
    const holder = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    servers.push(holder);
    const second = startEmbeddedPostgres({ dataDir, ephemeral: true });
    await expect(second).rejects.toBeInstanceOf(EmbeddedPostgresInUseError);
    await expect(second).rejects.toThrow(new RegExp(`^embedded PostgreSQL of ${dataDir} is in use by airfill process ${process.pid} \\(since [^)]+\\); wait for it to finish`));
    await holder.stop();
  });

  it('reclaims the server an airfill process killed with -9 left running, and starts', async () => {
    const dataDir = path.join(openFolder('airfill-orphan-'), 'data');
    cleanup.push(path.dirname(dataDir));
    const killed = await startChild(dataDir, 'hang');
    process.kill(killed.pid, 'SIGKILL');
    await killed.exited;
    expect(pidAlive(killed.postmaster)).toBe(true);
    const notes: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true, onNote: (note) => notes.push(note) });
    servers.push(server);
    expect(notes).toEqual([`note: stopping the embedded PostgreSQL (process ${killed.postmaster}) that airfill process ${killed.pid} left running when it was killed`]);
    expect(pidAlive(killed.postmaster)).toBe(false);
    expect(await answers(server)).toBe(1);
    await server.stop();
  });

  it('turns PostgreSQL\'s own "lock file already exists" into the same one line', async () => {
    const dataDir = path.join(openFolder('airfill-lock-'), 'data');
    cleanup.push(path.dirname(dataDir));
    const first = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    await first.stop();
    // A live process of the server's user named in the lock file, as a postmaster starting at the same moment would be.
    const other = spawn('sleep', ['60'], asRoot ? { uid: Number(spawnSync('id', ['-u', 'postgres']).stdout), gid: Number(spawnSync('id', ['-g', 'postgres']).stdout) } : {});
    children.push(other);
    writeFileSync(path.join(first.clusterDir, 'postmaster.pid'), `${other.pid}\n${first.clusterDir}\n0\n5432\n\n127.0.0.1\n0 0\nready   \n`);
    const second = startEmbeddedPostgres({ dataDir, ephemeral: true });
    await expect(second).rejects.toBeInstanceOf(EmbeddedPostgresInUseError);
    await expect(second).rejects.toThrow(new RegExp(`^embedded PostgreSQL of ${first.clusterDir} is in use by process ${other.pid}; wait for it to finish`));
    other.kill('SIGKILL');
  });
});

describe('the process that started the server', () => {
  it('keeps its own exit code and takes the server down with it', async () => {
    const dataDir = path.join(openFolder('airfill-exit-'), 'data');
    cleanup.push(path.dirname(dataDir));
    const ended = await startChild(dataDir, 'exit');
    expect(await ended.exited).toBe(3);
    expect(await until(() => !pidAlive(ended.postmaster))).toBe(true);
  });

  it('stops the server on SIGTERM and exits 143', async () => {
    const dataDir = path.join(openFolder('airfill-term-'), 'data');
    cleanup.push(path.dirname(dataDir));
    const running = await startChild(dataDir, 'hang');
    process.kill(running.pid, 'SIGTERM');
    expect(await running.exited).toBe(143);
    expect(pidAlive(running.postmaster)).toBe(false);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});
