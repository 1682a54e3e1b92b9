/**
 * `airfill serve` as a user meets it: the demo's data in the default
 * embedded database, the server as a process, the dashboard in a real
 * headless Chromium (Debian's, through playwright-core; never downloaded).
 * Without /usr/bin/chromium the browser test skips with a message, except
 * in CI, where scripts/setup.sh must have installed it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(__dirname, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const main = path.join(repoRoot, 'apps/cli/src/main.ts');
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT = path.join(os.tmpdir(), 'airfill-dashboard.png');

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium in CI`);
if (!hasChromium) console.warn(`skipping the dashboard browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
const browserTest = hasChromium ? it : it.skip;

jest.setTimeout(180_000);

// Embedded PostgreSQL runs as an unprivileged user when root: every folder above its data must be traversable.
const work = mkdtempSync(path.join(os.tmpdir(), 'airfill-serve-'));
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
const env = { ...process.env, INIT_CWD: work, DATABASE_URL: '' };

/** Starts `airfill serve` and resolves with the URL it prints. */
async function startServe(...args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(tsx, [main, 'serve', '--data-dir', dataDir, '--port', '0', ...args], { cwd: work, env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /airfill dashboard: (http:\/\/\S+\/)/.exec(stdout);
      if (found) resolve(found[1]!);
    });
    child.on('exit', (code) => reject(new Error(`airfill serve exited with ${code} before printing its URL:\n${stderr}`)));
  });
  return { child, url, output: () => `${stdout}${stderr}` };
}

let demoStderr = '';
beforeAll(() => {
  const demo = spawnSync(tsx, [main, 'demo', '--data-dir', dataDir], { cwd: work, env, encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`airfill demo failed (${demo.status}):\n${demo.stderr}`);
  demoStderr = demo.stderr;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('airfill serve', () => {
  it('is what the demo ends by suggesting', () => {
    expect(demoStderr).toContain(`see it on a map, sensor by sensor: pnpm airfill serve --data-dir ${dataDir}   then open http://127.0.0.1:8080/`);
  });

  browserTest('serves the dashboard on the demo data: 12 sensors on the map, a click shows the chart with filled points, no console errors', async () => {
    const server = await startServe();
    const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'airfill-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 1400 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems: string[] = [];
      const elsewhere: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
      });
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]');
      const markers = page.locator('path.sensor-marker');
      expect(await markers.count()).toBe(12);
      expect(await page.locator('#sensor-list button').count()).toBe(12);
      expect(await page.locator('#overview').textContent()).toMatch(/^12 sensors, \d+ healthy/);

      // Pick a sensor whose PM 2.5 the demo filled, and click its marker on the map.
      const device = await page.evaluate(async () => {
        const list = (await (await fetch('api/sensors')).json()) as { sensors: { deviceId: string; parameters: { parameter: string; imputed: number }[] }[] };
        return list.sensors.find((s) => s.parameters.some((p) => p.parameter === 'PM 2.5' && p.imputed > 0))!.deviceId;
      });
      await page.locator(`path.sensor-marker[data-device="${device}"]`).click({ force: true });
      await page.waitForSelector('#series-summary[data-filled]');
      expect(await page.locator('#sensor-heading').textContent()).toBe(`Sensor ${device}`);
      // Every parameter the sensor measures is there to pick; it opens on the first one filled.
      expect(await page.locator('#parameter option').allTextContents()).toEqual(['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature']);
      expect(await page.locator('#parameter').inputValue()).toBe('NO2');
      await page.selectOption('#parameter', 'PM 2.5');
      await page.locator('#series-summary', { hasText: /^720 readings/ }).waitFor();
      const filled = Number(await page.locator('#series-summary').getAttribute('data-filled'));
      expect(filled).toBeGreaterThan(0);
      expect(await page.locator('#series-summary').textContent()).toMatch(new RegExp(`720 readings: \\d+ observed, ${filled} filled, 0 still missing`));
      expect(await page.locator('#chart canvas').count()).toBe(1);
      expect(await page.locator('#runs tbody tr').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#runs tbody').textContent()).toMatch(/succeeded/);
      expect(await page.locator('#models').textContent()).toMatch(/PM 2\.5/);

      // The long window comes downsampled from the server.
      await page.selectOption('#range', '365');
      await page.locator('#series-summary', { hasText: 'downsampled on the server' }).waitFor();

      await page.selectOption('#range', '30');
      await page.locator('#series-summary', { hasText: /^720 readings/ }).waitFor();
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.warn(`dashboard screenshot: ${SCREENSHOT}`);
      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      server.child.kill('SIGINT');
    }
    const [code] = (await once(server.child, 'exit')) as [number | null];
    // 128 + SIGINT, as for any interrupted command; embedded PostgreSQL is stopped first.
    expect(code).toBe(130);
    expect(server.output()).toMatch(/SIGINT: stopping the server/);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('serves the API as JSON and, on SIGTERM, stops the server and embedded PostgreSQL', async () => {
    const server = await startServe('--host', '127.0.0.1');
    const status = (await (await fetch(`${server.url}api/status`)).json()) as { sensors: number; unfilled: number };
    expect(status.sensors).toBe(12);
    const missing = await fetch(`${server.url}api/series?device=nope&parameter=PM%202.5`);
    expect(missing.status).toBe(404);
    server.child.kill('SIGTERM');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(128 + 15);
    expect(server.output()).toMatch(/SIGTERM: stopping the server/);
    // Everything it started is stopped: embedded PostgreSQL too.
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('refuses a port that is not one, and a port in use, with exit 2 and a message', async () => {
    const bad = spawnSync(tsx, [main, 'serve', '--port', 'eighty', '--data-dir', dataDir], { cwd: work, env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"eighty" is not a port/);
    const first = await startServe();
    const port = new URL(first.url).port;
    const second = spawnSync(tsx, [main, 'serve', '--port', port, '--data-dir', `${dataDir}-other`], { cwd: work, env, encoding: 'utf8' });
    first.child.kill('SIGINT');
    await once(first.child, 'exit');
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is in use; pick another with --port`));
  });
});
