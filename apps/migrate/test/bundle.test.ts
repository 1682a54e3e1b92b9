import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const app = path.resolve(__dirname, '..');
const repo = path.resolve(app, '../..');

/** Runs the built bundle in a fresh Node process, as the Lambda runtime would (AWS SDK clients from outside the bundle). */
function invokeBundle(event: unknown, env: Record<string, string>): { name: string; message: string } {
  const script = `require(${JSON.stringify(path.join(app, 'dist/index.js'))}).handler(${JSON.stringify(event)})
    .then((result) => console.log(JSON.stringify({ name: 'ok', message: JSON.stringify(result) })))
    .catch((error) => console.log(JSON.stringify({ name: error.name, message: error.message })));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repo, 'packages/pipeline/node_modules'), AIRFILL_LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as { name: string; message: string };
}

describe('the migrate bundle', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(repo, 'scripts/bundle-lambda.mjs')], { cwd: app, stdio: 'pipe' });
  }, 60_000);

  it('is one CommonJS file under 1 MB with the migrations beside it', () => {
    expect(statSync(path.join(app, 'dist/index.js')).size).toBeLessThan(1024 * 1024);
    expect(readdirSync(path.join(app, 'dist/migrations'))).toEqual(expect.arrayContaining(['0000_init.sql', 'meta']));
    expect(existsSync(path.join(app, 'dist/migrations/meta/_journal.json'))).toBe(true);
  });

  it('runs in a bare Node process and names a missing environment an InputError, in English', () => {
    const outcome = invokeBundle({}, {});
    expect(outcome.name).toBe('InputError');
    expect(outcome.message).toMatch(/invalid input/);
    expect(outcome.message).toMatch(/expected/i);
  });
});
