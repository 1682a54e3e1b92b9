import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EmbeddedPostgresInUseError } from './errors';

/** Beside the cluster: which airfill process runs it. */
export const OWNER_FILE = 'airfill-owner.json';

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  /** The process's start time as the kernel counts it (Linux), so a reused pid is not mistaken for the owner. */
  startTime: z.string().nullable(),
  startedAt: z.string(),
  dataDir: z.string(),
});

/** The owner record of a cluster. */
export type OwnerRecord = z.output<typeof ownerSchema>;

/** A process's start time from /proc (clock ticks since boot), or null where there is no /proc. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether a process with this pid is running (EPERM means it is, run by
 * another user). A zombie is not: it has exited and only waits to be
 * reaped, which in a container without an init can take a while after a
 * kill -9 (its parent died with it).
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

/** A process's state letter from /proc (R, S, Z, ...), or null where there is no /proc. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

/** Whether the process a record names is still that process. */
export function ownerAlive(record: OwnerRecord): boolean {
  if (!pidAlive(record.pid)) return false;
  const now = processStartTime(record.pid);
  return record.startTime === null || now === null || now === record.startTime;
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function readOwnText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** This process's claim on a cluster. */
export interface ClusterClaim {
  /** The owner that died holding it (killed with -9, or the machine lost power), if any. */
  reclaimedFrom?: OwnerRecord;
  /** Gives the cluster up (idempotent). */
  release(): void;
}

/**
 * Records this process as the owner of the cluster in `home`, atomically
 * (the record is written whole, then linked into place; a link never
 * replaces a file). A record of a live process means another airfill holds
 * the cluster: {@link EmbeddedPostgresInUseError}, in one line. A record of a
 * dead process is taken over and returned, so the caller can stop the server
 * it left running.
 */
export function claimCluster(home: string, dataDir: string): ClusterClaim {
  const file = path.join(home, OWNER_FILE);
  const record: OwnerRecord = { pid: process.pid, startTime: processStartTime(process.pid), startedAt: new Date().toISOString(), dataDir };
  const text = `${JSON.stringify(record)}\n`;
  let reclaimedFrom: OwnerRecord | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const temporary = `${file}.${process.pid}-${randomBytes(3).toString('hex')}`;
    writeFileSync(temporary, text);
    try {
      linkSync(temporary, file);
      let released = false;
      return {
        ...(reclaimedFrom ? { reclaimedFrom } : {}),
        release() {
          if (released) return;
          released = true;
          // Only our own record: never one a later owner wrote.
          if (readOwnText(file) === text) removeIfPresent(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      if (holder && ownerAlive(holder)) {
        throw new EmbeddedPostgresInUseError(inUseMessage(dataDir, holder.pid, { since: holder.startedAt }), { dataDir, pid: holder.pid, home });
      }
      // The holder is gone (or its record unreadable): take the cluster over.
      reclaimedFrom = holder ?? reclaimedFrom;
      removeIfPresent(file);
    } finally {
      unlinkSync(temporary);
    }
  }
  throw new EmbeddedPostgresInUseError(`embedded PostgreSQL of ${dataDir} is being taken over by another airfill process; try again`, { dataDir, home });
}

/** The one line a user reads when another process holds the data dir. */
export function inUseMessage(dataDir: string, pid: number, options: { since?: string; who?: string } = {}): string {
  return (
    `embedded PostgreSQL of ${dataDir} is in use by ${options.who ?? 'airfill process'} ${pid}${options.since ? ` (since ${options.since})` : ''}; ` +
    'wait for it to finish, or give this command its own --data-dir or a --database-url'
  );
}
