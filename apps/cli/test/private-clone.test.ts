/**
 * The whole thing as root in a private folder, the way a user meets it:
 * clone the repository into a `mktemp -d` folder (mode 700, like /root),
 * install offline from the lockfile, and run the demo there. The postgres
 * user the embedded server runs as cannot reach anything in that folder;
 * the binaries are staged and the cluster relocated (packages/db/src/embedded).
 * It clones what is committed (HEAD), not the working tree.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POINTER_FILE } from '@airfill/db';

const asRoot = process.getuid?.() === 0;
const repoRoot = path.resolve(__dirname, '../../..');
if (!asRoot) process.stderr.write('not root: skipping the demo in a cloned private folder (it tests what root meets in /root)\n');

(asRoot ? describe : describe.skip)('a clone in a private folder, as root', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'airfill-clone-'));
  const clone = path.join(folder, 'airfill');
  afterAll(() => {
    const pointer = path.join(clone, '.airfill', POINTER_FILE);
    // The relocated cluster lives outside the folder: remove it too, once the demo has stopped it.
    if (existsSync(pointer)) rmSync(readFileSync(pointer, 'utf8').trim(), { recursive: true, force: true });
    // The clone's node_modules is tens of thousands of links: let rm take its time after the test is done.
    spawn('rm', ['-rf', folder], { detached: true, stdio: 'ignore' }).unref();
  });

  it('installs offline and runs the demo to exit code 0', () => {
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone], { stdio: 'pipe' });
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    delete env.DATABASE_URL;
    delete env.AIRFILL_TEST_ADMIN_URL;
    delete env.INIT_CWD;
    const install = spawnSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter=silent'], { cwd: clone, env, encoding: 'utf8' });
    expect({ code: install.status, stderr: install.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const demo = spawnSync('pnpm', ['--silent', 'airfill', 'demo'], { cwd: clone, env, encoding: 'utf8' });
    expect({ code: demo.status, stderr: demo.stderr.split('\n').filter((line) => line.startsWith('airfill:')) }).toEqual({ code: 0, stderr: [] });
    // 187 readings the sample lacks, and 2 spikes quality control sets aside before the fill.
    expect(demo.stdout).toMatch(/^PM 2\.5 +succeeded +189 +189 +189 +0 +0$/m);
    expect(demo.stdout).toMatch(/^all filled +[\d,]+ +[\d,]+ +0 *$/m);
    expect(demo.stderr).toMatch(/note: the postgres user cannot reach .*\/\.airfill \(a folder above it is private\); its embedded cluster lives in \/var\/lib\/airfill\/clusters\//);
  }, 120_000);
});
