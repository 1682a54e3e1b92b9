import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');

/** Bundles a Lambda app (`apps/<name>`) with the project's bundler, as `pnpm build` does. */
export function buildBundle(app: string): void {
  execFileSync(process.execPath, [path.join(repo, 'scripts/bundle-lambda.mjs')], { cwd: app, stdio: 'pipe' });
}

/**
 * Runs an app's built bundle in a fresh Node process, as the Lambda runtime
 * would: only the AWS SDK clients come from outside the bundle. Returns the
 * handler's result, or the name and message of what it threw.
 */
export function invokeBundle(app: string, event: unknown, env: Record<string, string>): { name: string; message: string } {
  const script = `require(${JSON.stringify(path.join(app, 'dist/index.js'))}).handler(${JSON.stringify(event)})
    .then((result) => console.log(JSON.stringify({ name: 'ok', message: JSON.stringify(result) })))
    .catch((error) => console.log(JSON.stringify({ name: error.name, message: error.message })));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repo, 'packages/pipeline/node_modules'), AIRFILL_LOG_LEVEL: 'error', HOME: '/nonexistent',
      // Lambda runs Node 22; on this Node 20 the SDK would print its upgrade notice into the test run.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as { name: string; message: string };
}

/** A port nothing listens on on 127.0.0.1 (a database a bundle test's handler cannot reach). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Where a bundle test's handler finds no database (a closed port: connecting fails at once). */
const UNREACHABLE_DATABASE = { DB_HOST: '127.0.0.1', DB_PORT: '1', DB_NAME: 'airfill', DB_USER: 'airfill_app' };

/**
 * The two checks of a Task Lambda's bundle that need no AWS and no database:
 * a malformed event and a missing environment are `InputError`s by name, so
 * the state machine's Retry leaves them alone and its Catch records them.
 */
export function describeBundleInputErrors(name: string, app: string, input: { event: unknown; env: Record<string, string>; usesDatabase: boolean }): void {
  const env = { ...input.env, ...(input.usesDatabase ? UNREACHABLE_DATABASE : {}), AWS_REGION: 'eu-west-1' };
  describe(`the ${name} bundle`, () => {
    beforeAll(() => {
      buildBundle(app);
    }, 60_000);

    it('reports a malformed event as an InputError, by name, so the state machine does not retry it', () => {
      expect(invokeBundle(app, input.event, env).name).toBe('InputError');
    });

    it('reports a missing environment variable as an InputError naming it', () => {
      expect(invokeBundle(app, input.event, { AWS_REGION: 'eu-west-1' })).toEqual({ name: 'InputError', message: expect.stringContaining('AIRFILL_ENV') });
    });
  });
}
