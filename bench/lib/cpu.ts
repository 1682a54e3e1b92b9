import { readFileSync } from 'node:fs';
import type { Database } from '@airfill/db';

/** CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere or when it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Peak resident set of a process in MB (VmHWM, Linux); undefined elsewhere. */
export function processPeakRssMb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** What a piece of work cost: wall time, this process's CPU, and the CPU of the PostgreSQL backends of a pool. */
export interface Cost {
  seconds: number;
  nodeCpu: number;
  serverCpu: number;
}

/**
 * Runs `work` and measures it: wall seconds, CPU seconds of this process,
 * and CPU seconds of the database's backends (every connection of the pool,
 * opened first so the work's backends are among them). CPU time does not
 * depend on what else the shared machine runs; wall time does.
 */
export async function measure<T>(database: Database, work: () => Promise<T>, connections = 4): Promise<{ result: T; cost: Cost }> {
  const clients = await Promise.all(Array.from({ length: connections }, () => database.pool.connect()));
  const pids = await Promise.all(clients.map(async (client) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid));
  for (const client of clients) client.release();
  const serverBefore = pids.map((pid) => processCpuSeconds(pid) ?? 0);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = pids.reduce((sum, pid, index) => sum + Math.max(0, (processCpuSeconds(pid) ?? 0) - serverBefore[index]!), 0);
  return { result, cost: { seconds, nodeCpu: (cpu.user + cpu.system) / 1e6, serverCpu } };
}

/** `12.3 s (Node 4.5 s, PostgreSQL 6.7 s CPU)` */
export function describeCost(cost: Cost): string {
  return `${cost.seconds.toFixed(2)} s (CPU: Node ${cost.nodeCpu.toFixed(2)} s, PostgreSQL ${cost.serverCpu.toFixed(2)} s)`;
}

/** The machine's load average over the last minute and its core count, to read wall times by. */
export function machineLoad(): string {
  try {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    return `load average ${load} on ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? '?'} cores`;
  } catch {
    return 'load average unknown';
  }
}
