import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/assets/lambda-bundles';
import { loadAllEnvironmentConfigs } from '../src/config';

/** The parts of a workflow these tests read. */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
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
      expect(step.with).toMatchObject({ 'role-to-assume': expect.stringMatching(/^\$\{\{ (vars\.|env\.|inputs\.)/) });
    }
  });

  it.each(files)('%s pins every action to a full commit SHA (a tag can be moved), with the tag it is in a comment', (file) => {
    const uses = steps(load(file)).filter((step) => step.uses && !step.uses.startsWith('./'));
    // deploy.yml only calls the reusable workflow; the other two use actions.
    expect(uses.length > 0).toBe(file !== 'deploy.yml');
    for (const step of uses) expect(step.uses).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+@[0-9a-f]{40}$/);
    for (const line of text(file).split('\n').filter((l) => /uses: [a-z]/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it.each(files)('%s fetches no unlocked package: no dlx, npx or @latest, pnpm installs from the lockfile', (file) => {
    const runs = steps(load(file)).map((s) => s.run ?? '').join('\n');
    expect(runs).not.toMatch(/\b(dlx|npx)\b|@latest/);
    for (const install of runs.split('\n').filter((l) => /pnpm install/.test(l))) expect(install).toMatch(/--frozen-lockfile/);
    for (const global of runs.split('\n').filter((l) => /npm install --global/.test(l))) expect(global).toMatch(/"pnpm@\$PNPM_VERSION"/);
  });

  it.each(files)('%s grants read-only contents by default and id-token: write only where a role is assumed', (file) => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual(file === 'deploy-environment.yml' ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' });
    for (const step of steps(workflow).filter((s) => s.uses?.startsWith('actions/checkout'))) expect(step.with).toMatchObject({ 'persist-credentials': false });
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

  it('installs, lints, typechecks, tests and synthesizes, with Terraform required (its tests cannot skip)', () => {
    const check = ci.jobs.check!;
    const runs = (check.steps ?? []).map((s) => s.run).filter(Boolean);
    const order = ['pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm typecheck', 'pnpm test:all', 'pnpm synth'].map((r) => runs.indexOf(r));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(check.env).toMatchObject({ AIRFILL_REQUIRE_TERRAFORM: 'true', AIRFILL_TF_INIT: 'online' });
    expect(check.steps!.some((s) => s.uses?.startsWith('hashicorp/setup-terraform'))).toBe(true);
  });

  it('plans each environment read-only, without a lock, and never prod from a pull request', () => {
    const plan = ci.jobs.plan!;
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect((plan as unknown as { strategy: { matrix: { include: { environment: string }[] } } }).strategy.matrix.include.map((m) => m.environment)).toEqual(['dev', 'staging', 'prod']);
    expect(plan.env!.PLAN_ROLE_ARN).toBe("${{ (github.event_name == 'push' || matrix.environment != 'prod') && vars[matrix.role] || '' }}");
    const guarded = plan.steps!.filter((s) => s.name !== 'Skip without a plan role');
    for (const step of guarded) expect(step.if).toBe("env.PLAN_ROLE_ARN != ''");
    expect(guarded.at(-1)!.run).toMatch(/terraform plan .*-lock=false/);
  });

  it('excludes from pull-request plans exactly the environments whose plan role does not trust pull requests', () => {
    const excluded = loadAllEnvironmentConfigs().filter((c) => !c.ci.planFromPullRequests).map((c) => c.name);
    expect(excluded).toEqual(['prod']);
    expect(ci.jobs.plan!.env!.PLAN_ROLE_ARN).toContain(`matrix.environment != '${excluded[0]}'`);
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');
  const perEnvironment = load('deploy-environment.yml');
  const stepNamed = (job: Job, name: string) => job.steps!.find((s) => s.name === name)!;

  it('deploys only the commit CI passed, after CI succeeded on a push to main', () => {
    expect(deploy.on).toEqual({ workflow_run: { workflows: ['ci'], types: ['completed'], branches: ['main'] } });
    expect(deploy.jobs.dev!.if).toBe("github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'");
    for (const env of ['dev', 'staging', 'prod']) expect(deploy.jobs[env]!.with).toMatchObject({ environment: env, ref: '${{ github.event.workflow_run.head_sha }}' });
    const checkout = perEnvironment.jobs.plan!.steps!.find((s) => s.uses?.startsWith('actions/checkout'))!;
    expect(checkout.with).toMatchObject({ ref: '${{ inputs.ref }}' });
  });

  it('deploys dev, then staging, then prod, one deploy per environment at a time, never cancelling an apply', () => {
    expect(deploy.jobs.staging).toMatchObject({ needs: 'dev' });
    expect(deploy.jobs.prod).toMatchObject({ needs: 'staging' });
    for (const env of ['dev', 'staging', 'prod']) {
      expect(deploy.jobs[env]).toMatchObject({ uses: './.github/workflows/deploy-environment.yml', concurrency: { group: `deploy-${env}`, 'cancel-in-progress': false } });
    }
  });

  it('plans with the read-only role, shows the plan and saves it with its configuration as an artifact', () => {
    const plan = perEnvironment.jobs.plan!;
    expect(plan.environment).toBeUndefined();
    const credentials = plan.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
    expect(credentials.with!['role-to-assume']).toBe('${{ inputs.plan-role }}');
    expect(stepNamed(plan, 'Refuse placeholder config').run).toMatch(/preflight/);
    const run = stepNamed(plan, 'terraform plan -out').run!;
    expect(run).toMatch(/terraform plan .*-lock=false -out=tfplan/);
    expect(run).toMatch(/terraform show -no-color tfplan.*GITHUB_STEP_SUMMARY/s);
    const upload = plan.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toMatchObject({ name: 'plan-${{ inputs.environment }}', 'include-hidden-files': true, 'if-no-files-found': 'error' });
  });

  it('applies that same plan file, inside the GitHub environment whose reviewers gate staging and prod', () => {
    const apply = perEnvironment.jobs.apply!;
    expect(apply.needs).toBe('plan');
    expect(apply.environment).toBe('${{ inputs.environment }}');
    const download = apply.steps!.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ name: 'plan-${{ inputs.environment }}' });
    const credentials = apply.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
    expect(credentials.with!['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    const run = stepNamed(apply, 'terraform apply (the saved plan)').run!;
    expect(run).toMatch(/terraform apply -input=false -no-color tfplan$/m);
    expect(run).not.toMatch(/auto-approve|cdktf/);
    expect(apply.steps!.indexOf(download)).toBeLessThan(apply.steps!.indexOf(stepNamed(apply, 'terraform apply (the saved plan)')));
  });
});
