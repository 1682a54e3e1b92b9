import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the offline AWS provider lives on machines prepared for it (see MACHINE.md). */
export const PLUGIN_DIR = process.env.AIRFILL_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

/** Why `terraform validate` cannot run here, or undefined when it can. */
export function terraformUnavailableReason(): string | undefined {
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

/** Runs `terraform init -backend=false` (offline provider unless AIRFILL_TF_INIT=online), then `terraform validate -json`, in a stack dir. */
export function validateStack(dir: string): { valid: boolean; errorCount: number; warningCount: number; diagnostics: unknown[] } {
  const source = onlineInit() ? [] : [`-plugin-dir=${PLUGIN_DIR}`];
  execFileSync('terraform', ['init', '-backend=false', ...source, '-input=false', '-no-color'], { cwd: dir, env: terraformEnv(), stdio: 'pipe' });
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
