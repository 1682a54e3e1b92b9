/**
 * The Lambda bundler swaps the AWS credential provider chain of the RDS
 * signer for the environment provider (scripts/bundle-lambda.mjs). This
 * bundles the pool's token signing exactly as the Lambdas get it and runs it
 * in a bare Node process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const pkg = path.resolve(__dirname, '..');
const repo = path.resolve(pkg, '../..');
const outdir = mkdtempSync(path.join(tmpdir(), 'airfill-bundle-'));

function sign(env: Record<string, string>): { ok: boolean; value: string } {
  const script = `require(${JSON.stringify(path.join(outdir, 'index.js'))}).token()
    .then((value) => console.log(JSON.stringify({ ok: true, value })))
    .catch((error) => console.log(JSON.stringify({ ok: false, value: error.name + ': ' + error.message })));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent',
      // Lambda runs Node 22; on this Node 20 the SDK would print its upgrade notice into the test run.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_PATH: path.join(pkg, 'node_modules'), ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as { ok: boolean; value: string };
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repo, 'scripts/bundle-lambda.mjs'), '--entry', 'test/fixtures/iam-token.ts', '--outdir', outdir], { cwd: pkg, stdio: 'pipe' });
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('IAM database tokens in a Lambda bundle', () => {
  it('leaves the SDK credential chain (SSO, STS, Cognito) out of the bundle', () => {
    const code = readFileSync(path.join(outdir, 'index.js'), 'utf8');
    expect(code).toContain('AWS_SECRET_ACCESS_KEY');
    expect(code).not.toContain('AssumeRoleWithWebIdentity');
    expect(code).not.toContain('GetCredentialsForIdentity');
  });

  it('signs with the role credentials Lambda puts in the environment', () => {
    const result = sign({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' });
    expect(result.ok).toBe(true);
    expect(result.value).toMatch(/^db\.example\.internal:5432\/\?Action=connect&DBUser=airfill_app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F\d{8}%2Feu-west-1%2Frds-db%2Faws4_request/);
    expect(result.value).toContain('X-Amz-Security-Token=session');
  });

  it('fails, naming the credentials, when the environment has none', () => {
    const result = sign({});
    expect(result.ok).toBe(false);
    expect(result.value).toMatch(/credentials/i);
  });
});
