import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const main = path.join(repoRoot, 'apps/cli/src/main.ts');

/** What a finished `airfill` process left: its exit code and output. */
export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `airfill` as a user does, as a real process in `cwd`. With
 * `databaseUrl` it works on that database; without, on the default embedded
 * PostgreSQL (DATABASE_URL and the test server's URL removed from its
 * environment), in whatever `--data-dir` the arguments name.
 */
export function airfillIn(cwd: string, args: string[], options: { databaseUrl?: string; env?: Record<string, string> } = {}): Outcome {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: cwd, ...options.env };
  delete env.DATABASE_URL;
  delete env.AIRFILL_TEST_ADMIN_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const result = spawnSync(tsx, [main, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An expected failure reads as one `airfill: ...` sentence, without a stack trace. */
export function expectOneLineFailure(outcome: Outcome, message: RegExp): void {
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
  const lines = outcome.stderr.trim().split('\n').filter((line) => line.startsWith('airfill: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

/**
 * A fresh folder for a test's files and data dirs, open to other users
 * (mkdtemp makes it private): as root, the embedded server's `postgres`
 * user must reach the cluster in it, or the cluster would be relocated to
 * /var/lib/airfill (tested on its own) and outlive the test.
 */
export function workFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(folder, 0o755);
  return folder;
}
