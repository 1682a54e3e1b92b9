import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Where the offline AWS provider lives on machines prepared for it (see MACHINE.md). */
export const PLUGIN_DIR = process.env.AIRFILL_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

/**
 * Why Terraform's own checks cannot run here, or undefined when they can. Where
 * Terraform is required (GitHub Actions sets AIRFILL_REQUIRE_TERRAFORM=true after
 * installing it) a missing Terraform is an error, never a skip.
 */
export function terraformUnavailableReason(): string | undefined {
  const reason = findUnavailableReason();
  if (reason && process.env.AIRFILL_REQUIRE_TERRAFORM === 'true') {
    throw new Error(`AIRFILL_REQUIRE_TERRAFORM is set but Terraform cannot run: ${reason}`);
  }
  return reason;
}

function findUnavailableReason(): string | undefined {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore', env: terraformEnv() });
  } catch {
    return 'terraform is not on PATH';
  }
  if (!onlineInit() && !existsSync(`${PLUGIN_DIR}/registry.terraform.io/hashicorp/aws`)) {
    return `the AWS provider is not in ${PLUGIN_DIR} (set AIRFILL_TF_PLUGIN_DIR to an offline plugin dir, or AIRFILL_TF_INIT=online to download it)`;
  }
  return undefined;
}

/** CI installs Terraform and lets `init` download the provider (AIRFILL_TF_INIT=online). */
function onlineInit(): boolean {
  return process.env.AIRFILL_TF_INIT === 'online';
}

/** Environment for terraform runs: no user CLI config, no checkpoint calls, no prompts. */
export function terraformEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
}

/** `terraform validate -json` in an initialised directory. */
export function validateInitialised(dir: string): { valid: boolean; errorCount: number; warningCount: number; diagnostics: unknown[] } {
  let output: string;
  try {
    output = execFileSync('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env: terraformEnv(), encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    // validate exits 1 on an invalid configuration but still prints its JSON report.
    output = (error as { stdout?: string }).stdout ?? '';
  }
  const report = JSON.parse(output) as { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  return { valid: report.valid, errorCount: report.error_count, warningCount: report.warning_count, diagnostics: report.diagnostics };
}

/**
 * `terraform plan` of a synthesized stack without AWS: a copy of the stack
 * with the backend removed, the account guard lifted and the provider told not
 * to call AWS (dummy credentials, skip_* flags). Nothing is refreshed, so the
 * plan shows what a first apply would create and catches plan-time errors
 * that validate cannot see. Returns terraform's summary counts.
 */
export function planOffline(stackDir: string, workDir: string): { add: number; change: number; destroy: number; output: string } {
  cpSync(stackDir, workDir, { recursive: true, filter: (source) => !source.includes(`${sep}.terraform`) });
  const file = join(workDir, 'cdk.tf.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    terraform: { backend?: unknown };
    provider: { aws: Record<string, unknown>[] };
  };
  delete config.terraform.backend;
  for (const provider of config.provider.aws) {
    delete provider.allowed_account_ids;
    Object.assign(provider, {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
    });
  }
  writeFileSync(file, JSON.stringify(config));
  const env = { ...terraformEnv(), AWS_ACCESS_KEY_ID: 'offline-plan', AWS_SECRET_ACCESS_KEY: 'offline-plan', AWS_EC2_METADATA_DISABLED: 'true' };
  const source = onlineInit() ? [] : [`-plugin-dir=${PLUGIN_DIR}`];
  execFileSync('terraform', ['init', ...source, '-input=false', '-no-color'], { cwd: workDir, env, stdio: 'pipe' });
  const output = execFileSync('terraform', ['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false'], { cwd: workDir, env, encoding: 'utf8', stdio: 'pipe' });
  const summary = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(output);
  if (!summary) throw new Error(`no plan summary in terraform output:\n${output.slice(-2000)}`);
  return { add: Number(summary[1]), change: Number(summary[2]), destroy: Number(summary[3]), output };
}

/** One `assert` block of a Terraform test: an HCL expression over the planned resources. */
export interface PlanAssertion {
  condition: string;
  message: string;
}

/**
 * `terraform test` of a synthesized stack with `mock_provider "aws" {}`: a full
 * plan without AWS (no credentials, nothing refreshed), so every expression and
 * reference is evaluated, past what `validate` checks, and the assertions are
 * checked against the planned values. Runs in a copy without the backend.
 */
export function testPlanWithMockProvider(
  stackDir: string,
  workDir: string,
  assertions: PlanAssertion[],
): { passed: boolean; output: string; validation: ReturnType<typeof validateInitialised> } {
  cpSync(stackDir, workDir, { recursive: true, filter: (source) => !source.includes(`${sep}.terraform`) });
  const file = join(workDir, 'cdk.tf.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { terraform: { backend?: unknown } };
  delete config.terraform.backend;
  writeFileSync(file, JSON.stringify(config));
  const hcl = (text: string) => JSON.stringify(text);
  const asserts = assertions.map((a) => `  assert {\n    condition     = ${a.condition}\n    error_message = ${hcl(a.message)}\n  }`).join('\n');
  mkdirSync(join(workDir, 'tests'), { recursive: true });
  writeFileSync(join(workDir, 'tests', 'plan.tftest.hcl'), `mock_provider "aws" {}\n\nrun "plan" {\n  command = plan\n${asserts}\n}\n`);
  const source = onlineInit() ? [] : [`-plugin-dir=${PLUGIN_DIR}`];
  execFileSync('terraform', ['init', '-backend=false', ...source, '-input=false', '-no-color'], { cwd: workDir, env: terraformEnv(), stdio: 'pipe' });
  // One init serves both: validate the copy, then plan it under test.
  const validation = validateInitialised(workDir);
  try {
    const output = execFileSync('terraform', ['test', '-no-color'], { cwd: workDir, env: terraformEnv(), encoding: 'utf8', stdio: 'pipe' });
    return { passed: /Success! 1 passed, 0 failed/.test(output), output, validation };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { passed: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`, validation };
  }
}
