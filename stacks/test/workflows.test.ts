import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/assets/lambda-bundles';

/** The parts of a workflow these tests read. */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string | { name: string };
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  steps?: Step[];
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const dir = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(dir).filter((file) => /\.ya?ml$/.test(file));
const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const load = (file: string) => parse(text(file), { uniqueKeys: true, strict: true }) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

describe('GitHub workflow files', () => {
  it('has ci, deploy and the reusable per-environment deploy', () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy-environment.yml', 'deploy.yml']);
  });

  it.each(files)('%s satisfies the GitHub workflow JSON schema', (file) => {
    expect(validateWorkflow(text(file)).errors).toEqual([]);
  });

  it('the schema check rejects a malformed workflow (so the check above can fail)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions:\n      id-token: sometimes\n    steps:\n      - uses: actions/checkout@v4\n        wiht: {}\n';
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it.each(files)('%s stores no AWS keys and reaches AWS only by assuming a role through OIDC', (file) => {
    const content = text(file);
    expect(content).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AKIA[0-9A-Z]{16}/);
    expect(content).not.toMatch(/secrets\.AWS/);
    for (const step of steps(load(file)).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))) {
      expect(step.with).toMatchObject({ 'role-to-assume': expect.stringMatching(/^\$\{\{ (vars\.|env\.)/) });
    }
  });

  it.each(files)('%s pins every action to a version, never a branch', (file) => {
    for (const step of steps(load(file))) {
      if (step.uses && !step.uses.startsWith('./')) expect(step.uses).toMatch(/@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
    }
  });

  it.each(files)('%s grants read-only contents by default and id-token: write only where a role is assumed', (file) => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual(file === 'deploy-environment.yml' ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' });
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const assumesRole = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials')) || job.uses !== undefined;
      if (job.permissions?.['id-token'] === 'write') expect({ name, assumesRole }).toEqual({ name, assumesRole: true });
    }
  });
});

describe('ci.yml', () => {
  const ci = load('ci.yml');

  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
  });

  it('installs, lints, typechecks, tests and synthesizes', () => {
    const runs = (ci.jobs.check!.steps ?? []).map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(['pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm typecheck', 'pnpm test:all', 'pnpm synth']));
    const order = ['pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm typecheck', 'pnpm test:all', 'pnpm synth'].map((r) => runs.indexOf(r));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('runs terraform validate with a real Terraform', () => {
    const job = ci.jobs['terraform-validate']!;
    expect(job.env).toMatchObject({ AIRFILL_TF_INIT: 'online' });
    expect(job.steps!.some((s) => s.uses?.startsWith('hashicorp/setup-terraform'))).toBe(true);
    expect(job.steps!.map((s) => s.run)).toContain('pnpm exec jest stacks/test/terraform-validate.test.ts');
  });

  it('plans each environment only where its plan role is configured', () => {
    const plan = ci.jobs.plan!;
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect((plan as unknown as { strategy: { matrix: { include: { environment: string }[] } } }).strategy.matrix.include.map((m) => m.environment)).toEqual(['dev', 'staging', 'prod']);
    const guarded = plan.steps!.filter((s) => s.name !== 'Skip without a plan role');
    for (const step of guarded) expect(step.if).toBe("env.PLAN_ROLE_ARN != ''");
    expect(guarded.at(-1)!.run).toMatch(/terraform plan/);
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');
  const perEnvironment = load('deploy-environment.yml');

  it('deploys dev on every push to main, then staging, then prod', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.jobs.dev).toMatchObject({ uses: './.github/workflows/deploy-environment.yml', with: { environment: 'dev' } });
    expect(deploy.jobs.staging).toMatchObject({ needs: 'dev', with: { environment: 'staging' } });
    expect(deploy.jobs.prod).toMatchObject({ needs: 'staging', with: { environment: 'prod' } });
  });

  it('deploys inside the GitHub environment, so its required reviewers gate staging and prod', () => {
    const job = perEnvironment.jobs.deploy!;
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect(perEnvironment.on).toEqual({ workflow_call: { inputs: { environment: { type: 'string', required: true } } } });
  });

  it('keeps one deploy at a time per environment, never cancelling a running apply', () => {
    expect(perEnvironment.jobs.deploy!.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
  });

  it("assumes the environment's deploy role and runs cdktf deploy of that environment's stack", () => {
    const job = perEnvironment.jobs.deploy!;
    const credentials = job.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
    expect(credentials.with!['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(job.env!.STACK).toBe('airfill-${{ inputs.environment }}');
    const deployStep = job.steps!.find((s) => s.name === 'cdktf deploy')!;
    expect(deployStep.run).toMatch(/cdktf-cli@0\.21\.0 deploy "\$STACK" --auto-approve/);
    expect(job.steps!.indexOf(credentials)).toBeLessThan(job.steps!.indexOf(deployStep));
  });
});
