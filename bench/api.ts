/**
 * Benchmark: the read API over HTTP on 127.0.0.1, on a year of a sensor
 * network filled by the local pipeline (36 sensors x 1 year hourly PM 2.5,
 * the bench:e2e data set). Bounded concurrent clients send a bounded number
 * of requests to
 *   /api/series   one sensor-month (a random sensor and month, ~720 points)
 *   /api/sensors  every sensor with completeness over 30 days and health
 * and it prints p50/p99 latency and requests per second for each.
 * The server is `airfill serve --database-url` in its own process, as a
 * user runs it; clients are light node:http keep-alive clients in this one
 * (`bench/lib/http-get.ts`), asking for gzip as a browser does. /api/sensors answers from
 * a cache while the data version holds, so its uncached query time is
 * measured too, directly. Besides latency (which depends on what else the
 * machine runs) it prints the server's CPU time per request. Target: p99
 * under 50 ms.
 *   pnpm bench:api [concurrency] [requests]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectReadOnly, listSensors } from '@airfill/api';
import { runLocally, writeSynthCsv } from '@airfill/local';
import { benchDatabase, verdict } from './lib/bench-database';
import { httpGetter } from './lib/http-get';

const TARGET_P99_MS = 50;
const TIME_LIMIT_MS = 120_000;

/** Latencies of `total` GETs from `concurrency` clients, each taking the next URL until done (or the time limit). */
async function load(base: string, urls: () => string, total: number, concurrency: number): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  const latencies: number[] = [];
  const http = httpGetter(base, concurrency);
  let sent = 0;
  let failures = 0;
  const started = performance.now();
  const client = async () => {
    while (sent < total && performance.now() - started < TIME_LIMIT_MS) {
      sent += 1;
      const t = performance.now();
      const { status } = await http.get(urls());
      latencies.push(performance.now() - t);
      if (status !== 200) failures += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    http.close();
  }
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

/** CPU time (user + system) a process has used so far, from /proc: unlike latency, it does not depend on what else the machine runs. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main(): Promise<void> {
  const concurrency = Number(process.argv[2] ?? 4);
  const requests = Number(process.argv[3] ?? 2000);
  const sensors = 36;
  const days = 365;
  const outDir = path.join(__dirname, '.out');
  mkdirSync(outDir, { recursive: true });
  const csv = path.join(outDir, `e2e-${sensors}x${days}.csv.gz`);
  if (!existsSync(csv)) await writeSynthCsv(csv, { sensors, days, parameters: ['PM 2.5'], missing: 0.15, seed: 7 });
  const database = await benchDatabase('api');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'airfill-bench-api-'));
  const url = database.pool.options.connectionString!;
  const api = connectReadOnly({ kind: 'url', url }, { max: concurrency });
  try {
    const filled = await runLocally({ parameters: ['PM 2.5'], dataDir, database, csv, keepObjects: false, writeReport: false });
    console.log(`${sensors} sensors x ${days} days: ${filled.report.totals.readings.toLocaleString('en-US')} readings, ${filled.report.totals.filledTotal.toLocaleString('en-US')} filled`);
    // What autovacuum does within a minute of a bulk load: the planner needs statistics of the new rows.
    await database.pool.query('analyze');
    const devices = (await database.pool.query<{ device_id: string }>('select device_id from sensors order by device_id')).rows.map((row) => row.device_id);
    const first = (await database.pool.query<{ ts: Date }>('select min(ts) as ts from readings')).rows[0]!.ts;

    // node with tsx's loader rather than the tsx wrapper, so the child is the server and its CPU time can be read.
    const server = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../apps/cli/src/main.ts'), 'serve', '--database-url', url, '--port', '0'], {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /airfill dashboard: (http:\/\/\S+)\//.exec(out);
        if (found) resolve(found[1]!);
      });
      server.once('exit', (code) => reject(new Error(`airfill serve exited with ${code}`)));
    });
    let seed = 11;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const sensorMonth = () => {
      const month = random(11);
      const from = new Date(first.getTime() + month * 30 * 86_400_000);
      const to = new Date(from.getTime() + 30 * 86_400_000);
      return `/api/series?device=${encodeURIComponent(devices[random(devices.length)]!)}&parameter=PM%202.5&from=${from.toISOString()}&to=${to.toISOString()}`;
    };
    const probe = (await (await fetch(`${base}${sensorMonth()}`)).json()) as { points: unknown[] };
    console.log(`one sensor-month: ${probe.points.length} points; ${concurrency} concurrent clients, ${requests} requests per route (at most ${TIME_LIMIT_MS / 1000} s), on 127.0.0.1\n`);

    let ok = true;
    console.log('route          requests   failures   p50 ms   p99 ms    req/s   server CPU ms/request   client CPU ms/request');
    for (const [name, next, count] of [
      ['/api/series', sensorMonth, requests],
      ['/api/sensors', () => '/api/sensors', Math.ceil(requests / 4)],
    ] as const) {
      await load(base, next, 50, concurrency); // warm up: connections, plans, caches
      const cpuBefore = cpuMs(server.pid!);
      const clientBefore = process.cpuUsage();
      const { latencies, seconds, failures } = await load(base, next, count, concurrency);
      const cpuPerRequest = (cpuMs(server.pid!) - cpuBefore) / latencies.length;
      const clientCpu = process.cpuUsage(clientBefore);
      const clientPerRequest = (clientCpu.user + clientCpu.system) / 1000 / latencies.length;
      const sorted = [...latencies].sort((a, b) => a - b);
      const p50 = quantile(sorted, 0.5);
      const p99 = quantile(sorted, 0.99);
      console.log(`${name.padEnd(14)} ${String(latencies.length).padStart(8)} ${String(failures).padStart(10)} ${p50.toFixed(1).padStart(8)} ${p99.toFixed(1).padStart(8)} ${(latencies.length / seconds).toFixed(0).padStart(8)} ${cpuPerRequest.toFixed(2).padStart(11)} ${clientPerRequest.toFixed(2).padStart(23)}`);
      ok = verdict(`${name}: p99 ${p99.toFixed(1)} ms (target < ${TARGET_P99_MS} ms, ratio ${(TARGET_P99_MS / p99).toFixed(2)}x)`, p99 < TARGET_P99_MS && failures === 0) && ok;
    }
    server.kill('SIGINT');
    await once(server, 'exit');

    // The aggregation behind /api/sensors without the cache: one client, one query at a time.
    const uncached: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const t = performance.now();
      await listSensors(api);
      uncached.push(performance.now() - t);
    }
    uncached.sort((a, b) => a - b);
    console.log(`\n/api/sensors query without the cache (30-day completeness of 36 sensors, 20 calls one at a time): p50 ${quantile(uncached, 0.5).toFixed(1)} ms, max ${uncached.at(-1)!.toFixed(1)} ms`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await api.close();
    await database.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
